package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// inboxShow shows the agent inbox.
func (s *Server) inboxShow(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r.Context())
	s.render(w, r, http.StatusOK, views.InboxPage(s.page(w, r, "Inbox", views.NavInbox),
		views.InboxView{IsAdmin: u.Role == store.RoleAdmin}))
}
