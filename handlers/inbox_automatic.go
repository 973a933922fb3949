package handlers

import (
	"context"
	"time"

	"github.com/wadesk/wadesk/hours"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// markAutomatic marks the thread's messages that wadesk sent by itself,
// and says whether the channel is outside its business hours now.
func (s *Server) markAutomatic(ctx context.Context, c store.Conversation, t *views.ThreadView, now time.Time) error {
	auto, err := s.db.AutomaticMessages(ctx, c.ID)
	if err != nil {
		return err
	}
	for i := range t.Messages {
		t.Messages[i].Automatic = auto[t.Messages[i].ID]
	}
	set, err := s.db.AutoReplySettingsOf(ctx, c.ChannelID)
	if err != nil || set.Timezone == "" {
		return err
	}
	sched, err := hours.New(set.Timezone, set.Week, set.Holidays)
	if err != nil {
		return nil // unreadable hours: say nothing rather than fail the page
	}
	if !sched.OpenAt(s.businessNow(now)) {
		t.OutsideHours = i18n.T(ctx, "agent.hours.outside_note", "Zone", views.ZoneLabel(set.Timezone))
	}
	return nil
}

// businessNow is the time business hours are judged at: now, unless a
// test pinned the clock (Config.HoursNow).
func (s *Server) businessNow(now time.Time) time.Time {
	if s.hoursNow != nil {
		return s.hoursNow()
	}
	return now
}
