package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// settingsEmailShow shows the outgoing email settings.
func (s *Server) settingsEmailShow(w http.ResponseWriter, r *http.Request) {
	m, err := s.db.MailSettings(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := views.EmailSettingsForm{Host: m.Host, Port: strconv.Itoa(m.Port), Username: m.Username, FromAddress: m.FromAddress,
		TLSMode: m.TLSMode, Errors: views.Errors{}}
	s.renderEmailSettings(w, r, http.StatusOK, f, m)
}

// renderEmailSettings renders the page around f; saved is what is stored,
// which decides the password hint and whether a test can be sent.
func (s *Server) renderEmailSettings(w http.ResponseWriter, r *http.Request, status int, f views.EmailSettingsForm, saved store.MailSettings) {
	f.HasPassword = saved.HasPassword
	f.Configured = saved.Configured()
	f.UpdatedAt = saved.UpdatedAt
	f.TestTo = currentUser(r.Context()).Email
	s.render(w, r, status, views.EmailSettingsPage(s.page(w, r, i18n.T(r.Context(), "titles.email_settings"), views.NavSettings), f))
}
