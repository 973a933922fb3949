package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/auth"
)

func TestHashAndCheck(t *testing.T) {
	ctx := context.Background()
	h, err := auth.HashPassword(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q lacks OWASP minimum parameters", h)
	}
	h2, _ := auth.HashPassword(ctx, "correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal (salt not random)")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"", false},
		{"correct horse battery ", false},
	} {
		ok, err := auth.CheckPassword(ctx, h, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
}

func TestCheckRejectsMalformedHashes(t *testing.T) {
	for _, h := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$c2hvcnQ",
	} {
		if _, err := auth.CheckPassword(context.Background(), h, "x"); !errors.Is(err, auth.ErrBadHash) {
			t.Errorf("CheckPassword(%q) err = %v, want ErrBadHash", h, err)
		}
	}
}

func TestPasswordRules(t *testing.T) {
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"short", false},
		{"          ", false},
		{"long enough pw", true},
		{strings.Repeat("x", 257), false},
		{"ñandú-ñandú", true},
	} {
		if got := auth.CheckPasswordRules(tc.pw) == ""; got != tc.ok {
			t.Errorf("CheckPasswordRules(%q) ok = %v, want %v", tc.pw, got, tc.ok)
		}
	}
}

func TestThrottlePerAccount(t *testing.T) {
	now := time.Unix(0, 0)
	th := auth.NewThrottle(auth.ThrottleConfig{AccountBurst: 3, AccountEvery: time.Minute, AddrBurst: 100, Now: func() time.Time { return now }})
	for i := range 3 {
		if ok, _ := th.Allow("Ana@example.com", "10.0.0.1"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, wait := th.Allow("ana@EXAMPLE.com ", "10.0.0.2") // same account, other case and address
	if ok || wait <= 0 || wait > time.Minute {
		t.Fatalf("4th attempt: ok=%v wait=%v, want refused with a wait up to 1m", ok, wait)
	}
	// Hammering while locked out must not push the wait further out.
	for range 50 {
		th.Allow("ana@example.com", "10.0.0.3")
	}
	now = now.Add(time.Minute)
	if ok, _ := th.Allow("ana@example.com", "10.0.0.1"); !ok {
		t.Fatal("attempt after the wait refused")
	}
	if ok, _ := th.Allow("bob@example.com", "10.0.0.1"); !ok {
		t.Fatal("another account was throttled")
	}
	th.Forget("ana@example.com")
	if ok, _ := th.Allow("ana@example.com", "10.0.0.1"); !ok {
		t.Fatal("Forget did not reset the account")
	}
}

func TestThrottlePerAddress(t *testing.T) {
	now := time.Unix(0, 0)
	th := auth.NewThrottle(auth.ThrottleConfig{AccountBurst: 100, AddrBurst: 4, AddrEvery: 10 * time.Second, Now: func() time.Time { return now }})
	for i := range 4 {
		if ok, _ := th.Allow("user"+string(rune('a'+i))+"@example.com", "192.0.2.1"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if ok, _ := th.Allow("usere@example.com", "192.0.2.1"); ok {
		t.Fatal("spraying accounts from one address was not throttled")
	}
	if ok, _ := th.Allow("usere@example.com", "192.0.2.9"); !ok {
		t.Fatal("another address was throttled")
	}
}
