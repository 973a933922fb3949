package auth

import (
	"context"
	"encoding/base32"
	"testing"
	"time"

	"github.com/pquerna/otp"
)

// RFC 6238 appendix B: 8-digit codes of the three seeds at six times.
func TestTOTPMatchesRFC6238AppendixB(t *testing.T) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	seeds := map[otp.Algorithm]string{
		otp.AlgorithmSHA1:   enc.EncodeToString([]byte("12345678901234567890")),
		otp.AlgorithmSHA256: enc.EncodeToString([]byte("12345678901234567890123456789012")),
		otp.AlgorithmSHA512: enc.EncodeToString([]byte("1234567890123456789012345678901234567890123456789012345678901234")),
	}
	vectors := []struct {
		unix int64
		alg  otp.Algorithm
		want string
	}{
		{59, otp.AlgorithmSHA1, "94287082"}, {59, otp.AlgorithmSHA256, "46119246"}, {59, otp.AlgorithmSHA512, "90693936"},
		{1111111109, otp.AlgorithmSHA1, "07081804"}, {1111111109, otp.AlgorithmSHA256, "68084774"}, {1111111109, otp.AlgorithmSHA512, "25091201"},
		{1111111111, otp.AlgorithmSHA1, "14050471"}, {1111111111, otp.AlgorithmSHA256, "67062674"}, {1111111111, otp.AlgorithmSHA512, "99943326"},
		{1234567890, otp.AlgorithmSHA1, "89005924"}, {1234567890, otp.AlgorithmSHA256, "91819424"}, {1234567890, otp.AlgorithmSHA512, "93441116"},
		{2000000000, otp.AlgorithmSHA1, "69279037"}, {2000000000, otp.AlgorithmSHA256, "90698825"}, {2000000000, otp.AlgorithmSHA512, "38618901"},
		{20000000000, otp.AlgorithmSHA1, "65353130"}, {20000000000, otp.AlgorithmSHA256, "77737706"}, {20000000000, otp.AlgorithmSHA512, "47863826"},
	}
	for _, v := range vectors {
		got, err := totpCode(seeds[v.alg], v.unix/totpPeriod, otp.DigitsEight, v.alg)
		if err != nil {
			t.Fatal(err)
		}
		if got != v.want {
			t.Errorf("T=%d %s: code %s, want %s", v.unix, v.alg, got, v.want)
		}
	}
	// The 6-digit codes wadesk uses are the last six digits of the same
	// values (RFC 4226's truncation).
	sha1Seed := seeds[otp.AlgorithmSHA1]
	step, ok := MatchTOTP(sha1Seed, "287082", time.Unix(59, 0))
	if !ok || step != 1 {
		t.Errorf("MatchTOTP(287082 at T=59) = %d, %t; want step 1", step, ok)
	}
	if _, ok := MatchTOTP(sha1Seed, "005924", time.Unix(1234567890, 0)); !ok {
		t.Error("MatchTOTP(005924 at T=1234567890) refused the RFC's code")
	}
}

func TestTOTPSkewIsOneStep(t *testing.T) {
	e, err := NewTOTP("wadesk", "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
	}{{0, true}, {-30 * time.Second, true}, {30 * time.Second, true}, {-60 * time.Second, false}, {60 * time.Second, false}} {
		code, err := CurrentTOTP(e.Secret, now.Add(tc.offset))
		if err != nil {
			t.Fatal(err)
		}
		step, ok := MatchTOTP(e.Secret, code, now)
		if ok != tc.ok {
			t.Errorf("code from %v away: accepted=%t, want %t", tc.offset, ok, tc.ok)
		}
		if ok && step != now.Add(tc.offset).Unix()/30 {
			t.Errorf("code from %v away matched step %d", tc.offset, step)
		}
	}
	if _, ok := MatchTOTP(e.Secret, "12345", now); ok {
		t.Error("a 5-digit code was accepted")
	}
	code, _ := CurrentTOTP(e.Secret, now)
	if _, ok := MatchTOTP(e.Secret, code[:3]+" "+code[3:], now); !ok {
		t.Error("a code typed with a space was refused")
	}
}

func TestTOTPQRCodeIsAPNG(t *testing.T) {
	e, err := NewTOTP("wadesk (shop.example)", "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	url, err := e.QRCode(200)
	if err != nil {
		t.Fatal(err)
	}
	if len(url) < 200 || url[:22] != "data:image/png;base64," {
		t.Errorf("QR code = %.40q…", url)
	}
	again := TOTPEnrolmentFor("wadesk (shop.example)", "ada@example.com", e.Secret)
	if again.URL != e.URL {
		t.Errorf("rebuilt URL %q, want %q", again.URL, e.URL)
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, hashes, err := NewRecoveryCodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 || len(hashes) != 10 {
		t.Fatalf("got %d codes, %d hashes", len(codes), len(hashes))
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] || !LooksLikeRecoveryCode(c) {
			t.Errorf("code %q is malformed or repeated", c)
		}
		seen[c] = true
		ok, err := CheckPassword(context.Background(), hashes[i], NormalizeRecoveryCode(" "+c[:5]+" "+c[6:]))
		if err != nil || !ok {
			t.Errorf("code %q does not match its hash: %v", c, err)
		}
	}
	if LooksLikeRecoveryCode("123456") {
		t.Error("an authenticator code looks like a recovery code")
	}
}

func TestDescribeUserAgent(t *testing.T) {
	for _, tc := range []struct{ ua, browser, os string }{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge", "Windows"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari", "iOS"},
		{"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox", "Linux"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome", "Android"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15", "Safari", "macOS"},
		{"curl/8.5.0", "Unknown browser", "unknown system"},
	} {
		b, o := DescribeUserAgent(tc.ua)
		if b != tc.browser || o != tc.os {
			t.Errorf("%q: %s on %s, want %s on %s", tc.ua, b, o, tc.browser, tc.os)
		}
	}
}
