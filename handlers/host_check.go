package handlers

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// RequireHost refuses requests whose Host header is not the public base
// URL's host, so that a page on another site whose name was pointed at
// this server (DNS rebinding) cannot use it with the visitor's browser.
// Loopback names and addresses are always accepted, for local use and
// for a reverse proxy on the same machine; the health and readiness
// probes, which load balancers send by address, are not checked.
func RequireHost(baseHost string, h http.Handler) http.Handler {
	want := strings.ToLower(hostOnly(baseHost))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			h.ServeHTTP(w, r)
			return
		}
		host := strings.ToLower(hostOnly(r.Host))
		if host != want && !isLoopbackHost(host) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusMisdirectedRequest)
			w.Write([]byte("This wadesk answers at " + want + ", not at the address this request was sent to.\n"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// hostOnly strips the port (and an IPv6 address's brackets) from a Host.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

func isLoopbackHost(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
