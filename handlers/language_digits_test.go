package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLanguageMenusOfferTranslationsAndArabicDigits: the sign-in and
// Account menus list every shipped language, Arabic twice (Western and
// Arabic-Indic digits); choosing Arabic with Arabic-Indic digits is
// stored, shows the console right to left in Arabic, and stays selected.
func TestLanguageMenusOfferTranslationsAndArabicDigits(t *testing.T) {
	s := startRenderSite(t)
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	login := s.get(anon, "/login")
	for _, want := range []string{
		`data-testid="signin-language-form"`,
		`<option value="id" lang="id">Bahasa Indonesia</option>`,
		`<option value="ar" lang="ar">العربية (123)</option>`,
		`<option value="ar-u-nu-arab" lang="ar-u-nu-arab">العربية (١٢٣)</option>`,
	} {
		if !strings.Contains(login.body, want) {
			t.Errorf("sign-in page lacks %s", want)
		}
	}
	agent := s.signIn(s.agent)
	if p := s.post(agent, "/account/language", url.Values{"language": {"ar-u-nu-arab"}}); p.status != http.StatusSeeOther {
		t.Fatalf("account language: %d", p.status)
	}
	again := s.signIn(s.agent)
	p := s.get(again, "/account")
	for _, want := range []string{
		`lang="ar"`, `dir="rtl"`,
		`<option value="ar-u-nu-arab" selected lang="ar-u-nu-arab">`,
		"لغة لوحة التحكم",
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("account page in Arabic with Arabic-Indic digits lacks %s", want)
		}
	}
	// The sign-in times under "Where you are signed in" are written with
	// the chosen digits.
	if !strings.ContainsAny(p.body, "٠١٢٣٤٥٦٧٨٩") {
		t.Error("account page with Arabic-Indic digits chosen shows no Arabic-Indic digit")
	}
	if p := s.post(again, "/account/language", url.Values{"language": {"id"}}); p.status != http.StatusSeeOther {
		t.Fatalf("account language id: %d", p.status)
	}
	p = s.get(again, "/account")
	if !strings.Contains(p.body, `lang="id"`) || !strings.Contains(p.body, `dir="ltr"`) || !strings.Contains(p.body, "Bahasa konsol") {
		t.Errorf("account page in Indonesian: lang/dir/words missing")
	}
}
