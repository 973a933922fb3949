package campaign_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

const phoneID = "110200000000101" // CONNECTED and VERIFIED in the simulator's default world

type fixture struct {
	db      *store.DB
	dir     string
	sim     *simulator.Sim
	client  *cloudapi.Client
	channel int64
	tmpl    store.Template
	label   store.Label
}

// weekendOffer is the simulator's approved marketing template.
func weekendOffer() []providers.TemplateComponent {
	return []providers.TemplateComponent{
		{Type: "HEADER", Format: "TEXT", Text: "Weekend {{1}}", ExampleHeaderText: []string{"treats"}},
		{Type: "BODY", Text: "Hello {{1}}! Use code {{2}} for 10% off this weekend.", ExampleBodyText: [][]string{{"Sheena", "BREAD10"}}},
		{Type: "FOOTER", Text: "Reply STOP to opt out"},
		{Type: "BUTTONS", Buttons: []providers.TemplateButton{
			{Type: "URL", Text: "See the menu", URL: "https://flordelis.example/menu?src={{1}}", Example: []string{"whatsapp"}},
			{Type: "QUICK_REPLY", Text: "Stop promotions"},
		}},
	}
}

func newFixture(t *testing.T, throughput int) *fixture {
	t.Helper()
	ctx := context.Background()
	cfg := simulator.DefaultConfig()
	cfg.Throughput, cfg.Seed = throughput, 1
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
	db := openDB(t, dir)
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Bakery", Provider: "meta_cloud",
		BusinessID: "512300000000001", WABAID: "104500000000011", PhoneNumberID: phoneID,
		Secrets: store.ChannelSecrets{AccessToken: cfg.AccessToken, AppSecret: cfg.AppSecret, VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	comps, err := templates.EncodeComponents(weekendOffer())
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := db.SaveTemplate(ctx, ch.ID, store.TemplateRecord{ProviderTemplateID: "700100000000003", Name: "weekend_offer",
		Language: "en_US", Category: "MARKETING", Status: "APPROVED", ComponentsJSON: comps})
	if err != nil {
		t.Fatal(err)
	}
	label, err := db.CreateLabel(ctx, store.Label{Name: "Regulars", Colour: "green"})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, dir: dir, sim: sim, client: client, channel: ch.ID, tmpl: tmpl, label: label}
}

func openDB(t testing.TB, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(dir, "wadesk.db"))
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
	return db
}

// customers creates n contacts with the label, as their first messages
// do, and returns their numbers (digits).
func (f *fixture) customers(t *testing.T, n int, from int) []string {
	t.Helper()
	ctx := context.Background()
	var evs []store.ProcessedEvent
	var out []string
	for i := range n {
		wa := fmt.Sprintf("1555070%04d", from+i)
		out = append(out, wa)
		evs = append(evs, store.ProcessedEvent{ChannelID: f.channel, Messages: []store.InboundMessage{{WAMID: "wamid.in-" + wa,
			Phone: "+" + wa, WaID: wa, ProfileName: fmt.Sprintf("Customer %d", from+i), Type: "text", Text: "hello", Payload: "{}",
			Timestamp: time.Now().Add(-48 * time.Hour)}}})
	}
	if _, err := f.db.ApplyProcessedEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	for _, wa := range out {
		if err := f.db.AddContactLabel(ctx, f.label.ID, f.contactID(t, wa)); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func (f *fixture) contactID(t *testing.T, wa string) int64 {
	t.Helper()
	var id int64
	if err := f.db.R.QueryRow(`SELECT id FROM contacts WHERE wa_id = ?`, wa).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// consent sets a contact's marketing opt-out or block, as the contacts
// pages will (their store functions are another branch's).
func (f *fixture) consent(t *testing.T, wa, column string) {
	t.Helper()
	q := `UPDATE contacts SET marketing_opted_out_at = '2026-01-01T00:00:00.000000000Z', opt_out_source = 'keyword:STOP' WHERE wa_id = ?`
	if column == "blocked" {
		q = `UPDATE contacts SET blocked = TRUE WHERE wa_id = ?`
	}
	if _, err := f.db.W.Exec(q, wa); err != nil {
		t.Fatal(err)
	}
}

var mapping = campaign.Mapping{
	"header_1": {Kind: campaign.SourceText, Value: "treats"},
	"body_1":   {Kind: campaign.SourceName},
	"body_2":   {Kind: campaign.SourceAttribute, Value: "code"},
	"button_0": {Kind: campaign.SourceText, Value: "campaign"},
}

// draft creates a campaign to the label with every value mapped; every
// contact gets the attribute "code".
func (f *fixture) draft(t *testing.T) store.Campaign {
	t.Helper()
	ctx := context.Background()
	if _, err := f.db.W.Exec(`INSERT INTO contact_attributes (contact_id, name, value, updated_at)
		SELECT id, 'code', 'BREAD' || id, '2026-01-01T00:00:00.000000000Z' FROM contacts WHERE TRUE
		ON CONFLICT (contact_id, name) DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Create(ctx, f.db, "Weekend", f.tmpl, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := campaign.SetLabels(ctx, f.db, c, campaign.Audience{LabelIDs: []int64{f.label.ID}}); err != nil {
		t.Fatal(err)
	}
	c, _ = f.db.CampaignByID(ctx, c.ID)
	if err := campaign.SetMapping(ctx, f.db, c, mapping); err != nil {
		t.Fatal(err)
	}
	c, err = f.db.CampaignByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type running struct {
	sender *outbox.Sender
	runner *campaign.Runner
	stop   func()
}

// start runs an outbox sender and a campaign runner on db, pacing the
// number to perSecond.
func (f *fixture) start(t *testing.T, db *store.DB, client providers.MessageSender, perSecond float64, setup ...func(*campaign.Runner)) *running {
	t.Helper()
	s := outbox.NewSender(db, func(int64) (providers.MessageSender, error) { return client, nil },
		outbox.Config{Throughput: perSecond})
	r := campaign.NewRunner(db)
	r.Outbox = s.Notify
	r.ThroughputOf = func(string) float64 { return perSecond }
	r.Tick = 20 * time.Millisecond
	for _, fn := range setup {
		fn(r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { s.Run(ctx) })
	wg.Go(func() { r.Run(ctx) })
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(stop)
	return &running{sender: s, runner: r, stop: stop}
}

// waitFor polls cond; the deadline only keeps a broken test from hanging.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (f *fixture) report(t *testing.T, id int64) store.CampaignReport {
	t.Helper()
	r, err := f.db.CampaignReportOf(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sentTo counts the simulator's accepted messages per customer.
func (f *fixture) sentTo() map[string]int {
	out := map[string]int{}
	for _, m := range f.sim.SentMessages(phoneID) {
		if m.ErrorCode == 0 {
			out[m.To]++
		}
	}
	return out
}

func TestCampaignSkipsOptedOutAndBlockedAndSendsEveryoneElseOnce(t *testing.T) {
	f := newFixture(t, 80)
	ctx := context.Background()
	nums := f.customers(t, 30, 0)
	f.consent(t, nums[3], "opted_out")
	f.consent(t, nums[4], "blocked")
	c := f.draft(t)

	check, err := campaign.Prepare(ctx, f.db, campaign.DefaultExampleRates(), campaign.FixedLimit{}, c, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if check.Counts.Recipients != 28 || check.Counts.OptedOut != 1 || check.Counts.Blocked != 1 {
		t.Fatalf("counts %+v, want 28 recipients, 1 opted out, 1 blocked", check.Counts)
	}
	if !check.Estimate.Example || len(check.Estimate.Lines) != 1 || check.Estimate.Lines[0].Country != "US" ||
		check.Estimate.Lines[0].Recipients != 28 || math.Abs(check.Estimate.Total-28*0.025) > 1e-9 {
		t.Fatalf("estimate %+v, want 28 US marketing messages at the example price", check.Estimate)
	}
	previews, err := campaign.Previews(ctx, f.db, c, 3)
	if err != nil || len(previews) != 3 || !strings.HasPrefix(previews[0].Filled.Body, "Hello Customer 0! Use code BREAD") {
		t.Fatalf("previews %+v %v", previews, err)
	}

	if err := campaign.Launch(ctx, f.db, campaign.FixedLimit{}, c, campaign.LaunchOptions{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	f.start(t, f.db, f.client, 80)
	waitFor(t, "the campaign to finish", func() bool {
		c, _ := f.db.CampaignByID(ctx, c.ID)
		return c.State == store.CampaignDone
	})
	r := f.report(t, c.ID)
	if r.Recipients != 28 || r.Skipped != 2 || r.Failed != 0 || r.Sent+r.Delivered+r.Read != 28 {
		t.Fatalf("report %+v", r)
	}
	sent := f.sentTo()
	if sent[nums[3]] != 0 || sent[nums[4]] != 0 {
		t.Fatalf("the opted-out or blocked customer was sent the campaign: %v", sent)
	}
	for i, n := range nums {
		if i != 3 && i != 4 && sent[n] != 1 {
			t.Fatalf("customer %s was sent %d messages, want 1", n, sent[n])
		}
	}
	// A customer answers: the report counts the reply.
	if _, err := f.db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: f.channel, Messages: []store.InboundMessage{{
		WAMID: "wamid.reply-1", Phone: "+" + nums[0], WaID: nums[0], Type: "text", Text: "yes please", Payload: "{}", Timestamp: time.Now()}}}}); err != nil {
		t.Fatal(err)
	}
	if r := f.report(t, c.ID); r.Replied != 1 {
		t.Fatalf("replied %d, want 1", r.Replied)
	}
	// The conversation knows the campaign that reached it.
	rs, _ := f.db.CampaignRecipients(ctx, c.ID, store.RecipientFilter{Limit: 1})
	if id, name, err := f.db.ConversationCampaign(ctx, rs[0].ConversationID); err != nil || id != c.ID || name != "Weekend" {
		t.Fatalf("campaign of the conversation: %d %q %v", id, name, err)
	}
}

func TestCampaignOverTheLimitIsRefusedOrSplitOverDays(t *testing.T) {
	f := newFixture(t, 80)
	ctx := context.Background()
	f.customers(t, 25, 0)
	c := f.draft(t)
	now := time.Now()
	check, err := campaign.Prepare(ctx, f.db, campaign.DefaultExampleRates(), campaign.FixedLimit{PerDay: 10}, c, now)
	if err != nil {
		t.Fatal(err)
	}
	if check.Fits || check.Days != 3 {
		t.Fatalf("check %+v: 25 recipients at 10 a day should not fit and take 3 days", check)
	}
	if err := campaign.Launch(ctx, f.db, campaign.FixedLimit{PerDay: 10}, c, campaign.LaunchOptions{}, now); !errors.Is(err, campaign.ErrOverLimit) {
		t.Fatalf("launch over the limit: %v, want ErrOverLimit", err)
	}
	if err := campaign.Launch(ctx, f.db, campaign.FixedLimit{PerDay: 10}, c, campaign.LaunchOptions{Split: true}, now); err != nil {
		t.Fatal(err)
	}
	rs, err := f.db.CampaignRecipients(ctx, c.ID, store.RecipientFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	days := map[int]int{}
	for _, r := range rs {
		days[int(r.NotBefore.Sub(now).Round(time.Hour).Hours()/24)]++
	}
	if days[0] != 10 || days[1] != 10 || days[2] != 5 {
		t.Fatalf("recipients by day %v, want 10, 10 and 5", days)
	}
	// Only today's are queued.
	f.start(t, f.db, f.client, 80)
	waitFor(t, "today's part", func() bool { r := f.report(t, c.ID); return r.Sent+r.Delivered+r.Read == 10 })
	if r := f.report(t, c.ID); r.Pending != 15 {
		t.Fatalf("report %+v, want 15 waiting for the next days", r)
	}
	if c, _ := f.db.CampaignByID(ctx, c.ID); c.State != store.CampaignSending {
		t.Fatalf("state %s, want sending (the next days are to come)", c.State)
	}
}

// gate is a provider that holds each call until the test lets it go.
type gate struct {
	providers.MessageSender
	inner   providers.MessageSender
	mu      sync.Mutex
	allowed int
	calls   int
	cond    *sync.Cond
}

func newGate(inner providers.MessageSender) *gate {
	g := &gate{MessageSender: inner, inner: inner}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *gate) allow(n int) {
	g.mu.Lock()
	g.allowed += n
	g.mu.Unlock()
	g.cond.Broadcast()
}

func (g *gate) SendMessage(ctx context.Context, number string, m providers.OutboundMessage) (providers.SendResult, error) {
	g.mu.Lock()
	for g.calls >= g.allowed {
		g.cond.Wait()
	}
	g.calls++
	g.mu.Unlock()
	return g.inner.SendMessage(ctx, number, m)
}

func TestCampaignPauseResumeAndCancel(t *testing.T) {
	f := newFixture(t, 80)
	ctx := context.Background()
	f.customers(t, 40, 0)
	c := f.draft(t)
	if err := campaign.Launch(ctx, f.db, campaign.FixedLimit{}, c, campaign.LaunchOptions{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	g := newGate(f.client)
	g.allow(10)
	run := f.start(t, f.db, g, 80)
	waitFor(t, "10 sent", func() bool { r := f.report(t, c.ID); return r.Sent+r.Delivered+r.Read == 10 })

	// Pause: what the sender has not started goes back to pending.
	if _, err := f.db.PauseCampaign(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	g.allow(1000)
	// Calls already started may finish; nothing else is sent.
	waitFor(t, "the sender to settle", func() bool {
		n, _ := f.db.CampaignInQueue(ctx, c.ID)
		return n == 0
	})
	run.runner.Once(ctx, time.Now())
	paused := f.report(t, c.ID)
	done := paused.Sent + paused.Delivered + paused.Read
	if paused.Pending == 0 || done+paused.Pending != 40 || paused.Failed != 0 {
		t.Fatalf("after pausing: %+v, want the rest pending", paused)
	}
	if got := len(f.sentTo()); got != done {
		t.Fatalf("the simulator has %d messages, the campaign %d", got, done)
	}

	// Resume: the rest goes, each once.
	if err := f.db.ResumeCampaign(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	run.runner.Notify()
	waitFor(t, "the campaign to finish", func() bool {
		c, _ := f.db.CampaignByID(ctx, c.ID)
		return c.State == store.CampaignDone
	})
	for n, k := range f.sentTo() {
		if k != 1 {
			t.Fatalf("customer %s was sent %d messages", n, k)
		}
	}
	if got := len(f.sentTo()); got != 40 {
		t.Fatalf("%d customers were sent the campaign, want 40", got)
	}

	// Cancel: a second campaign, cancelled after a few.
	c2 := f.draft(t)
	if err := campaign.Launch(ctx, f.db, campaign.FixedLimit{}, c2, campaign.LaunchOptions{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.PauseCampaign(ctx, c2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CancelCampaign(ctx, c2.ID); err != nil {
		t.Fatal(err)
	}
	if r := f.report(t, c2.ID); r.Cancelled != 40 || r.Pending != 0 {
		t.Fatalf("after cancelling: %+v", r)
	}
	if err := f.db.ResumeCampaign(ctx, c2.ID); !errors.Is(err, store.ErrCampaignState) {
		t.Fatalf("resuming a cancelled campaign: %v", err)
	}
}

// A crash in the middle of a campaign: the first run queues and sends
// part of it, then stops as if killed (the database is closed with
// messages queued, and one left "attempting"). A second run on the same
// file finishes it: nobody is sent twice, and the message whose fate is
// unknown is not resent.
func TestCampaignResumesAfterACrashWithoutSendingTwice(t *testing.T) {
	f := newFixture(t, 80)
	ctx := context.Background()
	f.customers(t, 60, 0)
	c := f.draft(t)
	if err := campaign.Launch(ctx, f.db, campaign.FixedLimit{}, c, campaign.LaunchOptions{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	g := newGate(f.client)
	g.allow(15)
	run := f.start(t, f.db, g, 80)
	waitFor(t, "15 sent", func() bool { r := f.report(t, c.ID); return r.Sent+r.Delivered+r.Read == 15 })
	// The process stops: the calls under way finish (the sender waits for
	// their answers), the rest of the window stays queued in the outbox.
	g.allow(1000)
	run.stop()
	// As if killed between marking a message attempting and the call:
	// one queued message is left attempting.
	rs, _ := f.db.CampaignRecipients(ctx, c.ID, store.RecipientFilter{Status: "sending", Limit: 1})
	if len(rs) == 1 {
		if _, err := f.db.MarkOutboundAttempting(ctx, []int64{rs[0].MessageID}, "crashed-run"); err != nil {
			t.Fatal(err)
		}
	}
	f.db.Close()

	db := openDB(t, f.dir)
	second := f.start(t, db, f.client, 80)
	_ = second
	waitFor(t, "the campaign to finish after the restart", func() bool {
		c, _ := db.CampaignByID(ctx, c.ID)
		return c.State == store.CampaignDone
	})
	r, err := db.CampaignReportOf(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	sent := f.sentTo()
	for n, k := range sent {
		if k != 1 {
			t.Fatalf("customer %s was sent %d messages", n, k)
		}
	}
	unknown := len(rs)
	if len(sent) != 60-unknown || r.Failed != unknown {
		t.Fatalf("sent to %d customers, report %+v; want %d sent and %d failed as unknown", len(sent), r, 60-unknown, unknown)
	}
}

func TestCSVAudienceCountsInvalidAndDuplicateNumbersAndFillsFromColumns(t *testing.T) {
	f := newFixture(t, 80)
	ctx := context.Background()
	nums := f.customers(t, 1, 0)
	f.consent(t, nums[0], "opted_out")
	file := "phone,name,code\n" +
		"+1 555 070 0000,Known,K1\n" + // the opted-out contact
		"+15550800001,Ana,A1\n" +
		"0015550800001,Ana again,A2\n" + // the same number
		"not a number,Bad,B1\n" +
		"+15550800002,Bo,B2\n"
	csv, err := campaign.ReadCSV(strings.NewReader(file), "")
	if err != nil {
		t.Fatal(err)
	}
	if csv.Invalid != 1 || len(csv.Rows) != 4 || csv.PhoneColumn != "phone" {
		t.Fatalf("read %+v", csv)
	}
	c, err := campaign.Create(ctx, f.db, "CSV", f.tmpl, 0)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := campaign.SetCSV(ctx, f.db, c, csv)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Recipients != 2 || counts.Duplicates != 1 || counts.OptedOut != 1 {
		t.Fatalf("counts %+v, want 2 recipients, 1 duplicate, 1 opted out", counts)
	}
	c, _ = f.db.CampaignByID(ctx, c.ID)
	m := campaign.Mapping{"header_1": {Kind: campaign.SourceText, Value: "treats"}, "body_1": {Kind: campaign.SourceColumn, Value: "name"},
		"body_2": {Kind: campaign.SourceColumn, Value: "code"}, "button_0": {Kind: campaign.SourceText, Value: "csv"}}
	if err := campaign.SetMapping(ctx, f.db, c, m); err != nil {
		t.Fatal(err)
	}
	c, _ = f.db.CampaignByID(ctx, c.ID)
	ps, err := campaign.Previews(ctx, f.db, c, 5)
	if err != nil || len(ps) != 2 || ps[0].Filled.Body != "Hello Ana! Use code A1 for 10% off this weekend." {
		t.Fatalf("previews %+v %v", ps, err)
	}
	if err := campaign.Launch(ctx, f.db, campaign.FixedLimit{}, c, campaign.LaunchOptions{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	f.start(t, f.db, f.client, 80)
	waitFor(t, "the campaign to finish", func() bool {
		c, _ := f.db.CampaignByID(ctx, c.ID)
		return c.State == store.CampaignDone
	})
	sent := f.sentTo()
	if len(sent) != 2 || sent["15550800001"] != 1 || sent["15550800002"] != 1 {
		t.Fatalf("sent %v", sent)
	}
}
