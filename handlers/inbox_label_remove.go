package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/events"
)

// inboxLabelRemove takes label {lid} off the conversation; a label it does
// not carry (any more) is simply not there.
func (s *Server) inboxLabelRemove(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	lid, ok := pathID(r, "lid")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	if err := s.db.RemoveConversationLabel(r.Context(), lid, c.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("conversation label removed", "conversation_id", c.ID, "label_id", lid, "by", currentUser(r.Context()).ID)
	s.publish(events.Event{Kind: events.ConversationLabelled, ChannelID: c.ChannelID, ConversationID: c.ID})
	redirect(w, r, backToConversation(r, c.ID)+"#conversation-labels")
}
