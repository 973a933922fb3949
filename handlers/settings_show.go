package handlers

import "net/http"

// settingsShow opens the first settings page.
func (s *Server) settingsShow(w http.ResponseWriter, r *http.Request) {
	redirect(w, r, "/settings/users")
}
