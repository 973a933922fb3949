package auth

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: what every authenticator app understands (RFC 6238's
// defaults): 6 digits, HMAC-SHA1, 30-second steps.
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	// totpSkew is how many steps before and after now are accepted, for a
	// phone whose clock is a little off.
	totpSkew = 1
)

// TOTPEnrolment is a new authenticator secret and what the enrolment page
// shows of it.
type TOTPEnrolment struct {
	// Secret is the base32 secret, to type in by hand.
	Secret string
	// URL is the otpauth:// address the QR code carries.
	URL string
}

// NewTOTP returns a new random secret for the account (an email address)
// at issuer (the console's name as the app should show it).
func NewTOTP(issuer, account string) (TOTPEnrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: account, Period: totpPeriod, Digits: totpDigits,
		Algorithm: otp.AlgorithmSHA1, SecretSize: 20,
	})
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("auth: new authenticator secret: %w", err)
	}
	return TOTPEnrolment{Secret: key.Secret(), URL: key.URL()}, nil
}

// TOTPEnrolmentFor rebuilds the enrolment of a stored secret.
func TOTPEnrolmentFor(issuer, account, secret string) TOTPEnrolment {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: account, Period: totpPeriod, Digits: totpDigits,
		Algorithm: otp.AlgorithmSHA1, Secret: mustBase32(secret),
	})
	if err != nil {
		return TOTPEnrolment{Secret: secret}
	}
	return TOTPEnrolment{Secret: key.Secret(), URL: key.URL()}
}

// QRCode returns the enrolment's QR code as a PNG data: URL, drawn here
// (no outside service ever sees the secret).
func (e TOTPEnrolment) QRCode(size int) (string, error) {
	key, err := otp.NewKeyFromURL(e.URL)
	if err != nil {
		return "", fmt.Errorf("auth: QR code: %w", err)
	}
	img, err := key.Image(size, size)
	if err != nil {
		return "", fmt.Errorf("auth: QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("auth: QR code: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// FormatSecret groups a base32 secret in fours, as people type it.
func FormatSecret(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MatchTOTP checks a code against the secret at now, allowing one step of
// clock skew either way. It returns the time step the code belongs to,
// which the caller stores so the same code is not accepted twice.
func MatchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = NormalizeCode(code)
	if len(code) != totpDigits.Length() {
		return 0, false
	}
	cur := now.Unix() / totpPeriod
	matched := int64(0)
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		want, err := totpCode(secret, s, totpDigits, otp.AlgorithmSHA1)
		if err != nil {
			return 0, false
		}
		// Compare every candidate in constant time and keep going, so the
		// timing says nothing about which step matched.
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && matched == 0 {
			matched = s
		}
	}
	return matched, matched != 0
}

// CurrentTOTP returns the code of secret at t (for tests and tools).
func CurrentTOTP(secret string, t time.Time) (string, error) {
	return totpCode(secret, t.Unix()/totpPeriod, totpDigits, otp.AlgorithmSHA1)
}

func totpCode(secret string, step int64, digits otp.Digits, alg otp.Algorithm) (string, error) {
	return totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totp.ValidateOpts{
		Period: totpPeriod, Digits: digits, Algorithm: alg,
	})
}

// NormalizeCode drops the spaces and dashes people type or paste in a code.
func NormalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '\t':
			return -1
		}
		return r
	}, strings.TrimSpace(code))
}

func mustBase32(secret string) []byte {
	b, err := base32NoPad.DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil {
		return nil
	}
	return b
}
