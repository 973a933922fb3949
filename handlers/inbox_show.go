package handlers

import (
	"context"
	"errors"
	"fmt"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/providers"
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
	s.render(w, r, http.StatusOK, views.InboxPage(s.page(w, r, i18n.T(r.Context(), "titles.inbox"), views.NavInbox), v))
}

// inboxList builds the conversation list from the request's filters (see
// inboxQuery); current marks the open conversation (0: none).
func (s *Server) inboxList(r *http.Request, current int64) (views.InboxView, error) {
	ctx := r.Context()
	u := currentUser(ctx)
	viewer := store.ViewerOf(*u)
	q := parseInboxQuery(listValues(r))
	f := q.filter()
	v := views.InboxView{IsAdmin: u.Role == store.RoleAdmin, Status: q.Status, Scope: q.Scope, Search: q.Search,
		Department: deptValue(q.Department), Filtered: q.narrowed()}
	if q.Channel > 0 {
		v.Channel = itoa(q.Channel)
	}
	convs, next, err := s.db.ListConversations(ctx, viewer, f)
	if err != nil {
		return v, err
	}
	totals, err := s.db.UnreadTotals(ctx, viewer, f)
	if err != nil {
		return v, err
	}
	channels, departments, err := s.db.InboxChoices(ctx, viewer)
	if err != nil {
		return v, err
	}
	for _, c := range channels {
		v.Channels = append(v.Channels, views.FilterOption{Value: itoa(c.ID), Label: c.Name, Selected: c.ID == q.Channel})
	}
	if len(departments) > 0 {
		v.Departments = append(v.Departments, views.FilterOption{Value: "none", Label: i18n.T(ctx, "agent.transfer.none"),
			Selected: q.Department == store.DepartmentNone})
	}
	for _, d := range departments {
		v.Departments = append(v.Departments, views.FilterOption{Value: itoa(d.ID), Label: d.Name, Selected: d.ID == q.Department})
	}

	// The page the list is on: the open conversation's, or /inbox.
	here := "/inbox"
	if current != 0 {
		here = conversationPath(current)
	}
	v.FormAction = here
	for _, t := range []struct {
		key, status, scope, label string
		unread                    int
	}{
		{"open", store.ConversationOpen, store.ScopeAll, i18n.T(ctx, "states.inbox_tab.open"), totals.All},
		{"mine", store.ConversationOpen, store.ScopeMine, i18n.T(ctx, "states.inbox_tab.mine"), totals.Mine},
		{"unassigned", store.ConversationOpen, store.ScopeUnassigned, i18n.T(ctx, "states.inbox_tab.unassigned"), totals.Unassigned},
		{"resolved", store.ConversationResolved, store.ScopeAll, i18n.T(ctx, "states.inbox_tab.resolved"), 0},
		{"snoozed", statusSnoozed, store.ScopeAll, i18n.T(ctx, "agent.snooze.tab"), 0},
	} {
		tq := q
		tq.Status, tq.Scope, tq.After = t.status, t.scope, nil
		v.Tabs = append(v.Tabs, views.InboxTab{Key: t.key, Label: t.label, URL: withQuery(here, tq.encode()),
			Current: q.Status == t.status && q.Scope == t.scope, Unread: t.unread})
	}
	clear := q
	clear.Channel, clear.Department, clear.Search, clear.Label, clear.After = 0, 0, "", 0, nil
	v.ClearURL = withQuery(here, clear.encode())

	query := q.encode()
	v.List = query
	rowLabels, err := s.listLabels(ctx, &v, q, convs)
	if err != nil {
		return v, err
	}
	var hits map[int64]store.SearchHit
	if q.Search != "" && len(convs) > 0 {
		ids := make([]int64, len(convs))
		for i, c := range convs {
			ids[i] = c.ID
		}
		if hits, err = s.db.SearchHits(ctx, ids, q.Search); err != nil {
			return v, err
		}
	}
	for _, c := range convs {
		row := views.ConversationRow{
			ID: c.ID, URL: withQuery(conversationPath(c.ID), query), Name: contactName(c), Phone: c.ContactPhone,
			Channel: c.ChannelTitle, Assignee: c.AssigneeName, Snippet: c.LastText, Outbound: c.LastDirection == "out",
			At: c.LastMessageAt, Unread: c.UnreadCount, Current: c.ID == current, Labels: rowLabels[c.ID],
		}
		if h, ok := hits[c.ID]; ok {
			row.Found, row.FoundID = views.SearchSnippet(h.Text, q.Search), h.MessageID
		}
		v.Conversations = append(v.Conversations, row)
	}
	for _, c := range channels {
		if c.ID == q.Channel {
			v.ChannelName = c.Name
		}
	}
	for _, d := range v.Departments {
		if d.Selected {
			v.DepartmentName = d.Label
		}
	}
	if next != nil {
		more := q
		more.After = next
		v.More = withQuery(here, more.values(true).Encode())
	}
	if s.events != nil {
		v.EventsURL = "/inbox/events"
		// The live list reads this page of the list again, for the same
		// filters, cursor and open conversation.
		lv := q.values(true)
		if current != 0 {
			lv.Set("current", itoa(current))
		}
		v.ListURL = withQuery("/inbox/list", lv.Encode())
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
	if _, t.Campaign, err = s.db.ConversationCampaign(ctx, c.ID); err != nil {
		return views.ThreadView{}, err
	}
	// c was read for this request: its window is current.
	setWindow(&t, window.Stored(c.LastInboundAt, c.WindowClosedAt, now))
	if s.unofficialChannel(ctx, c.ChannelID) {
		// No 24-hour window on an ordinary WhatsApp account.
		t.WindowOpen, t.ClosedReason, t.NoWindow = true, "", true
	}
	bc := bubbleContext{Ctx: ctx, ConversationID: c.ID, ContactName: contactName(c), WindowOpen: t.WindowOpen}
	if more := wamidsToLookUp(msgs); len(more) > 0 {
		if bc.Earlier, err = s.db.ConversationMessagesByWAMID(ctx, c.ID, more); err != nil {
			return views.ThreadView{}, err
		}
	}
	if bc.ProductNames, err = s.orderedProductNames(ctx, c.ChannelID, msgs); err != nil {
		return views.ThreadView{}, err
	}
	if s.blobs != nil {
		if bc.Kept, err = s.db.MediaFilesOf(ctx, c.ID); err != nil {
			return views.ThreadView{}, err
		}
	}
	t.Messages = messageBubbles(msgs, bc)
	if err := s.markAutomatic(ctx, c, &t, now); err != nil {
		return views.ThreadView{}, err
	}
	return t, nil
}

// markSearch marks the words of the inbox search a conversation was
// opened from in its messages; the page shows the newest message holding
// them all.
func markSearch(t *views.ThreadView, search string) {
	t.Search = search
	views.MarkMessages(t.Messages, search)
}

// orderedProductNames are the catalog's names of the products ordered in
// msgs, by retailer ID; nil when no message is an order.
func (s *Server) orderedProductNames(ctx context.Context, channelID int64, msgs []store.Message) (map[string]string, error) {
	var ids []string
	for _, m := range msgs {
		if m.Direction != "in" || m.Type != string(providers.KindOrder) {
			continue
		}
		if o, err := commerce.ParseOrder(m.Payload); err == nil {
			for _, it := range o.Items {
				ids = append(ids, it.RetailerID)
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	ps, err := s.db.ProductsByRetailerID(ctx, channelID, ids)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(ps))
	for id, p := range ps {
		names[id] = p.Name
	}
	return names, nil
}

// setWindow shows the customer service window ws in t: whether free-form
// messages may be sent (else why not) and, while they may, the countdown.
func setWindow(t *views.ThreadView, ws window.State) {
	t.WindowOpen, t.ClosedReason = window.CanSendFreeForm(ws)
	if ws.Open {
		t.ClosesAt = ws.ClosesAt
		left := ws.Remaining.Round(time.Second)
		t.Remaining = fmt.Sprintf("%02d:%02d:%02d", int(left.Hours()), int(left.Minutes())%60, int(left.Seconds())%60)
	}
}

// manageView reads what the thread shows to manage a conversation: who may
// be assigned, and the notes. list is the inbox list's filters, carried by
// the forms.
func (s *Server) manageView(ctx context.Context, c store.Conversation, list string) (views.ConversationManage, error) {
	m := views.ConversationManage{ID: c.ID, Status: c.Status, AssigneeID: c.AssigneeID, Me: currentUser(ctx).ID, List: list}
	as, err := s.db.Assignees(ctx, c.ID)
	if err != nil {
		return m, err
	}
	for _, a := range as {
		m.Assignees = append(m.Assignees, views.AssigneeOption{ID: a.ID, Name: a.Name})
	}
	if m.Flow, err = s.conversationFlow(ctx, c, list); err != nil {
		return m, err
	}
	notes, err := s.db.ConversationNotes(ctx, c.ID, 100)
	if err != nil {
		return m, err
	}
	for _, n := range notes {
		m.Notes = append(m.Notes, views.NoteRow{ID: n.ID, Author: n.AuthorName, Body: n.Body, At: n.CreatedAt})
	}
	return m, nil
}

// publish tells open pages that something changed, when live updates are on.
func (s *Server) publish(ev events.Event) {
	if s.events != nil {
		s.events.Publish(ev)
	}
}
