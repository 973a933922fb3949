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

// inboxConversationTransfer moves the conversation to another department
// (department_id; 0: none). Its assignee keeps it only if they work in the
// new department. An agent who cannot see the new department goes back
// to the list.
func (s *Server) inboxConversationTransfer(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	refuse := func() {
		s.renderConversationWith(w, r, c.ID, http.StatusUnprocessableEntity, func(t *views.ThreadView) {
			t.Manage.Flow.Errors = views.Errors{"department_id": i18n.T(ctx, "agent.transfer.error")}
		})
	}
	dept, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("department_id")), 10, 64)
	if err != nil || dept < 0 {
		refuse()
		return
	}
	u := currentUser(ctx)
	changed, err := s.db.TransferConversation(ctx, store.ViewerOf(*u), c.ID, dept)
	switch {
	case errors.Is(err, store.ErrNotFound):
		refuse()
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if changed {
		s.log.Info("conversation transferred", "conversation_id", c.ID, "department_id", dept, "by", u.ID)
		s.publish(events.Event{Kind: events.ConversationAssigned, ChannelID: c.ChannelID, ConversationID: c.ID})
		s.flashSuccess(w, r, i18n.T(ctx, "agent.transfer.done", "Name", contactName(c)))
	}
	if _, err := s.db.ConversationFor(ctx, store.ViewerOf(*u), c.ID); errors.Is(err, store.ErrNotFound) {
		redirect(w, r, withQuery("/inbox", parseInboxQuery(listValues(r)).encode()))
		return
	}
	redirect(w, r, backToConversation(r, c.ID))
}

// conversationFlow reads the thread's snooze and transfer controls.
func (s *Server) conversationFlow(ctx context.Context, c store.Conversation, list string) (views.ConversationFlow, error) {
	f := views.ConversationFlow{ID: c.ID, Status: c.Status, DepartmentID: c.DepartmentID, List: list}
	if c.SnoozedUntil != nil {
		f.Snoozed = true
		if c.SnoozedUntil.Equal(store.SnoozedUntilMessage) {
			f.SnoozedWords = i18n.T(ctx, "agent.snooze.is_message")
		} else {
			f.SnoozedWords = i18n.T(ctx, "agent.snooze.is_until", "When", i18n.DateTime(ctx, c.SnoozedUntil.In(views.ZoneOf(ctx))))
		}
	}
	ds, err := s.db.ListDepartments(ctx)
	if err != nil {
		return f, err
	}
	for _, d := range ds {
		f.Departments = append(f.Departments, views.Option{Value: itoa(d.ID), Label: d.Name})
	}
	return f, nil
}
