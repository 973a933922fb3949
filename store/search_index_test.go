package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

// Messages wait in search_pending until they are indexed in a batch; what
// happens to a waiting message (an edit, a deletion) must leave the index
// consistent once it is indexed, and a search never misses one.
func TestSearchIndexIsDeferredAndConsistent(t *testing.T) {
	w := newInboxWorld(t)
	ctx := context.Background()
	count := func(query string) int {
		t.Helper()
		var n int
		if err := w.db.R.QueryRowContext(ctx, query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	// integrity-check compares the index with the messages table, so it
	// holds only when nothing is waiting.
	checkIndex := func() {
		t.Helper()
		exec(t, w.db, "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
	}
	if _, err := w.db.IndexPendingMessages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	checkIndex()

	customerSays(t, w.db, w.chA, "351910000001", "Olga", "wp1", "Is the rhubarb tart ready?", w.at.Add(20*time.Minute))
	customerSays(t, w.db, w.chA, "351910000001", "Olga", "wp2", "And a baguette", w.at.Add(21*time.Minute))
	customerSays(t, w.db, w.chA, "351910000001", "Olga", "wp3", "Cancel that", w.at.Add(22*time.Minute))
	if n := count(`SELECT COUNT(*) FROM search_pending`); n != 3 {
		t.Fatalf("%d messages waiting, want 3", n)
	}
	if n := count(`SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'rhubarb'`); n != 0 {
		t.Fatalf("a message was indexed in the transaction that stored it")
	}
	// Edited and deleted while waiting.
	exec(t, w.db, "UPDATE messages SET text = 'And two croissants' WHERE wamid = 'wp2'")
	exec(t, w.db, "DELETE FROM messages WHERE wamid = 'wp3'")
	if n := count(`SELECT COUNT(*) FROM search_pending`); n != 2 {
		t.Fatalf("%d messages waiting after a deletion, want 2", n)
	}
	// Batches of one take the waiting messages in order.
	for i, want := range []int{1, 1, 0} {
		n, err := w.db.IndexPendingMessages(ctx, 1)
		if err != nil || n != want {
			t.Fatalf("batch %d indexed %d, %v; want %d", i+1, n, err, want)
		}
	}
	checkIndex()
	if n := count(`SELECT COUNT(*) FROM search_pending`); n != 0 {
		t.Fatalf("%d messages still waiting", n)
	}
	for q, want := range map[string]int{"rhubarb": 1, "croissants": 1, "baguette": 0, "cancel": 0} {
		if n := count(`SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH '` + q + `'`); n != want {
			t.Errorf("%q: %d indexed messages, want %d", q, n, want)
		}
	}
	// Once indexed, edits and deletions go straight to the index.
	exec(t, w.db, "UPDATE messages SET text = 'Is the plum tart ready?' WHERE wamid = 'wp1'")
	exec(t, w.db, "DELETE FROM messages WHERE wamid = 'wp2'")
	checkIndex()

	// A search finds what is still waiting: it catches the index up first.
	customerSays(t, w.db, w.chB, "447700900123", "Sue Smith", "wp4", "Where is my parcel?", w.at.Add(23*time.Minute))
	if got := w.list(t, w.adminV, store.ConversationFilter{Search: "parcel"}); !slices.Equal(got, []int64{w.sue}) {
		t.Errorf("search for a waiting message = %v, want [%d]", got, w.sue)
	}
	checkIndex()
}
