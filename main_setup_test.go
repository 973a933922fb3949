package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var setupCodeLine = regexp.MustCompile(`first-run setup code: (\S+)`)

// setupCodeOf is the setup code the program printed.
func setupCodeOf(t *testing.T, a *app) string {
	t.Helper()
	m := setupCodeLine.FindStringSubmatch(a.out.String())
	if m == nil {
		t.Fatalf("wadesk printed no setup code:\n%s", a.out)
	}
	return m[1]
}

// TestSetupNeedsTheCodeWadeskPrinted: whoever reaches the port first
// cannot create the first admin without the code printed at start.
func TestSetupNeedsTheCodeWadeskPrinted(t *testing.T) {
	a := startApp(t, t.TempDir())
	c := browser(t)
	code := setupCodeOf(t, a)
	form := func(code string) url.Values {
		return url.Values{"code": {code}, "name": {"Eve"}, "email": {"eve@example.com"}, "password": {adminPassword}, "confirm": {adminPassword}}
	}
	for _, wrong := range []string{"", "AAAAA-AAAAA-AAAAA", code + "X", code[:5]} {
		r := post(t, c, a.URL+"/setup", form(wrong))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-testid="error-code"`) {
			t.Fatalf("setup with code %q = %d; want 422 with an error on the code", wrong, r.Status)
		}
	}
	if r := get(t, c, a.URL+"/login"); r.Header.Get("Location") != "/setup" {
		t.Fatal("a wrong code created a user")
	}
	// Typed in lower case with spaces, it is still the code.
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	if r := post(t, c, a.URL+"/setup", form(typed)); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/inbox" {
		t.Fatalf("setup with the printed code = %d → %q", r.Status, r.Header.Get("Location"))
	}
}

// TestRequestsForAnotherHostAreRefused: a request whose Host is neither
// the base URL's host nor a loopback name (a page of evil.example whose
// name now points here) is refused; health probes by address still work.
func TestRequestsForAnotherHostAreRefused(t *testing.T) {
	a := startApp(t, t.TempDir(), "--base-url", "https://desk.example.com")
	c := browser(t)
	withHost := func(host, path string) int {
		req, err := http.NewRequest(http.MethodGet, a.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, host := range []string{"evil.example", "evil.example:8080", "desk.example.com.evil.example", "10.0.0.5"} {
		if got := withHost(host, "/setup"); got != http.StatusMisdirectedRequest {
			t.Errorf("Host %s: %d, want 421", host, got)
		}
	}
	for _, host := range []string{"desk.example.com", "DESK.example.com:443", "localhost:8080", "127.0.0.1", "[::1]:8080"} {
		if got := withHost(host, "/setup"); got != http.StatusOK {
			t.Errorf("Host %s: %d, want the setup page", host, got)
		}
	}
	if got := withHost("10.0.0.5", "/healthz"); got != http.StatusOK {
		t.Errorf("/healthz by address = %d", got)
	}
}
