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
	s.renderConversationWith(w, r, id, status, func(t *views.ThreadView) { t.Draft, t.Error = draft, problem })
}

// renderConversationWith renders the conversation page after edit has put
// a refused form's input and errors into the thread.
func (s *Server) renderConversationWith(w http.ResponseWriter, r *http.Request, id int64, status int, edit func(*views.ThreadView)) {
	ctx := r.Context()
	if err := s.db.MarkConversationRead(ctx, id); err != nil {
		s.serverError(w, r, err)
		return
	}
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
	if t.Manage, err = s.manageView(ctx, c, parseInboxQuery(listValues(r)).encode()); err != nil {
		s.serverError(w, r, err)
		return
	}
	edit(&t)
	v.Thread = &t
	s.render(w, r, status, views.InboxPage(s.page(w, r, contactName(c)+" · Inbox", views.NavInbox), v))
}
