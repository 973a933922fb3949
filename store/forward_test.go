package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

// forwardingChannel creates a connected channel forwarding to url ("" for
// none).
func forwardingChannel(t *testing.T, db *store.DB, phone, url string) store.Channel {
	t.Helper()
	ctx := context.Background()
	ch, err := db.CreatePendingChannel(ctx, newChannel(phone))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateChannel(ctx, ch.ID, store.ChannelUpdate{Title: ch.Title, ForwardURL: url}); err != nil {
		t.Fatal(err)
	}
	return ch
}

// accept journals a webhook body as ingestion does, and reports whether
// it was queued for forwarding.
func accept(t *testing.T, db *store.DB, channelID int64, body string, at time.Time) (int64, bool) {
	t.Helper()
	ctx := context.Background()
	ids, err := db.AppendWebhookEvents(ctx, []store.NewWebhookEvent{{ChannelID: channelID, Body: []byte(body), ReceivedAt: at}})
	if err != nil {
		t.Fatal(err)
	}
	var queued bool
	if err := db.R.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM forward_outbox WHERE event_id = ?)", ids[0]).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	return ids[0], queued
}

// heads maps channel ID to the event ID of each due delivery.
func heads(t *testing.T, db *store.DB, now time.Time) (map[int64]int64, time.Time) {
	t.Helper()
	due, next, err := db.DueForwards(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int64{}
	for _, d := range due {
		if _, dup := out[d.ChannelID]; dup {
			t.Fatalf("two due deliveries for channel %d: %+v", d.ChannelID, due)
		}
		out[d.ChannelID] = d.EventID
	}
	return out, next
}

func dueRow(t *testing.T, db *store.DB, now time.Time, channelID int64) store.ForwardDelivery {
	t.Helper()
	due, _, err := db.DueForwards(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range due {
		if d.ChannelID == channelID {
			return d
		}
	}
	t.Fatalf("nothing due for channel %d at %s: %+v", channelID, now, due)
	return store.ForwardDelivery{}
}

func TestForwardQueueIsInOrderPerChannel(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	a := forwardingChannel(t, db, "1001", "https://a.example.com/hook")
	b := forwardingChannel(t, db, "1002", "https://b.example.com/hook")
	c := forwardingChannel(t, db, "1003", "")

	a1, _ := accept(t, db, a.ID, `{"n":"a1"}`, t0)
	b1, _ := accept(t, db, b.ID, `{"n":"b1"}`, t0.Add(time.Second))
	a2, _ := accept(t, db, a.ID, `{"n":"a2"}`, t0.Add(2*time.Second))
	if _, queued := accept(t, db, c.ID, `{"n":"c1"}`, t0.Add(3*time.Second)); queued {
		t.Fatal("a body of a channel without a forward URL was queued")
	}
	a3, _ := accept(t, db, a.ID, `{"n":"a3"}`, t0.Add(4*time.Second))

	// Nothing is due before it was accepted.
	if got, next := heads(t, db, t0.Add(-time.Minute)); len(got) != 0 || !next.Equal(t0) {
		t.Fatalf("before t0: due %v, next %s; want nothing due, next %s", got, next, t0)
	}
	now := t0.Add(time.Minute)
	got, next := heads(t, db, now)
	if len(got) != 2 || got[a.ID] != a1 || got[b.ID] != b1 || !next.IsZero() {
		t.Fatalf("due = %v, next %s; want a1=%d b1=%d and no later head", got, next, a1, b1)
	}
	row := dueRow(t, db, now, a.ID)
	if row.URL != "https://a.example.com/hook" || row.Attempts != 0 || !row.CreatedAt.Equal(t0) || !row.NextAttemptAt.Equal(t0) {
		t.Fatalf("head of a = %+v", row)
	}

	// a1 fails: a's queue waits for a1's retry; a2 is not due although its
	// own next attempt time has come.
	retry := now.Add(30 * time.Second)
	if err := db.RecordForwardAttempt(ctx, store.ForwardAttempt{OutboxID: row.ID, AttemptedAt: now, HTTPStatus: 503,
		Error: "The middleware answered 503 Service Unavailable.", Duration: 120 * time.Millisecond}, store.ForwardPending, retry); err != nil {
		t.Fatal(err)
	}
	if got, next := heads(t, db, now); len(got) != 1 || got[b.ID] != b1 || !next.Equal(retry) {
		t.Fatalf("after a1 failed: due %v, next %s; want only b1, next %s", got, next, retry)
	}
	if bl, err := db.ChannelForwardBacklog(ctx, a.ID); err != nil || bl.Pending != 3 || !bl.NextAttemptAt.Equal(retry) || !bl.OldestAt.Equal(t0) {
		t.Fatalf("backlog of a = %+v, %v", bl, err)
	}
	now = retry
	row = dueRow(t, db, now, a.ID)
	if row.EventID != a1 || row.Attempts != 1 {
		t.Fatalf("retry of a = %+v; want a1 with 1 attempt", row)
	}
	if err := db.RecordForwardAttempt(ctx, store.ForwardAttempt{OutboxID: row.ID, AttemptedAt: now, HTTPStatus: 200,
		Duration: 80 * time.Millisecond}, store.ForwardDelivered, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := heads(t, db, now); got[a.ID] != a2 {
		t.Fatalf("after a1 delivered: due %v; want a2=%d", got, a2)
	}

	// Giving up on a2 lets a3 go.
	row = dueRow(t, db, now, a.ID)
	if err := db.RecordForwardAttempt(ctx, store.ForwardAttempt{OutboxID: row.ID, AttemptedAt: now,
		Error: "Connection refused."}, store.ForwardGivenUp, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := heads(t, db, now); got[a.ID] != a3 {
		t.Fatalf("after a2 given up: due %v; want a3=%d", got, a3)
	}
	if bl, err := db.ChannelForwardBacklog(ctx, a.ID); err != nil || bl.Pending != 1 {
		t.Fatalf("backlog of a = %+v, %v; want 1 pending", bl, err)
	}

	// The attempts, newest first, with the state of their body now.
	attempts, err := db.ListForwardAttempts(ctx, a.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		event  int64
		status int
		err    string
		state  string
		dur    time.Duration
	}{
		{a2, 0, "Connection refused.", store.ForwardGivenUp, 0},
		{a1, 200, "", store.ForwardDelivered, 80 * time.Millisecond},
		{a1, 503, "The middleware answered 503 Service Unavailable.", store.ForwardDelivered, 120 * time.Millisecond},
	}
	if len(attempts) != len(want) {
		t.Fatalf("attempts = %+v", attempts)
	}
	for i, w := range want {
		g := attempts[i]
		if g.EventID != w.event || g.HTTPStatus != w.status || g.Error != w.err || g.OutboxState != w.state ||
			g.Duration != w.dur || g.ChannelID != a.ID {
			t.Errorf("attempt %d = %+v; want %+v", i, g, w)
		}
	}
	if limited, _ := db.ListForwardAttempts(ctx, a.ID, 1); len(limited) != 1 || limited[0].EventID != a2 {
		t.Errorf("limit 1 = %+v", limited)
	}
	if other, _ := db.ListForwardAttempts(ctx, b.ID, 0); len(other) != 0 {
		t.Errorf("b has attempts: %+v", other)
	}

	// The rows themselves.
	var state string
	var attemptsN int
	var delivered *string
	if err := db.R.QueryRowContext(ctx, "SELECT state, attempts, delivered_at FROM forward_outbox WHERE event_id = ?", a1).
		Scan(&state, &attemptsN, &delivered); err != nil {
		t.Fatal(err)
	}
	if state != store.ForwardDelivered || attemptsN != 1 || delivered == nil || *delivered != "2026-03-01T10:01:30.080000000Z" {
		t.Errorf("a1 row: state %s, attempts %d, delivered_at %v", state, attemptsN, delivered)
	}
	if err := db.R.QueryRowContext(ctx, "SELECT state, attempts FROM forward_outbox WHERE event_id = ?", a2).Scan(&state, &attemptsN); err != nil {
		t.Fatal(err)
	}
	if state != store.ForwardGivenUp || attemptsN != 1 {
		t.Errorf("a2 row: state %s, attempts %d", state, attemptsN)
	}
}

func TestRecordForwardAttemptChecks(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	a := forwardingChannel(t, db, "1001", "https://a.example.com/hook")
	accept(t, db, a.ID, `{}`, t0)
	row := dueRow(t, db, t0, a.ID)

	for _, tc := range []struct {
		name  string
		state string
		retry time.Time
	}{
		{"unknown state", "lost", time.Time{}},
		{"pending without a retry time", store.ForwardPending, time.Time{}},
	} {
		if err := db.RecordForwardAttempt(ctx, store.ForwardAttempt{OutboxID: row.ID, AttemptedAt: t0}, tc.state, tc.retry); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if n, _ := db.ListForwardAttempts(ctx, a.ID, 0); len(n) != 0 {
		t.Fatalf("a refused attempt was stored: %+v", n)
	}
	if err := db.RecordForwardAttempt(ctx, store.ForwardAttempt{OutboxID: row.ID, AttemptedAt: t0, HTTPStatus: 204}, store.ForwardDelivered, time.Time{}); err != nil {
		t.Fatal(err)
	}
	// A row that is no longer pending takes no more attempts.
	err := db.RecordForwardAttempt(ctx, store.ForwardAttempt{OutboxID: row.ID, AttemptedAt: t0, HTTPStatus: 204}, store.ForwardDelivered, time.Time{})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second delivery: err = %v, want ErrNotFound", err)
	}
	if err := db.RecordForwardAttempt(ctx, store.ForwardAttempt{OutboxID: 9999, AttemptedAt: t0}, store.ForwardGivenUp, time.Time{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown row: err = %v, want ErrNotFound", err)
	}
	if n, _ := db.ListForwardAttempts(ctx, a.ID, 0); len(n) != 1 {
		t.Fatalf("attempts = %+v; want only the delivery", n)
	}
	if bl, err := db.ChannelForwardBacklog(ctx, a.ID); err != nil || bl.Pending != 0 || !bl.NextAttemptAt.IsZero() || !bl.OldestAt.IsZero() {
		t.Fatalf("empty backlog = %+v, %v", bl, err)
	}
}

func TestForwardBody(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	a := forwardingChannel(t, db, "1001", "https://a.example.com/hook")
	// Bytes as received: odd spacing, non-ASCII, a trailing newline.
	raw := "{\"entry\" : [ {\"name\":\"Zoë \\u00e9\"} ] }\n"
	id, queued := accept(t, db, a.ID, raw, time.Now())
	if !queued {
		t.Fatal("not queued")
	}
	got, err := db.ForwardBody(ctx, id)
	if err != nil || !bytes.Equal(got, []byte(raw)) {
		t.Fatalf("body = %q, %v; want %q", got, err, raw)
	}
	if _, err := db.ForwardBody(ctx, id+100); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown event: err = %v", err)
	}
}

func TestQueueSkipsDeletedChannels(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	a := forwardingChannel(t, db, "1001", "https://a.example.com/hook")
	if err := db.DeleteChannel(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, queued := accept(t, db, a.ID, `{}`, time.Now()); queued {
		t.Fatal("a body of a deleted channel was queued")
	}
}

func TestEnsureForwardSecret(t *testing.T) {
	db, path := mustOpenWithBox(t)
	ctx := context.Background()
	a := forwardingChannel(t, db, "1001", "https://a.example.com/hook")
	const first = "first-forward-secret-0123456789abcdef"

	got, created, err := db.EnsureForwardSecret(ctx, a.ID, first)
	if err != nil || !created || got != first {
		t.Fatalf("first ensure = %q, %v, %v", got, created, err)
	}
	if ch, _ := db.ChannelByID(ctx, a.ID); !ch.HasForwardSecret {
		t.Fatal("HasForwardSecret is false after ensuring one")
	}
	got, created, err = db.EnsureForwardSecret(ctx, a.ID, "another-candidate")
	if err != nil || created || got != first {
		t.Fatalf("second ensure = %q, %v, %v; want the first secret kept", got, created, err)
	}
	// An admin's new secret wins over later candidates.
	const admins = "admins-forward-secret-fedcba9876543210"
	if err := db.SetChannelSecrets(ctx, a.ID, store.ChannelSecrets{ForwardSecret: admins}); err != nil {
		t.Fatal(err)
	}
	if got, created, _ := db.EnsureForwardSecret(ctx, a.ID, "late-candidate"); created || got != admins {
		t.Fatalf("after the admin's secret: %q, %v", got, created)
	}
	sec, err := db.ChannelSecrets(ctx, a.ID)
	if err != nil || sec.ForwardSecret != admins || sec.AccessToken == "" {
		t.Fatalf("secrets = %+v, %v; other secrets must be kept", sec, err)
	}

	if _, _, err := db.EnsureForwardSecret(ctx, a.ID, ""); err == nil {
		t.Error("an empty candidate was accepted")
	}
	if _, _, err := db.EnsureForwardSecret(ctx, 9999, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown channel: err = %v", err)
	}
	if err := db.DeleteChannel(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.EnsureForwardSecret(ctx, a.ID, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted channel: err = %v", err)
	}

	// Sealed at rest.
	if _, err := db.W.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	for _, f := range []string{path, path + "-wal"} {
		b, _ := os.ReadFile(f)
		raw = append(raw, b...)
	}
	for _, s := range []string{first, admins} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("forward secret %q is readable in the database file", s)
		}
	}
}
