package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/i18n"
)

// userTwoFactorReset removes a user's authenticator, passkeys and recovery
// codes and signs them out: they sign in with their password alone and,
// where the policy requires it, set two-step sign-in up again.
func (s *Server) userTwoFactorReset(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUser(w, r)
	if !ok {
		return
	}
	me := currentUser(r.Context())
	if u.ID == me.ID {
		s.flashError(w, r, i18n.T(r.Context(), "flash.user_two_factor_reset.manage_your_own_two_step"))
		redirect(w, r, "/settings/users/"+itoa(u.ID))
		return
	}
	if err := s.db.ResetTwoFactor(r.Context(), u.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Warn("two-step sign-in reset by an admin", "user_id", u.ID, "by", me.ID)
	s.audit(r, auditUserTwoFactorReset, "user", u.ID, u.Email, nil)
	s.flashSuccess(w, r, "Two-step sign-in of "+u.Name+" was reset and they were signed out. They can sign in with their password and set it up again.")
	redirect(w, r, "/settings/users/"+itoa(u.ID))
}
