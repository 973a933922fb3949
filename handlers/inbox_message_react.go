package handlers

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/window"
)

// inboxMessageReact reacts to a customer's message with an emoji, or
// removes the reaction (empty emoji), through the outbox. Like any
// free-form message, a reaction can only be sent while the customer
// service window is open.
func (s *Server) inboxMessageReact(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	mid, ok := pathID(r, "mid")
	if !ok {
		s.notFound(w, r)
		return
	}
	refuse := func(problem string) {
		s.renderConversation(w, r, c.ID, http.StatusUnprocessableEntity, "", problem)
	}
	if err := parseForm(w, r); err != nil {
		refuse("The reaction could not be read. Try again.")
		return
	}
	emoji := r.PostFormValue("emoji")
	if emoji != "" && !slices.Contains(views.ReactionEmojis, emoji) {
		refuse("Choose one of the offered reactions.")
		return
	}
	m, err := s.db.ConversationMessage(r.Context(), c.ID, mid)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	switch {
	case m.Direction != "in":
		refuse("Only the customer's messages can be reacted to.")
		return
	case m.Type == string(providers.KindReaction):
		refuse("A reaction cannot be reacted to.")
		return
	case m.WAMID == "":
		refuse("This message has no WhatsApp ID, so it cannot be reacted to.")
		return
	}
	if open, why := window.CanSendFreeForm(window.At(c.LastInboundAt, time.Now())); !open {
		refuse("The reaction was not sent. " + why)
		return
	}
	if s.outbox == nil {
		s.serverError(w, r, errors.New("inbox: no outbox configured"))
		return
	}
	out, err := s.outbox.Enqueue(r.Context(), c.ID, providers.OutboundMessage{Reaction: &providers.Reaction{MessageID: m.WAMID, Emoji: emoji}})
	var ve *providers.ValidationError
	switch {
	case errors.As(err, &ve):
		refuse(plainError(r.Context(), ve))
		return
	case errors.Is(err, store.ErrNotFound):
		refuse("This conversation's WhatsApp number is no longer connected, so the reaction was not sent.")
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.log.Info("reaction queued", "conversation_id", c.ID, "message_id", out.MessageID, "reacted_to", m.ID,
		"removed", emoji == "", "user_id", currentUser(r.Context()).ID)
	redirect(w, r, conversationPath(c.ID)+"#"+"msg-"+itoa(m.ID))
}
