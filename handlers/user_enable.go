package handlers

import "net/http"

// userEnable lets a disabled user sign in again.
func (s *Server) userEnable(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUser(w, r)
	if !ok {
		return
	}
	if err := s.db.SetUserDisabled(r.Context(), u.ID, false); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditUserEnabled, "user", u.ID, u.Email, nil)
	s.log.Info("user enabled", "user_id", u.ID, "by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, u.Name+" can sign in again.")
	redirect(w, r, "/settings/users")
}
