package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// inboxConversationResolve marks the conversation resolved: it leaves the
// open lists until the customer writes again or someone reopens it.
func (s *Server) inboxConversationResolve(w http.ResponseWriter, r *http.Request) {
	s.setConversationStatus(w, r, store.ConversationResolved)
}
