package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// setupShow shows the first-run form, only while no user exists.
func (s *Server) setupShow(w http.ResponseWriter, r *http.Request) {
	needed, err := s.needsSetup(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !needed {
		redirect(w, r, "/login")
		return
	}
	s.render(w, r, http.StatusOK, views.SetupPage(s.page(w, r, i18n.T(r.Context(), "titles.set_up"), ""), views.SetupForm{}))
}
