package forward

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"github.com/wadesk/wadesk/netguard"
)

// plain says in words, for the channel page, why a request got no answer.
// It never repeats the URL (which may carry a token the admin put there).
func plain(err error, timeout time.Duration) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return "No answer within " + seconds(timeout) + "."
		}
		err = ue.Err
	}
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var badCert x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var notTLS tls.RecordHeaderError
	var refused *netguard.RefusedError
	switch {
	case errors.As(err, &refused):
		return "Refused: the forward URL leads to " + refused.Addr.String() + ", a " + refused.Kind +
			" address. wadesk only forwards to the local network when it runs with --allow-private-targets."
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return "Could not find the server " + dns.Name + " (no such host)."
		}
		return "Could not look up the server " + dns.Name + ": " + dns.Err + "."
	case errors.Is(err, syscall.ECONNREFUSED):
		return "Connection refused: nothing accepts connections at that address."
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "The connection was closed before the middleware answered."
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "The server cannot be reached from here (no route to it)."
	case errors.As(err, &unknownCA), errors.As(err, &badHost), errors.As(err, &badCert), errors.As(err, &verify):
		return "The server's HTTPS certificate is not valid: " + err.Error() + "."
	case errors.As(err, &notTLS):
		return "The server does not speak HTTPS at that address."
	}
	return "Could not deliver: " + err.Error() + "."
}

// seconds writes a timeout the way people say it.
func seconds(d time.Duration) string {
	if d%time.Second == 0 {
		n := int64(d / time.Second)
		if n == 1 {
			return "1 second"
		}
		return strconv.FormatInt(n, 10) + " seconds"
	}
	return d.String()
}
