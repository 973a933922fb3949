package handlers

import (
	"net/http"

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
	s.render(w, r, http.StatusOK, views.LoginPage(s.page(w, r, "Sign in", ""),
		views.LoginForm{Next: r.URL.Query().Get("next")}))
}

// safeNext keeps a post-login redirect on this site: only a local path is
// followed, never another host ("//evil.example", "https://…", "/\evil").
func safeNext(next string) string {
	if next == "" || next[0] != '/' || len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return "/inbox"
	}
	return next
}
