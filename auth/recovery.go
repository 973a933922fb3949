package auth

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
)

// RecoveryCodeCount is how many recovery codes a user is given at a time.
const RecoveryCodeCount = 10

var base32NoPad = base32.StdEncoding.WithPadding(base32.NoPadding)

// recoveryAlphabet has no 0/O or 1/I/L to misread.
const recoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// NewRecoveryCodes returns RecoveryCodeCount fresh codes (shown once) and
// their argon2id hashes (stored). Each code is ten characters, about 49
// bits, written xxxxx-xxxxx.
func NewRecoveryCodes(ctx context.Context) (codes, hashes []string, err error) {
	for range RecoveryCodeCount {
		code, err := recoveryCode()
		if err != nil {
			return nil, nil, err
		}
		h, err := HashPassword(ctx, NormalizeRecoveryCode(code))
		if err != nil {
			return nil, nil, err
		}
		codes = append(codes, code)
		hashes = append(hashes, h)
	}
	return codes, hashes, nil
}

// NormalizeRecoveryCode is the form a recovery code is hashed in: lower
// case, without spaces or dashes.
func NormalizeRecoveryCode(code string) string {
	return strings.ToLower(NormalizeCode(code))
}

// LooksLikeRecoveryCode tells a recovery code from an authenticator code.
func LooksLikeRecoveryCode(code string) bool {
	c := NormalizeRecoveryCode(code)
	if len(c) != 10 {
		return false
	}
	for _, r := range c {
		if !strings.ContainsRune(recoveryAlphabet, r) {
			return false
		}
	}
	return true
}

// recoveryCode draws ten characters uniformly from recoveryAlphabet
// (bytes past the last whole multiple of its length are drawn again).
func recoveryCode() (string, error) {
	const limit = 256 - 256%len(recoveryAlphabet)
	var b strings.Builder
	buf := make([]byte, 1)
	for n := 0; n < 10; {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("auth: recovery code: %w", err)
		}
		if int(buf[0]) >= limit {
			continue
		}
		if n == 5 {
			b.WriteByte('-')
		}
		b.WriteByte(recoveryAlphabet[int(buf[0])%len(recoveryAlphabet)])
		n++
	}
	return b.String(), nil
}
