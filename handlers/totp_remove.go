package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// totpRemove turns the authenticator app off, after the password. Where
// the policy requires two-step sign-in, the last second factor stays.
func (s *Server) totpRemove(w http.ResponseWriter, r *http.Request) {
	if !s.confirmPassword(w, r, "remove") {
		return
	}
	ctx := r.Context()
	u := currentUser(ctx)
	if ok, err := s.mayRemoveFactor(w, r, u, false); err != nil {
		s.serverError(w, r, err)
		return
	} else if !ok {
		return
	}
	if err := s.db.RemoveTOTP(ctx, u.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.rotateAfterSecurityChange(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("authenticator turned off", "user_id", u.ID)
	s.flashSuccess(w, r, i18n.T(r.Context(), "flash.totp_remove.the_authenticator_app_was_removed"))
	redirect(w, r, "/account/two-factor")
}

// mayRemoveFactor refuses (with a flash and a redirect) to remove the last
// second factor of a user whom the policy requires to have one.
func (s *Server) mayRemoveFactor(w http.ResponseWriter, r *http.Request, u *store.User, passkey bool) (bool, error) {
	st, err := s.db.TwoFactorStatusOf(r.Context(), u.ID)
	if err != nil {
		return false, err
	}
	left := st.Passkeys
	if passkey {
		left--
		if st.TOTP {
			left++
		}
	}
	if left > 0 {
		return true, nil
	}
	policy, err := s.db.TwoFactorPolicy(r.Context())
	if err != nil {
		return false, err
	}
	if !store.TwoFactorRequired(policy, u.Role) {
		return true, nil
	}
	s.flashError(w, r, i18n.T(r.Context(), "flash.totp_remove.your_organisation_requires_two_step"))
	redirect(w, r, "/account/two-factor")
	return false, nil
}
