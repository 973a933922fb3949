package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// inboxConversationActions answers the thread header's assignment and
// status controls alone: an open conversation fetches them again when its
// event stream says it was assigned, resolved or reopened.
func (s *Server) inboxConversationActions(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	m, err := s.manageView(r.Context(), c, parseInboxQuery(r.URL.Query()).encode())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.ConversationActions(m))
}
