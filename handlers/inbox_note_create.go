package handlers

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// inboxNoteCreate adds an internal note to the conversation. Notes are for
// the team: they are stored apart from messages and never go to the
// customer or the outbox.
func (s *Server) inboxNoteCreate(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	refuse := func(status int, body, problem string) {
		s.renderConversationWith(w, r, c.ID, status, func(t *views.ThreadView) {
			t.Manage.NoteDraft = body
			t.Manage.Errors = views.Errors{"body": problem}
		})
	}
	if err := parseForm(w, r); err != nil {
		refuse(http.StatusRequestEntityTooLarge, "", "This note is too long to add.")
		return
	}
	body := strings.TrimSpace(r.PostFormValue("body"))
	switch {
	case body == "":
		refuse(http.StatusUnprocessableEntity, r.PostFormValue("body"), "Write a note before adding it.")
		return
	case utf8.RuneCountInString(body) > views.MaxNoteRunes:
		refuse(http.StatusUnprocessableEntity, body, "This note is too long: at most 4000 characters.")
		return
	}
	u := currentUser(r.Context())
	n, err := s.db.AddNote(r.Context(), store.ViewerOf(*u), c.ID, body)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.log.Info("note added", "conversation_id", c.ID, "note_id", n.ID, "by", u.ID)
	s.publish(events.Event{Kind: events.NoteCreated, ChannelID: c.ChannelID, ConversationID: c.ID})
	redirect(w, r, backToConversation(r, c.ID))
}
