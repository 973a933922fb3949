package handlers_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/mailer/mailtest"
	"github.com/wadesk/wadesk/store"
)

// TestEveryMailComesFromTheCatalog sends every e-mail a user gets from
// the console (password reset link, password changed, sign-in from a new
// browser) to a user whose language is the pseudo-locale en-XA, and fails
// on words in the subject or text outside the catalog's markers: each
// mail is written in its recipient's language.
func TestEveryMailComesFromTheCatalog(t *testing.T) {
	s := startSigninSite(t)
	ctx := context.Background()
	smtpSrv := mailtest.Start(t, mailtest.Options{})
	if err := s.db.SaveMailSettings(ctx, store.MailSettingsUpdate{Host: "127.0.0.1", Port: smtpSrv.Port,
		FromAddress: "desk@example.com", TLSMode: store.MailTLSNone}); err != nil {
		t.Fatal(err)
	}
	agent, err := s.db.UserByEmail(ctx, "agent@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.SetUserLanguage(ctx, agent.ID, "en-XA"); err != nil {
		t.Fatal(err)
	}
	admin := s.client("192.0.2.70")
	s.password(admin, "admin@example.com")
	if p := s.post(admin, "/settings/security", url.Values{"two_factor": {"optional"}, "new_browser_notice": {"on"}}); p.status != 303 {
		t.Fatalf("turn on the new-browser notice: %d", p.status)
	}

	// 1: a reset link; 2: the password changed; 3: a new browser.
	anon := s.client("192.0.2.71")
	s.post(anon, "/password/forgot", url.Values{"email": {"agent@example.com"}})
	reset := waitForMail(t, smtpSrv, 1)
	parsed, err := reset.Parse()
	if err != nil {
		t.Fatal(err)
	}
	m := resetLinkRe.FindStringSubmatch(parsed.Text)
	if m == nil {
		t.Fatalf("no reset link in:\n%s", parsed.Text)
	}
	token := strings.TrimPrefix(m[1], "/password/reset?token=")
	if p := s.post(anon, "/password/reset", url.Values{"token": {token},
		"password": {"a brand new password"}, "confirm": {"a brand new password"}}); p.status != 303 {
		t.Fatalf("reset: %d", p.status)
	}
	waitForMail(t, smtpSrv, 2)
	first := s.client("192.0.2.72")
	s.post(first, "/login", url.Values{"email": {"agent@example.com"}, "password": {"a brand new password"}})
	other := s.client("192.0.2.73")
	s.post(other, "/login", url.Values{"email": {"agent@example.com"}, "password": {"a brand new password"}})
	waitForMail(t, smtpSrv, 3)

	// Not words: the recipient's name, addresses, links, times and codes.
	notWords := regexp.MustCompile(`Alex Agent|https?://\S+|[\w.+-]+@[\w.-]+|desk\.example\.com|\b\d+(\.\d+){3}\b|\bUTC\b|\b[A-Z]{2,5}\b`)
	for i, msg := range smtpSrv.Messages() {
		p, err := msg.Parse()
		if err != nil {
			t.Fatal(err)
		}
		// Markers may span lines (a message of two lines): the text is
		// read whole, what is left outside them line by line.
		for _, line := range strings.Split(outsideMarkers(p.Subject+"\n"+p.Text), "\n") {
			if rest := notWords.ReplaceAllString(line, " "); letters.MatchString(rest) {
				t.Errorf("mail %d (%q): %q is not from the catalog", i+1, p.Subject, line)
			}
		}
	}
	if n := len(smtpSrv.Messages()); n != 3 {
		t.Errorf("%d mails sent, want 3", n)
	}
}
