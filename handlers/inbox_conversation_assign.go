package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// inboxConversationAssign gives the conversation to someone who may see it
// (assignee_id), or to nobody (0). "Assign to me" posts the user's own id.
// Anyone who may see the conversation may assign it.
func (s *Server) inboxConversationAssign(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	refuse := func(problem string) {
		s.renderConversationWith(w, r, c.ID, http.StatusUnprocessableEntity, func(t *views.ThreadView) {
			t.Manage.Errors = views.Errors{"assignee_id": problem}
		})
	}
	assignee, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("assignee_id")), 10, 64)
	if err != nil || assignee < 0 {
		refuse("Choose who takes this conversation.")
		return
	}
	u := currentUser(r.Context())
	changed, err := s.db.AssignConversation(r.Context(), store.ViewerOf(*u), c.ID, assignee)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// It was visible a moment ago; it no longer is.
		s.notFound(w, r)
		return
	case errors.Is(err, store.ErrNotAssignable):
		refuse("This person cannot take this conversation: their account is disabled or they do not work in its department.")
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if changed {
		s.log.Info("conversation assigned", "conversation_id", c.ID, "assignee_id", assignee, "by", u.ID)
		s.publish(events.Event{Kind: events.ConversationAssigned, ChannelID: c.ChannelID, ConversationID: c.ID})
	}
	redirect(w, r, backToConversation(r, c.ID))
}
