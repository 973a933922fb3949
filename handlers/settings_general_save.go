package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/views"
)

// settingsGeneralSave stores the console's time zone.
func (s *Server) settingsGeneralSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	tz := strings.TrimSpace(r.PostFormValue("timezone"))
	if tz == "UTC" {
		tz = ""
	}
	if _, ok := views.LoadZone(tz); !ok {
		s.render(w, r, http.StatusUnprocessableEntity, views.SettingsGeneralPage(s.page(w, r, i18n.T(r.Context(), "titles.general_settings"), views.NavSettings),
			zoneForm("/settings/general", "", "UTC", views.Errors{"timezone": i18n.T(r.Context(), "states.zone.choose")}), s.consoleLanguages(r.Context())))
		return
	}
	if err := s.db.SetConsoleTimezone(r.Context(), tz); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("console time zone set", "timezone", tz, "by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, i18n.T(r.Context(), "states.zone.console_set", "Zone", views.ZoneLabel(tz)))
	redirect(w, r, "/settings/general")
}
