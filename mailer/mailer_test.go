package mailer_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store/storetest"

	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/mailer/mailtest"
	"github.com/wadesk/wadesk/netguard"
	"github.com/wadesk/wadesk/store"
)

func settingsFor(srv *mailtest.Server, mode string) mailer.Settings {
	return mailer.Settings{Host: srv.Host, Port: srv.Port, From: "alerts@example.com", TLSMode: mode}
}

var sample = mailer.Message{
	To:      []string{"ops@example.com", "owner@example.com"},
	Subject: "wadesk: Sales WhatsApp (+1 555 0100) is disconnected",
	Text:    "Meta rejected the access token.\nOpen https://desk.example.com/channels/7",
	HTML:    "<p>Meta rejected the access token.</p>",
}

func TestSendWithDelivers(t *testing.T) {
	serverTLS, clientTLS := mailtest.SelfSigned(t)
	for _, tc := range []struct {
		name     string
		opts     mailtest.Options
		mode     string
		user, pw string
		wantTLS  bool
	}{
		{name: "no encryption, no sign-in", mode: store.MailTLSNone},
		{name: "STARTTLS with sign-in", opts: mailtest.Options{TLS: serverTLS, Username: "alerts", Password: "s3cret"},
			mode: store.MailTLSStartTLS, user: "alerts", pw: "s3cret", wantTLS: true},
		{name: "implicit TLS with sign-in", opts: mailtest.Options{TLS: serverTLS, ImplicitTLS: true, Username: "alerts", Password: "s3cret"},
			mode: store.MailTLSImplicit, user: "alerts", pw: "s3cret", wantTLS: true},
		{name: "STARTTLS without sign-in", opts: mailtest.Options{TLS: serverTLS}, mode: store.MailTLSStartTLS, wantTLS: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailtest.Start(t, tc.opts)
			s := settingsFor(srv, tc.mode)
			s.Username, s.Password = tc.user, tc.pw
			if err := mailer.SendWith(context.Background(), s, sample, 0, clientTLS, localServer); err != nil {
				t.Fatalf("send: %v\nplain: %s", err, mailer.Plain(err))
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("server received %d messages, want 1", len(msgs))
			}
			m := msgs[0]
			if m.From != "alerts@example.com" || strings.Join(m.To, ",") != "ops@example.com,owner@example.com" {
				t.Errorf("envelope from %q to %v", m.From, m.To)
			}
			if m.TLS != tc.wantTLS || m.User != tc.user {
				t.Errorf("TLS = %t, user = %q; want %t, %q", m.TLS, m.User, tc.wantTLS, tc.user)
			}
			p, err := m.Parse()
			if err != nil {
				t.Fatal(err)
			}
			if p.Subject != sample.Subject {
				t.Errorf("subject = %q", p.Subject)
			}
			if !strings.Contains(p.Text, "Meta rejected the access token.") || !strings.Contains(p.Text, "https://desk.example.com/channels/7") {
				t.Errorf("text body = %q", p.Text)
			}
			if p.HTML != sample.HTML {
				t.Errorf("HTML body = %q", p.HTML)
			}
			if p.Header.Get("Auto-Submitted") != "auto-generated" || p.Header.Get("Message-Id") == "" || p.Header.Get("Date") == "" {
				t.Errorf("headers = %v", p.Header)
			}
			if !strings.Contains(p.Header.Get("From"), "alerts@example.com") {
				t.Errorf("From header = %q", p.Header.Get("From"))
			}
		})
	}
}

func TestSendWithPlainErrors(t *testing.T) {
	serverTLS, clientTLS := mailtest.SelfSigned(t)

	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	plainSrv := mailtest.Start(t, mailtest.Options{})
	tlsSrv := mailtest.Start(t, mailtest.Options{TLS: serverTLS, Username: "alerts", Password: "s3cret"})
	insecureAuthSrv := mailtest.Start(t, mailtest.Options{Username: "alerts", Password: "s3cret", AllowInsecureAuth: true})

	for _, tc := range []struct {
		name  string
		s     mailer.Settings
		roots *tls.Config
		want  string
		srv   *mailtest.Server // must have received nothing
	}{
		{
			name: "connection refused",
			s:    mailer.Settings{Host: "127.0.0.1", Port: closedPort, From: "alerts@example.com", TLSMode: store.MailTLSStartTLS},
			want: "Could not connect to 127.0.0.1:" + strconv.Itoa(closedPort) + ": connection refused",
		},
		{
			name: "STARTTLS not offered",
			s:    settingsFor(plainSrv, store.MailTLSStartTLS),
			want: "does not offer STARTTLS", srv: plainSrv,
		},
		{
			name: "TLS expected, plain server",
			s:    settingsFor(plainSrv, store.MailTLSImplicit),
			want: "did not answer with TLS", srv: plainSrv,
		},
		{
			name:  "untrusted certificate",
			s:     mailer.Settings{Host: tlsSrv.Host, Port: tlsSrv.Port, From: "alerts@example.com", TLSMode: store.MailTLSStartTLS, Username: "alerts", Password: "s3cret"},
			roots: &tls.Config{},
			want:  "could not be verified", srv: tlsSrv,
		},
		{
			name:  "wrong password",
			s:     mailer.Settings{Host: tlsSrv.Host, Port: tlsSrv.Port, From: "alerts@example.com", TLSMode: store.MailTLSStartTLS, Username: "alerts", Password: "wrong"},
			roots: clientTLS,
			want:  "did not accept the username or password", srv: tlsSrv,
		},
		{
			name:  "sign-in required but not configured",
			s:     settingsFor(tlsSrv, store.MailTLSStartTLS),
			roots: clientTLS,
			want:  "refused the sender address alerts@example.com", srv: tlsSrv,
		},
		{
			name: "password never sent unencrypted",
			s:    mailer.Settings{Host: insecureAuthSrv.Host, Port: insecureAuthSrv.Port, From: "alerts@example.com", TLSMode: store.MailTLSNone, Username: "alerts", Password: "s3cret"},
			want: "would send it unencrypted", srv: insecureAuthSrv,
		},
		{
			name: "bad sender address",
			s:    mailer.Settings{Host: plainSrv.Host, Port: plainSrv.Port, From: "not an address", TLSMode: store.MailTLSNone},
			want: `The sender address "not an address" is not a valid email address.`, srv: plainSrv,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			roots := tc.roots
			if roots == nil {
				roots = clientTLS
			}
			err := mailer.SendWith(context.Background(), tc.s, sample, 0, roots, localServer)
			if err == nil {
				t.Fatal("sent")
			}
			var me *mailer.Error
			if !errors.As(err, &me) {
				t.Fatalf("err = %T %v, want *mailer.Error", err, err)
			}
			if got := mailer.Plain(err); !strings.Contains(got, tc.want) {
				t.Errorf("Plain = %q, want it to contain %q (err: %v)", got, tc.want, err)
			}
			if tc.srv != nil && len(tc.srv.Messages()) != 0 {
				t.Errorf("the server received a message")
			}
		})
	}
}

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	return db
}

func TestSMTPReadsSettingsAtSendTime(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	serverTLS, clientTLS := mailtest.SelfSigned(t)
	m := mailer.New(db, nil)
	m.AllowPrivate = true // the test servers listen on 127.0.0.1
	m.TLSConfig = clientTLS

	err := m.Send(ctx, sample)
	if !errors.Is(err, mailer.ErrNotConfigured) {
		t.Fatalf("send without settings: err = %v, want ErrNotConfigured", err)
	}
	if !strings.Contains(mailer.Plain(err), "Settings → Email") {
		t.Errorf("Plain = %q", mailer.Plain(err))
	}

	first := mailtest.Start(t, mailtest.Options{})
	second := mailtest.Start(t, mailtest.Options{TLS: serverTLS, Username: "alerts", Password: "s3cret"})

	pw := "s3cret"
	if err := db.SaveMailSettings(ctx, store.MailSettingsUpdate{Host: first.Host, Port: first.Port,
		FromAddress: "alerts@example.com", TLSMode: store.MailTLSNone}); err != nil {
		t.Fatal(err)
	}
	if err := m.Send(ctx, sample); err != nil {
		t.Fatalf("send to the first server: %v", err)
	}
	if err := db.SaveMailSettings(ctx, store.MailSettingsUpdate{Host: second.Host, Port: second.Port, Username: "alerts",
		Password: &pw, FromAddress: "desk@example.com", TLSMode: store.MailTLSStartTLS}); err != nil {
		t.Fatal(err)
	}
	if err := m.Send(ctx, sample); err != nil {
		t.Fatalf("send to the second server: %v (%s)", err, mailer.Plain(err))
	}
	if n1, n2 := len(first.Messages()), len(second.Messages()); n1 != 1 || n2 != 1 {
		t.Fatalf("messages: first server %d, second %d; want 1 each", n1, n2)
	}
	if got := second.Messages()[0]; got.From != "desk@example.com" || got.User != "alerts" || !got.TLS {
		t.Errorf("second server got from %q, user %q, TLS %t", got.From, got.User, got.TLS)
	}
}

func TestSendWithNoRecipients(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	err := mailer.SendWith(context.Background(), settingsFor(srv, store.MailTLSNone), mailer.Message{Subject: "x", Text: "y"}, 0, nil, localServer)
	if err == nil {
		t.Fatal("a message without recipients was sent")
	}
}

// localServer lets the tests reach their mail servers on 127.0.0.1.
var localServer = mailer.AllowPrivateTargets(true)

// TestSendWithRefusesLocalServersByDefault: without AllowPrivateTargets a
// mail server on a loopback, link-local or private address is refused
// before any connection is made, with plain words for the admin.
func TestSendWithRefusesLocalServersByDefault(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "::1", "localhost", "169.254.169.254", "10.0.0.8", "0.0.0.0"} {
		s := mailer.Settings{Host: host, Port: 2525, From: "alerts@example.com", TLSMode: store.MailTLSNone}
		err := mailer.SendWith(context.Background(), s, sample, 2*time.Second, nil)
		var me *mailer.Error
		if !errors.As(err, &me) || !errors.Is(err, netguard.ErrPrivateTarget) {
			t.Errorf("%s: %v; want a refusal", host, err)
			continue
		}
		if p := me.Plain(); !strings.Contains(p, "--allow-private-targets") {
			t.Errorf("%s: Plain = %q", host, p)
		}
	}
}
