package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// accountAlertsSave saves the signed-in user's new-message alerts. The
// page's form answers in place; without JavaScript (which the alerts need
// anyway) it goes back to the account page.
func (s *Server) accountAlertsSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	a := store.UserAlerts{Sound: r.PostFormValue("sound") == "on", Desktop: r.PostFormValue("desktop") == "on"}
	if err := s.db.SetUserAlerts(r.Context(), currentUser(r.Context()).ID, a); err != nil {
		s.serverError(w, r, err)
		return
	}
	if isHTMX(r) {
		s.render(w, r, http.StatusOK, views.AccountAlerts(views.AlertsForm{Sound: a.Sound, Desktop: a.Desktop, Saved: true}))
		return
	}
	s.flashSuccess(w, r, i18n.T(r.Context(), "flash.account_alerts_save.your_alert_settings_are_saved"))
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
