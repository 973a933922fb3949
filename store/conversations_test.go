package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

// inboundAt stores a customer's message on a channel at a given time and
// returns its conversation.
func inboundAt(t *testing.T, db *store.DB, channelID int64, waID, wamid, text string, at time.Time) int64 {
	t.Helper()
	a, err := db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: channelID, Messages: []store.InboundMessage{{
		WAMID: wamid, Phone: "+" + waID, WaID: waID, ProfileName: "Customer " + waID, Type: "text", Text: text, Payload: "{}", Timestamp: at,
	}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("inbound: %+v %v", a, err)
	}
	return a.NewMessages[0].ConversationID
}

func liveChannel(t *testing.T, db *store.DB, phoneID string) int64 {
	t.Helper()
	ctx := context.Background()
	ch, err := db.CreatePendingChannel(ctx, newChannel(phoneID))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	return ch.ID
}

func ids(cs []store.Conversation) []int64 {
	out := make([]int64, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestListConversationsAccessAndFilters(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	sales, err := db.CreateDepartment(ctx, "Sales")
	if err != nil {
		t.Fatal(err)
	}
	support, err := db.CreateDepartment(ctx, "Support")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.CreateUser(ctx, store.NewUser{Email: "a@example.com", Name: "A", Role: store.RoleAdmin, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	agent, err := db.CreateUser(ctx, store.NewUser{Email: "s@example.com", Name: "S", Role: store.RoleAgent, PasswordHash: "x",
		DepartmentIDs: []int64{sales.ID}})
	if err != nil {
		t.Fatal(err)
	}
	ch := liveChannel(t, db, "3001")
	hidden := liveChannel(t, db, "3002")
	base := time.Now().Add(-time.Hour)
	noDept := inboundAt(t, db, ch, "15550000001", "w1", "no department", base)
	salesConv := inboundAt(t, db, ch, "15550000002", "w2", "sales", base.Add(time.Minute))
	supportConv := inboundAt(t, db, ch, "15550000003", "w3", "support", base.Add(2*time.Minute))
	mine := inboundAt(t, db, ch, "15550000004", "w4", "mine", base.Add(3*time.Minute))
	resolved := inboundAt(t, db, ch, "15550000005", "w5", "resolved", base.Add(4*time.Minute))
	onHidden := inboundAt(t, db, hidden, "15550000006", "w6", "hidden", base.Add(5*time.Minute))
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"UPDATE conversations SET department_id = ? WHERE id = ?", []any{sales.ID, salesConv}},
		{"UPDATE conversations SET department_id = ? WHERE id = ?", []any{support.ID, supportConv}},
		{"UPDATE conversations SET assignee_id = ? WHERE id = ?", []any{agent.ID, mine}},
		{"UPDATE conversations SET status = 'resolved' WHERE id = ?", []any{resolved}},
	} {
		if _, err := db.W.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetChannelInboxVisible(ctx, hidden, false); err != nil {
		t.Fatal(err)
	}
	adminV, agentV := store.ViewerOf(admin), store.ViewerOf(agent)

	tests := []struct {
		name   string
		viewer store.InboxViewer
		filter store.ConversationFilter
		want   []int64
	}{
		{"admin sees every open conversation, newest first", adminV, store.ConversationFilter{}, []int64{mine, supportConv, salesConv, noDept}},
		{"agent sees no-department and own departments", agentV, store.ConversationFilter{}, []int64{mine, salesConv, noDept}},
		{"mine", agentV, store.ConversationFilter{Scope: store.ScopeMine}, []int64{mine}},
		{"unassigned", agentV, store.ConversationFilter{Scope: store.ScopeUnassigned}, []int64{salesConv, noDept}},
		{"resolved", adminV, store.ConversationFilter{Status: store.ConversationResolved}, []int64{resolved}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, next, err := db.ListConversations(ctx, tt.viewer, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(ids(got)) != fmt.Sprint(tt.want) || next != nil {
				t.Fatalf("got %v (next %v), want %v", ids(got), next, tt.want)
			}
		})
	}
	for _, id := range []int64{onHidden, supportConv} {
		if _, err := db.ConversationFor(ctx, agentV, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("agent opens conversation %d: err = %v, want not found", id, err)
		}
	}
	c, err := db.ConversationFor(ctx, agentV, salesConv)
	if err != nil {
		t.Fatal(err)
	}
	if c.ContactPhone != "+15550000002" || c.ContactName != "Customer 15550000002" || c.LastText != "sales" ||
		c.LastDirection != "in" || c.UnreadCount != 1 || c.LastInboundAt.IsZero() {
		t.Fatalf("conversation = %+v", c)
	}
	if _, err := db.ConversationFor(ctx, adminV, supportConv); err != nil {
		t.Fatalf("admin opens support conversation: %v", err)
	}
	if _, _, err := db.ListConversations(ctx, adminV, store.ConversationFilter{Scope: "everything"}); err == nil {
		t.Fatal("unknown scope accepted")
	}
}

func TestListConversationsCursor(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "3101")
	at := time.Now().Add(-time.Hour)
	var want []int64
	for i := range 7 {
		// Two conversations share each timestamp, so the id breaks ties.
		id := inboundAt(t, db, ch, fmt.Sprintf("1555100%04d", i), fmt.Sprintf("c%d", i), "hi", at.Add(time.Duration(i/2)*time.Minute))
		want = append([]int64{id}, want...)
	}
	var got []int64
	var after *store.ConversationCursor
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		page, next, err := db.ListConversations(ctx, store.InboxViewer{Admin: true}, store.ConversationFilter{Limit: 3, After: after})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(page)...)
		if next == nil {
			break
		}
		parsed, err := store.ParseConversationCursor(next.String())
		if err != nil || parsed != *next {
			t.Fatalf("cursor round trip: %v %v != %v", err, parsed, *next)
		}
		after = &parsed
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("paged = %v, want %v", got, want)
	}
	for _, bad := range []string{"", "x-1", "1-", "12-0"} {
		if _, err := store.ParseConversationCursor(bad); err == nil {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}

func TestConversationMessagesAndMarkRead(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "3201")
	at := time.Now().Add(-time.Hour)
	conv := inboundAt(t, db, ch, "15552000000", "m0", "first", at)
	for i := 1; i < 105; i++ {
		inboundAt(t, db, ch, "15552000000", fmt.Sprintf("m%d", i), fmt.Sprintf("msg %d", i), at.Add(time.Duration(i)*time.Second))
	}
	out := enqueue(t, db, conv, "reply")
	msgs, err := db.ConversationMessages(ctx, conv, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 100 {
		t.Fatalf("got %d messages, want the last 100", len(msgs))
	}
	if msgs[0].Text != "msg 6" || msgs[99].ID != out.MessageID || msgs[99].Direction != "out" || msgs[99].Status != "sending" {
		t.Fatalf("first %+v, last %+v", msgs[0], msgs[99])
	}
	c, err := db.ConversationFor(ctx, store.InboxViewer{Admin: true}, conv)
	if err != nil || c.UnreadCount != 105 {
		t.Fatalf("unread before = %d, %v", c.UnreadCount, err)
	}
	if changed, err := db.MarkConversationRead(ctx, conv); err != nil || !changed {
		t.Fatalf("mark read: changed %v, err %v", changed, err)
	}
	c, err = db.ConversationFor(ctx, store.InboxViewer{Admin: true}, conv)
	if err != nil || c.UnreadCount != 0 {
		t.Fatalf("unread after = %d, %v", c.UnreadCount, err)
	}
}
