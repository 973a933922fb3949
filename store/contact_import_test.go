package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

func TestImportContactsThenExportAndEraseKeepNothingBehind(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	seed := storetest.SeedInbox(t, db, storetest.InboxSeed{Conversations: 1, MessagesPerConversation: 1, Channels: 1})
	admin, err := db.UserByEmail(ctx, seed.AdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	known, err := db.CreateContact(ctx, store.NewContact{Phone: "+351911111111", Name: "Known"})
	if err != nil {
		t.Fatal(err)
	}
	label, err := db.CreateLabel(ctx, store.Label{Name: "Spring list", Colour: "blue"})
	if err != nil {
		t.Fatal(err)
	}
	imp, err := db.SaveContactImport(ctx, admin.ID, "list.csv", "phone\n+351911111111\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ContactImportOf(ctx, admin.ID+1, imp); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another user's upload: %v", err)
	}
	rows := []store.ImportedContact{
		{Phone: "+351911111111", Name: "Renamed?", Attributes: map[string]string{"city": "Faro"}},
		{Phone: "+351922222222", Name: "New One", OptedIn: true, Attributes: map[string]string{"city": "Porto", "plan": "gold"}},
	}
	res, err := db.ImportContacts(ctx, admin.ID, imp, label.ID, rows)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Updated != 1 {
		t.Fatalf("result = %+v", res)
	}
	if _, err := db.ImportContacts(ctx, admin.ID, imp, label.ID, rows); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the same upload imported twice: %v", err)
	}
	k, _ := db.ContactDetailFor(ctx, store.InboxViewer{Admin: true}, known.ID)
	if k.Name != "Known" {
		t.Errorf("a known contact's name changed to %q", k.Name)
	}
	n, err := db.ContactByPhone(ctx, "+351922222222")
	if err != nil || n.OptInSource != "import" || n.OptedInAt == nil || n.CreatedBy != admin.ID || n.Name != "New One" {
		t.Fatalf("new contact = %+v, %v", n, err)
	}
	phones, err := db.KnownPhones(ctx, []string{"+351922222222", "+351933333333"})
	if err != nil || !phones["+351922222222"] || phones["+351933333333"] {
		t.Fatalf("known phones = %v %v", phones, err)
	}

	d, err := db.ExportContactData(ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Contact.Attributes["plan"] != "gold" || len(d.Contact.Labels) != 1 || d.Contact.Labels[0] != "Spring list" || d.Contact.OptInSource != "import" {
		t.Fatalf("export = %+v", d.Contact)
	}
	if _, err := db.EraseContact(ctx, n.ID); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := db.R.QueryRow(`SELECT (SELECT COUNT(*) FROM contact_attributes WHERE contact_id = ?) + (SELECT COUNT(*) FROM contact_labels WHERE contact_id = ?)`, n.ID, n.ID).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatalf("%d attributes and labels left after erasure", left)
	}
}
