package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

func TestSnoozeLeavesTheOpenListAndComesBack(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.SeedInbox(t, db, storetest.InboxSeed{Conversations: 3, MessagesPerConversation: 1, Channels: 1, UnreadEvery: 1})
	admin := store.InboxViewer{UserID: 1, Admin: true}
	all, _, err := db.ListConversations(ctx, admin, store.ConversationFilter{})
	if err != nil || len(all) != 3 {
		t.Fatalf("list = %d, %v", len(all), err)
	}
	soon := time.Now().Add(time.Hour)
	if err := db.SnoozeConversation(ctx, admin, all[0].ID, &soon); err != nil {
		t.Fatal(err)
	}
	if err := db.SnoozeConversation(ctx, admin, all[1].ID, nil); err != nil {
		t.Fatal(err)
	}
	open, _, _ := db.ListConversations(ctx, admin, store.ConversationFilter{})
	if len(open) != 1 || open[0].ID != all[2].ID {
		t.Errorf("open list while two are snoozed: %+v", open)
	}
	if totals, _ := db.UnreadTotals(ctx, admin, store.ConversationFilter{}); totals.All != 1 {
		t.Errorf("unread totals count snoozed conversations: %+v", totals)
	}
	snoozed, _, _ := db.ListConversations(ctx, admin, store.ConversationFilter{Snoozed: true})
	if len(snoozed) != 2 || snoozed[1].SnoozedUntil == nil || !snoozed[1].SnoozedUntil.Equal(store.SnoozedUntilMessage) {
		t.Errorf("snoozed list: %+v", snoozed)
	}
	// Nothing is due now; in two hours the timed one is.
	if woken, err := db.WakeSnoozed(ctx, time.Now()); err != nil || len(woken) != 0 {
		t.Errorf("woken now: %v %v", woken, err)
	}
	woken, err := db.WakeSnoozed(ctx, time.Now().Add(2*time.Hour))
	if err != nil || len(woken) != 1 || woken[0].ConversationID != all[0].ID {
		t.Errorf("woken in two hours: %v %v", woken, err)
	}
	if changed, err := db.UnsnoozeConversation(ctx, admin, all[1].ID); err != nil || !changed {
		t.Errorf("unsnooze: %v %v", changed, err)
	}
	if open, _, _ := db.ListConversations(ctx, admin, store.ConversationFilter{}); len(open) != 3 {
		t.Errorf("after both came back the open list has %d", len(open))
	}
	// Resolving clears a snooze; a resolved conversation cannot be snoozed.
	if err := db.SnoozeConversation(ctx, admin, all[2].ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetConversationStatus(ctx, admin, all[2].ID, store.ConversationResolved); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.ConversationFor(ctx, admin, all[2].ID); c.SnoozedUntil != nil {
		t.Error("a resolved conversation is still snoozed")
	}
	if err := db.SnoozeConversation(ctx, admin, all[2].ID, nil); err == nil {
		t.Error("a resolved conversation was snoozed")
	}
}
