package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// inboxLabelAdd puts a label (label_id) on the conversation. Anyone who
// may see the conversation may label it.
func (s *Server) inboxLabelAdd(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	id, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("label_id")), 10, 64)
	if err == nil && id > 0 {
		err = s.db.AddConversationLabel(ctx, id, c.ID)
	} else {
		err = store.ErrNotFound
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.renderConversationWith(w, r, c.ID, http.StatusUnprocessableEntity, func(t *views.ThreadView) {
			t.Labels.Error = i18n.T(ctx, "agent.labels.error_gone")
		})
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.log.Info("conversation labelled", "conversation_id", c.ID, "label_id", id, "by", currentUser(ctx).ID)
	s.publish(events.Event{Kind: events.ConversationLabelled, ChannelID: c.ChannelID, ConversationID: c.ID})
	redirect(w, r, backToConversation(r, c.ID)+"#conversation-labels")
}

// conversationLabels reads the labels section of a conversation's page.
func (s *Server) conversationLabels(ctx context.Context, c store.Conversation, list string) (views.ConversationLabels, error) {
	v := views.ConversationLabels{ConversationID: c.ID, List: list, IsAdmin: currentUser(ctx).Role == store.RoleAdmin}
	on, err := s.db.ConversationLabels(ctx, c.ID)
	if err != nil {
		return v, err
	}
	all, err := s.db.LabelChoices(ctx)
	if err != nil {
		return v, err
	}
	v.On = labelChips(on[c.ID])
	has := map[int64]bool{}
	for _, l := range on[c.ID] {
		has[l.ID] = true
	}
	for _, l := range all {
		if !has[l.ID] {
			v.Others = append(v.Others, views.LabelChip{ID: l.ID, Name: l.Name, Colour: l.Colour})
		}
	}
	return v, nil
}
