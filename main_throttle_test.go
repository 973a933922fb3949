package main

import (
	"net"
	"net/http"
	"testing"
)

// fromAddress is a browser whose connections come from the loopback
// address ip (127.0.0.0/8 all reach the server on 127.0.0.1).
func fromAddress(t *testing.T, ip string) *http.Client {
	t.Helper()
	c := browser(t)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	c.Transport = &http.Transport{DialContext: d.DialContext}
	return c
}

// TestNoOneCanLockAnAccountOut: wrong passwords from one address pause
// that address, but the owner signs in at once from another address that
// has not failed.
func TestNoOneCanLockAnAccountOut(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "ana@example.com", "--password", adminPassword, "--role", "admin")
	a := startApp(t, data)
	attacker := fromAddress(t, "127.0.0.2")
	throttled := false
	for range 12 {
		switch s := login(t, attacker, a, "ana@example.com", "guess guess guess").Status; s {
		case http.StatusTooManyRequests:
			throttled = true
		case http.StatusUnauthorized:
		default:
			t.Fatalf("attacker's attempt answered %d", s)
		}
	}
	if !throttled {
		t.Fatal("twelve wrong passwords from one address were never throttled")
	}
	if r := login(t, attacker, a, "ana@example.com", adminPassword); r.Status != http.StatusTooManyRequests {
		t.Errorf("the attacker's address got through while paused: %d", r.Status)
	}
	owner := fromAddress(t, "127.0.0.3")
	if r := login(t, owner, a, "ana@example.com", adminPassword); r.Status != http.StatusSeeOther {
		t.Fatalf("the owner's correct password from a clean address = %d, want a sign-in (303)", r.Status)
	}
}
