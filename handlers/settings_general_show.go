package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// settingsGeneralShow shows the console's own settings: its time zone.
func (s *Server) settingsGeneralShow(w http.ResponseWriter, r *http.Request) {
	tz, err := s.db.ConsoleTimezone(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.SettingsGeneralPage(s.page(w, r, i18n.T(r.Context(), "titles.general_settings"), views.NavSettings),
		zoneForm("/settings/general", tz, "UTC", views.Errors{}), s.consoleLanguages(r.Context())))
}
