package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"strings"
	"syscall"

	gomail "github.com/wneessen/go-mail"

	"github.com/wadesk/wadesk/store"

	"github.com/wadesk/wadesk/netguard"
)

// What the mailer was doing when it failed.
const (
	opCompose = "compose"
	opConnect = "connect"
	opSend    = "send"
)

// Error is a failure to send an email. Log Error(); show Plain() to people.
type Error struct {
	// Op is "compose" (the message itself is wrong), "connect" (reaching,
	// encrypting or signing in to the server) or "send" (the server refused
	// the message).
	Op      string
	Addr    string
	Host    string
	Port    int
	TLSMode string
	From    string
	Err     error
}

func (e *Error) Error() string {
	if e.Addr == "" {
		return fmt.Sprintf("mailer: %s: %v", e.Op, e.Err)
	}
	return fmt.Sprintf("mailer: %s %s: %v", e.Op, e.Addr, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Plain returns plain words for any error Send returns.
func Plain(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, ErrNotConfigured) {
		return "Outgoing email is not set up yet. An administrator can set it up under Settings → Email."
	}
	var me *Error
	if errors.As(err, &me) {
		return me.Plain()
	}
	if errors.Is(err, context.Canceled) {
		return "Sending was cancelled."
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "The mail server did not answer in time."
	}
	return "The email could not be sent. The server log has the details."
}

// Plain explains the failure for an administrator.
func (e *Error) Plain() string {
	switch e.Op {
	case opCompose:
		if e.From != "" {
			return fmt.Sprintf("The sender address %q is not a valid email address. Correct it under Settings → Email.", e.From)
		}
		return "A recipient address is not a valid email address."
	case opConnect:
		return e.connectProblem()
	}
	return e.sendProblem()
}

func (e *Error) connectProblem() string {
	err := e.Err
	var refused *netguard.RefusedError
	if errors.As(err, &refused) {
		return fmt.Sprintf("Refused: the mail server %s is at %s, a %s address. wadesk only connects to the local network when it runs with --allow-private-targets.",
			e.Host, refused.Addr, refused.Kind)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return fmt.Sprintf("Could not find the mail server %s. Check the server name.", e.Host)
		}
		return fmt.Sprintf("Could not look up the mail server %s: %s.", e.Host, dnsErr.Err)
	}
	if isTimeout(err) {
		return fmt.Sprintf("The mail server %s did not answer in time. Check the server name and port, and that this server may connect to it.", e.Addr)
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Sprintf("Could not connect to %s: connection refused", e.Addr)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return fmt.Sprintf("Could not connect to %s: %s", e.Addr, causeText(opErr.Err))
	}
	var recErr tls.RecordHeaderError
	if errors.As(err, &recErr) {
		return fmt.Sprintf("The mail server %s did not answer with TLS. Port 465 usually needs the security setting TLS, port 587 STARTTLS.", e.Addr)
	}
	if cert := certificateProblem(err); cert != "" {
		return fmt.Sprintf("The certificate of the mail server %s could not be verified: %s.", e.Addr, cert)
	}
	if errors.Is(err, gomail.ErrNoSupportedAuthDiscovered) {
		if e.TLSMode == store.MailTLSNone {
			return fmt.Sprintf("The mail server %s only accepts a password in a way that would send it unencrypted, which wadesk does not do. Choose STARTTLS or TLS.", e.Addr)
		}
		return fmt.Sprintf("The mail server %s offers no sign-in method wadesk supports.", e.Addr)
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not support STARTTLS"):
		return fmt.Sprintf("The mail server %s does not offer STARTTLS. If it uses port 465, choose TLS.", e.Addr)
	case strings.Contains(msg, "does not support SMTP AUTH"):
		return fmt.Sprintf("The mail server %s does not offer sign-in. If it accepts mail without one, leave the username empty.", e.Addr)
	}
	var tpErr *textproto.Error
	if errors.As(err, &tpErr) {
		if strings.Contains(msg, "SMTP AUTH failed") || tpErr.Code == 535 || tpErr.Code == 534 {
			return fmt.Sprintf("The mail server %s did not accept the username or password (it answered: %d %s).", e.Addr, tpErr.Code, tpErr.Msg)
		}
		return fmt.Sprintf("The mail server %s answered with an error: %d %s", e.Addr, tpErr.Code, tpErr.Msg)
	}
	if strings.Contains(msg, "SMTP AUTH failed") {
		return fmt.Sprintf("Signing in to the mail server %s failed: %s", e.Addr, strings.TrimPrefix(msg, "SMTP AUTH failed: "))
	}
	return fmt.Sprintf("Could not connect to %s: %s", e.Addr, causeText(err))
}

func (e *Error) sendProblem() string {
	if isTimeout(e.Err) {
		return fmt.Sprintf("The mail server %s stopped answering while the email was being sent.", e.Addr)
	}
	var se *gomail.SendError
	if errors.As(e.Err, &se) {
		said := strings.TrimPrefix(se.Error(), se.Reason.String())
		said = strings.TrimSpace(strings.TrimPrefix(said, ":"))
		switch se.Reason {
		case gomail.ErrSMTPMailFrom:
			return fmt.Sprintf("The mail server %s refused the sender address %s (%s). Many servers only accept the address of the account wadesk signs in with.", e.Addr, e.From, said)
		case gomail.ErrSMTPRcptTo:
			return fmt.Sprintf("The mail server %s refused a recipient (%s).", e.Addr, said)
		}
		return fmt.Sprintf("The mail server %s did not accept the email (%s).", e.Addr, said)
	}
	return fmt.Sprintf("The mail server %s did not accept the email: %s", e.Addr, causeText(e.Err))
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// certificateProblem describes a certificate verification failure, or "".
func certificateProblem(err error) string {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return "it is not signed by a known certificate authority"
	case errors.As(err, &host):
		return "it is not valid for this server name (" + host.Host + ")"
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return "it has expired or is not valid yet"
		}
		return invalid.Error()
	}
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) {
		return causeText(verr.Err)
	}
	return ""
}

// causeText is the innermost useful description of a network error:
// "connection refused" rather than "dial tcp 127.0.0.1:587: connect:
// connection refused".
func causeText(err error) string {
	var sys *os.SyscallError
	if errors.As(err, &sys) && sys.Err != nil {
		return sys.Err.Error()
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}
