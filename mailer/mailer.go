// Package mailer sends wadesk's email (channel alerts, test messages) over
// SMTP. It reads the outgoing mail settings from the database at every
// send, so saving the settings page takes effect without a restart.
package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/wadesk/wadesk/netguard"
	"github.com/wadesk/wadesk/store"
)

// ErrNotConfigured means no mail server or sender address is set.
var ErrNotConfigured = errors.New("mailer: outgoing email is not set up")

// DefaultTimeout bounds connecting and each SMTP command.
const DefaultTimeout = 20 * time.Second

// Message is one email. The sender is the From address of the settings.
type Message struct {
	To      []string
	Subject string
	// Text is the plain-text body; HTML, when set, is offered as an
	// alternative for mail programs that show it.
	Text string
	HTML string
}

// Settings are what one connection to the mail server needs.
type Settings struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	// TLSMode is store.MailTLSStartTLS, store.MailTLSImplicit or store.MailTLSNone.
	TLSMode string
}

// Addr is host:port.
func (s Settings) Addr() string { return fmt.Sprintf("%s:%d", s.Host, s.Port) }

// SMTP sends email with the settings stored in the database.
type SMTP struct {
	db  *store.DB
	log *slog.Logger
	// Timeout bounds connecting and each SMTP command (DefaultTimeout when 0).
	Timeout time.Duration
	// TLSConfig, when set, is the base of the TLS configuration (for a
	// private certificate authority, say); ServerName is always the host.
	TLSConfig *tls.Config
	// AllowPrivate lets the mail server be on a loopback, link-local or
	// private address (see package netguard); refused otherwise.
	AllowPrivate bool
}

// Option changes how SendWith connects.
type Option func(*sendOptions)

type sendOptions struct {
	policy netguard.Policy
}

// AllowPrivateTargets lets SendWith connect to a mail server on a
// loopback, link-local or private address (refused by default).
func AllowPrivateTargets(allow bool) Option {
	return func(o *sendOptions) { o.policy.AllowPrivate = allow }
}

// New returns a mailer reading its settings from db.
func New(db *store.DB, logger *slog.Logger) *SMTP {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &SMTP{db: db, log: logger}
}

// Settings reads the stored settings, with the password.
func (m *SMTP) Settings(ctx context.Context) (Settings, error) {
	st, err := m.db.MailSettings(ctx)
	if err != nil {
		return Settings{}, err
	}
	if !st.Configured() {
		return Settings{}, ErrNotConfigured
	}
	s := Settings{Host: st.Host, Port: st.Port, Username: st.Username, From: st.FromAddress, TLSMode: st.TLSMode}
	if s.Username != "" {
		if s.Password, err = m.db.MailPassword(ctx); err != nil {
			return Settings{}, err
		}
	}
	return s, nil
}

// Send delivers msg with the stored settings. It returns ErrNotConfigured
// when there are none, and an *Error when the mail server could not be
// reached or refused the message.
func (m *SMTP) Send(ctx context.Context, msg Message) error {
	s, err := m.Settings(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	err = SendWith(ctx, s, msg, m.Timeout, m.TLSConfig, AllowPrivateTargets(m.AllowPrivate))
	if err != nil {
		m.log.WarnContext(ctx, "email not sent", "server", s.Addr(), "tls", s.TLSMode, "to", strings.Join(msg.To, ","), "err", err)
		return err
	}
	m.log.InfoContext(ctx, "email sent", "server", s.Addr(), "tls", s.TLSMode, "to", strings.Join(msg.To, ","),
		"subject", msg.Subject, "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// SendWith delivers msg with explicit settings. timeout 0 means
// DefaultTimeout; base may be nil. The server's address is checked when
// it is dialled: a local one is refused unless AllowPrivateTargets.
func SendWith(ctx context.Context, s Settings, msg Message, timeout time.Duration, base *tls.Config, opts ...Option) error {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var o sendOptions
	for _, opt := range opts {
		opt(&o)
	}
	if len(msg.To) == 0 {
		return errors.New("mailer: message has no recipients")
	}
	gm, err := build(s.From, msg)
	if err != nil {
		return err
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if base != nil {
		tlsConf = base.Clone()
		if tlsConf.MinVersion < tls.VersionTLS12 {
			tlsConf.MinVersion = tls.VersionTLS12
		}
	}
	tlsConf.ServerName = s.Host
	// The server's address is checked here and go-mail connects to that
	// very address (the certificate is still checked against the name).
	ip, err := o.policy.Resolve(ctx, s.Host)
	if err != nil {
		return &Error{Op: opConnect, Addr: s.Addr(), Host: s.Host, Port: s.Port, TLSMode: s.TLSMode, Err: err}
	}
	dialHost := ip.String()
	if ip.Is6() {
		dialHost = "[" + dialHost + "]" // go-mail writes host:port itself
	}
	gopts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(timeout), gomail.WithTLSConfig(tlsConf)}
	switch s.TLSMode {
	case store.MailTLSImplicit:
		gopts = append(gopts, gomail.WithSSL())
	case store.MailTLSNone:
		gopts = append(gopts, gomail.WithTLSPolicy(gomail.NoTLS))
	case store.MailTLSStartTLS, "":
		gopts = append(gopts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		return fmt.Errorf("mailer: unknown TLS mode %q", s.TLSMode)
	}
	if s.Username != "" {
		// The strongest method the server offers; PLAIN and LOGIN only on an
		// encrypted connection, so a password never crosses the network in
		// clear.
		gopts = append(gopts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	client, err := gomail.NewClient(dialHost, gopts...)
	if err != nil {
		return fmt.Errorf("mailer: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*timeout)
	defer cancel()
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return &Error{Op: opConnect, Addr: s.Addr(), Host: s.Host, Port: s.Port, TLSMode: s.TLSMode, Err: err}
	}
	if err := client.SendWithSMTPClient(conn, gm); err != nil {
		client.CloseWithSMTPClient(conn)
		return &Error{Op: opSend, Addr: s.Addr(), Host: s.Host, Port: s.Port, TLSMode: s.TLSMode, From: s.From, Err: err}
	}
	// The message was accepted; a failing QUIT does not undo that.
	client.CloseWithSMTPClient(conn)
	return nil
}

// build turns msg into a go-mail message.
func build(from string, msg Message) (*gomail.Msg, error) {
	gm := gomail.NewMsg()
	if err := gm.From(from); err != nil {
		return nil, &Error{Op: opCompose, Err: fmt.Errorf("sender address %q: %w", from, err), From: from}
	}
	if err := gm.To(msg.To...); err != nil {
		return nil, &Error{Op: opCompose, Err: fmt.Errorf("recipients %q: %w", strings.Join(msg.To, ", "), err)}
	}
	gm.Subject(oneLine(msg.Subject))
	gm.SetDate()
	gm.SetMessageID()
	// RFC 3834: an automatic message, so vacation responders stay quiet.
	gm.SetGenHeader("Auto-Submitted", "auto-generated")
	gm.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		gm.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}
	return gm, nil
}

// oneLine keeps a header value on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
