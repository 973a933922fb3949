package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// accountAlertsShow answers the account page's alert settings, which the
// page fetches after it opens.
func (s *Server) accountAlertsShow(w http.ResponseWriter, r *http.Request) {
	a, err := s.db.UserAlerts(r.Context(), currentUser(r.Context()).ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.AccountAlerts(views.AlertsForm{Sound: a.Sound, Desktop: a.Desktop}))
}
