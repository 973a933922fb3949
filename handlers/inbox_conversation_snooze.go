package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// snoozeUntil turns the snooze form's choice into a time (nil: until the
// customer writes); ok is false for an unknown choice.
func snoozeUntil(choice string, now time.Time, loc *time.Location) (until *time.Time, ok bool) {
	var t time.Time
	switch choice {
	case "message":
		return nil, true
	case "1h":
		t = now.Add(time.Hour)
	case "3h":
		t = now.Add(3 * time.Hour)
	case "tomorrow":
		// 09:00 tomorrow in the agent's time zone.
		l := now.In(loc)
		t = time.Date(l.Year(), l.Month(), l.Day()+1, 9, 0, 0, 0, loc)
	case "week":
		l := now.In(loc)
		days := (int(time.Monday) - int(l.Weekday()) + 7) % 7
		if days == 0 {
			days = 7
		}
		t = time.Date(l.Year(), l.Month(), l.Day()+days, 9, 0, 0, 0, loc)
	default:
		return nil, false
	}
	return &t, true
}

// inboxConversationSnooze takes the conversation out of the Open list
// until a time or the customer's next message (until=1h|3h|tomorrow|week|
// message). The agent goes back to the list it came from.
func (s *Server) inboxConversationSnooze(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	until, ok := snoozeUntil(r.PostFormValue("until"), time.Now(), views.ZoneOf(ctx))
	if !ok {
		s.renderConversationWith(w, r, c.ID, http.StatusUnprocessableEntity, func(t *views.ThreadView) {
			t.Manage.Errors = views.Errors{"until": i18n.T(ctx, "agent.snooze.error_choice")}
		})
		return
	}
	err := s.db.SnoozeConversation(ctx, store.ViewerOf(*currentUser(ctx)), c.ID, until)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.renderConversationWith(w, r, c.ID, http.StatusUnprocessableEntity, func(t *views.ThreadView) {
			t.Manage.Errors = views.Errors{"until": i18n.T(ctx, "agent.snooze.error_resolved")}
		})
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.log.Info("conversation snoozed", "conversation_id", c.ID, "until_message", until == nil, "by", currentUser(ctx).ID)
	s.publish(events.Event{Kind: events.ConversationStatus, ChannelID: c.ChannelID, ConversationID: c.ID, Status: "snoozed"})
	if until == nil {
		s.flashSuccess(w, r, i18n.T(ctx, "agent.snooze.done_message", "Name", contactName(c)))
	} else {
		s.flashSuccess(w, r, i18n.T(ctx, "agent.snooze.done_until", "Name", contactName(c), "When", i18n.DateTime(ctx, until.In(views.ZoneOf(ctx)))))
	}
	redirect(w, r, withQuery("/inbox", parseInboxQuery(listValues(r)).encode()))
}

// inboxConversationUnsnooze brings a snoozed conversation back now.
func (s *Server) inboxConversationUnsnooze(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	changed, err := s.db.UnsnoozeConversation(ctx, store.ViewerOf(*currentUser(ctx)), c.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	if changed {
		s.publish(events.Event{Kind: events.ConversationStatus, ChannelID: c.ChannelID, ConversationID: c.ID, Status: store.ConversationOpen})
	}
	redirect(w, r, backToConversation(r, c.ID))
}
