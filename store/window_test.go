package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

// sendAs enqueues a text, marks it attempted and records it sent as wamid.
func sendAs(t *testing.T, db *store.DB, conv int64, wamid string) store.OutboundMessage {
	t.Helper()
	ctx := context.Background()
	m := enqueue(t, db, conv, "are you there?")
	if _, err := db.MarkOutboundAttempting(ctx, []int64{m.MessageID}, "run-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordOutboundSent(ctx, m.MessageID, wamid); err != nil {
		t.Fatal(err)
	}
	return m
}

func windowClosed(t *testing.T, db *store.DB, conv int64) *time.Time {
	t.Helper()
	w, err := db.WindowOf(context.Background(), conv)
	if err != nil {
		t.Fatal(err)
	}
	return w.ClosedAt
}

func failedStatus(wamid string, at time.Time, closes bool) store.ProcessedEvent {
	code := 131026
	if closes {
		code = 131047
	}
	return store.ProcessedEvent{Statuses: []store.StatusUpdate{{WAMID: wamid, Status: "failed", Timestamp: at,
		ErrorCode: code, ErrorTitle: "refused", ClosesWindow: closes}}}
}

func TestWindowClosedByProviderUntilTheCustomerWrites(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	chID, conv := conversationWith(t, db, "2001", "15550001111")
	apply := func(ev store.ProcessedEvent) store.Applied {
		t.Helper()
		ev.ChannelID = chID
		a, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{ev})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	w, err := db.WindowOf(ctx, conv)
	if err != nil || w.LastInboundAt.IsZero() || w.ClosedAt != nil {
		t.Fatalf("new conversation window = %+v, %v", w, err)
	}
	if _, err := db.WindowOf(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown conversation: %v", err)
	}

	// Another failure (not about the window) closes nothing.
	sendAs(t, db, conv, "wamid.other")
	if a := apply(failedStatus("wamid.other", time.Now(), false)); len(a.ClosedWindows) != 0 {
		t.Errorf("a failure that is not 131047 reports closed windows: %+v", a.ClosedWindows)
	}
	if at := windowClosed(t, db, conv); at != nil {
		t.Fatalf("a failure that is not 131047 closed the window at %v", at)
	}

	// 131047 for a sent message closes the window.
	sendAs(t, db, conv, "wamid.late")
	failAt := time.Now().Add(time.Minute).Truncate(time.Second)
	a := apply(failedStatus("wamid.late", failAt, true))
	if at := windowClosed(t, db, conv); at == nil || !at.Equal(failAt) {
		t.Fatalf("window closed at %v, want %v", at, failAt)
	}
	if len(a.ClosedWindows) != 1 || a.ClosedWindows[0].ConversationID != conv || a.ClosedWindows[0].ChannelID != chID {
		t.Fatalf("closed windows = %+v, want conversation %d of channel %d", a.ClosedWindows, conv, chID)
	}
	// The same refusal again (a webhook delivered twice) closes nothing new.
	if a := apply(failedStatus("wamid.late", failAt, true)); len(a.ClosedWindows) != 0 {
		t.Errorf("a repeated refusal reports closed windows: %+v", a.ClosedWindows)
	}

	// The customer's next message opens it again.
	inboundAt(t, db, chID, "15550001111", "wamid.in-2", "still there", failAt.Add(time.Minute))
	if at := windowClosed(t, db, conv); at != nil {
		t.Fatalf("the customer wrote, but the window is still closed at %v", at)
	}

	// A late refusal from before that message is stale.
	sendAs(t, db, conv, "wamid.stale")
	apply(failedStatus("wamid.stale", failAt.Add(30*time.Second), true))
	if at := windowClosed(t, db, conv); at != nil {
		t.Fatalf("a refusal older than the customer's last message closed the window at %v", at)
	}

	// An old message delivered late does not reopen a closed window.
	sendAs(t, db, conv, "wamid.again")
	again := failAt.Add(2 * time.Hour)
	apply(failedStatus("wamid.again", again, true))
	inboundAt(t, db, chID, "15550001111", "wamid.in-old", "yesterday's", failAt.Add(-time.Hour))
	if at := windowClosed(t, db, conv); at == nil || !at.Equal(again) {
		t.Fatalf("a re-delivered older message reopened the window: %v", at)
	}
}

func TestWindowClosedByAFailureThatCameBeforeTheAnswer(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	chID, conv := conversationWith(t, db, "2001", "15550001111")
	m := enqueue(t, db, conv, "hello?")
	if _, err := db.MarkOutboundAttempting(ctx, []int64{m.MessageID}, "run-1"); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Second).Truncate(time.Second)
	ev := failedStatus("wamid.early", at, true)
	ev.ChannelID = chID
	if _, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{ev}); err != nil {
		t.Fatal(err)
	}
	if got := windowClosed(t, db, conv); got != nil {
		t.Fatal("an unknown wamid closed a window")
	}
	got, err := db.RecordOutboundSent(ctx, m.MessageID, "wamid.early")
	if err != nil || got.Status != "failed" || !got.WindowClosed {
		t.Fatalf("recorded = %+v, %v; want failed, closing the window", got, err)
	}
	if closed := windowClosed(t, db, conv); closed == nil || !closed.Equal(at) {
		t.Fatalf("window closed at %v, want %v", closed, at)
	}
}

func TestWindowClosedByAnImmediateRefusal(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	_, conv := conversationWith(t, db, "2001", "15550001111")
	for _, closes := range []bool{false, true} {
		m := enqueue(t, db, conv, "hello?")
		got, err := db.RecordOutboundFailure(ctx, m.MessageID, store.OutboundFailure{State: store.OutboxFailed,
			Reason: "refused", Code: 131047, ClosesWindow: closes})
		if err != nil {
			t.Fatal(err)
		}
		if got.WindowClosed != closes {
			t.Errorf("ClosesWindow %v: reported WindowClosed %v", closes, got.WindowClosed)
		}
		if got := windowClosed(t, db, conv); (got != nil) != closes {
			t.Fatalf("ClosesWindow %v: window closed at %v", closes, got)
		}
	}
}

func TestConversationMessage(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	chID, conv := conversationWith(t, db, "2001", "15550001111")
	other := inboundAt(t, db, chID, "15550002222", "wamid.in-other", "other customer", time.Now())
	msgs, err := db.ConversationMessages(ctx, conv, 0)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("messages = %+v, %v", msgs, err)
	}
	m, err := db.ConversationMessage(ctx, conv, msgs[0].ID)
	if err != nil || m.WAMID != "wamid.in-15550001111" || m.Direction != "in" || m.Text != "hi" {
		t.Fatalf("message = %+v, %v", m, err)
	}
	if _, err := db.ConversationMessage(ctx, other, msgs[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another conversation's message: %v", err)
	}
	if _, err := db.ConversationMessage(ctx, conv, msgs[0].ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown message: %v", err)
	}
	out := enqueue(t, db, conv, "queued")
	if m, err := db.ConversationMessage(ctx, conv, out.MessageID); err != nil || m.WAMID != "" || m.Direction != "out" {
		t.Errorf("queued message = %+v, %v", m, err)
	}
}
