package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

func TestSearchHitsAreTheNewestMatchingMessage(t *testing.T) {
	w := newInboxWorld(t)
	ctx := context.Background()
	later := customerSays(t, w.db, w.chA, "351910000001", "Olga Oliveira", "wamid.hit-2", "Do you deliver on Saturday too?", w.at.Add(time.Minute))
	if later != w.olga {
		t.Fatalf("the second message went to conversation %d, want olga's %d", later, w.olga)
	}
	customerSays(t, w.db, w.chA, "351910000001", "Olga Oliveira", "wamid.hit-3", "Thanks!", w.at.Add(2*time.Minute))
	convs, _, err := w.db.ListConversations(ctx, w.adminV, store.ConversationFilter{Search: "deliv"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range convs {
		ids = append(ids, c.ID)
	}
	hits, err := w.db.SearchHits(ctx, append(ids, w.sue), "deliv")
	if err != nil {
		t.Fatal(err)
	}
	if got := hits[w.olga].Text; got != "Do you deliver on Saturday too?" {
		t.Errorf("olga's hit = %q, want her newest message that matches", got)
	}
	if _, ok := hits[w.sue]; ok {
		t.Errorf("sue has a hit though none of her messages matches: %+v", hits[w.sue])
	}
	if hits, err := w.db.SearchHits(ctx, ids, "!!!"); err != nil || len(hits) != 0 {
		t.Errorf("a search of punctuation: %v, %v", hits, err)
	}
}

func TestUserAlertsRoundTrip(t *testing.T) {
	w := newInboxWorld(t)
	ctx := context.Background()
	if a, err := w.db.UserAlerts(ctx, w.agent.ID); err != nil || a != (store.UserAlerts{}) {
		t.Fatalf("alerts before any are saved = %+v, %v; want both off", a, err)
	}
	for _, want := range []store.UserAlerts{{Sound: true, Desktop: true}, {Desktop: true}, {}} {
		if err := w.db.SetUserAlerts(ctx, w.agent.ID, want); err != nil {
			t.Fatal(err)
		}
		if got, err := w.db.UserAlerts(ctx, w.agent.ID); err != nil || got != want {
			t.Errorf("alerts = %+v, %v; want %+v", got, err, want)
		}
	}
	if a, _ := w.db.UserAlerts(ctx, w.admin.ID); a != (store.UserAlerts{}) {
		t.Errorf("another user's alerts changed: %+v", a)
	}
}
