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

// fail records n failed attempts.
func fail(th *auth.Throttle, n int, account, addr string) {
	for range n {
		th.Fail(account, addr)
	}
}

func TestThrottlePerAccountSlowsDownButNeverLocksOut(t *testing.T) {
	now := time.Unix(0, 0)
	th := auth.NewThrottle(auth.ThrottleConfig{AccountBurst: 3, AccountEvery: time.Minute, AddrBurst: 100, Slowdown: 2 * time.Second,
		Now: func() time.Time { return now }})
	// An attacker fails on Ana's account from one address…
	for i := range 3 {
		if d := th.Check("Ana@example.com", "10.0.0.1"); !d.Allowed || d.Delay != 0 {
			t.Fatalf("attempt %d: %+v", i+1, d)
		}
		th.Fail("Ana@example.com", "10.0.0.1")
	}
	// …and is paused there, on that account, whatever the spelling.
	d := th.Check("ana@EXAMPLE.com ", "10.0.0.1")
	if d.Allowed || d.Wait <= 0 || d.Wait > time.Minute {
		t.Fatalf("4th attempt from the failing address: %+v, want refused with a wait up to 1m", d)
	}
	// Hammering while paused must not push the wait further out.
	fail(th, 50, "ana@example.com", "10.0.0.1")
	if d := th.Check("ana@example.com", "10.0.0.1"); d.Allowed || d.Wait > time.Minute {
		t.Fatalf("after hammering: %+v", d)
	}
	// Ana, from an address with no failures, is slowed down, not refused.
	d = th.Check("ana@example.com", "10.0.0.2")
	if !d.Allowed || d.Delay <= 0 || d.Delay > 2*time.Second {
		t.Fatalf("Ana from a clean address: %+v, want allowed after a delay of at most 2s", d)
	}
	// Other accounts are untouched.
	if d := th.Check("bob@example.com", "10.0.0.2"); !d.Allowed || d.Delay != 0 {
		t.Fatalf("another account: %+v", d)
	}
	now = now.Add(time.Minute)
	if d := th.Check("ana@example.com", "10.0.0.1"); !d.Allowed {
		t.Fatalf("attempt after the wait: %+v", d)
	}
	th.Forget("ana@example.com", "10.0.0.2")
	if d := th.Check("ana@example.com", "10.0.0.2"); !d.Allowed || d.Delay != 0 {
		t.Fatalf("Forget did not reset the account: %+v", d)
	}
}

func TestThrottlePerAddress(t *testing.T) {
	now := time.Unix(0, 0)
	th := auth.NewThrottle(auth.ThrottleConfig{AccountBurst: 100, AddrBurst: 4, AddrEvery: 10 * time.Second, Now: func() time.Time { return now }})
	for i := range 4 {
		account := "user" + string(rune('a'+i)) + "@example.com"
		if ok, _ := th.Allow(account, "192.0.2.1"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		th.Fail(account, "192.0.2.1")
	}
	if ok, _ := th.Allow("usere@example.com", "192.0.2.1"); ok {
		t.Fatal("spraying accounts from one address was not throttled")
	}
	if ok, _ := th.Allow("usere@example.com", "192.0.2.9"); !ok {
		t.Fatal("another address was throttled")
	}
	// Successful sign-ins charge nothing: an office behind one address
	// signs in as often as it likes.
	for i := range 50 {
		if ok, _ := th.Allow("staff@example.com", "192.0.2.50"); !ok {
			t.Fatalf("sign-in %d from a busy address refused", i+1)
		}
		th.Forget("staff@example.com", "192.0.2.50")
	}
}
