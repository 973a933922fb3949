package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// optOutKeywordDelete removes an opt-out keyword.
func (s *Server) optOutKeywordDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	if err := s.db.DeleteOptOutKeyword(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditOptOutKeywordRemoved, "settings", id, "", nil)
	s.flashSuccess(w, r, i18n.T(ctx, "contacts.optout.flash_removed"))
	redirect(w, r, "/settings/opt-out")
}
