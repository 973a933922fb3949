package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// settingsAPIKeysShow lists the notification API's keys (never the keys
// themselves) with their scopes, last use and revocation.
func (s *Server) settingsAPIKeysShow(w http.ResponseWriter, r *http.Request) {
	s.renderAPIKeys(w, r, http.StatusOK, views.APIKeysView{Send: true})
}

func (s *Server) renderAPIKeys(w http.ResponseWriter, r *http.Request, status int, v views.APIKeysView) {
	ctx := r.Context()
	keys, err := s.db.ListAPIKeys(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, k := range keys {
		v.Keys = append(v.Keys, views.APIKeyRow{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Scopes: k.Scopes, CreatedAt: k.CreatedAt,
			LastUsed: k.LastUsedAt, Revoked: k.RevokedAt})
	}
	if v.NewKey != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, status, views.APIKeysPage(s.page(w, r, i18n.T(ctx, "api.keys.title"), views.NavSettings), v))
}
