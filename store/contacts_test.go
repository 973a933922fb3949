package store_test

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

// Agents see the contacts of the conversations they may see in the inbox
// and the contacts they added; admins see every contact.
func TestContactsVisibleToAgentsAndAdmins(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	seed := storetest.SeedInbox(t, db, storetest.InboxSeed{Conversations: 40, MessagesPerConversation: 1, Channels: 2, Departments: 2, Agents: 2})
	agent, err := db.UserByEmail(ctx, seed.AgentEmails[0])
	if err != nil {
		t.Fatal(err)
	}
	admin, err := db.UserByEmail(ctx, seed.AdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	added, err := db.CreateContact(ctx, store.NewContact{Phone: "+351912345678", Name: "Added by agent", CreatedBy: agent.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateContact(ctx, store.NewContact{Phone: "+351912345678"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same number again: %v, want ErrConflict", err)
	}
	want := map[int64]bool{added.ID: true}
	for _, status := range []string{store.ConversationOpen, store.ConversationResolved} {
		cs, _, err := db.ListConversations(ctx, store.ViewerOf(agent), store.ConversationFilter{Status: status, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			want[c.ContactID] = true
		}
	}
	got := map[int64]bool{}
	var cur *store.ContactCursor
	pages := 0
	for {
		page, next, err := db.ListContacts(ctx, store.ViewerOf(agent), store.ContactFilter{Limit: 7, After: cur})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, c := range page {
			if got[c.ID] {
				t.Fatalf("contact %d on two pages", c.ID)
			}
			got[c.ID] = true
		}
		if next == nil {
			break
		}
		parsed, err := store.ParseContactCursor(next.String())
		if err != nil || parsed != *next {
			t.Fatalf("cursor round trip: %v %+v %+v", err, parsed, next)
		}
		cur = next
	}
	if len(got) != len(want) || pages < 2 {
		t.Fatalf("agent sees %d contacts on %d pages, want %d", len(got), pages, len(want))
	}
	for id := range want {
		if !got[id] {
			t.Errorf("agent does not see contact %d", id)
		}
	}
	all, _, err := db.ListContacts(ctx, store.ViewerOf(admin), store.ContactFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) <= len(got) {
		t.Fatalf("admin sees %d contacts, the agent %d: the agent should see fewer", len(all), len(got))
	}
	for _, c := range all {
		_, err := db.ContactDetailFor(ctx, store.ViewerOf(agent), c.ID)
		if want[c.ID] != (err == nil) {
			t.Errorf("ContactDetailFor(agent, %d) = %v, visible %v", c.ID, err, want[c.ID])
		}
	}
	names := make([]string, len(all))
	for i, c := range all {
		names[i] = c.Name
	}
	if !sort.StringsAreSorted(names) {
		t.Error("contacts not by name")
	}
}

func TestContactsSearchFilterConsentAndAttributes(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	admin := store.InboxViewer{Admin: true}
	mk := func(phone, name string) store.ContactDetail {
		c, err := db.CreateContact(ctx, store.NewContact{Phone: phone, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ana, bruno, carla := mk("+351911111111", "Ana Silva"), mk("+351922222222", "Bruno Costa"), mk("+447700900123", "Carla Rossi")
	now := time.Now()
	if err := db.SetMarketingOptOut(ctx, bruno.ID, &now, "agent"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetContactOptIn(ctx, ana.ID, &now, "import"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetContactBlocked(ctx, carla.ID, true); err != nil {
		t.Fatal(err)
	}
	vip, err := db.CreateLabel(ctx, store.Label{Name: "VIP", Colour: "green"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddContactLabel(ctx, vip.ID, ana.ID, carla.ID); err != nil {
		t.Fatal(err)
	}
	list := func(f store.ContactFilter) []string {
		t.Helper()
		cs, _, err := db.ListContacts(ctx, admin, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    store.ContactFilter
		want string
	}{
		{"search name part", store.ContactFilter{Search: "ross"}, "[Carla Rossi]"},
		{"search digits", store.ContactFilter{Search: "92 222"}, "[Bruno Costa]"},
		{"search short", store.ContactFilter{Search: "an"}, "[Ana Silva]"},
		{"search punctuation", store.ContactFilter{Search: "!!"}, "[]"},
		{"label", store.ContactFilter{LabelID: vip.ID}, "[Ana Silva Carla Rossi]"},
		{"opted in", store.ContactFilter{Consent: store.ConsentOptedIn}, "[Ana Silva]"},
		{"opted out", store.ContactFilter{Consent: store.ConsentOptedOut}, "[Bruno Costa]"},
		{"blocked", store.ContactFilter{Consent: store.ConsentBlocked}, "[Carla Rossi]"},
		{"label and blocked", store.ContactFilter{LabelID: vip.ID, Consent: store.ConsentBlocked}, "[Carla Rossi]"},
	} {
		if got := fmtNames(list(c.f)); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	if _, _, err := db.ListContacts(ctx, admin, store.ContactFilter{Consent: "nope"}); err == nil {
		t.Error("unknown consent filter accepted")
	}

	if err := db.SetContactAttribute(ctx, ana.ID, "city", "Lisbon"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetContactAttribute(ctx, ana.ID, "city", "Porto"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetContactAttribute(ctx, ana.ID, "plan", "gold"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetContactAttribute(ctx, ana.ID, "plan", ""); err != nil {
		t.Fatal(err)
	}
	attrs, err := db.ContactAttributes(ctx, ana.ID)
	if err != nil || len(attrs) != 1 || attrs[0].Name != "city" || attrs[0].Value != "Porto" {
		t.Fatalf("attributes = %+v, %v", attrs, err)
	}
	if err := db.SetMarketingOptOut(ctx, bruno.ID, nil, ""); err != nil {
		t.Fatal(err)
	}
	b, err := db.ContactDetailFor(ctx, admin, bruno.ID)
	if err != nil || b.MarketingOptedOutAt != nil || b.OptOutSource != "" {
		t.Fatalf("opted back in: %+v %v", b, err)
	}
}

func fmtNames(ns []string) string {
	s := "["
	for i, n := range ns {
		if i > 0 {
			s += " "
		}
		s += n
	}
	return s + "]"
}
