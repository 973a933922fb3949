package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

func TestConversationMessagesCarryPayloadContextAndFailure(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "5001")
	at := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	conv := inboundAt(t, db, ch, "15550005001", "wamid.first", "hello", at)
	a, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: ch, Messages: []store.InboundMessage{{
		WAMID: "wamid.reply", Phone: "+15550005001", WaID: "15550005001", Type: "image", Text: "look",
		Payload: `{"type":"image","image":{"id":"m1"}}`, ContextWAMID: "wamid.first", Timestamp: at.Add(time.Second),
	}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("inbound: %+v %v", a, err)
	}
	image := a.NewMessages[0].MessageID

	out, err := db.EnqueueOutbound(ctx, store.NewOutbound{ConversationID: conv, Type: "text", Text: "hi", Payload: `{"Text":{"Body":"hi"}}`,
		Request: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.MarkOutboundAttempting(ctx, []int64{out.MessageID}, "a1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordOutboundSent(ctx, out.MessageID, "wamid.out"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: ch, Statuses: []store.StatusUpdate{{
		WAMID: "wamid.out", Status: "failed", Timestamp: at, ErrorCode: 131047, ErrorTitle: "Re-engagement message",
		ErrorDetails: "More than 24 hours",
	}}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetMessageMediaSize(ctx, image, 1234); err != nil {
		t.Fatal(err)
	}

	msgs, err := db.ConversationMessages(ctx, conv, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want 3", len(msgs))
	}
	if m := msgs[1]; m.Payload != `{"type":"image","image":{"id":"m1"}}` || m.ContextWAMID != "wamid.first" || m.MediaSize != 1234 {
		t.Errorf("image message = %+v", m)
	}
	if m := msgs[2]; m.Status != "failed" || m.StatusError != (store.StatusError{Code: 131047, Title: "Re-engagement message", Details: "More than 24 hours"}) ||
		m.Payload != `{"Text":{"Body":"hi"}}` {
		t.Errorf("failed outbound message = %+v", m)
	}
	if m := msgs[0]; m.StatusError != (store.StatusError{}) || !m.Timestamp.Equal(at) {
		t.Errorf("first message = %+v", m)
	}

	got, err := db.ConversationMessage(ctx, conv, image)
	if err != nil || got.WAMID != "wamid.reply" {
		t.Errorf("ConversationMessage = %+v, %v", got, err)
	}
	other := inboundAt(t, db, ch, "15550005002", "wamid.other", "other", at)
	if _, err := db.ConversationMessage(ctx, other, image); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("message of another conversation: %v, want ErrNotFound", err)
	}

	byID, err := db.ConversationMessagesByWAMID(ctx, conv, []string{"wamid.first", "wamid.out", "wamid.other", "wamid.nope"})
	if err != nil {
		t.Fatal(err)
	}
	if len(byID) != 2 || byID["wamid.first"].Text != "hello" || byID["wamid.out"].Direction != "out" {
		t.Errorf("by wamid = %+v (another conversation's message must not be found)", byID)
	}
}

func TestReadReceiptsQueuedOncePerMessage(t *testing.T) {
	db, _ := mustOpenWithBox(t)
	ctx := context.Background()
	ch := liveChannel(t, db, "5002")
	now := time.Now()
	conv := inboundAt(t, db, ch, "15550005101", "wamid.r1", "one", now.Add(-time.Minute))

	queued, err := db.QueueReadReceipt(ctx, conv)
	if err != nil || !queued {
		t.Fatalf("first queue: %v, %v", queued, err)
	}
	if queued, err := db.QueueReadReceipt(ctx, conv); err != nil || queued {
		t.Fatalf("second view of the same message queued again: %v, %v", queued, err)
	}
	due, next, err := db.DueReadReceipts(ctx, time.Now(), 10)
	if err != nil || len(due) != 1 || !next.IsZero() {
		t.Fatalf("due = %+v, next %v, %v", due, next, err)
	}
	r := due[0]
	if r.ConversationID != conv || r.WAMID != "wamid.r1" || r.PhoneNumberID != "5002" || r.ChannelGone {
		t.Errorf("receipt = %+v", r)
	}

	// A failed try waits; a newer message is due at once regardless.
	retryAt := time.Now().Add(time.Hour)
	if err := db.ReadReceiptRetry(ctx, conv, r.MessageID, retryAt, "network down"); err != nil {
		t.Fatal(err)
	}
	due, next, err = db.DueReadReceipts(ctx, time.Now(), 10)
	if err != nil || len(due) != 0 || next.IsZero() {
		t.Fatalf("after retry: due %+v, next %v, %v", due, next, err)
	}
	inboundAt(t, db, ch, "15550005101", "wamid.r2", "two", now)
	if queued, err := db.QueueReadReceipt(ctx, conv); err != nil || !queued {
		t.Fatalf("newer message not queued: %v, %v", queued, err)
	}
	due, _, err = db.DueReadReceipts(ctx, time.Now(), 10)
	if err != nil || len(due) != 1 || due[0].WAMID != "wamid.r2" || due[0].Attempts != 0 {
		t.Fatalf("due after newer message = %+v, %v", due, err)
	}
	if err := db.ReadReceiptDone(ctx, conv, due[0].MessageID, ""); err != nil {
		t.Fatal(err)
	}
	if due, _, err = db.DueReadReceipts(ctx, time.Now(), 10); err != nil || len(due) != 0 {
		t.Fatalf("settled receipt still due: %+v, %v", due, err)
	}
	if queued, err := db.QueueReadReceipt(ctx, conv); err != nil || queued {
		t.Errorf("settled message queued again: %v, %v", queued, err)
	}
	st, err := db.ReadReceiptOf(ctx, conv)
	if err != nil || st.DoneMessageID != st.MessageID || st.LastError != "" {
		t.Errorf("state = %+v, %v", st, err)
	}

	// Settling is an update: it never invents a receipt.
	empty := inboundAt(t, db, ch, "15550005102", "wamid.r3", "three", now)
	if err := db.ReadReceiptDone(ctx, empty, 1<<40, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReadReceiptOf(ctx, empty); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("settling a receipt never queued created one: %v", err)
	}
}
