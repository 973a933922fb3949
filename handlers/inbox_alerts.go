package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// inboxAlerts answers what the open tab's alerts go by: how many open
// conversations the user may see have unread messages, the newest of them
// when a customer was the last to write, and the user's alert settings.
// Every signed-in page reads it (the inbox when its list changes, other
// pages now and then).
func (s *Server) inboxAlerts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(ctx)
	viewer := store.ViewerOf(*u)
	open := store.ConversationFilter{Status: store.ConversationOpen}
	totals, err := s.db.UnreadTotals(ctx, viewer, open)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	open.Limit = 1
	newest, _, err := s.db.ListConversations(ctx, viewer, open)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	settings, err := s.db.UserAlerts(ctx, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	a := views.InboxAlerts{Unread: totals.All, Sound: settings.Sound, Desktop: settings.Desktop}
	if len(newest) == 1 && newest[0].UnreadCount > 0 && newest[0].LastDirection == "in" {
		c := newest[0]
		a.Latest = itoa(c.ID) + "@" + c.LastMessageAt.UTC().Format("20060102T150405.000000000")
		a.LatestName, a.LatestText, a.LatestURL = contactName(c), c.LastText, conversationPath(c.ID)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.InboxAlertsState(a))
}
