package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

// connectedChannel creates a connected channel for phone in WABA waba.
func connectedChannel(t *testing.T, db *store.DB, phone, waba string) store.Channel {
	t.Helper()
	ctx := context.Background()
	nc := newChannel(phone)
	nc.WABAID = waba
	ch, err := db.CreatePendingChannel(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	return ch
}

func rec(id, name, lang, status string) store.TemplateRecord {
	return store.TemplateRecord{ProviderTemplateID: id, Name: name, Language: lang, Category: "UTILITY", Status: status,
		ComponentsJSON: `[{"type":"BODY","text":"Hi"}]`}
}

func byName(ts []store.Template) map[string]store.Template {
	out := map[string]store.Template{}
	for _, t := range ts {
		out[t.Name+"/"+t.Language] = t
	}
	return out
}

func TestReplaceChannelTemplatesAddsChangesAndRemoves(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := connectedChannel(t, db, "2001", "waba-a")

	if _, err := db.TemplateSyncOf(ctx, ch.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("sync state before any sync: %v, want ErrNotFound", err)
	}
	first := []store.TemplateRecord{
		rec("1", "hello_world", "en_US", "APPROVED"),
		rec("2", "order_ready", "en_US", "PENDING"),
		rec("3", "order_ready", "pt_BR", "APPROVED"),
		rec("3", "order_ready", "pt_BR", "APPROVED"), // a duplicate across pages counts once
	}
	res, err := db.ReplaceChannelTemplates(ctx, ch.ID, first, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res != (store.TemplateSyncResult{Total: 3, Added: 3}) {
		t.Fatalf("first sync = %+v", res)
	}
	ts, err := db.ListTemplates(ctx, store.TemplateFilter{ChannelID: ch.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := byName(ts)
	if len(ts) != 3 || got["order_ready/pt_BR"].ProviderTemplateID != "3" || got["hello_world/en_US"].ChannelTitle != ch.Title {
		t.Fatalf("stored = %+v", ts)
	}
	if got["hello_world/en_US"].SyncedAt == nil || got["hello_world/en_US"].WABAID != "waba-a" {
		t.Errorf("synced template lacks its sync time or account: %+v", got["hello_world/en_US"])
	}
	before := got["hello_world/en_US"].UpdatedAt

	// Later: one approved, one vanished, one new; hello_world unchanged.
	second := []store.TemplateRecord{
		rec("1", "hello_world", "en_US", "APPROVED"),
		rec("2", "order_ready", "en_US", "APPROVED"),
		rec("4", "weekend_offer", "en_US", "REJECTED"),
	}
	second[2].RejectedReason = "SCAM"
	res, err = db.ReplaceChannelTemplates(ctx, ch.ID, second, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res != (store.TemplateSyncResult{Total: 3, Added: 1, Changed: 1, Removed: 1}) {
		t.Fatalf("second sync = %+v", res)
	}
	ts, _ = db.ListTemplates(ctx, store.TemplateFilter{ChannelID: ch.ID})
	got = byName(ts)
	if _, still := got["order_ready/pt_BR"]; still || len(ts) != 3 {
		t.Errorf("a template the provider no longer has is still stored: %+v", ts)
	}
	if got["order_ready/en_US"].Status != "APPROVED" || got["weekend_offer/en_US"].RejectedReason != "SCAM" {
		t.Errorf("changes not stored: %+v", ts)
	}
	if !got["hello_world/en_US"].UpdatedAt.Equal(before) {
		t.Error("an unchanged template's last-updated time moved")
	}
	s, err := db.TemplateSyncOf(ctx, ch.ID)
	if err != nil || s.Error != "" || s.OKAt == nil {
		t.Errorf("sync state = %+v, %v", s, err)
	}

	// A failed sync keeps the templates and says why.
	if err := db.RecordTemplateSyncFailure(ctx, ch.ID, "Meta rejected the access token.", time.Now()); err != nil {
		t.Fatal(err)
	}
	s, _ = db.TemplateSyncOf(ctx, ch.ID)
	if s.Error != "Meta rejected the access token." || s.OKAt == nil {
		t.Errorf("after a failure: %+v", s)
	}
	if ts, _ := db.ListTemplates(ctx, store.TemplateFilter{ChannelID: ch.ID}); len(ts) != 3 {
		t.Errorf("a failed sync changed the templates: %d", len(ts))
	}

	if _, err := db.ReplaceChannelTemplates(ctx, ch.ID, []store.TemplateRecord{{Name: "no_id", Language: "en"}}, time.Now()); err == nil {
		t.Error("a template without a provider ID was accepted")
	}
}

func TestReplaceChannelTemplatesKeepsNewerChanges(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := connectedChannel(t, db, "2002", "waba-b")
	if _, err := db.ReplaceChannelTemplates(ctx, ch.ID, []store.TemplateRecord{rec("1", "old_one", "en", "PENDING")}, time.Now()); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	// While the list is being fetched: a template is created and the
	// pending one is approved by webhook.
	if _, err := db.SaveTemplate(ctx, ch.ID, rec("2", "brand_new", "en", "PENDING")); err != nil {
		t.Fatal(err)
	}
	if n, err := db.ApplyTemplateStatus(ctx, "waba-b", store.TemplateStatusChange{TemplateID: "1", Status: "APPROVED"}); err != nil || n != 1 {
		t.Fatalf("apply = %d, %v", n, err)
	}
	// The list fetched before those changes.
	res, err := db.ReplaceChannelTemplates(ctx, ch.ID, []store.TemplateRecord{rec("1", "old_one", "en", "PENDING")}, started)
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed != 0 || res.Changed != 0 {
		t.Errorf("stale sync result = %+v", res)
	}
	got := map[string]string{}
	ts, _ := db.ListTemplates(ctx, store.TemplateFilter{ChannelID: ch.ID})
	for _, tpl := range ts {
		got[tpl.Name] = tpl.Status
	}
	if got["old_one"] != "APPROVED" || got["brand_new"] != "PENDING" {
		t.Errorf("after a stale sync: %v", got)
	}
}

func TestApplyTemplateStatus(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	a1 := connectedChannel(t, db, "3001", "waba-shared")
	a2 := connectedChannel(t, db, "3002", "waba-shared")
	other := connectedChannel(t, db, "3003", "waba-other")
	gone := connectedChannel(t, db, "3004", "waba-shared")
	for _, ch := range []store.Channel{a1, a2, other, gone} {
		if _, err := db.ReplaceChannelTemplates(ctx, ch.ID, []store.TemplateRecord{
			rec("10", "promo", "en_US", "PENDING"), rec("11", "promo", "es", "PENDING"),
		}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteChannel(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	statusOf := func(ch store.Channel, lang string) store.Template {
		t.Helper()
		ts, err := db.ListTemplates(ctx, store.TemplateFilter{ChannelID: ch.ID, Language: lang})
		if err != nil || len(ts) != 1 {
			t.Fatalf("templates of channel %d in %s: %v, %v", ch.ID, lang, ts, err)
		}
		return ts[0]
	}

	for _, tc := range []struct {
		name    string
		waba    string
		change  store.TemplateStatusChange
		want    int
		lang    string
		status  string
		reason  string
		channel store.Channel
	}{
		{"by ID, on every channel of the account", "waba-shared",
			store.TemplateStatusChange{TemplateID: "10", Name: "promo", Language: "en_US", Status: "REJECTED", Reason: "INVALID_FORMAT"},
			2, "en_US", "REJECTED", "INVALID_FORMAT", a2},
		{"the other account is untouched", "waba-shared",
			store.TemplateStatusChange{TemplateID: "10", Status: "REJECTED"}, 2, "en_US", "PENDING", "", other},
		{"approval clears the reason", "waba-shared",
			store.TemplateStatusChange{TemplateID: "10", Status: "approved", Reason: "NONE"}, 2, "en_US", "APPROVED", "", a1},
		{"unknown ID falls back to name and language", "waba-shared",
			store.TemplateStatusChange{TemplateID: "999", Name: "promo", Language: "es", Status: "PAUSED", Reason: "Low quality"},
			2, "es", "PAUSED", "Low quality", a1},
		{"unknown statuses are kept as they are", "waba-other",
			store.TemplateStatusChange{TemplateID: "11", Status: "LIMIT_EXCEEDED"}, 1, "es", "LIMIT_EXCEEDED", "", other},
		{"no match", "waba-shared",
			store.TemplateStatusChange{TemplateID: "404", Name: "nope", Language: "en_US", Status: "APPROVED"}, 0, "en_US", "APPROVED", "", a1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := db.ApplyTemplateStatus(ctx, tc.waba, tc.change)
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.want {
				t.Errorf("matched %d rows, want %d", n, tc.want)
			}
			got := statusOf(tc.channel, tc.lang)
			if got.Status != tc.status || got.RejectedReason != tc.reason {
				t.Errorf("channel %d %s: status %q reason %q, want %q %q", tc.channel.ID, tc.lang, got.Status, got.RejectedReason, tc.status, tc.reason)
			}
		})
	}
	if _, err := db.ApplyTemplateStatus(ctx, "waba-shared", store.TemplateStatusChange{TemplateID: "10"}); err == nil {
		t.Error("a change without a status was accepted")
	}
}

func TestSaveAndRemoveTemplatesAcrossTheAccount(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	a1 := connectedChannel(t, db, "4001", "waba-x")
	a2 := connectedChannel(t, db, "4002", "waba-x")
	other := connectedChannel(t, db, "4003", "waba-y")

	saved, err := db.SaveTemplate(ctx, a1.ID, rec("77", "spring_sale", "en_US", "PENDING"))
	if err != nil {
		t.Fatal(err)
	}
	if saved.ChannelID != a1.ID || saved.Status != "PENDING" || saved.SyncedAt != nil {
		t.Errorf("saved = %+v", saved)
	}
	again, err := db.TemplateByID(ctx, saved.ID)
	if err != nil || again.ComponentsJSON != `[{"type":"BODY","text":"Hi"}]` {
		t.Errorf("by ID = %+v, %v", again, err)
	}
	if ts, _ := db.ListTemplates(ctx, store.TemplateFilter{ChannelID: a2.ID}); len(ts) != 1 {
		t.Errorf("the other channel of the account has %d templates, want the new one", len(ts))
	}
	if ts, _ := db.ListTemplates(ctx, store.TemplateFilter{ChannelID: other.ID}); len(ts) != 0 {
		t.Errorf("a channel of another account got the template")
	}
	// Saving again (an edit) updates in place.
	edited := rec("77", "spring_sale", "en_US", "PENDING")
	edited.ComponentsJSON = `[{"type":"BODY","text":"Hello"}]`
	if _, err := db.SaveTemplate(ctx, a1.ID, edited); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveTemplate(ctx, a1.ID, rec("78", "spring_sale", "es", "PENDING")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveTemplate(ctx, other.ID, rec("79", "spring_sale", "en_US", "APPROVED")); err != nil {
		t.Fatal(err)
	}
	all, err := db.ListTemplates(ctx, store.TemplateFilter{})
	if err != nil || len(all) != 5 {
		t.Fatalf("all templates = %d, %v", len(all), err)
	}
	for _, f := range []struct {
		f    store.TemplateFilter
		want int
	}{
		{store.TemplateFilter{Language: "es"}, 2},
		{store.TemplateFilter{Status: "APPROVED"}, 1},
		{store.TemplateFilter{Category: "UTILITY", ChannelID: a1.ID}, 2},
		{store.TemplateFilter{Category: "MARKETING"}, 0},
	} {
		if ts, _ := db.ListTemplates(ctx, f.f); len(ts) != f.want {
			t.Errorf("filter %+v: %d templates, want %d", f.f, len(ts), f.want)
		}
	}

	// Deleting by name removes every language on every channel of the account.
	n, err := db.RemoveTemplates(ctx, a2.ID, "spring_sale", "")
	if err != nil || n != 4 {
		t.Fatalf("removed %d, %v; want 4", n, err)
	}
	if ts, _ := db.ListTemplates(ctx, store.TemplateFilter{ChannelID: other.ID}); len(ts) != 1 {
		t.Error("deleting removed another account's template")
	}
	if _, err := db.SaveTemplate(ctx, 9999, rec("1", "x", "en", "PENDING")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("save on a missing channel: %v", err)
	}
	if _, err := db.TemplateByID(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing template: %v", err)
	}
	// Deleted channels' templates are not listed.
	if err := db.DeleteChannel(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if ts, _ := db.ListTemplates(ctx, store.TemplateFilter{}); len(ts) != 0 {
		t.Errorf("templates of a deleted channel are listed: %d", len(ts))
	}
}
