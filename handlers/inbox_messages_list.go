package handlers

import (
	"net/http"
	"time"

	"github.com/wadesk/wadesk/views"
)

// inboxMessagesList answers the bubbles of a conversation alone: the open page
// fetches it again when its event stream says something changed. The agent
// is looking at it, so it is marked read.
func (s *Server) inboxMessagesList(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := s.markRead(r.Context(), c); err != nil {
		s.serverError(w, r, err)
		return
	}
	t, err := s.threadView(r.Context(), c, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	markSearch(&t, parseInboxQuery(r.URL.Query()).Search)
	s.render(w, r, http.StatusOK, views.ThreadMessageList(t))
}
