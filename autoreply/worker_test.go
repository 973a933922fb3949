package autoreply_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/wadesk/wadesk/autoreply"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

// queue sends through the real outbox tables (nothing is delivered).
type queue struct{ db *store.DB }

func (q queue) Enqueue(ctx context.Context, conversationID int64, msg providers.OutboundMessage, opts ...outbox.Option) (store.OutboundMessage, error) {
	return outbox.Enqueue(ctx, q.db, conversationID, msg, opts...)
}

type workerFixture struct {
	db      *store.DB
	w       *autoreply.Worker
	now     time.Time
	channel int64
	n       int
}

func newWorkerFixture(t *testing.T) *workerFixture {
	t.Helper()
	ctx := context.Background()
	db, _ := storetest.OpenWithBox(t, t.TempDir())
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Bakery", Provider: "meta_cloud",
		BusinessID: "512300000000001", WABAID: "104500000000011", PhoneNumberID: "110200000000101",
		Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: "s", VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	f := &workerFixture{db: db, channel: ch.ID}
	f.w = autoreply.NewWorker(db, queue{db}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.w.Now = func() time.Time { return f.now }
	return f
}

// customer stores a customer's message sent at sentAt, as ingest does.
func (f *workerFixture) customer(t *testing.T, waID, text string, sentAt time.Time) (conversationID, messageID int64) {
	t.Helper()
	f.n++
	a, err := f.db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: f.channel,
		Messages: []store.InboundMessage{{WAMID: "wamid.in-" + waID + "-" + string(rune('a'+f.n)), Phone: "+" + waID, WaID: waID,
			Type: "text", Text: text, Payload: "{}", Timestamp: sentAt}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("customer message: %+v %v", a, err)
	}
	return a.NewMessages[0].ConversationID, a.NewMessages[0].MessageID
}

// drain runs the worker until nothing waits.
func (f *workerFixture) drain(t *testing.T) {
	t.Helper()
	for {
		did, err := f.w.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !did {
			return
		}
	}
}

// sent is the kinds of the conversation's automatic messages, and the
// texts of its outgoing messages, oldest first.
func (f *workerFixture) sent(t *testing.T, conversationID int64) (kinds map[string]int, texts []string) {
	t.Helper()
	auto, err := f.db.AutomaticMessages(context.Background(), conversationID)
	if err != nil {
		t.Fatal(err)
	}
	kinds = map[string]int{}
	for _, k := range auto {
		kinds[k]++
	}
	msgs, err := f.db.ConversationMessages(context.Background(), conversationID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Direction == "out" {
			texts = append(texts, m.Type+":"+m.Text)
		}
	}
	return kinds, texts
}

func TestWorkerAnswersOnceAndOnlyNow(t *testing.T) {
	ctx := context.Background()
	f := newWorkerFixture(t)
	sales, err := f.db.CreateDepartment(ctx, "Sales")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.SaveBusinessHours(ctx, f.channel, "Europe/Lisbon", "mon 09:00-18:00\ntue 09:00-18:00", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SaveAutoReplies(ctx, store.AutoReplySettings{ChannelID: f.channel, GreetingOn: true, GreetingText: "Welcome!",
		AwayOn: true, AwayText: "We are closed.", RulesOn: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateAutoReplyRule(ctx, store.AutoReplyRule{ChannelID: f.channel, Enabled: true, Match: "contains", Phrase: "menu",
		Reply: "What would you like?", Options: []string{"Bread", "Cakes", "Coffee", "Catering"}, DepartmentID: sales.ID}); err != nil {
		t.Fatal(err)
	}
	lisbon, _ := time.LoadLocation("Europe/Lisbon")
	monEvening := time.Date(2026, 12, 7, 20, 0, 0, 0, lisbon)

	// First message, after hours: greeting and away message.
	f.now = monEvening
	conv, first := f.customer(t, "351910000001", "Hello", f.now)
	f.drain(t)
	kinds, texts := f.sent(t, conv)
	if kinds["greeting"] != 1 || kinds["away"] != 1 || len(texts) != 2 {
		t.Fatalf("after the first message: kinds %v, sent %q", kinds, texts)
	}

	// The same evening, the menu: the rule answers with a 4-option list and
	// moves the conversation; no second away message, no second greeting.
	f.now = monEvening.Add(30 * time.Minute)
	f.customer(t, "351910000001", "Can I see the MENÚ?", f.now)
	f.drain(t)
	kinds, texts = f.sent(t, conv)
	if kinds["greeting"] != 1 || kinds["away"] != 1 || kinds["rule"] != 1 || len(texts) != 3 {
		t.Fatalf("after the menu: kinds %v, sent %q", kinds, texts)
	}
	if texts[2] != "interactive:What would you like?" {
		t.Errorf("the rule's answer is %q", texts[2])
	}
	c, err := f.db.ConversationFor(ctx, store.InboxViewer{Admin: true}, conv)
	if err != nil || c.DepartmentID != sales.ID {
		t.Errorf("the conversation's department is %d (%v), want Sales", c.DepartmentID, err)
	}

	// A webhook retried hours later: no answer at all.
	f.customer(t, "351910000002", "menu", monEvening.Add(-3*time.Hour))
	f.drain(t)
	old, _, err := f.db.ListConversations(ctx, store.InboxViewer{Admin: true}, store.ConversationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, oc := range old {
		if oc.ID != conv {
			if kinds, texts := f.sent(t, oc.ID); len(kinds) != 0 || len(texts) != 0 {
				t.Errorf("an old message was answered: %v %q", kinds, texts)
			}
		}
	}

	// The same message is never answered twice, whoever tries.
	if _, ok, err := f.db.ClaimAutoReplySend(ctx, conv, first, store.AutoGreeting, 0, ""); ok || err != nil {
		t.Errorf("a second greeting for the same message could be recorded: %v %v", ok, err)
	}

	// Inside hours: no away message.
	f.now = time.Date(2026, 12, 8, 10, 0, 0, 0, lisbon)
	f.customer(t, "351910000001", "Thanks", f.now)
	f.drain(t)
	if kinds, _ := f.sent(t, conv); kinds["away"] != 1 {
		t.Errorf("inside hours: kinds %v", kinds)
	}
	// The next closed period: the away message again, once.
	f.now = time.Date(2026, 12, 8, 19, 0, 0, 0, lisbon)
	f.customer(t, "351910000001", "Are you there?", f.now)
	f.customer(t, "351910000001", "Hello?", f.now.Add(time.Minute))
	f.now = f.now.Add(time.Minute)
	f.drain(t)
	if kinds, _ := f.sent(t, conv); kinds["away"] != 2 || kinds["greeting"] != 1 {
		t.Errorf("the next evening: kinds %v", kinds)
	}
}
