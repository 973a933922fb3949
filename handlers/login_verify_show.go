package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// loginVerifyShow asks for the second factor after a correct password.
func (s *Server) loginVerifyShow(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	_, f, ok := s.verifyStep(w, r, "Sign in again to continue.")
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, views.LoginVerifyPage(s.page(w, r, i18n.T(r.Context(), "titles.two_step_sign_in"), ""), f))
}

// verifyStep returns the user waiting for their second factor and the
// form that asks for it. When the session is not in that step it sends the
// browser to the sign-in page with msg and returns false.
func (s *Server) verifyStep(w http.ResponseWriter, r *http.Request, msg string) (*store.User, views.LoginVerifyForm, bool) {
	u, err := s.pendingUser(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return nil, views.LoginVerifyForm{}, false
	}
	if u == nil {
		s.flash.add(w, r, s.log, "info", msg)
		redirect(w, r, "/login")
		return nil, views.LoginVerifyForm{}, false
	}
	st, err := s.db.TwoFactorStatusOf(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return nil, views.LoginVerifyForm{}, false
	}
	return u, views.LoginVerifyForm{HasTOTP: st.TOTP, HasPasskeys: st.Passkeys > 0 && s.webauthn != nil}, true
}
