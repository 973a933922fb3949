package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

// customerSays stores a named customer's text message and returns its
// conversation.
func customerSays(t *testing.T, db *store.DB, channelID int64, waID, name, wamid, text string, at time.Time) int64 {
	t.Helper()
	a, err := db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: channelID, Messages: []store.InboundMessage{{
		WAMID: wamid, Phone: "+" + waID, WaID: waID, ProfileName: name, Type: "text", Text: text, Payload: "{}", Timestamp: at,
	}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("inbound: %+v %v", a, err)
	}
	return a.NewMessages[0].ConversationID
}

func exec(t *testing.T, db *store.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.W.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// inboxWorld is a database with two departments, an admin, a Sales agent,
// a Support agent, a disabled Sales agent, two channels, and conversations:
//
//	olga     channel A, no department, "Hello, do you deliver on Sunday?"
//	sam      channel A, Sales, assigned to the Sales agent, "Price of the café crème?"
//	sue      channel B, Support, "My order #1234 arrived broken"
//	zoe      channel B, no department, resolved, "Thanks, all good"
type inboxWorld struct {
	db                            *store.DB
	sales, support                int64
	admin, agent, other, disabled store.User
	chA, chB                      int64
	olga, sam, sue, zoe           int64
	adminV, agentV, otherV        store.InboxViewer
	at                            time.Time
}

func newInboxWorld(t *testing.T) *inboxWorld {
	t.Helper()
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	w := &inboxWorld{db: db, at: time.Now().Add(-time.Hour).UTC()}
	for name, id := range map[string]*int64{"Sales": &w.sales, "Support": &w.support} {
		d, err := db.CreateDepartment(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		*id = d.ID
	}
	for _, u := range []struct {
		into *store.User
		nu   store.NewUser
	}{
		{&w.admin, store.NewUser{Email: "admin@example.com", Name: "Ada Admin", Role: store.RoleAdmin, PasswordHash: "x"}},
		{&w.agent, store.NewUser{Email: "sales@example.com", Name: "Sal Sales", Role: store.RoleAgent, PasswordHash: "x", DepartmentIDs: []int64{w.sales}}},
		{&w.other, store.NewUser{Email: "support@example.com", Name: "Sup Port", Role: store.RoleAgent, PasswordHash: "x", DepartmentIDs: []int64{w.support}}},
		{&w.disabled, store.NewUser{Email: "gone@example.com", Name: "Gone Agent", Role: store.RoleAgent, PasswordHash: "x", DepartmentIDs: []int64{w.sales}}},
	} {
		got, err := db.CreateUser(ctx, u.nu)
		if err != nil {
			t.Fatal(err)
		}
		*u.into = got
	}
	if err := db.SetUserDisabled(ctx, w.disabled.ID, true); err != nil {
		t.Fatal(err)
	}
	w.chA, w.chB = liveChannel(t, db, "5001"), liveChannel(t, db, "5002")
	w.olga = customerSays(t, db, w.chA, "351910000001", "Olga Oliveira", "wo", "Hello, do you deliver on Sunday?", w.at)
	w.sam = customerSays(t, db, w.chA, "16505551234", "Sam González", "ws", "Price of the café crème?", w.at.Add(time.Minute))
	w.sue = customerSays(t, db, w.chB, "447700900123", "Sue Smith", "wu", "My order #1234 arrived broken", w.at.Add(2*time.Minute))
	w.zoe = customerSays(t, db, w.chB, "4915112345678", "Zoë Zimmer", "wz", "Thanks, all good", w.at.Add(3*time.Minute))
	exec(t, db, "UPDATE conversations SET department_id = ?, assignee_id = ? WHERE id = ?", w.sales, w.agent.ID, w.sam)
	exec(t, db, "UPDATE conversations SET department_id = ? WHERE id = ?", w.support, w.sue)
	exec(t, db, "UPDATE conversations SET status = 'resolved' WHERE id = ?", w.zoe)
	w.adminV, w.agentV, w.otherV = store.ViewerOf(w.admin), store.ViewerOf(w.agent), store.ViewerOf(w.other)
	return w
}

func (w *inboxWorld) list(t *testing.T, v store.InboxViewer, f store.ConversationFilter) []int64 {
	t.Helper()
	got, _, err := w.db.ListConversations(context.Background(), v, f)
	if err != nil {
		t.Fatalf("list %+v: %v", f, err)
	}
	return ids(got)
}

func TestListConversationsChannelAndDepartmentFilters(t *testing.T) {
	w := newInboxWorld(t)
	tests := []struct {
		name   string
		viewer store.InboxViewer
		filter store.ConversationFilter
		want   []int64
	}{
		{"admin, channel A", w.adminV, store.ConversationFilter{ChannelID: w.chA}, []int64{w.sam, w.olga}},
		{"admin, channel B", w.adminV, store.ConversationFilter{ChannelID: w.chB}, []int64{w.sue}},
		{"admin, channel B resolved", w.adminV, store.ConversationFilter{ChannelID: w.chB, Status: store.ConversationResolved}, []int64{w.zoe}},
		{"admin, Support", w.adminV, store.ConversationFilter{DepartmentID: w.support}, []int64{w.sue}},
		{"admin, no department", w.adminV, store.ConversationFilter{DepartmentID: store.DepartmentNone}, []int64{w.olga}},
		{"Sales agent, channel B: Support is not theirs", w.agentV, store.ConversationFilter{ChannelID: w.chB}, nil},
		{"Sales agent asks for Support: the filter never widens", w.agentV, store.ConversationFilter{DepartmentID: w.support}, nil},
		{"Sales agent, Sales, mine", w.agentV, store.ConversationFilter{DepartmentID: w.sales, Scope: store.ScopeMine}, []int64{w.sam}},
		{"Support agent, everything", w.otherV, store.ConversationFilter{}, []int64{w.sue, w.olga}},
		{"unknown channel", w.adminV, store.ConversationFilter{ChannelID: 999}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.list(t, tt.viewer, tt.filter); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	for _, bad := range []store.ConversationFilter{{ChannelID: -3}, {DepartmentID: -7}, {Status: "archived"}} {
		if _, _, err := w.db.ListConversations(context.Background(), w.adminV, bad); err == nil {
			t.Errorf("filter %+v accepted", bad)
		}
	}
	c, err := w.db.ConversationFor(context.Background(), w.adminV, w.sam)
	if err != nil || c.AssigneeID != w.agent.ID || c.AssigneeName != "Sal Sales" {
		t.Fatalf("assignee of sam = %d %q, %v", c.AssigneeID, c.AssigneeName, err)
	}
}

func TestSearchConversations(t *testing.T) {
	w := newInboxWorld(t)
	tests := []struct {
		search string
		viewer store.InboxViewer
		want   []int64
	}{
		{"olga", w.adminV, []int64{w.olga}},
		{"OLIVEIRA", w.adminV, []int64{w.olga}},
		{"liveir", w.adminV, []int64{w.olga}},         // any part of a name
		{"gonzalez", w.adminV, []int64{w.sam}},        // accents folded in names
		{"cafe", w.adminV, []int64{w.sam}},            // and in messages
		{"deliv", w.adminV, []int64{w.olga}},          // the last word is a prefix
		{"deliv ", w.adminV, nil},                     // unless a space ends it
		{"sunday deliver", w.adminV, []int64{w.olga}}, // every word, any order
		{"sunday broken", w.adminV, nil},
		{"5551234", w.adminV, []int64{w.sam}},            // any part of the number
		{"+1 (650) 555-1234", w.adminV, []int64{w.sam}},  // typed with punctuation
		{"1234", w.adminV, []int64{w.sue, w.sam}},        // "#1234" in Sue's message, Sam's number
		{"order #1234", w.adminV, []int64{w.sue}},        // punctuation inside a word
		{"broken", w.agentV, nil},                        // Support's: not the Sales agent's
		{"broken", w.otherV, []int64{w.sue}},             // but the Support agent's
		{"Sal", w.adminV, nil},                           // the assignee's name is not the customer's
		{"crème", w.agentV, []int64{w.sam}},              // unicode in the query
		{"Zimmer", w.adminV, nil},                        // resolved: not in the open list
		{"hello OR broken", w.adminV, nil},               // OR is a word, not an operator
		{"NOT", w.adminV, nil},                           // so is NOT
		{"hello NEAR(", w.adminV, nil},                   // NEAR( is text
		{"price NEAR(café crème)", w.adminV, nil},        // no NEAR group either
		{`"`, w.adminV, nil},                             // a lone quote
		{`"hello`, w.adminV, []int64{w.olga}},            // an unbalanced quote
		{`he"llo`, w.adminV, nil},                        // a quote inside a word
		{"*", w.adminV, nil},                             // a lone star
		{"hel*", w.adminV, []int64{w.olga}},              // a star is punctuation (and hel a prefix)
		{"text:hello", w.adminV, nil},                    // no column filters
		{"name:olga", w.adminV, nil},                     // nor on contacts
		{"^hello", w.adminV, []int64{w.olga}},            // no initial-token operator
		{"(hello)", w.adminV, []int64{w.olga}},           // parentheses are punctuation
		{"hello -sunday", w.adminV, []int64{w.olga}},     // no minus operator
		{"'; DROP TABLE messages; --", w.adminV, nil},    // no SQL either
		{"🍕", w.adminV, nil},                             // only a symbol
		{"héllo   ", w.adminV, []int64{w.olga}},          // a complete word, accents folded
		{"\x00hello", w.adminV, []int64{w.olga}},         // a NUL byte
		{"日本語", w.adminV, nil},                           // another script, no match
		{"AND", w.adminV, nil},                           // AND is a word too
		{"   ", w.adminV, []int64{w.sue, w.sam, w.olga}}, // blank: no search
		{"", w.adminV, []int64{w.sue, w.sam, w.olga}},    // empty: no search
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.search), func(t *testing.T) {
			got, _, err := w.db.ListConversations(context.Background(), tt.viewer, store.ConversationFilter{Search: tt.search})
			if err != nil {
				t.Fatalf("search failed: %v", err)
			}
			if fmt.Sprint(ids(got)) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v, want %v", ids(got), tt.want)
			}
		})
	}
}

func TestSearchPagesWithCursor(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "5101")
	at := time.Now().Add(-time.Hour)
	var want []int64
	for i := range 11 {
		text := "nothing to see"
		if i%3 != 1 {
			text = fmt.Sprintf("pastel de nata number %d", i)
		}
		// Pairs share a timestamp, so the id breaks ties across pages.
		id := customerSays(t, db, ch, fmt.Sprintf("1555300%04d", i), "Customer", fmt.Sprintf("p%d", i), text, at.Add(time.Duration(i/2)*time.Minute))
		if i%3 != 1 {
			want = append([]int64{id}, want...)
		}
	}
	var got []int64
	var after *store.ConversationCursor
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		page, next, err := db.ListConversations(ctx, store.InboxViewer{Admin: true},
			store.ConversationFilter{Search: "Pastel NATA", Limit: 2, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 2 {
			t.Fatalf("page of %d, want at most 2", len(page))
		}
		got = append(got, ids(page)...)
		if next == nil {
			break
		}
		after = next
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("paged search = %v, want %v", got, want)
	}
}

func TestSearchIndexFollowsWrites(t *testing.T) {
	w := newInboxWorld(t)
	ctx := context.Background()
	search := func(q string) []int64 {
		return w.list(t, w.adminV, store.ConversationFilter{Search: q})
	}
	// A renamed contact is found by the new name only; the same name sent
	// again changes nothing.
	customerSays(t, w.db, w.chA, "351910000001", "Olga Pereira", "wo2", "still there?", w.at.Add(10*time.Minute))
	if got := search("Pereira"); !slices.Equal(got, []int64{w.olga}) {
		t.Errorf("new name: %v", got)
	}
	if got := search("Oliveira"); len(got) != 0 {
		t.Errorf("old name still found: %v", got)
	}
	// Outbound messages are searchable as soon as they are queued.
	if _, err := w.db.EnqueueOutbound(ctx, store.NewOutbound{ConversationID: w.sue, Type: "text", Text: "A replacement ships tomorrow",
		Request: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if got := search("replacement"); !slices.Equal(got, []int64{w.sue}) {
		t.Errorf("outbound text: %v", got)
	}
	// A change of text re-indexes the message; status updates do not
	// disturb the index.
	exec(t, w.db, "UPDATE messages SET text = 'Do you open on Saturday?' WHERE wamid = 'wo'")
	exec(t, w.db, "UPDATE messages SET status = 'read', status_rank = 3 WHERE wamid = 'wo'")
	if got := search("saturday"); !slices.Equal(got, []int64{w.olga}) {
		t.Errorf("edited text: %v", got)
	}
	if got := search("sunday"); len(got) != 0 {
		t.Errorf("old text still found: %v", got)
	}
	// Deleted rows leave the index, which stays consistent.
	exec(t, w.db, "DELETE FROM messages WHERE wamid = 'wu'")
	if got := search("broken"); len(got) != 0 {
		t.Errorf("deleted message still found: %v", got)
	}
	for _, table := range []string{"messages_fts", "contacts_fts"} {
		exec(t, w.db, "INSERT INTO "+table+" ("+table+", rank) VALUES ('integrity-check', 1)")
	}
}

func TestUnreadTotals(t *testing.T) {
	w := newInboxWorld(t)
	ctx := context.Background()
	// olga 1 unread (no assignee), sam 1 (the Sales agent's), sue 1
	// (Support), zoe resolved. Read olga; sue gets two more.
	if changed, err := w.db.MarkConversationRead(ctx, w.olga); err != nil || !changed {
		t.Fatalf("marking olga read: changed %v, err %v; want a change", changed, err)
	}
	if changed, err := w.db.MarkConversationRead(ctx, w.olga); err != nil || changed {
		t.Fatalf("marking olga read again: changed %v, err %v; want no change", changed, err)
	}
	customerSays(t, w.db, w.chB, "447700900123", "Sue Smith", "wu2", "hello?", w.at.Add(5*time.Minute))
	customerSays(t, w.db, w.chB, "447700900123", "Sue Smith", "wu3", "anyone?", w.at.Add(6*time.Minute))
	tests := []struct {
		name   string
		viewer store.InboxViewer
		filter store.ConversationFilter
		want   store.UnreadTotals
	}{
		{"admin", w.adminV, store.ConversationFilter{}, store.UnreadTotals{All: 2, Mine: 0, Unassigned: 1}},
		{"Sales agent", w.agentV, store.ConversationFilter{}, store.UnreadTotals{All: 1, Mine: 1, Unassigned: 0}},
		{"Support agent", w.otherV, store.ConversationFilter{}, store.UnreadTotals{All: 1, Mine: 0, Unassigned: 1}},
		{"admin, channel A", w.adminV, store.ConversationFilter{ChannelID: w.chA}, store.UnreadTotals{All: 1}},
		{"admin, no department", w.adminV, store.ConversationFilter{DepartmentID: store.DepartmentNone}, store.UnreadTotals{}},
		{"admin, Support; scope and search ignored", w.adminV,
			store.ConversationFilter{DepartmentID: w.support, Scope: store.ScopeMine, Search: "nothing"}, store.UnreadTotals{All: 1, Unassigned: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.db.UnreadTotals(ctx, tt.viewer, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestAssignResolveReopen(t *testing.T) {
	w := newInboxWorld(t)
	ctx := context.Background()
	as, err := w.db.Assignees(ctx, w.sam)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range as {
		names = append(names, a.Name)
	}
	// Sales conversation: the admin and the Sales agent; not Support's
	// agent, not the disabled one.
	if fmt.Sprint(names) != "[Ada Admin Sal Sales]" {
		t.Fatalf("assignees of a Sales conversation = %v", names)
	}
	if as, _ := w.db.Assignees(ctx, w.olga); len(as) != 3 {
		t.Fatalf("a conversation without department can go to the 3 active users, got %+v", as)
	}

	tests := []struct {
		name     string
		viewer   store.InboxViewer
		conv     int64
		assignee int64
		changed  bool
		err      error
	}{
		{"agent takes a no-department conversation", w.agentV, w.olga, w.agent.ID, true, nil},
		{"again: nothing changes", w.agentV, w.olga, w.agent.ID, false, nil},
		{"agent hands it to the Support agent", w.agentV, w.olga, w.other.ID, true, nil},
		{"unassign", w.otherV, w.olga, 0, true, nil},
		{"agent cannot act on Support's conversation", w.agentV, w.sue, w.agent.ID, false, store.ErrNotFound},
		{"Support agent cannot be given a Sales conversation", w.adminV, w.sam, w.other.ID, false, store.ErrNotAssignable},
		{"nor a disabled account", w.adminV, w.sam, w.disabled.ID, false, store.ErrNotAssignable},
		{"nor someone who does not exist", w.adminV, w.sam, 9999, false, store.ErrNotAssignable},
		{"nor a conversation that does not exist", w.adminV, 9999, w.admin.ID, false, store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed, err := w.db.AssignConversation(ctx, tt.viewer, tt.conv, tt.assignee)
			if !errors.Is(err, tt.err) || changed != tt.changed || (tt.err == nil) != (err == nil) {
				t.Fatalf("changed %v, err %v; want %v, %v", changed, err, tt.changed, tt.err)
			}
			if err != nil {
				return
			}
			c, err := w.db.ConversationFor(ctx, w.adminV, tt.conv)
			if err != nil || c.AssigneeID != tt.assignee {
				t.Fatalf("assignee = %d (%v), want %d", c.AssigneeID, err, tt.assignee)
			}
		})
	}
	if c, _ := w.db.ConversationFor(ctx, w.adminV, w.sam); c.AssigneeID != w.agent.ID {
		t.Errorf("a refused assignment changed the assignee to %d", c.AssigneeID)
	}

	if changed, err := w.db.SetConversationStatus(ctx, w.agentV, w.sue, store.ConversationResolved); !errors.Is(err, store.ErrNotFound) || changed {
		t.Fatalf("agent resolves Support's conversation: %v %v", changed, err)
	}
	if changed, err := w.db.SetConversationStatus(ctx, w.agentV, w.sam, store.ConversationResolved); err != nil || !changed {
		t.Fatalf("resolve: %v %v", changed, err)
	}
	if changed, err := w.db.SetConversationStatus(ctx, w.agentV, w.sam, store.ConversationResolved); err != nil || changed {
		t.Fatalf("resolve twice: %v %v", changed, err)
	}
	if got := w.list(t, w.agentV, store.ConversationFilter{Status: store.ConversationResolved}); !slices.Equal(got, []int64{w.zoe, w.sam}) {
		t.Fatalf("resolved list = %v", got)
	}
	if _, err := w.db.SetConversationStatus(ctx, w.agentV, w.sam, "archived"); err == nil {
		t.Fatal("unknown status accepted")
	}
	if changed, err := w.db.SetConversationStatus(ctx, w.agentV, w.sam, store.ConversationOpen); err != nil || !changed {
		t.Fatalf("reopen: %v %v", changed, err)
	}
	ok, err := w.db.AnyVisible(ctx, w.agentV, []int64{w.sue, 9999})
	if err != nil || ok {
		t.Fatalf("the Sales agent sees one of Support's or a missing one: %v %v", ok, err)
	}
	if ok, err := w.db.AnyVisible(ctx, w.agentV, []int64{w.sue, w.olga}); err != nil || !ok {
		t.Fatalf("the Sales agent does not see olga: %v %v", ok, err)
	}
	if ok, err := w.db.AnyVisible(ctx, w.agentV, nil); err != nil || ok {
		t.Fatalf("no ids: %v %v", ok, err)
	}

	// A customer writing again reopens a resolved conversation.
	if _, err := w.db.SetConversationStatus(ctx, w.adminV, w.sue, store.ConversationResolved); err != nil {
		t.Fatal(err)
	}
	customerSays(t, w.db, w.chB, "447700900123", "Sue Smith", "wu-again", "It is still broken", time.Now())
	if c, _ := w.db.ConversationFor(ctx, w.adminV, w.sue); c.Status != store.ConversationOpen {
		t.Fatalf("after a new inbound message the conversation is %s", c.Status)
	}

}

func TestNotes(t *testing.T) {
	w := newInboxWorld(t)
	ctx := context.Background()
	outbox := func() int {
		var n int
		if err := w.db.R.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM messages WHERE direction = 'out')").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := outbox()
	n1, err := w.db.AddNote(ctx, w.agentV, w.sam, "Customer is a reseller: <b>discount</b> applies")
	if err != nil {
		t.Fatal(err)
	}
	if n1.AuthorName != "Sal Sales" || n1.AuthorID != w.agent.ID || n1.ID == 0 || n1.CreatedAt.IsZero() {
		t.Fatalf("note = %+v", n1)
	}
	if _, err := w.db.AddNote(ctx, w.adminV, w.sam, "Agreed, 10%"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.AddNote(ctx, w.agentV, w.sue, "not mine"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("note on another department's conversation: %v", err)
	}
	if _, err := w.db.AddNote(ctx, w.agentV, w.sam, "  \n "); err == nil {
		t.Fatal("empty note accepted")
	}
	notes, err := w.db.ConversationNotes(ctx, w.sam, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 || notes[0].ID != n1.ID || notes[0].Body != n1.Body || notes[1].AuthorName != "Ada Admin" {
		t.Fatalf("notes = %+v", notes)
	}
	if got := outbox(); got != before {
		t.Fatalf("notes wrote %d outbound messages or outbox rows", got-before)
	}
	// Notes are not messages: the list's last message is still the customer's.
	c, _ := w.db.ConversationFor(ctx, w.adminV, w.sam)
	if c.LastText != "Price of the café crème?" {
		t.Fatalf("last text = %q", c.LastText)
	}
	if other, _ := w.db.ConversationNotes(ctx, w.olga, 0); len(other) != 0 {
		t.Fatalf("notes leaked to another conversation: %+v", other)
	}
}
