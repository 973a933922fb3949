package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// inboxNotesList answers a conversation's internal notes alone: an open
// conversation fetches them again when its event stream says one was added.
func (s *Server) inboxNotesList(w http.ResponseWriter, r *http.Request) {
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
	s.render(w, r, http.StatusOK, views.ConversationNoteList(m))
}
