package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store/storetest"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/handlers"
	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/mailer/mailtest"
	"github.com/wadesk/wadesk/store"
)

// emailSite is the HTTP interface on 127.0.0.1 with a fresh database, an
// admin and an agent.
type emailSite struct {
	t   *testing.T
	db  *store.DB
	url string
}

const testPassword = "a-long-test-password"

func startEmailSite(t *testing.T) *emailSite {
	t.Helper()
	ctx := context.Background()
	db, box := storetest.OpenWithBox(t, t.TempDir())
	hash, err := auth.HashPassword(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.NewUser{
		{Email: "admin@example.com", Name: "Ada Admin", Role: store.RoleAdmin, PasswordHash: hash},
		{Email: "agent@example.com", Name: "Alex Agent", Role: store.RoleAgent, PasswordHash: hash},
	} {
		if _, err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	mail := mailer.New(db, logger)
	mail.AllowPrivate = true // the test's mail server listens on 127.0.0.1
	srv, err := handlers.New(handlers.Config{DB: db, Box: box, Logger: logger, BaseURL: &url.URL{Scheme: "http", Host: "127.0.0.1"},
		Mail:      mail,
		Providers: testRegistry("http://127.0.0.1:1")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &emailSite{t: t, db: db, url: ts.URL}
}

type page struct {
	status   int
	location string
	body     string
}

// signIn returns a client signed in as email; it does not follow redirects.
func (s *emailSite) signIn(email string) *http.Client {
	s.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if p := s.post(c, "/login", url.Values{"email": {email}, "password": {testPassword}}); p.status != http.StatusSeeOther {
		s.t.Fatalf("sign in as %s: status %d\n%s", email, p.status, p.body)
	}
	return c
}

func (s *emailSite) do(c *http.Client, req *http.Request) page {
	s.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return page{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b)}
}

func (s *emailSite) get(c *http.Client, path string) page {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return s.do(c, req)
}

func (s *emailSite) post(c *http.Client, path string, form url.Values) page {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(c, req)
}

func (s *emailSite) mailSettings() (store.MailSettings, string) {
	s.t.Helper()
	m, err := s.db.MailSettings(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	pw, err := s.db.MailPassword(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	return m, pw
}

func TestEmailSettingsPage(t *testing.T) {
	site := startEmailSite(t)
	admin := site.signIn("admin@example.com")

	p := site.get(admin, "/settings/email")
	if p.status != http.StatusOK {
		t.Fatalf("GET /settings/email: %d", p.status)
	}
	for _, want := range []string{`data-testid="tab-email"`, "Not set up", `data-testid="email-test-unavailable"`, `value="587"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("empty settings page lacks %q", want)
		}
	}

	// Invalid input comes back with field errors and the typed values, but
	// never the password.
	const typedSecret = "typed-secret-that-must-not-echo"
	p = site.post(admin, "/settings/email", url.Values{"host": {"https://smtp.example.com"}, "port": {"99999"},
		"tls_mode": {"ssl"}, "username": {"alerts@example.com"}, "password": {typedSecret}, "from_address": {"not-an-address"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid save: status %d", p.status)
	}
	for _, want := range []string{`data-testid="error-host"`, `data-testid="error-port"`, `data-testid="error-tls_mode"`,
		`data-testid="error-from_address"`, `value="https://smtp.example.com"`, `value="alerts@example.com"`, `value="not-an-address"`,
		"without http://"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("re-rendered form lacks %q", want)
		}
	}
	if strings.Contains(p.body, typedSecret) {
		t.Error("the typed password was sent back to the browser")
	}
	if m, _ := site.mailSettings(); m.Configured() {
		t.Fatalf("invalid settings were stored: %+v", m)
	}

	// A username without any password.
	p = site.post(admin, "/settings/email", url.Values{"host": {"smtp.example.com"}, "port": {"587"},
		"tls_mode": {"starttls"}, "username": {"alerts@example.com"}, "from_address": {"alerts@example.com"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `data-testid="error-password"`) {
		t.Fatalf("username without password: status %d", p.status)
	}

	// Valid settings with a password.
	p = site.post(admin, "/settings/email", url.Values{"host": {"smtp.example.com"}, "port": {"587"},
		"tls_mode": {"starttls"}, "username": {"alerts@example.com"}, "password": {"app-password-1"}, "from_address": {"alerts@example.com"}})
	if p.status != http.StatusSeeOther || p.location != "/settings/email" {
		t.Fatalf("valid save: status %d, location %q\n%s", p.status, p.location, p.body)
	}
	m, pw := site.mailSettings()
	if m.Host != "smtp.example.com" || m.Port != 587 || m.TLSMode != store.MailTLSStartTLS || m.Username != "alerts@example.com" || pw != "app-password-1" {
		t.Fatalf("stored %+v, password %q", m, pw)
	}
	p = site.get(admin, "/settings/email")
	for _, want := range []string{"Saved the email settings", `data-testid="email-status">Set up`, `value="smtp.example.com"`,
		"unchanged", `data-testid="email-test"`, "admin@example.com"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("saved settings page lacks %q", want)
		}
	}
	if strings.Contains(p.body, "app-password-1") {
		t.Error("the stored password is shown on the page")
	}

	// Saving again with an empty password keeps it.
	site.post(admin, "/settings/email", url.Values{"host": {"smtp2.example.com"}, "port": {"465"},
		"tls_mode": {"tls"}, "username": {"alerts@example.com"}, "password": {""}, "from_address": {"alerts@example.com"}})
	if m, pw := site.mailSettings(); m.Host != "smtp2.example.com" || m.TLSMode != store.MailTLSImplicit || pw != "app-password-1" {
		t.Fatalf("after saving without a password: %+v, password %q", m, pw)
	}

	// Agents may not see or change the page.
	agent := site.signIn("agent@example.com")
	if p := site.get(agent, "/settings/email"); p.status != http.StatusForbidden {
		t.Errorf("agent GET: status %d, want 403", p.status)
	}
	if p := site.post(agent, "/settings/email/test", nil); p.status != http.StatusForbidden {
		t.Errorf("agent test send: status %d, want 403", p.status)
	}
}

func TestEmailSettingsTestSend(t *testing.T) {
	site := startEmailSite(t)
	admin := site.signIn("admin@example.com")

	// Nothing saved yet.
	site.post(admin, "/settings/email/test", nil)
	if p := site.get(admin, "/settings/email"); !strings.Contains(p.body, "Save the email settings first") {
		t.Error("test send without settings did not say what to do")
	}

	smtpSrv := mailtest.Start(t, mailtest.Options{})
	save := func(port int) {
		t.Helper()
		p := site.post(admin, "/settings/email", url.Values{"host": {"127.0.0.1"}, "port": {strconv.Itoa(port)},
			"tls_mode": {"none"}, "from_address": {"desk@example.com"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("save: status %d\n%s", p.status, p.body)
		}
		site.get(admin, "/settings/email") // take the "saved" flash
	}

	save(smtpSrv.Port)
	p := site.post(admin, "/settings/email/test", nil)
	if p.status != http.StatusSeeOther || p.location != "/settings/email" {
		t.Fatalf("test send: status %d, location %q", p.status, p.location)
	}
	if p := site.get(admin, "/settings/email"); !strings.Contains(p.body, "Sent a test email to admin@example.com") {
		t.Errorf("success flash missing:\n%s", p.body)
	}
	msgs := smtpSrv.Messages()
	if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "admin@example.com" || msgs[0].From != "desk@example.com" {
		t.Fatalf("messages = %+v", msgs)
	}
	parsed, err := msgs[0].Parse()
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Subject != "wadesk: test email" || !strings.Contains(parsed.Text, "Sent by Ada Admin") {
		t.Errorf("test email: %q\n%s", parsed.Subject, parsed.Text)
	}

	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	save(closed)
	site.post(admin, "/settings/email/test", nil)
	want := "The test email was not sent: Could not connect to 127.0.0.1:" + strconv.Itoa(closed) + ": connection refused"
	if p := site.get(admin, "/settings/email"); !strings.Contains(p.body, want) {
		t.Errorf("failure flash missing %q:\n%s", want, p.body)
	}
}
