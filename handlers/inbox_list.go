package handlers

import (
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/views"
)

// inboxListPart answers the live part of the conversation list alone (tabs
// with unread totals, conversations, the link to older ones) for the same
// filters as the page: the page fetches it again when its event stream
// says something changed. current marks the open conversation; it is only
// a highlight, so an id the user may not see simply matches no row.
func (s *Server) inboxListPart(w http.ResponseWriter, r *http.Request) {
	current, err := strconv.ParseInt(r.URL.Query().Get("current"), 10, 64)
	if err != nil || current < 0 {
		current = 0
	}
	v, err := s.inboxList(r, current)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.InboxConversations(v))
}
