package handlers

import "net/http"

// home sends everyone to the inbox, where the day's work is.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	redirect(w, r, "/inbox")
}
