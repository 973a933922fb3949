package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"strings"
)

// setupAlphabet leaves out what is easy to mix up when copied from a
// terminal (0/O, 1/I/L).
const setupAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewSetupCode returns a one-time first-run setup code: 15 characters in
// groups of five (about 74 bits), e.g. "KQ7ZM-4TXC9-PWDRA".
func NewSetupCode() (string, error) {
	var out strings.Builder
	n := 0
	buf := make([]byte, 32)
	for n < 15 {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, c := range buf {
			// Rejection sampling keeps every character equally likely.
			if n == 15 || int(c) >= 256/len(setupAlphabet)*len(setupAlphabet) {
				continue
			}
			if n > 0 && n%5 == 0 {
				out.WriteByte('-')
			}
			out.WriteByte(setupAlphabet[int(c)%len(setupAlphabet)])
			n++
		}
	}
	return out.String(), nil
}

// SetupCodeMatches compares a typed code with the real one, ignoring case,
// spaces and dashes, in constant time.
func SetupCodeMatches(typed, code string) bool {
	norm := func(s string) string {
		return strings.ToUpper(strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '\t' {
				return -1
			}
			return r
		}, s))
	}
	a, b := norm(typed), norm(code)
	return b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
