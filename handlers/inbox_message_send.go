package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/providers"
)

// maxReplyRunes is WhatsApp's limit on a text message's body.
const maxReplyRunes = 4096

// inboxMessageSend queues a free-form text reply, quoting the message
// reply_to names when it is set; when quick_reply names the quick reply
// the agent inserted, its file and options go with the text
// (sendQuickReply). It is refused, with the typed text kept, when the
// text is empty or too long, when the quoted message is not this
// conversation's, or when the customer service window is closed (by the
// clock or because WhatsApp said so): WhatsApp would refuse it anyway.
func (s *Server) inboxMessageSend(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.renderConversation(w, r, c.ID, http.StatusRequestEntityTooLarge, "", "This message is too long to send.")
		return
	}
	text, replyTo, quick := r.PostFormValue("text"), r.PostFormValue("reply_to"), r.PostFormValue("quick_reply")
	refuse := func(problem string) {
		s.renderThread(w, r, c.ID, http.StatusUnprocessableEntity, composeState{draft: text, problem: problem, replyTo: replyTo, quickReply: quick})
	}
	switch {
	case strings.TrimSpace(text) == "":
		refuse("Write a message before sending.")
		return
	case utf8.RuneCountInString(text) > maxReplyRunes:
		refuse("This message is too long: WhatsApp allows at most 4096 characters.")
		return
	}
	ctx := r.Context()
	if why, err := s.freeFormRefusal(ctx, c); err != nil {
		s.serverError(w, r, err)
		return
	} else if why != "" {
		refuse(why)
		return
	}
	wamid, problem, err := s.replyContext(ctx, c, replyTo)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if problem != "" {
		refuse(problem)
		return
	}
	q, withQuick, problem, err := s.chosenQuickReply(ctx, quick)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if problem != "" {
		quick = ""
		refuse(problem)
		return
	}
	if withQuick {
		// The quick reply's file and options go with the text.
		problem, err = s.sendQuickReply(ctx, c, q, text, wamid)
	} else {
		problem, err = s.enqueue(ctx, c, providers.OutboundMessage{ReplyTo: wamid, Text: &providers.Text{Body: text}})
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if problem != "" {
		refuse(problem)
		return
	}
	redirect(w, r, conversationPath(c.ID))
}

func conversationPath(id int64) string { return "/inbox/" + itoa(id) }
