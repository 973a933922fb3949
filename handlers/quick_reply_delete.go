package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// quickReplyDelete removes a quick reply.
func (s *Server) quickReplyDelete(w http.ResponseWriter, r *http.Request) {
	q, ok := s.loadQuickReply(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if err := s.db.DeleteQuickReply(ctx, q.ID, q.OwnerID); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	s.flashSuccess(w, r, i18n.T(ctx, "agent.qr.deleted", "Shortcut", q.Shortcut))
	redirect(w, r, "/quick-replies")
}
