package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPortugueseAndSpanishAreOffered: the shipped translations appear in
// every language menu (sign-in page, Account, Settings) under their own
// names, a browser asking for them gets pages in them, and a user who
// picks Portuguese on the Account page gets the confirmation, and the next
// page, in Portuguese.
func TestPortugueseAndSpanishAreOffered(t *testing.T) {
	s := startRenderSite(t)
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	getAs := func(c *http.Client, path, accept string) page {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Language", accept)
		}
		p := s.do(c, req)
		if p.status != http.StatusOK {
			t.Fatalf("GET %s (%s): %d", path, accept, p.status)
		}
		return p
	}
	menu := []string{`<option value="pt-BR"`, `Português (Brasil)`, `<option value="es"`, `Español`}

	signin := getAs(anon, "/login", "")
	for _, want := range menu {
		if !strings.Contains(signin.body, want) {
			t.Errorf("the sign-in page's language menu lacks %s", want)
		}
	}
	for _, tc := range []struct{ accept, lang, words string }{
		{"pt-BR,pt;q=0.9,en;q=0.5", "pt-BR", "Esqueceu a senha?"},
		{"pt-PT", "pt-BR", "Esqueceu a senha?"},
		{"es-MX,es;q=0.9", "es", "¿Olvidaste tu contraseña?"},
		{"es-ES", "es", "¿Olvidaste tu contraseña?"},
	} {
		p := getAs(anon, "/login", tc.accept)
		if !strings.Contains(p.body, `<html lang="`+tc.lang+`" dir="ltr"`) {
			t.Errorf("Accept-Language %s: the page is not marked %s", tc.accept, tc.lang)
		}
		if !strings.Contains(p.body, tc.words) {
			t.Errorf("Accept-Language %s: the sign-in page lacks %q", tc.accept, tc.words)
		}
		if strings.Contains(p.body, "Forgot password?") {
			t.Errorf("Accept-Language %s: the sign-in page still says Forgot password?", tc.accept)
		}
	}

	admin := s.signIn(s.adminMail)
	for _, path := range []string{"/account", "/settings/general"} {
		p := s.get(admin, path)
		for _, want := range menu {
			if !strings.Contains(p.body, want) {
				t.Errorf("%s: the language menu lacks %s", path, want)
			}
		}
	}

	agent := s.signIn(s.agent)
	if p := s.post(agent, "/account/language", url.Values{"language": {"pt-BR"}}); p.status != http.StatusSeeOther {
		t.Fatalf("choose Portuguese: %d", p.status)
	}
	p := getAs(agent, "/account", "en-US")
	if !strings.Contains(p.body, `<html lang="pt-BR"`) {
		t.Fatal("after choosing Portuguese the Account page is not in Portuguese")
	}
	for _, want := range []string{"O console agora aparece neste idioma para você.", "Sua conta", `<option value="pt-BR" selected`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("after choosing Portuguese the Account page lacks %q", want)
		}
	}
}
