package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/i18n"
)

// langCookie holds a language picked before signing in (the sign-in
// page's menu); a signed-in user's saved choice takes its place.
const langCookie = "wadesk_lang"

// requestLocale is the language a request is answered in: the language
// picked in the browser, else the best match for Accept-Language, else
// English.
func requestLocale(r *http.Request) i18n.Locale {
	var prefs []string
	if c, err := r.Cookie(langCookie); err == nil {
		prefs = append(prefs, c.Value)
	}
	return i18n.Default().Match(r.Header.Get("Accept-Language"), prefs...)
}
