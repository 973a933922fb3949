package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/ingest"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/dialog360"
	"github.com/wadesk/wadesk/providers/partner"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

type fixture struct {
	db      *store.DB
	journal *ingest.Journal
	proc    *ingest.Processor
	hub     *events.Hub
	channel int64
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// start opens a real database with one connected channel and runs the
// journal; the processor is driven by the test with ProcessPending.
func start(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	key, _ := secrets.LoadOrCreateKey(dir)
	box, _ := secrets.NewBox(key)
	db.UseBox(box)
	ch, err := db.CreatePendingChannel(context.Background(), store.NewChannel{Title: "Sales", Provider: "meta_cloud",
		BusinessID: "1", WABAID: "102290129340398", PhoneNumberID: "106540352242922", DisplayPhoneNumber: "+1 555-555-5555",
		Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: "0123456789abcdef0123456789abcdef", VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	db.ActivateChannel(context.Background(), ch.ID)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := &fixture{db: db, hub: events.NewHub(), channel: ch.ID}
	f.proc = ingest.NewProcessor(db, log, f.hub, providers.NewRegistry().MustRegister(
		cloudapi.Provider(cloudapi.ProviderConfig{BaseURL: "http://127.0.0.1:1"}),
		dialog360.Provider(dialog360.ProviderConfig{BaseURL: "http://127.0.0.1:1"}),
		partner.Provider(nil)))
	f.journal = ingest.NewJournal(db, log, nil)
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	f.wg.Go(func() { f.journal.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		f.wg.Wait()
		db.Close()
	})
	return f
}

func (f *fixture) append(t *testing.T, body string) {
	t.Helper()
	if err := f.journal.Append(context.Background(), f.channel, []byte(body)); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) process(t *testing.T) {
	t.Helper()
	for {
		n, err := f.proc.ProcessPending(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func envelope(value string) string {
	return `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":` + value + `,"field":"messages"}]}]}`
}

func textValue(wamid, from, name, body string, ts int64) string {
	return fmt.Sprintf(`{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15555555555","phone_number_id":"106540352242922"},
		"contacts":[{"profile":{"name":%q},"wa_id":%q}],
		"messages":[{"from":%q,"id":%q,"timestamp":"%d","type":"text","text":{"body":%q}}]}`, name, from, from, wamid, ts, body)
}

func statusValue(wamid, status string, ts int64, extra string) string {
	return fmt.Sprintf(`{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15555555555","phone_number_id":"106540352242922"},
		"statuses":[{"id":%q,"status":%q,"timestamp":"%d","recipient_id":"16505551234"%s}]}`, wamid, status, ts, extra)
}

func TestDuplicateDeliveriesMakeOneMessage(t *testing.T) {
	f := start(t)
	sub := f.hub.Subscribe(16)
	defer sub.Close()
	body := envelope(textValue("wamid.A", "16505551234", "Ana", "Hola", 1700000000))
	f.append(t, body)
	f.append(t, body) // Meta re-delivers
	f.process(t)
	f.append(t, body) // and again after processing
	// An overlapping batch: the known message plus a new one.
	batch := `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
		{"value":` + textValue("wamid.A", "16505551234", "Ana", "Hola", 1700000000) + `,"field":"messages"},
		{"value":` + textValue("wamid.B", "16505551234", "Ana", "¿Tienen pan?", 1700000060) + `,"field":"messages"}]}]}`
	f.append(t, batch)
	f.process(t)
	if n := f.count(t, "SELECT COUNT(*) FROM messages"); n != 2 {
		t.Fatalf("%d messages, want 2", n)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM webhook_events WHERE state = 'done'"); n != 4 {
		t.Fatalf("%d events done, want 4", n)
	}
	if n := f.count(t, "SELECT unread_count FROM conversations"); n != 2 {
		t.Errorf("unread count %d, want 2 (duplicates must not count)", n)
	}
	var created int
	for {
		select {
		case ev := <-sub.C:
			if ev.Kind == events.MessageCreated {
				created++
			}
			continue
		default:
		}
		break
	}
	if created != 2 {
		t.Errorf("%d message.created events published, want 2", created)
	}
}

func TestOneContactPerNumberAndWindowFromWhatsAppTime(t *testing.T) {
	f := start(t)
	f.append(t, envelope(textValue("wamid.1", "16505551234", "Ana", "one", 1700000000)))
	f.append(t, envelope(textValue("wamid.2", "+1 (650) 555-1234", "Ana María", "two", 1700000100)))
	f.process(t)
	if n := f.count(t, "SELECT COUNT(*) FROM contacts"); n != 1 {
		t.Fatalf("%d contacts for one number written two ways", n)
	}
	var phone, name, lastInbound string
	f.db.R.QueryRow("SELECT phone, name FROM contacts").Scan(&phone, &name)
	f.db.R.QueryRow("SELECT last_inbound_at FROM conversations").Scan(&lastInbound)
	if phone != "+16505551234" || name != "Ana María" {
		t.Errorf("contact = %q %q", phone, name)
	}
	if want := time.Unix(1700000100, 0).UTC().Format("2006-01-02T15:04:05"); !strings.HasPrefix(lastInbound, want) {
		t.Errorf("last inbound %q, want WhatsApp's timestamp %s", lastInbound, want)
	}
	// Resolved conversations reopen when the customer writes again.
	f.db.W.Exec("UPDATE conversations SET status = 'resolved'")
	f.append(t, envelope(textValue("wamid.3", "16505551234", "Ana", "three", 1700000200)))
	f.process(t)
	if n := f.count(t, "SELECT COUNT(*) FROM conversations WHERE status = 'open'"); n != 1 {
		t.Error("the conversation was not reopened")
	}
}

func TestStatusesAreMonotonic(t *testing.T) {
	f := start(t)
	// An outbound message wadesk sent (the inbox issue writes these).
	f.append(t, envelope(textValue("wamid.in", "16505551234", "Ana", "hi", 1700000000)))
	f.process(t)
	f.db.W.Exec(`INSERT INTO messages (conversation_id, wamid, direction, type, wa_timestamp, created_at)
		VALUES (1, 'wamid.out', 'out', 'text', '2023-11-14T22:13:20.000000000Z', '2023-11-14T22:13:20.000000000Z')`)
	for _, st := range []string{"read", "sent", "delivered"} { // out of order
		f.append(t, envelope(statusValue("wamid.out", st, 1700000100, `,"pricing":{"billable":false,"pricing_model":"PMP","category":"service"}`)))
	}
	f.process(t)
	var status string
	f.db.R.QueryRow("SELECT status FROM messages WHERE wamid = 'wamid.out'").Scan(&status)
	if status != "read" {
		t.Fatalf("status after read, sent, delivered = %q, want read", status)
	}
	// A status for a message wadesk does not know is kept.
	f.append(t, envelope(statusValue("wamid.unknown", "failed", 1700000200,
		`,"errors":[{"code":131047,"title":"Re-engagement message","error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."}}]`)))
	f.process(t)
	st, err := f.db.StatusOf(context.Background(), "wamid.unknown")
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != "failed" || st.ErrorCode != 131047 || st.ErrorTitle != "Re-engagement message" || !strings.Contains(st.ErrorDetails, "24 hours") {
		t.Errorf("failed status = %+v", st)
	}
	var model string
	f.db.R.QueryRow("SELECT pricing_model FROM message_statuses WHERE wamid = 'wamid.out' AND status = 'sent'").Scan(&model)
	if model != "PMP" {
		t.Errorf("pricing not kept: %q", model)
	}
}

func TestUnreadableBodiesAreKeptAsDeadLetters(t *testing.T) {
	f := start(t)
	for _, body := range []string{`{"object":"whatsapp_business_account","entry":[`, `{"object":"page","entry":[]}`, "\xff\xfe not json"} {
		f.append(t, body)
	}
	f.append(t, envelope(textValue("wamid.after", "16505551234", "Ana", "still processed", 1700000000)))
	f.process(t)
	dead, err := f.db.DeadWebhookEvents(context.Background(), f.channel, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 3 {
		t.Fatalf("%d dead letters, want 3", len(dead))
	}
	for _, d := range dead {
		if d.Error == "" || len(d.Body) == 0 {
			t.Errorf("dead letter without reason or body: %+v", d)
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM messages WHERE wamid = 'wamid.after'"); n != 1 {
		t.Error("a dead letter blocked the events after it")
	}
}

func TestUnknownTypesAreKeptAndShown(t *testing.T) {
	f := start(t)
	f.append(t, envelope(`{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15555555555","phone_number_id":"106540352242922"},
		"contacts":[{"profile":{"name":"Ana"},"wa_id":"16505551234"}],
		"messages":[{"from":"16505551234","id":"wamid.unsupported","timestamp":"1700000000","type":"unsupported",
		"errors":[{"code":131051,"title":"Message type unknown","error_data":{"details":"Message type is currently not supported."}}]},
		{"from":"16505551234","id":"wamid.future","timestamp":"1700000001","type":"hologram","hologram":{"beam":1}}]}`))
	f.process(t)
	var text, payload string
	f.db.R.QueryRow("SELECT text, payload FROM messages WHERE wamid = 'wamid.unsupported'").Scan(&text, &payload)
	if !strings.Contains(text, "Message type unknown") {
		t.Errorf("unsupported message text = %q", text)
	}
	f.db.R.QueryRow("SELECT payload FROM messages WHERE wamid = 'wamid.future'").Scan(&payload)
	if !strings.Contains(payload, "hologram") {
		t.Errorf("unknown type's raw JSON not kept: %q", payload)
	}
}

func TestThousandMessageBatch(t *testing.T) {
	f := start(t)
	var msgs []string
	for i := range 1000 {
		msgs = append(msgs, fmt.Sprintf(`{"from":"1650555%04d","id":"wamid.batch.%d","timestamp":"1700000000","type":"text","text":{"body":"m%d"}}`, i, i, i))
	}
	f.append(t, envelope(`{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15555555555","phone_number_id":"106540352242922"},"messages":[`+strings.Join(msgs, ",")+`]}`))
	f.process(t)
	if n := f.count(t, "SELECT COUNT(*) FROM messages"); n != 1000 {
		t.Fatalf("%d messages from a 1,000-message batch", n)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM contacts"); n != 1000 {
		t.Fatalf("%d contacts", n)
	}
}

func TestConcurrentAppendsAreGroupedAndDurable(t *testing.T) {
	f := start(t)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Go(func() {
			errs <- f.journal.Append(context.Background(), f.channel, []byte(envelope(textValue(fmt.Sprintf("wamid.c%d", i), "16505551234", "A", "x", 1700000000))))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM webhook_events"); n != 200 {
		t.Fatalf("%d events journaled, want 200", n)
	}
	// After the journal stops, appends are refused, not lost.
	f.cancel()
	<-f.journal.Done()
	if err := f.journal.Append(context.Background(), f.channel, []byte("{}")); err == nil {
		t.Fatal("append after close succeeded")
	}
}

func TestTemplateStatusUpdatesReachTheApplier(t *testing.T) {
	f := start(t)
	var got []providers.TemplateStatusUpdate
	f.proc.Templates = func(_ context.Context, waba string, u providers.TemplateStatusUpdate) error {
		if waba != "102290129340398" {
			t.Errorf("waba = %q", waba)
		}
		got = append(got, u)
		return nil
	}
	f.append(t, `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1700000000,"changes":[{"value":
		{"event":"APPROVED","message_template_id":594425479261596,"message_template_name":"order_ready","message_template_language":"en_US","reason":"NONE"},
		"field":"message_template_status_update"}]}]}`)
	f.process(t)
	if len(got) != 1 || got[0].Event != "APPROVED" || got[0].TemplateName != "order_ready" {
		b, _ := json.Marshal(got)
		t.Fatalf("template updates = %s", b)
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"16505551234":       "+16505551234",
		"+1 (650) 555-1234": "+16505551234",
		"5511955550101":     "+5511955550101",
		"+55 11 95555-0101": "+5511955550101",
		"447911123456":      "+447911123456",
		"":                  "",
	} {
		if got := ingest.NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

// Closing while appenders wait on a full queue must neither deadlock nor
// leave an accepted append unanswered.
func TestCloseWithAFullQueue(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key, _ := secrets.LoadOrCreateKey(dir)
	box, _ := secrets.NewBox(key)
	db.UseBox(box)
	ch, _ := db.CreatePendingChannel(context.Background(), store.NewChannel{Title: "S", Provider: "meta_cloud", BusinessID: "1",
		WABAID: "2", PhoneNumberID: "3", Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: "0123456789abcdef0123456789abcdef", VerifyToken: "v"}})
	j := ingest.NewJournal(db, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	// Fill the queue before Run starts, with more appenders than it holds.
	var wg sync.WaitGroup
	results := make(chan error, 3000)
	for range 3000 {
		wg.Go(func() { results <- j.Append(context.Background(), ch.ID, []byte("{}")) })
	}
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Run starts already stopping: it must drain what was queued.
	done := make(chan struct{})
	go func() { j.Run(ctx); close(done) }()
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("appenders still waiting: the journal deadlocked on close")
	}
	<-done
	close(results)
	ok := 0
	for err := range results {
		if err == nil {
			ok++
		} else if !errors.Is(err, ingest.ErrClosed) {
			t.Fatalf("unexpected error %v", err)
		}
	}
	var n int
	db.R.QueryRow("SELECT COUNT(*) FROM webhook_events").Scan(&n)
	if n != ok {
		t.Fatalf("%d appends succeeded but %d events are stored", ok, n)
	}
}

func TestWindowClosedFailureClosesTheConversationWindow(t *testing.T) {
	f := start(t)
	f.append(t, envelope(textValue("wamid.in", "16505551234", "Ana", "hi", 1700000000)))
	f.process(t)
	for _, wamid := range []string{"wamid.out-1", "wamid.out-2"} {
		f.db.W.Exec(`INSERT INTO messages (conversation_id, wamid, direction, type, wa_timestamp, created_at)
			VALUES (1, ?, 'out', 'text', '2023-11-15T22:13:20.000000000Z', '2023-11-15T22:13:20.000000000Z')`, wamid)
	}
	closed := func() bool {
		t.Helper()
		w, err := f.db.WindowOf(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		return w.ClosedAt != nil
	}
	sub := f.hub.Subscribe(64)
	defer sub.Close()
	// windowEvents drains what was published and counts the events that
	// tell open pages the window closed.
	windowEvents := func() []events.Event {
		var out []events.Event
		for {
			select {
			case ev := <-sub.C:
				if ev.Kind == events.WindowClosed {
					out = append(out, ev)
				}
				continue
			default:
			}
			return out
		}
	}
	// A failure for another reason leaves the window alone.
	f.append(t, envelope(statusValue("wamid.out-1", "failed", 1700090000,
		`,"errors":[{"code":131026,"title":"Message undeliverable"}]`)))
	f.process(t)
	if closed() {
		t.Fatal("a 131026 failure closed the window")
	}
	if evs := windowEvents(); len(evs) != 0 {
		t.Errorf("a 131026 failure published %+v", evs)
	}
	refusal := envelope(statusValue("wamid.out-2", "failed", 1700090000,
		`,"errors":[{"code":131047,"title":"Re-engagement message"}]`))
	f.append(t, refusal)
	f.process(t)
	if !closed() {
		t.Fatal("a 131047 failure did not close the window")
	}
	if evs := windowEvents(); len(evs) != 1 || evs[0].ConversationID != 1 || evs[0].ChannelID != f.channel {
		t.Fatalf("after a 131047 failure the window events are %+v, want one for conversation 1 of channel %d", evs, f.channel)
	}
	// Meta delivers the refusal again: the window was closed already.
	f.append(t, refusal)
	f.process(t)
	if evs := windowEvents(); len(evs) != 0 {
		t.Errorf("a repeated 131047 failure published %+v", evs)
	}
	f.append(t, envelope(textValue("wamid.in-2", "16505551234", "Ana", "back again", 1700090100)))
	f.process(t)
	if closed() {
		t.Fatal("the customer wrote again but the window stayed closed")
	}
}

func TestWindowOpenedOnlyWhenACustomerMessageOpensAClosedWindow(t *testing.T) {
	f := start(t)
	sub := f.hub.Subscribe(64)
	defer sub.Close()
	// opened drains what was published and returns the conversations
	// told that their window opened.
	opened := func() []int64 {
		var out []int64
		for {
			select {
			case ev := <-sub.C:
				if ev.Kind == events.WindowOpened {
					if ev.MessageID == 0 || ev.ChannelID != f.channel {
						t.Errorf("window opened event %+v: want the message and channel %d", ev, f.channel)
					}
					out = append(out, ev.ConversationID)
				}
				continue
			default:
			}
			return out
		}
	}
	now := time.Now()
	ago := func(d time.Duration) int64 { return now.Add(-d).Unix() }
	convOf := func(phone string) int64 {
		t.Helper()
		var id int64
		if err := f.db.R.QueryRow(`SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE k.phone = ?`,
			"+"+phone).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	type step struct {
		name, body string
		// setup runs before the body is applied.
		setup func()
		want  []string // phones whose conversation is told
	}
	refused := func(phone, wamid string) func() {
		return func() {
			if _, err := f.db.W.Exec(`INSERT INTO messages (conversation_id, wamid, direction, type, wa_timestamp, created_at)
				VALUES (?, ?, 'out', 'text', ?, ?)`, convOf(phone), wamid, now.Add(-2*time.Minute).UTC().Format(time.RFC3339Nano),
				now.Add(-2*time.Minute).UTC().Format(time.RFC3339Nano)); err != nil {
				t.Fatal(err)
			}
			f.append(t, envelope(statusValue(wamid, "failed", ago(time.Minute),
				`,"errors":[{"code":131047,"title":"Re-engagement message"}]`)))
			f.process(t)
			if w, err := f.db.WindowOf(context.Background(), convOf(phone)); err != nil || w.ClosedAt == nil {
				t.Fatalf("the 131047 refusal did not close the window: %+v, %v", w, err)
			}
		}
	}
	steps := []step{
		{name: "a first message opens the window of a new conversation",
			body: textValue("wamid.a1", "16505551234", "Ana", "hi", ago(time.Hour)), want: []string{"16505551234"}},
		{name: "a message within the open window",
			body: textValue("wamid.a2", "16505551234", "Ana", "still there?", ago(30*time.Minute))},
		{name: "the same message delivered again",
			body: textValue("wamid.a2", "16505551234", "Ana", "still there?", ago(30*time.Minute))},
		{name: "a message after the provider closed the window",
			setup: refused("16505551234", "wamid.out-a"),
			body:  textValue("wamid.a3", "16505551234", "Ana", "hello again", ago(10*time.Second)), want: []string{"16505551234"}},
		{name: "a message older than the window leaves it closed",
			body: textValue("wamid.b1", "447700900123", "Ben", "old", ago(48*time.Hour))},
		{name: "a message after the window ran out by the clock",
			body: textValue("wamid.b2", "447700900123", "Ben", "new", ago(time.Minute)), want: []string{"447700900123"}},
	}
	for _, st := range steps {
		if st.setup != nil {
			st.setup()
			opened() // what the refusal published
		}
		f.append(t, envelope(st.body))
		f.process(t)
		got := opened()
		var want []int64
		for _, phone := range st.want {
			want = append(want, convOf(phone))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: window opened for conversations %v, want %v", st.name, got, want)
		}
	}
}
