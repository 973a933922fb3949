package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"net/url"
	"strings"

	"github.com/wadesk/wadesk/views"
)

// loginShow shows the sign-in form, or goes to the inbox when already signed in.
func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) {
	u, err := s.sessionUser(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if u != nil {
		redirect(w, r, safeNext(r.URL.Query().Get("next")))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.LoginPage(s.page(w, r, i18n.T(r.Context(), "titles.sign_in"), ""),
		views.LoginForm{Next: r.URL.Query().Get("next"), Languages: s.signInLanguages(r)}))
}

// safeNext keeps a post-login redirect on this site: only a local path
// (with its query) is followed, never another host. Browsers forgive a
// lot in a Location header — they drop tabs and newlines and read a
// backslash as a slash — so "/\t/evil.example" or "/\\evil.example" would
// leave the site: anything with a control character, a space or a
// backslash, in the path as sent or once percent-decoded, is refused, and
// what is left must parse as a path that does not start with "//".
func safeNext(next string) string {
	const home = "/inbox"
	if !localPath(next) {
		return home
	}
	path, _, _ := strings.Cut(next, "?")
	if decoded, err := url.PathUnescape(path); err != nil || !localPath(decoded) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return home
	}
	return next
}

// localPath: s starts with one slash and holds no byte a browser would
// drop or turn into a slash.
func localPath(s string) bool {
	if len(s) == 0 || s[0] != '/' || len(s) > 1 && s[1] == '/' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}
