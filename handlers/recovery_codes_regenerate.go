package handlers

import "net/http"

// recoveryCodesRegenerate replaces the user's recovery codes with ten new
// ones, after the password; the old ones stop working.
func (s *Server) recoveryCodesRegenerate(w http.ResponseWriter, r *http.Request) {
	if !s.confirmPassword(w, r, "recovery") {
		return
	}
	u := currentUser(r.Context())
	st, err := s.db.TwoFactorStatusOf(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !st.Enabled() {
		redirect(w, r, "/account/two-factor")
		return
	}
	s.showNewRecoveryCodes(w, r, u, false)
}
