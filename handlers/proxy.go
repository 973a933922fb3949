package handlers

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// trustForwarded makes the client's address the one a trusted reverse
// proxy reports in X-Forwarded-For, so that sign-in throttling, logs and
// the audit trail see customers' and agents' addresses rather than the
// proxy's. Only a request whose direct peer is one of s.trusted is
// believed, and only the addresses trusted proxies appended: X-Forwarded-For
// is read from the right, skipping trusted proxies, and the first address
// that is not one is the client. Without --trusted-proxy the header is
// ignored, whoever sends it.
func (s *Server) trustForwarded(next http.Handler) http.Handler {
	if len(s.trusted) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if client, ok := s.forwardedClient(r); ok {
			r2 := r.Clone(r.Context())
			r2.RemoteAddr = net.JoinHostPort(client.String(), "0")
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) forwardedClient(r *http.Request) (netip.Addr, bool) {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !s.isTrusted(peer.Addr()) {
		return netip.Addr{}, false
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return netip.Addr{}, false // a mangled chain: keep the proxy's address
		}
		if !s.isTrusted(a) {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

func (s *Server) isTrusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
