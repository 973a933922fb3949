package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLanguageChoice: a user's saved language (Account) wins over the
// console's default (Settings), which wins over the browser's
// Accept-Language; <html lang> follows. en-XA stands in for a translated
// language, since only English ships yet.
func TestLanguageChoice(t *testing.T) {
	s := startRenderSite(t)
	admin := s.signIn(s.adminMail)
	agent := s.signIn(s.agent)
	getLang := func(c *http.Client, accept string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.url+"/account", nil)
		if accept != "" {
			req.Header.Set("Accept-Language", accept)
		}
		p := s.do(c, req)
		if p.status != http.StatusOK {
			t.Fatalf("GET /account: %d", p.status)
		}
		i := strings.Index(p.body, `<html lang="`)
		rest := p.body[i+len(`<html lang="`):]
		return rest[:strings.Index(rest, `"`)]
	}
	if got := getLang(agent, ""); got != "en" {
		t.Fatalf("no choice anywhere: lang %q, want en", got)
	}
	if got := getLang(agent, "en-XA"); got != "en-XA" {
		t.Fatalf("Accept-Language en-XA: lang %q", got)
	}
	if p := s.post(admin, "/settings/language", url.Values{"language": {"xx-nope"}}); p.status != http.StatusSeeOther {
		t.Fatalf("bad console language: %d", p.status)
	}
	if got := getLang(agent, ""); got != "en" {
		t.Fatalf("a refused console language was stored: lang %q", got)
	}
	if p := s.post(admin, "/settings/language", url.Values{"language": {"en-XA"}}); p.status != http.StatusSeeOther {
		t.Fatalf("console language: %d", p.status)
	}
	if got := getLang(agent, "en-US"); got != "en-XA" {
		t.Fatalf("console default should beat Accept-Language: lang %q", got)
	}
	if p := s.post(agent, "/account/language", url.Values{"language": {"en"}}); p.status != http.StatusSeeOther {
		t.Fatalf("account language: %d", p.status)
	}
	// A fresh sign-in (no cookie from the choice) still gets the saved
	// language: it is stored with the account.
	again := s.signIn(s.agent)
	if got := getLang(again, "en-XA"); got != "en" {
		t.Fatalf("the user's own choice should win: lang %q", got)
	}
	p := s.get(again, "/account")
	if !strings.Contains(p.body, `data-testid="account-language-form"`) || !strings.Contains(p.body, `<option value="en" selected`) {
		t.Fatalf("account page lacks the language menu with the choice selected:\n%s", p.body)
	}
	// Signed out, the sign-in page's menu sets a cookie that picks the
	// language before anyone signs in.
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	pick := s.post(anon, "/language", url.Values{"language": {"en-XA"}})
	if pick.status != http.StatusSeeOther {
		t.Fatalf("language pick: %d", pick.status)
	}
}
