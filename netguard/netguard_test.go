package netguard_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/netguard"
)

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		ip   string
		kind string
	}{
		{"127.0.0.1", "loopback"},
		{"127.8.9.10", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"192.168.1.1", "private"},
		{"fd00::1", "private"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"0.1.2.3", "\"this network\""},
		{"100.64.0.1", "shared (carrier-grade NAT)"},
		{"239.1.2.3", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"93.184.216.34", ""},
		{"2606:2800:220:1:248:1893:25c8:1946", ""},
		{"8.8.8.8", ""},
	} {
		if got := netguard.Classify(netip.MustParseAddr(c.ip)); got != c.kind {
			t.Errorf("Classify(%s) = %q, want %q", c.ip, got, c.kind)
		}
	}
}

// TestHTTPClientRefusesPrivateTargets: every way of writing a local
// address in a URL — and a host name resolving to one — is refused at
// dial time, before any request reaches the server; with AllowPrivate the
// same URLs work.
func TestHTTPClientRefusesPrivateTargets(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Write([]byte("internal secret"))
	}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	p := ":" + itoa(port)
	urls := []string{
		"http://127.0.0.1" + p + "/",
		"http://0x7f000001" + p + "/", // hexadecimal IPv4 (resolved by the system's resolver, or refused)
		"http://2130706433" + p + "/", // decimal IPv4
		"http://127.1" + p + "/",      // short form
		"http://[::1]" + p + "/",      // IPv6 loopback
		"http://[::ffff:127.0.0.1]" + p + "/",
		"http://localhost" + p + "/", // a name resolving to 127.0.0.1
		"http://0.0.0.0" + p + "/",
		"http://169.254.169.254" + p + "/",
		"http://10.0.0.1" + p + "/",
	}
	client := func(pol netguard.Policy) *http.Client {
		tr := &http.Transport{DialContext: pol.DialContext(2 * time.Second)}
		return &http.Client{Transport: tr, Timeout: 3 * time.Second}
	}
	guarded := client(netguard.Policy{})
	for _, u := range urls {
		resp, err := guarded.Get(u)
		if err == nil {
			resp.Body.Close()
			t.Errorf("GET %s: answered %s; it should have been refused", u, resp.Status)
			continue
		}
		if !errors.Is(err, netguard.ErrPrivateTarget) && !isLookupFailure(err) {
			t.Errorf("GET %s: %v; want a refusal", u, err)
		}
	}
	if hits != 0 {
		t.Fatalf("the local server was reached %d times", hits)
	}
	// A redirect to the local server is refused too (a client that follows it dials again).
	redirector := httptest.NewUnstartedServer(http.RedirectHandler("http://127.0.0.1"+p+"/", http.StatusFound))
	redirector.Start()
	defer redirector.Close()
	allowOnly := netguard.Policy{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == redirector.Listener.Addr().String() { // stands in for a public server
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		return allowOnly.DialContext(time.Second)(ctx, network, addr)
	}}
	resp, err := (&http.Client{Transport: tr}).Get(redirector.URL)
	if err == nil {
		resp.Body.Close()
		t.Errorf("the redirect to 127.0.0.1 was followed: %s", resp.Status)
	} else if !errors.Is(err, netguard.ErrPrivateTarget) {
		t.Errorf("redirect: %v; want a refusal", err)
	}
	if hits != 0 {
		t.Fatalf("the local server was reached %d times through a redirect", hits)
	}

	open := client(netguard.Policy{AllowPrivate: true})
	resp, err = open.Get("http://127.0.0.1" + p + "/")
	if err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	resp.Body.Close()
	if hits != 1 {
		t.Errorf("with AllowPrivate the server was reached %d times, want 1", hits)
	}
}

// isLookupFailure: the system resolver may not read 0x7f000001 and the
// like as addresses at all; failing to look them up refuses them as well.
func isLookupFailure(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns) || strings.Contains(err.Error(), "no such host")
}

func itoa(n int) string { return strconv.Itoa(n) }
