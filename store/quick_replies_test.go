package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

func TestQuickRepliesSharedAndPersonal(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	var ids []int64
	for _, email := range []string{"ana@example.test", "bo@example.test"} {
		u, err := db.CreateUser(ctx, store.NewUser{Email: email, Name: email, Role: store.RoleAgent, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	ana, bo := ids[0], ids[1]

	shared, err := db.CreateQuickReply(ctx, store.QuickReply{Shortcut: " hello ", Body: "Hello {contact_name}!"})
	if err != nil {
		t.Fatal(err)
	}
	if shared.Shortcut != "hello" || !shared.Shared() {
		t.Errorf("shared reply = %+v", shared)
	}
	if _, err := db.CreateQuickReply(ctx, store.QuickReply{Shortcut: "HELLO", Body: "again"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a second shared /HELLO: err = %v, want ErrConflict", err)
	}
	own, err := db.CreateQuickReply(ctx, store.QuickReply{OwnerID: ana, Shortcut: "hello", Body: "Hi, Ana here."})
	if err != nil {
		t.Fatalf("an agent's own /hello beside the shared one: %v", err)
	}
	if _, err := db.CreateQuickReply(ctx, store.QuickReply{OwnerID: bo, Shortcut: "bye", Body: "Bye!"}); err != nil {
		t.Fatal(err)
	}

	got, err := db.QuickRepliesFor(ctx, ana)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != own.ID || got[1].ID != shared.ID {
		t.Errorf("Ana sees %+v; want her own /hello, then the shared one (not Bo's)", got)
	}

	// Nobody changes or deletes a reply that is not theirs.
	if err := db.UpdateQuickReply(ctx, store.QuickReply{ID: own.ID, OwnerID: bo, Shortcut: "x", Body: "y"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Bo edits Ana's reply: err = %v", err)
	}
	if err := db.DeleteQuickReply(ctx, shared.ID, ana); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Ana deletes the shared reply as hers: err = %v", err)
	}
	if err := db.UpdateQuickReply(ctx, store.QuickReply{ID: shared.ID, Shortcut: "hi", Body: "Hi {contact_name}"}); err != nil {
		t.Fatal(err)
	}
	if q, err := db.QuickReplyByID(ctx, shared.ID); err != nil || q.Shortcut != "hi" || q.Body != "Hi {contact_name}" {
		t.Errorf("after the update: %+v, %v", q, err)
	}
	if err := db.DeleteQuickReply(ctx, own.ID, ana); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.QuickRepliesFor(ctx, ana); len(got) != 1 {
		t.Errorf("after deleting her own, Ana sees %d replies", len(got))
	}
}

func TestConversationListByLabel(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.SeedInbox(t, db, storetest.InboxSeed{Conversations: 5, MessagesPerConversation: 1, Channels: 1, UnreadEvery: 1})
	admin := store.InboxViewer{UserID: 1, Admin: true}
	all, _, err := db.ListConversations(ctx, admin, store.ConversationFilter{})
	if err != nil || len(all) != 5 {
		t.Fatalf("list = %d, %v", len(all), err)
	}
	vip, err := db.CreateLabel(ctx, store.Label{Name: "VIP", Colour: "amber"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddConversationLabel(ctx, vip.ID, all[1].ID, all[3].ID); err != nil {
		t.Fatal(err)
	}
	got, _, err := db.ListConversations(ctx, admin, store.ConversationFilter{LabelID: vip.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != all[1].ID || got[1].ID != all[3].ID {
		t.Errorf("VIP list = %+v", got)
	}
	totals, err := db.UnreadTotals(ctx, admin, store.ConversationFilter{LabelID: vip.ID})
	if err != nil || totals.All != 2 {
		t.Errorf("unread totals for VIP = %+v, %v; want 2", totals, err)
	}
	plan, err := db.ExplainConversationList(ctx, admin, store.ConversationFilter{LabelID: vip.ID})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("plan: %q", plan)
	for _, step := range plan {
		if step == "SCAN cl" || step == "SCAN conversation_labels" {
			t.Errorf("the label filter reads the whole conversation_labels table: %v", plan)
		}
	}
}

// A quick reply keeps its file and options, and its file's blob counts as
// referenced (the blob collector keeps it) until no reply names it.
func TestQuickReplyFileAndOptions(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	const sha = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
	file := store.QuickReplyFile{SHA256: sha, Name: "menu.pdf", Type: "application/pdf", Kind: "document", Size: 1234}
	q, err := db.CreateQuickReply(ctx, store.QuickReply{Shortcut: "menu", Body: "Our menu", File: file,
		Options: []string{"Breads", "Cakes", "Coffee", "Catering"}, ListButton: "See the menu"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.QuickReplyByID(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.File != file || !got.HasFile() || len(got.Options) != 4 || got.Options[3] != "Catering" || got.ListButton != "See the menu" {
		t.Errorf("read back %+v", got)
	}
	if ref, err := db.MediaBlobReferenced(ctx, sha); err != nil || !ref {
		t.Errorf("the reply's file: referenced = %v, %v", ref, err)
	}
	// The file removed and the options changed.
	if err := db.UpdateQuickReply(ctx, store.QuickReply{ID: q.ID, Shortcut: "menu", Body: "Our menu", Options: []string{"Yes", "No"}}); err != nil {
		t.Fatal(err)
	}
	got, err = db.QuickReplyByID(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.HasFile() || len(got.Options) != 2 || got.ListButton != "" {
		t.Errorf("after the update %+v", got)
	}
	if ref, err := db.MediaBlobReferenced(ctx, sha); err != nil || ref {
		t.Errorf("a file no reply names: referenced = %v, %v", ref, err)
	}
}
