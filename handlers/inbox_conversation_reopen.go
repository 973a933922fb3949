package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/store"
)

// inboxConversationReopen puts a resolved conversation back in the open
// lists.
func (s *Server) inboxConversationReopen(w http.ResponseWriter, r *http.Request) {
	s.setConversationStatus(w, r, store.ConversationOpen)
}

// setConversationStatus resolves or reopens the {id} conversation and
// returns to it. Doing it twice is harmless.
func (s *Server) setConversationStatus(w http.ResponseWriter, r *http.Request, status string) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	u := currentUser(r.Context())
	changed, err := s.db.SetConversationStatus(r.Context(), store.ViewerOf(*u), c.ID, status)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if changed {
		s.log.Info("conversation status changed", "conversation_id", c.ID, "status", status, "by", u.ID)
		s.publish(events.Event{Kind: events.ConversationStatus, ChannelID: c.ChannelID, ConversationID: c.ID, Status: status})
		if status == store.ConversationResolved {
			s.flashSuccess(w, r, "Conversation with "+contactName(c)+" resolved.")
		} else {
			s.flashSuccess(w, r, "Conversation with "+contactName(c)+" reopened.")
		}
	}
	redirect(w, r, backToConversation(r, c.ID))
}
