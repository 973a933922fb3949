package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// accountSessionEnd signs out one of the user's other sessions.
func (s *Server) accountSessionEnd(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r.Context())
	sid := r.PathValue("sid")
	if sid == s.sessions.GetString(r.Context(), sessSID) {
		s.flashError(w, r, i18n.T(r.Context(), "flash.account_session_end.to_sign_out_this_device"))
		redirect(w, r, "/account")
		return
	}
	err := s.db.DeleteUserSession(r.Context(), u.ID, sid)
	if errors.Is(err, store.ErrNotFound) {
		s.flash.add(w, r, s.log, "info", "That session had already ended.")
		redirect(w, r, "/account")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("session signed out from another device", "user_id", u.ID)
	s.flashSuccess(w, r, i18n.T(r.Context(), "flash.account_session_end.that_device_has_been_signed"))
	redirect(w, r, "/account")
}
