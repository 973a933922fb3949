package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/window"
)

// inboxShow lists the signed-in user's conversations, newest activity first.
func (s *Server) inboxShow(w http.ResponseWriter, r *http.Request) {
	v, err := s.inboxList(r, 0)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.InboxPage(s.page(w, r, "Inbox", views.NavInbox), v))
}

// inboxList builds the conversation list from the query's status, scope
// and cursor; current marks the open conversation.
func (s *Server) inboxList(r *http.Request, current int64) (views.InboxView, error) {
	u := currentUser(r.Context())
	q := r.URL.Query()
	v := views.InboxView{IsAdmin: u.Role == store.RoleAdmin, Status: store.ConversationOpen, Scope: store.ScopeAll}
	if st := q.Get("status"); st == store.ConversationResolved {
		v.Status = st
	}
	switch sc := q.Get("scope"); sc {
	case store.ScopeMine, store.ScopeUnassigned:
		v.Scope = sc
	}
	f := store.ConversationFilter{Status: v.Status, Scope: v.Scope}
	if c := q.Get("after"); c != "" {
		// A mangled cursor starts the list again rather than failing.
		if cur, err := store.ParseConversationCursor(c); err == nil {
			f.After = &cur
		}
	}
	convs, next, err := s.db.ListConversations(r.Context(), store.ViewerOf(*u), f)
	if err != nil {
		return v, err
	}
	for _, c := range convs {
		v.Conversations = append(v.Conversations, views.ConversationRow{
			ID: c.ID, Name: contactName(c), Phone: c.ContactPhone, Channel: c.ChannelTitle, Snippet: c.LastText,
			Outbound: c.LastDirection == "out", At: c.LastMessageAt, Unread: c.UnreadCount, Current: c.ID == current,
		})
	}
	if next != nil {
		more := url.Values{"status": {v.Status}, "scope": {v.Scope}, "after": {next.String()}}
		v.More = "/inbox?" + more.Encode()
	}
	return v, nil
}

func contactName(c store.Conversation) string {
	if c.ContactName != "" {
		return c.ContactName
	}
	return c.ContactPhone
}

// loadConversation reads the {id} conversation if the user may see it,
// answering 404 itself otherwise.
func (s *Server) loadConversation(w http.ResponseWriter, r *http.Request) (store.Conversation, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return store.Conversation{}, false
	}
	c, err := s.db.ConversationFor(r.Context(), store.ViewerOf(*currentUser(r.Context())), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return store.Conversation{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return store.Conversation{}, false
	}
	return c, true
}

// threadView reads a conversation's messages and window for its page.
func (s *Server) threadView(ctx context.Context, c store.Conversation, now time.Time) (views.ThreadView, error) {
	msgs, err := s.db.ConversationMessages(ctx, c.ID, 100)
	if err != nil {
		return views.ThreadView{}, err
	}
	t := views.ThreadView{ID: c.ID, Name: contactName(c), Phone: c.ContactPhone, Channel: c.ChannelTitle}
	ws, err := s.windowState(ctx, c, now)
	if err != nil {
		return views.ThreadView{}, err
	}
	t.WindowOpen, t.ClosedReason = window.CanSendFreeForm(ws)
	bc := bubbleContext{ConversationID: c.ID, ContactName: contactName(c), WindowOpen: t.WindowOpen}
	if more := wamidsToLookUp(msgs); len(more) > 0 {
		if bc.Earlier, err = s.db.ConversationMessagesByWAMID(ctx, c.ID, more); err != nil {
			return views.ThreadView{}, err
		}
	}
	t.Messages = messageBubbles(msgs, bc)
	if ws.Open {
		t.ClosesAt = ws.ClosesAt
		left := ws.Remaining.Round(time.Second)
		t.Remaining = fmt.Sprintf("%02d:%02d:%02d", int(left.Hours()), int(left.Minutes())%60, int(left.Seconds())%60)
	}
	return t, nil
}
