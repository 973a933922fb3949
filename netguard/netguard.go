// Package netguard keeps server-side requests that an admin points
// somewhere (the forward URL, the SMTP server) away from the machine's own
// network: loopback, link-local (cloud metadata at 169.254.169.254),
// private and unspecified addresses are refused unless the admin allowed
// them. The check runs on the address actually dialled, after DNS, so a
// name that resolves (or re-resolves) to such an address, a number
// written in another form (0x7f000001, [::1], ::ffff:127.0.0.1) and a
// redirect are all caught the same way.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivateTarget is wrapped by the error of a refused connection.
var ErrPrivateTarget = errors.New("netguard: private address refused")

// RefusedError is a connection refused because of where it goes.
type RefusedError struct {
	Addr netip.Addr
	Kind string // loopback, link-local, private, ...
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s is a %s address; wadesk does not connect to the local network unless it runs with --allow-private-targets", e.Addr, e.Kind)
}

func (e *RefusedError) Unwrap() error { return ErrPrivateTarget }

// Policy says which addresses may be dialled.
type Policy struct {
	// AllowPrivate lets connections go to any address (the admin's
	// middleware or mail server is on their LAN).
	AllowPrivate bool
}

// Check returns a *RefusedError when ip may not be dialled.
func (p Policy) Check(ip netip.Addr) error {
	if p.AllowPrivate {
		return nil
	}
	if kind := Classify(ip); kind != "" {
		return &RefusedError{Addr: ip, Kind: kind}
	}
	return nil
}

var special = []struct {
	prefix netip.Prefix
	kind   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "\"this network\""},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local translation"},
}

// Classify names the kind of a non-public address, or "" for a public one.
func Classify(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "link-local"
	case ip.IsPrivate():
		return "private"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	}
	if ip.Is4() && ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return "broadcast"
	}
	for _, s := range special {
		if s.prefix.Contains(ip) {
			return s.kind
		}
	}
	return ""
}

// Control is a net.Dialer Control function enforcing p on the address
// being connected to.
func (p Policy) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("netguard: %s: %w", address, err)
	}
	return p.Check(ap.Addr())
}

// Dialer returns a dialer that enforces p on every connection it makes.
func (p Policy) Dialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: p.Control}
}

// DialContext dials through Dialer; it fits http.Transport.DialContext.
func (p Policy) DialContext(timeout time.Duration) func(ctx context.Context, network, address string) (net.Conn, error) {
	d := p.Dialer(timeout)
	return d.DialContext
}

// Resolve looks host up (or reads it as an address) and returns the first
// of its addresses that p allows, for a client that dials an address
// itself rather than through Dialer: connecting to exactly that address
// leaves no room for the name to resolve elsewhere in between. When none
// is allowed, the error is the first address's *RefusedError.
func (p Policy) Resolve(ctx context.Context, host string) (netip.Addr, error) {
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		found, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return netip.Addr{}, err
		}
		addrs = found
	}
	var first error
	for _, ip := range addrs {
		ip = ip.Unmap()
		err := p.Check(ip)
		if err == nil {
			return ip, nil
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return netip.Addr{}, first
}
