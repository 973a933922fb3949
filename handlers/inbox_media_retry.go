package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/store"
)

// inboxMediaRetry asks the media worker to try again to download a file
// whose download failed (never one the provider no longer has), for a user
// who may see the conversation, and goes back to the conversation.
func (s *Server) inboxMediaRetry(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	mid, ok := pathID(r, "mid")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	if _, err := s.db.ConversationMessage(ctx, c.ID, mid); errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := s.db.RetryMediaFile(ctx, mid, time.Now()); err != nil {
		s.serverError(w, r, err)
		return
	}
	if s.fetcher != nil {
		s.fetcher.Wake()
	}
	redirect(w, r, conversationPath(c.ID))
}
