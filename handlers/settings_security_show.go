package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// settingsSecurityShow shows Settings → Security: who must use two-step
// sign-in.
func (s *Server) settingsSecurityShow(w http.ResponseWriter, r *http.Request) {
	policy, err := s.db.TwoFactorPolicy(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.SecuritySettingsPage(s.page(w, r, "Security settings", views.NavSettings),
		views.SecuritySettingsView{Policy: policy}))
}
