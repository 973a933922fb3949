package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// settingsAPIKeyRevoke stops a key for good.
func (s *Server) settingsAPIKeyRevoke(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	k, err := s.db.APIKeyByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err == nil {
		err = s.db.RevokeAPIKey(ctx, id)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditAPIKeyRevoked, "api_key", k.ID, k.Name, nil)
	s.flashSuccess(w, r, i18n.T(ctx, "api.keys.flash_revoked", "Name", k.Name))
	redirect(w, r, "/settings/api-keys")
}
