package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/views"
)

// accountTimezoneSave stores the signed-in user's own time zone; none
// follows the console's.
func (s *Server) accountTimezoneSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	u := currentUser(r.Context())
	tz := strings.TrimSpace(r.PostFormValue("timezone"))
	if _, ok := views.LoadZone(tz); !ok {
		zf, err := s.accountZoneForm(r.Context(), u, views.Errors{"timezone": i18n.T(r.Context(), "states.zone.choose")})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, views.AccountPage(s.page(w, r, i18n.T(r.Context(), "titles.your_account"), views.NavAccount),
			views.AccountForm{Name: u.Name, Email: u.Email, Role: u.Role, Zone: zf, Languages: s.accountLanguages(r.Context(), u.ID)}))
		return
	}
	if err := s.db.SetUserTimezone(r.Context(), u.ID, tz); err != nil {
		s.serverError(w, r, err)
		return
	}
	if tz == "" {
		s.flashSuccess(w, r, i18n.T(r.Context(), "states.zone.user_cleared"))
	} else {
		s.flashSuccess(w, r, i18n.T(r.Context(), "states.zone.user_set", "Zone", views.ZoneLabel(tz)))
	}
	redirect(w, r, "/account")
}
