package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// settingsSecurityShow shows Settings → Security: who must use two-step
// sign-in.
func (s *Server) settingsSecurityShow(w http.ResponseWriter, r *http.Request) {
	v, err := s.securitySettings(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.SecuritySettingsPage(s.page(w, r, i18n.T(r.Context(), "titles.security_settings"), views.NavSettings), v))
}

func (s *Server) securitySettings(r *http.Request) (views.SecuritySettingsView, error) {
	var v views.SecuritySettingsView
	var err error
	if v.Policy, err = s.db.TwoFactorPolicy(r.Context()); err != nil {
		return v, err
	}
	if v.NewBrowserNotice, err = s.db.NewBrowserNotice(r.Context()); err != nil {
		return v, err
	}
	v.MailReady, err = s.mailReady(r)
	return v, err
}
