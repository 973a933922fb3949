package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/views"
)

// recoveryCodesShow shows, once, the recovery codes made when a passkey
// became the first second factor.
func (s *Server) recoveryCodesShow(w http.ResponseWriter, r *http.Request) {
	raw := s.sessions.PopString(r.Context(), sessNewCodes)
	if raw == "" {
		redirect(w, r, "/account/two-factor")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.RecoveryCodesPage(s.page(w, r, i18n.T(r.Context(), "titles.recovery_codes"), views.NavAccount), strings.Fields(raw), true))
}
