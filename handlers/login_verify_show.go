package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// loginVerifyShow asks for the second factor after a correct password.
func (s *Server) loginVerifyShow(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	u, err := s.pendingUser(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if u == nil {
		s.flash.add(w, r, s.log, "info", "Sign in again to continue.")
		redirect(w, r, "/login")
		return
	}
	f, err := s.verifyForm(r, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.LoginVerifyPage(s.page(w, r, "Two-step sign-in", ""), f))
}

func (s *Server) verifyForm(r *http.Request, userID int64) (views.LoginVerifyForm, error) {
	st, err := s.db.TwoFactorStatusOf(r.Context(), userID)
	if err != nil {
		return views.LoginVerifyForm{}, err
	}
	return views.LoginVerifyForm{HasTOTP: st.TOTP, HasPasskeys: st.Passkeys > 0 && s.webauthn != nil}, nil
}
