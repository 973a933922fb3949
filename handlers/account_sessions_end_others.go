package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/i18n"
)

// accountSessionsEndOthers signs out every session of the user but this one.
func (s *Server) accountSessionsEndOthers(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r.Context())
	n, err := s.db.DeleteUserSessionsExcept(r.Context(), u.ID, s.sessions.GetString(r.Context(), sessSID))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("other sessions signed out", "user_id", u.ID, "count", n)
	s.flashSuccess(w, r, i18n.T(r.Context(), "flash.account_sessions_end_others.every_other_device_has_been"))
	redirect(w, r, "/account")
}
