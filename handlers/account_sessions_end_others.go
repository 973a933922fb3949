package handlers

import "net/http"

// accountSessionsEndOthers signs out every session of the user but this one.
func (s *Server) accountSessionsEndOthers(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r.Context())
	n, err := s.db.DeleteUserSessionsExcept(r.Context(), u.ID, s.sessions.GetString(r.Context(), sessSID))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("other sessions signed out", "user_id", u.ID, "count", n)
	s.flashSuccess(w, r, "Every other device has been signed out.")
	redirect(w, r, "/account")
}
