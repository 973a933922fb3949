package outbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

const phoneID = "110200000000101" // CONNECTED and VERIFIED in the simulator's default world

type fixture struct {
	db      *store.DB
	path    string
	sim     *simulator.Sim
	channel int64
	client  *cloudapi.Client
}

// newFixture runs the simulator on a loopback server and opens a real
// database with one channel for its connected number.
func newFixture(t *testing.T, throughput int, pairInterval time.Duration, pairBurst int) *fixture {
	t.Helper()
	cfg := simulator.DefaultConfig()
	cfg.Throughput, cfg.PairInterval, cfg.PairBurst = throughput, pairInterval, pairBurst
	cfg.Seed = 1
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() { srv.Close(); sim.Close() })
	client, err := cloudapi.New(cloudapi.Config{BaseURL: srv.URL, Token: cfg.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "wadesk.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	key, err := secrets.LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	box, err := secrets.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	db.UseBox(box)
	ch, err := db.CreatePendingChannel(context.Background(), store.NewChannel{Title: "Bakery", Provider: "meta_cloud",
		BusinessID: "512300000000001", WABAID: "104500000000011", PhoneNumberID: phoneID,
		Secrets: store.ChannelSecrets{AccessToken: cfg.AccessToken, AppSecret: cfg.AppSecret, VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(context.Background(), ch.ID); err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, path: path, sim: sim, channel: ch.ID, client: client}
}

func (f *fixture) connector(channelID int64) (providers.MessageSender, error) {
	if channelID != f.channel {
		return nil, fmt.Errorf("channel %d: %w", channelID, outbox.ErrNoChannel)
	}
	return f.client, nil
}

// conversation opens a conversation with a customer, as their first
// message does.
func (f *fixture) conversation(t *testing.T, waID string) int64 {
	t.Helper()
	a, err := f.db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: f.channel,
		Messages: []store.InboundMessage{{WAMID: "wamid.in-" + waID, Phone: "+" + waID, WaID: waID, Type: "text",
			Text: "hello", Payload: "{}", Timestamp: time.Now()}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("conversation with %s: %+v %v", waID, a, err)
	}
	return a.NewMessages[0].ConversationID
}

func text(body string) providers.OutboundMessage {
	return providers.OutboundMessage{Text: &providers.Text{Body: body}}
}

// run starts the sender and stops it (waiting for it) at the end of the test.
func run(t *testing.T, s *outbox.Sender) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { s.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// settle waits until n messages reached a final state (sent, failed or
// unknown). The deadline only stops a broken sender from hanging the test.
func settle(t *testing.T, s *outbox.Sender, n int64) outbox.Stats {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		st := s.Stats()
		if st.Sent+st.Failed+st.Unknown >= n {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("messages did not settle: %+v, want %d", st, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// bodies returns the text bodies the simulator accepted, per recipient,
// in the order it accepted them.
func bodies(t *testing.T, sim *simulator.Sim) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, m := range sim.SentMessages(phoneID) {
		var req struct {
			Text struct {
				Body string `json:"body"`
			} `json:"text"`
		}
		if err := json.Unmarshal([]byte(m.Body), &req); err != nil {
			t.Fatal(err)
		}
		out[m.To] = append(out[m.To], req.Text.Body)
	}
	return out
}

func TestBurstIsPacedAndSentOnceInOrder(t *testing.T) {
	// The simulator enforces 400 msg/s and one message per 100 ms to a
	// customer (burst 5); the sender paces well inside both, so the
	// simulator never has to refuse.
	f := newFixture(t, 400, 100*time.Millisecond, 5)
	s := outbox.NewSender(f.db, f.connector, outbox.Config{Throughput: 200, ThroughputBurst: 20,
		PairInterval: 200 * time.Millisecond, PairBurst: 4, MaxBackoff: 200 * time.Millisecond})
	var mu sync.Mutex
	statuses := map[int64][]string{}
	s.OnChange = func(messageID, _ int64, status string) {
		mu.Lock()
		statuses[messageID] = append(statuses[messageID], status)
		mu.Unlock()
	}
	const customers, each = 30, 10
	want := map[string][]string{}
	var ids []int64
	convs := make([]int64, customers)
	for c := range customers {
		convs[c] = f.conversation(t, fmt.Sprintf("1650555%04d", c))
	}
	for i := range each {
		for c := range customers {
			body := fmt.Sprintf("message %d to customer %d", i, c)
			m, err := s.Enqueue(context.Background(), convs[c], text(body))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.MessageID)
			wa := fmt.Sprintf("1650555%04d", c)
			want[wa] = append(want[wa], body)
		}
	}
	run(t, s)
	st := settle(t, s, customers*each)
	if st.Sent != customers*each || st.Failed != 0 || st.Unknown != 0 {
		t.Fatalf("stats = %+v, want all %d sent", st, customers*each)
	}
	if st.ThroughputRetries != 0 || st.PairRateRetries != 0 {
		t.Fatalf("the simulator refused paced messages: %+v", st)
	}
	got := bodies(t, f.sim)
	if len(got) != customers {
		t.Fatalf("simulator got messages for %d customers, want %d", len(got), customers)
	}
	for wa, w := range want {
		if strings.Join(got[wa], "|") != strings.Join(w, "|") {
			t.Fatalf("customer %s got %q, want %q (each once, in order)", wa, got[wa], w)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		ss := statuses[id]
		if len(ss) != 2 || ss[0] != "sending" || ss[1] != "sent" {
			t.Fatalf("message %d statuses = %v, want [sending sent]", id, ss)
		}
		j, err := f.db.OutboxJobByID(context.Background(), id)
		if err != nil || j.State != store.OutboxSent || j.WAMID == "" || j.Attempts != 1 {
			t.Fatalf("outbox row = %+v, %v", j, err)
		}
	}
}

func TestPairRateRefusalIsRetried(t *testing.T) {
	// The sender's pair limiter is looser than the simulator's, so the
	// simulator answers 131056; the sender backs off and sends anyway.
	f := newFixture(t, 400, 300*time.Millisecond, 2)
	s := outbox.NewSender(f.db, f.connector, outbox.Config{PairInterval: time.Millisecond, PairBurst: 10,
		MaxBackoff: 150 * time.Millisecond})
	conv := f.conversation(t, "16505551234")
	var want []string
	for i := range 5 {
		body := fmt.Sprintf("order update %d", i)
		want = append(want, body)
		if _, err := s.Enqueue(context.Background(), conv, text(body)); err != nil {
			t.Fatal(err)
		}
	}
	run(t, s)
	st := settle(t, s, 5)
	if st.Sent != 5 || st.Failed != 0 || st.Unknown != 0 {
		t.Fatalf("stats = %+v, want 5 sent", st)
	}
	if st.PairRateRetries == 0 {
		t.Fatalf("stats = %+v: the simulator never answered 131056", st)
	}
	if got := bodies(t, f.sim)["16505551234"]; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("customer got %q, want %q", got, want)
	}
}

func TestPermanentRefusalFailsWithPlainWords(t *testing.T) {
	f := newFixture(t, 400, 100*time.Millisecond, 5)
	s := outbox.NewSender(f.db, f.connector, outbox.Config{})
	// Too short to be a phone number: the Cloud API answers error 100.
	bad := f.conversation(t, "12345")
	good := f.conversation(t, "16505551234")
	mb, err := s.Enqueue(context.Background(), bad, text("hello"))
	if err != nil {
		t.Fatal(err)
	}
	mg, err := s.Enqueue(context.Background(), good, text("hello"))
	if err != nil {
		t.Fatal(err)
	}
	run(t, s)
	st := settle(t, s, 2)
	if st.Sent != 1 || st.Failed != 1 || st.OtherRetries != 0 {
		t.Fatalf("stats = %+v, want 1 sent and 1 failed without retries", st)
	}
	status, reason, code, err := f.db.MessageFailure(context.Background(), mb.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if status != "failed" || code != 100 || !strings.HasPrefix(reason, "Meta did not accept part of the request.") {
		t.Fatalf("failure = %q %q %d", status, reason, code)
	}
	if status, _, _, _ := f.db.MessageFailure(context.Background(), mg.MessageID); status != "sent" && status != "delivered" {
		t.Fatalf("good message status = %q", status)
	}
	j, _ := f.db.OutboxJobByID(context.Background(), mb.MessageID)
	if j.State != store.OutboxFailed || j.LastErrorCode != 100 || j.Attempts != 1 {
		t.Fatalf("outbox row = %+v", j)
	}
}

func TestInvalidMessageIsNotQueued(t *testing.T) {
	f := newFixture(t, 400, 100*time.Millisecond, 5)
	s := outbox.NewSender(f.db, f.connector, outbox.Config{})
	conv := f.conversation(t, "16505551234")
	_, err := s.Enqueue(context.Background(), conv, text("   "))
	if err == nil || providers.Plain(err) != "The text is empty." {
		t.Fatalf("err = %v (%q)", err, providers.Plain(err))
	}
}

func TestInterruptedSendIsNeverResent(t *testing.T) {
	f := newFixture(t, 400, 100*time.Millisecond, 5)
	conv := f.conversation(t, "16505551234")
	ctx := context.Background()
	m1, err := outbox.Enqueue(ctx, f.db, conv, text("interrupted"))
	if err != nil {
		t.Fatal(err)
	}
	m2, err := outbox.Enqueue(ctx, f.db, conv, text("queued after it"))
	if err != nil {
		t.Fatal(err)
	}
	// A previous run marked m1 attempting and stopped before recording
	// the provider's answer.
	if claimed, err := f.db.MarkOutboundAttempting(ctx, []int64{m1.MessageID}, "previous-run-1"); err != nil || len(claimed) != 1 {
		t.Fatalf("claim = %v, %v", claimed, err)
	}
	s := outbox.NewSender(f.db, f.connector, outbox.Config{})
	var mu sync.Mutex
	changes := map[int64]string{}
	s.OnChange = func(id, _ int64, status string) {
		mu.Lock()
		changes[id] = status
		mu.Unlock()
	}
	run(t, s)
	st := settle(t, s, 2)
	if st.Unknown != 1 || st.Sent != 1 || st.Failed != 0 {
		t.Fatalf("stats = %+v, want 1 unknown and 1 sent", st)
	}
	status, reason, _, _ := f.db.MessageFailure(ctx, m1.MessageID)
	if status != "failed" || reason != store.InterruptedReason {
		t.Fatalf("interrupted message = %q %q", status, reason)
	}
	if j, _ := f.db.OutboxJobByID(ctx, m1.MessageID); j.State != store.OutboxUnknown || j.WAMID != "" {
		t.Fatalf("outbox row = %+v", j)
	}
	if got := bodies(t, f.sim)["16505551234"]; len(got) != 1 || got[0] != "queued after it" {
		t.Fatalf("simulator got %q, want only the queued message", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if changes[m1.MessageID] != "failed" || changes[m2.MessageID] != "sent" {
		t.Fatalf("changes = %v", changes)
	}
}

func TestInFlightAllowanceFollowsRateTimesLatency(t *testing.T) {
	for _, c := range []struct {
		perSecond float64
		latency   time.Duration
		want      int
	}{
		{80, 0, 16},                         // nothing measured yet: the floor
		{80, 150 * time.Millisecond, 16},    // 80 × 0.15 × 1.25 + 1 = 16
		{1000, 150 * time.Millisecond, 189}, // 1,000 × 0.15 × 1.25 + 1
		{1000, 10 * time.Second, 2501},      // latency bounded at 2 s
		{100000, time.Second, 4096},         // the ceiling
		{80, -time.Second, 16},              // nonsense latency: the floor
	} {
		if got := outbox.InFlightAllowance(c.perSecond, c.latency, outbox.DefaultMaxInFlight, outbox.DefaultInFlightCeiling); got != c.want {
			t.Errorf("InFlightAllowance(%v, %v) = %d, want %d", c.perSecond, c.latency, got, c.want)
		}
	}
}

// slowClient answers each send after a pause, as the provider does over
// the internet, and notes the most calls it had open at once.
type slowClient struct {
	providers.MessageSender
	inner    providers.MessageSender
	pause    time.Duration
	mu       sync.Mutex
	open     int
	mostOpen int
}

func (c *slowClient) SendMessage(ctx context.Context, number string, m providers.OutboundMessage) (providers.SendResult, error) {
	c.mu.Lock()
	c.open++
	c.mostOpen = max(c.mostOpen, c.open)
	c.mu.Unlock()
	time.Sleep(c.pause)
	res, err := c.inner.SendMessage(ctx, number, m)
	c.mu.Lock()
	c.open--
	c.mu.Unlock()
	return res, err
}

// A number allowed 400 messages a second whose provider answers after
// 100 ms needs about 50 calls open at once; the sender must not keep to
// its floor of 16 (which would cap it at 160 a second).
func TestSenderOpensCallsForThroughputTimesLatency(t *testing.T) {
	f := newFixture(t, 400, 6*time.Second, 5)
	slow := &slowClient{MessageSender: f.client, inner: f.client, pause: 100 * time.Millisecond}
	const n = 300
	for i := range n {
		conv := f.conversation(t, fmt.Sprintf("1555090%04d", i))
		if _, err := outbox.Enqueue(context.Background(), f.db, conv, text(fmt.Sprintf("m%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	s := outbox.NewSender(f.db, func(int64) (providers.MessageSender, error) { return slow, nil },
		outbox.Config{Throughput: 400, ThroughputOf: func(string) float64 { return 400 }})
	run(t, s)
	st := settle(t, s, n)
	if st.Sent != n || st.ThroughputRetries != 0 {
		t.Fatalf("stats %+v, want %d sent without throughput refusals", st, n)
	}
	slow.mu.Lock()
	defer slow.mu.Unlock()
	if slow.mostOpen <= outbox.DefaultMaxInFlight {
		t.Fatalf("at most %d calls were open at once; 400/s answered after 100 ms needs more than %d", slow.mostOpen, outbox.DefaultMaxInFlight)
	}
}
