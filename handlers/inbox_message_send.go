package handlers

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/window"
)

// maxReplyRunes is WhatsApp's limit on a text message's body.
const maxReplyRunes = 4096

// inboxMessageSend queues a free-form text reply. It is refused, with the
// typed text kept, when the text is empty or too long or the customer
// service window is closed: WhatsApp would refuse it anyway.
func (s *Server) inboxMessageSend(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderConversation(w, r, c.ID, http.StatusRequestEntityTooLarge, "", "This message is too long to send.")
		return
	}
	text := r.PostFormValue("text")
	refuse := func(problem string) {
		s.renderConversation(w, r, c.ID, http.StatusUnprocessableEntity, text, problem)
	}
	switch {
	case strings.TrimSpace(text) == "":
		refuse("Write a message before sending.")
		return
	case utf8.RuneCountInString(text) > maxReplyRunes:
		refuse("This message is too long: WhatsApp allows at most 4096 characters.")
		return
	}
	if open, why := window.CanSendFreeForm(window.At(c.LastInboundAt, time.Now())); !open {
		refuse(why)
		return
	}
	if s.outbox == nil {
		s.serverError(w, r, errors.New("inbox: no outbox configured"))
		return
	}
	m, err := s.outbox.Enqueue(r.Context(), c.ID, providers.OutboundMessage{Text: &providers.Text{Body: text}})
	var ve *providers.ValidationError
	switch {
	case errors.As(err, &ve):
		refuse(ve.Error())
		return
	case errors.Is(err, store.ErrNotFound):
		refuse("This conversation's WhatsApp number is no longer connected, so the message was not sent.")
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.log.Info("reply queued", "conversation_id", c.ID, "message_id", m.MessageID, "user_id", currentUser(r.Context()).ID)
	redirect(w, r, conversationPath(c.ID))
}

func conversationPath(id int64) string { return "/inbox/" + itoa(id) }
