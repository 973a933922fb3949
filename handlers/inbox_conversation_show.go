package handlers

import (
	"net/http"
	"time"

	"github.com/wadesk/wadesk/views"
)

// inboxConversationShow opens a conversation: the list beside its thread,
// the reply box while the customer service window is open. Opening it
// marks it read.
func (s *Server) inboxConversationShow(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	s.renderConversation(w, r, c.ID, http.StatusOK, "", "")
}

// renderConversation renders the conversation page; draft and problem are
// a refused reply and why.
func (s *Server) renderConversation(w http.ResponseWriter, r *http.Request, id int64, status int, draft, problem string) {
	ctx := r.Context()
	if err := s.db.MarkConversationRead(ctx, id); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.queueReadReceipt(ctx, id)
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	v, err := s.inboxList(r, c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	t, err := s.threadView(ctx, c, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	t.Draft, t.Error = draft, problem
	v.Thread = &t
	s.render(w, r, status, views.InboxPage(s.page(w, r, contactName(c)+" · Inbox", views.NavInbox), v))
}
