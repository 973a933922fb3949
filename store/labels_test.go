package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

func TestLabelsOnConversationsAndContacts(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.SeedInbox(t, db, storetest.InboxSeed{Conversations: 3, MessagesPerConversation: 1, Channels: 1})

	vip, err := db.CreateLabel(ctx, store.Label{Name: " VIP ", Colour: "amber"})
	if err != nil {
		t.Fatal(err)
	}
	if vip.Name != "VIP" {
		t.Errorf("name = %q, want trimmed", vip.Name)
	}
	if _, err := db.CreateLabel(ctx, store.Label{Name: "vip"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("same name in other case: err = %v, want ErrConflict", err)
	}
	refund, err := db.CreateLabel(ctx, store.Label{Name: "Refund", Colour: "red"})
	if err != nil {
		t.Fatal(err)
	}

	// Conversation and contact ids 1..3 exist after the seed.
	if err := db.AddConversationLabel(ctx, vip.ID, 1, 2); err != nil {
		t.Fatal(err)
	}
	if err := db.AddConversationLabel(ctx, vip.ID, 2, 3); err != nil { // 2 again: left alone
		t.Fatal(err)
	}
	if err := db.AddConversationLabel(ctx, refund.ID, 2); err != nil {
		t.Fatal(err)
	}
	if err := db.AddContactLabel(ctx, refund.ID, 1); err != nil {
		t.Fatal(err)
	}
	if err := db.AddConversationLabel(ctx, 999, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown label: err = %v, want ErrNotFound", err)
	}

	got, err := db.ConversationLabels(ctx, 1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got[1]) != 1 || len(got[2]) != 2 || len(got[3]) != 1 || got[2][0].Name != "Refund" || got[2][1].Name != "VIP" {
		t.Errorf("conversation labels = %+v", got)
	}
	all, err := db.ListLabels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Name != "Refund" || all[0].Conversations != 1 || all[0].Contacts != 1 || all[1].Conversations != 3 {
		t.Errorf("labels = %+v", all)
	}

	if err := db.RemoveConversationLabel(ctx, vip.ID, 1, 3); err != nil {
		t.Fatal(err)
	}
	vip.Name, vip.Colour = "Gold", "yellow"
	if err := db.UpdateLabel(ctx, vip); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteLabel(ctx, refund.ID); err != nil {
		t.Fatal(err)
	}
	got, err = db.ConversationLabels(ctx, 1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[2]) != 1 || got[2][0].Name != "Gold" || got[2][0].Colour != "yellow" {
		t.Errorf("after removing and deleting: %+v", got)
	}
	contacts, err := db.ContactLabels(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(contacts) != 0 {
		t.Errorf("a deleted label stays on a contact: %+v", contacts)
	}
}
