package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// passwordForgotShow asks for the address to send a reset link to; when
// this wadesk cannot send email it says to ask an administrator.
func (s *Server) passwordForgotShow(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	ready, err := s.mailReady(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ForgotPasswordPage(s.page(w, r, i18n.T(r.Context(), "titles.reset_your_password"), ""),
		views.ForgotForm{MailReady: ready}))
}

func (s *Server) mailReady(r *http.Request) (bool, error) {
	m, err := s.db.MailSettings(r.Context())
	if err != nil {
		return false, err
	}
	return m.Configured(), nil
}
