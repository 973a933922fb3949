package outbox_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/store"
)

// markReadSpy counts MarkRead calls and can refuse the first ones.
type markReadSpy struct {
	providers.MessageSender
	mu     sync.Mutex
	calls  []string
	refuse []error
}

func (s *markReadSpy) MarkRead(ctx context.Context, phoneNumberID, messageID string, typing bool) error {
	s.mu.Lock()
	s.calls = append(s.calls, messageID)
	var err error
	if len(s.refuse) > 0 {
		err, s.refuse = s.refuse[0], s.refuse[1:]
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.MessageSender.MarkRead(ctx, phoneNumberID, messageID, typing)
}

func (s *markReadSpy) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

// customerWrites has the simulated customer send a message and stores it
// as the webhook would, returning its conversation, message ID and wamid.
func (f *fixture) customerWrites(t *testing.T, waID, text string) (conversationID, messageID int64, wamid string) {
	t.Helper()
	wamid, err := f.sim.InjectInbound(simulator.Inbound{PhoneNumberID: phoneID, From: waID, Name: "Ana", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: f.channel,
		Messages: []store.InboundMessage{{WAMID: wamid, Phone: "+" + waID, WaID: waID, Type: "text", Text: text,
			Payload: "{}", Timestamp: time.Now()}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("store inbound: %+v %v", a, err)
	}
	return a.NewMessages[0].ConversationID, a.NewMessages[0].MessageID, wamid
}

func TestReadReceiptTurnsTheCustomersTicksBlueOnce(t *testing.T) {
	f := newFixture(t, 80, time.Second, 5)
	ctx := context.Background()
	spy := &markReadSpy{MessageSender: f.client}
	rr := outbox.NewReadReceipts(f.db, func(int64) (providers.MessageSender, error) { return spy, nil }, outbox.ReceiptsConfig{})

	conv, _, first := f.customerWrites(t, "351910000001", "Hello")
	_, msg2, second := f.customerWrites(t, "351910000001", "Are you open?")
	if queued, err := f.db.QueueReadReceipt(ctx, conv); err != nil || !queued {
		t.Fatalf("queue: %v %v", queued, err)
	}
	if _, err := rr.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{first, second} {
		if st, _ := f.sim.InboundStatus(id); st != "read" {
			t.Errorf("customer's message %s shows %q, want read (blue ticks)", id, st)
		}
	}
	if spy.count() != 1 || spy.calls[0] != second {
		t.Errorf("MarkRead calls = %v, want one, for the newest message %s", spy.calls, second)
	}
	st, err := f.db.ReadReceiptOf(ctx, conv)
	if err != nil || st.DoneMessageID != msg2 || st.LastError != "" {
		t.Errorf("receipt state = %+v, %v", st, err)
	}

	// Opening the conversation again asks for nothing more.
	if queued, _ := f.db.QueueReadReceipt(ctx, conv); queued {
		t.Error("a message already marked read was queued again")
	}
	if _, err := rr.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	if spy.count() != 1 {
		t.Errorf("MarkRead called %d times, want once", spy.count())
	}
}

func TestReadReceiptRetriesThenGivesUp(t *testing.T) {
	f := newFixture(t, 80, time.Second, 5)
	ctx := context.Background()
	temporary := fmt.Errorf("cloudapi: mark read: %w", &providers.Error{Provider: providers.MetaCloud, Op: providers.OpMarkRead,
		Kind: providers.ErrorKindTemporary, Code: 131000, HTTPStatus: 500, Message: "Something went wrong"})
	spy := &markReadSpy{MessageSender: f.client, refuse: []error{temporary, temporary}}
	rr := outbox.NewReadReceipts(f.db, func(int64) (providers.MessageSender, error) { return spy, nil },
		outbox.ReceiptsConfig{MaxAttempts: 2})

	conv, msg, wamid := f.customerWrites(t, "351910000002", "Hi")
	if _, err := f.db.QueueReadReceipt(ctx, conv); err != nil {
		t.Fatal(err)
	}
	next, err := rr.SendDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.db.ReadReceiptOf(ctx, conv)
	if next.IsZero() || st.Attempts != 1 || st.DoneMessageID != 0 || !strings.Contains(st.LastError, "131000") {
		t.Fatalf("after a temporary refusal: next %v, state %+v", next, st)
	}
	if s, _ := f.sim.InboundStatus(wamid); s == "read" {
		t.Fatal("refused receipt turned the ticks blue")
	}
	// Make the retry due now rather than waiting for it.
	if _, err := f.db.W.ExecContext(ctx, `UPDATE read_receipts SET next_attempt_at = '2000-01-01T00:00:00.000000000Z'`); err != nil {
		t.Fatal(err)
	}
	if _, err := rr.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ = f.db.ReadReceiptOf(ctx, conv)
	if st.DoneMessageID != msg || st.LastError == "" {
		t.Errorf("after the last attempt the receipt is not given up: %+v", st)
	}
	if spy.count() != 2 {
		t.Errorf("MarkRead calls = %d, want 2", spy.count())
	}
}

func TestReadReceiptRefusedForGoodIsNotRetried(t *testing.T) {
	f := newFixture(t, 80, time.Second, 5)
	ctx := context.Background()
	spy := &markReadSpy{MessageSender: f.client}
	rr := outbox.NewReadReceipts(f.db, func(int64) (providers.MessageSender, error) { return spy, nil }, outbox.ReceiptsConfig{})
	// A message the provider does not know: Meta answers 100 (invalid parameter).
	conv := f.conversation(t, "351910000003")
	if _, err := f.db.QueueReadReceipt(ctx, conv); err != nil {
		t.Fatal(err)
	}
	if _, err := rr.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ := f.db.ReadReceiptOf(ctx, conv)
	if st.DoneMessageID != st.MessageID || !strings.Contains(st.LastError, "100") {
		t.Errorf("refused receipt = %+v, want given up with the provider's error", st)
	}
	if _, err := rr.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	if spy.count() != 1 {
		t.Errorf("MarkRead calls = %d, want 1", spy.count())
	}
}

func TestReadReceiptOfRemovedChannelIsDropped(t *testing.T) {
	f := newFixture(t, 80, time.Second, 5)
	ctx := context.Background()
	calls := 0
	rr := outbox.NewReadReceipts(f.db, func(id int64) (providers.MessageSender, error) {
		calls++
		return nil, fmt.Errorf("channel %d: %w", id, outbox.ErrNoChannel)
	}, outbox.ReceiptsConfig{})
	conv := f.conversation(t, "351910000004")
	if _, err := f.db.QueueReadReceipt(ctx, conv); err != nil {
		t.Fatal(err)
	}
	if _, err := rr.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ := f.db.ReadReceiptOf(ctx, conv)
	if st.DoneMessageID != st.MessageID || calls != 1 {
		t.Errorf("receipt of a removed channel = %+v after %d connects", st, calls)
	}
}

func TestReadReceiptsRunWakesOnNotify(t *testing.T) {
	f := newFixture(t, 80, time.Second, 5)
	ctx, cancel := context.WithCancel(context.Background())
	rr := outbox.NewReadReceipts(f.db, f.connector, outbox.ReceiptsConfig{})
	done := make(chan struct{})
	go func() { rr.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	conv, _, wamid := f.customerWrites(t, "351910000005", "Hi there")
	if _, err := f.db.QueueReadReceipt(ctx, conv); err != nil {
		t.Fatal(err)
	}
	rr.Notify()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if s, _ := f.sim.InboundStatus(wamid); s == "read" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the running worker did not send the queued receipt")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
