package handlers

import "net/http"

// logout ends the session: its data is cleared and the token renewed, so
// the old token is deleted on the server and worthless if it was copied.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Clear-Site-Data", `"cache"`)
	if err := s.sessions.Clear(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash.add(w, r, s.log, "info", "You have signed out.")
	redirect(w, r, "/login")
}
