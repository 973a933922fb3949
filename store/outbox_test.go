package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

// conversationWith creates a connected channel and a conversation with one
// customer, the way an inbound message does.
func conversationWith(t *testing.T, db *store.DB, phoneID, waID string) (channelID, conversationID int64) {
	t.Helper()
	ctx := context.Background()
	ch, err := db.CreatePendingChannel(ctx, newChannel(phoneID))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	a, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: ch.ID, Messages: []store.InboundMessage{{
		WAMID: "wamid.in-" + waID, Phone: "+" + waID, WaID: waID, Type: "text", Text: "hi", Payload: "{}", Timestamp: time.Now(),
	}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("inbound: %+v %v", a, err)
	}
	return ch.ID, a.NewMessages[0].ConversationID
}

func enqueue(t *testing.T, db *store.DB, conv int64, text string) store.OutboundMessage {
	t.Helper()
	m, err := db.EnqueueOutbound(context.Background(), store.NewOutbound{ConversationID: conv, Type: "text", Text: text,
		Request: []byte(`{"Text":{"Body":"` + text + `"}}`)})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestOutboxLifecycle(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	chID, conv := conversationWith(t, db, "2001", "15550001111")

	m1 := enqueue(t, db, conv, "one")
	m2 := enqueue(t, db, conv, "two")
	if m1.Status != "sending" || m1.ChannelID != chID || m1.ConversationID != conv {
		t.Fatalf("enqueued = %+v", m1)
	}
	j, err := db.OutboxJobByID(ctx, m1.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if j.State != store.OutboxQueued || j.Recipient != "15550001111" || j.PhoneNumberID != "2001" || string(j.Request) != `{"Text":{"Body":"one"}}` {
		t.Fatalf("job = %+v", j)
	}
	if st, _, _, _ := db.MessageFailure(ctx, m1.MessageID); st != "sending" {
		t.Fatalf("status = %q, want sending", st)
	}

	// Only the oldest message to a customer is due.
	due, _, err := db.DueOutbound(ctx, "2001", time.Now(), 10)
	if err != nil || len(due) != 1 || due[0].MessageID != m1.MessageID {
		t.Fatalf("due = %+v, %v", due, err)
	}
	claimed, err := db.MarkOutboundAttempting(ctx, []int64{m1.MessageID}, "run-1")
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claimed = %v, %v", claimed, err)
	}
	// Claiming twice does nothing; while m1 is attempted, m2 waits.
	if again, _ := db.MarkOutboundAttempting(ctx, []int64{m1.MessageID}, "run-1"); len(again) != 0 {
		t.Fatalf("claimed again: %v", again)
	}
	if due, _, _ := db.DueOutbound(ctx, "2001", time.Now(), 10); len(due) != 0 {
		t.Fatalf("due while attempting = %+v", due)
	}

	// The "delivered" webhook arrived before the provider's answer.
	if _, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: chID, Statuses: []store.StatusUpdate{
		{WAMID: "wamid.out-1", Status: "sent", Timestamp: time.Now()},
		{WAMID: "wamid.out-1", Status: "delivered", Timestamp: time.Now()},
	}}}); err != nil {
		t.Fatal(err)
	}
	sent, err := db.RecordOutboundSent(ctx, m1.MessageID, "wamid.out-1")
	if err != nil || sent.Status != "delivered" || sent.ConversationID != conv || sent.ChannelID != chID {
		t.Fatalf("sent = %+v, %v", sent, err)
	}
	if _, err := db.RecordOutboundSent(ctx, m1.MessageID, "wamid.out-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("recording twice: %v", err)
	}
	// A later "read" webhook raises it as for any message.
	if _, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: chID, Statuses: []store.StatusUpdate{
		{WAMID: "wamid.out-1", Status: "read", Timestamp: time.Now()}}}}); err != nil {
		t.Fatal(err)
	}
	if st, _, _, _ := db.MessageFailure(ctx, m1.MessageID); st != "read" {
		t.Fatalf("status = %q, want read", st)
	}

	// m2: refused for now, then due again only after its retry time.
	if _, err := db.MarkOutboundAttempting(ctx, []int64{m2.MessageID}, "run-1"); err != nil {
		t.Fatal(err)
	}
	retryAt := time.Now().Add(time.Hour)
	if err := db.RecordOutboundRetry(ctx, m2.MessageID, retryAt, "error 131056", 131056); err != nil {
		t.Fatal(err)
	}
	due, next, err := db.DueOutbound(ctx, "2001", time.Now(), 10)
	if err != nil || len(due) != 0 || next.Sub(retryAt).Abs() > time.Microsecond {
		t.Fatalf("due = %+v next = %v, %v", due, next, err)
	}
	j, _ = db.OutboxJobByID(ctx, m2.MessageID)
	if j.State != store.OutboxQueued || j.Attempts != 1 || j.LastErrorCode != 131056 {
		t.Fatalf("retried job = %+v", j)
	}
	f, err := db.RecordOutboundFailure(ctx, m2.MessageID, store.OutboundFailure{State: store.OutboxFailed,
		Reason: "The customer cannot get it.", Code: 131026, Detail: "meta: error 131026"})
	if err != nil || f.Status != "failed" {
		t.Fatalf("failure = %+v, %v", f, err)
	}
	st, reason, code, _ := db.MessageFailure(ctx, m2.MessageID)
	if st != "failed" || reason != "The customer cannot get it." || code != 131026 {
		t.Fatalf("failure = %q %q %d", st, reason, code)
	}
	// An agent may send it again; a sent message cannot be requeued.
	if _, err := db.RequeueOutbound(ctx, m2.MessageID); err != nil {
		t.Fatal(err)
	}
	if st, reason, _, _ := db.MessageFailure(ctx, m2.MessageID); st != "sending" || reason != "" {
		t.Fatalf("requeued = %q %q", st, reason)
	}
	if _, err := db.RequeueOutbound(ctx, m1.MessageID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("requeue sent message: %v", err)
	}
}

func TestOutboxReconcileNeverResends(t *testing.T) {
	db, path := mustOpenWithBox(t)
	ctx := context.Background()
	_, conv := conversationWith(t, db, "2002", "15550002222")
	m := enqueue(t, db, conv, "interrupted")
	queued := enqueue(t, db, conv, "still queued")
	if _, err := db.MarkOutboundAttempting(ctx, []int64{m.MessageID}, "run-crashed-7"); err != nil {
		t.Fatal(err)
	}
	// wadesk stops here, before the provider's answer is recorded.
	db.Close()
	db2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	changed, err := db2.ReconcileOutbox(ctx)
	if err != nil || len(changed) != 1 || changed[0].MessageID != m.MessageID || changed[0].Status != "failed" {
		t.Fatalf("reconciled = %+v, %v", changed, err)
	}
	j, _ := db2.OutboxJobByID(ctx, m.MessageID)
	if j.State != store.OutboxUnknown {
		t.Fatalf("state = %q, want unknown", j.State)
	}
	if st, reason, _, _ := db2.MessageFailure(ctx, m.MessageID); st != "failed" || reason != store.InterruptedReason {
		t.Fatalf("message = %q %q", st, reason)
	}
	// It is not due again; the next message to the customer is.
	due, _, err := db2.DueOutbound(ctx, "2002", time.Now(), 10)
	if err != nil || len(due) != 1 || due[0].MessageID != queued.MessageID {
		t.Fatalf("due after reconcile = %+v, %v", due, err)
	}
	if again, _ := db2.ReconcileOutbox(ctx); len(again) != 0 {
		t.Fatalf("reconciled twice: %+v", again)
	}
}

func TestEnqueueOutboundUnknownConversation(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	_, err := db.EnqueueOutbound(context.Background(), store.NewOutbound{ConversationID: 999, Type: "text", Request: []byte("{}")})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

// TestOutboxNumbersAreThoseWithQueuedMessages: a number appears while it
// has a message waiting, not for one being attempted or already sent.
func TestOutboxNumbersAreThoseWithQueuedMessages(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	_, queued := conversationWith(t, db, "3001", "15550003001")
	_, attempting := conversationWith(t, db, "3002", "15550003002")
	_, sent := conversationWith(t, db, "3003", "15550003003")
	_, both := conversationWith(t, db, "3004", "15550003004")
	enqueue(t, db, queued, "waits")
	a := enqueue(t, db, attempting, "in flight")
	s := enqueue(t, db, sent, "gone")
	b1 := enqueue(t, db, both, "first")
	enqueue(t, db, both, "second")
	if _, err := db.MarkOutboundAttempting(ctx, []int64{a.MessageID, s.MessageID, b1.MessageID}, "run-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordOutboundSent(ctx, s.MessageID, "wamid.gone"); err != nil {
		t.Fatal(err)
	}
	got, err := db.OutboxNumbers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"3001", "3004"}; !slices.Equal(got, want) {
		t.Fatalf("numbers = %v, want %v", got, want)
	}
}
