package costs_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/wadesk/wadesk/costs"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/pricing"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

type fixture struct {
	db      *store.DB
	est     *costs.Estimator
	channel int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
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
	ch, err := db.CreatePendingChannel(context.Background(), store.NewChannel{Title: "Bakery", Provider: "meta_cloud",
		BusinessID: "512300000000001", WABAID: "104500000000011", PhoneNumberID: "110200000000101",
		Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: "s", VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(context.Background(), ch.ID); err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, est: costs.New(db, nil), channel: ch.ID}
}

// customerWrites stores an inbound message from waID at at; referral marks
// it as coming from a click-to-WhatsApp ad.
func (f *fixture) customerWrites(t *testing.T, waID string, at time.Time, referral bool) int64 {
	t.Helper()
	a, err := f.db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: f.channel,
		Messages: []store.InboundMessage{{WAMID: "wamid.in-" + waID + at.Format("150405"), Phone: "+" + waID, WaID: waID, Type: "text",
			Text: "hello", Payload: "{}", Timestamp: at, Referral: referral}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("customer %s writes: %+v %v", waID, a, err)
	}
	return a.NewMessages[0].ConversationID
}

// send queues a text reply priced by the estimator and has the provider
// accept it as wamid.
func (f *fixture) send(t *testing.T, conv int64, wamid string) int64 {
	t.Helper()
	ctx := context.Background()
	m, err := outbox.Enqueue(ctx, f.db, conv, providers.OutboundMessage{Text: &providers.Text{Body: "Obrigado!"}},
		outbox.WithPricer(f.est))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.MarkOutboundAttempting(ctx, []int64{m.MessageID}, "a1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordOutboundSent(ctx, m.MessageID, wamid); err != nil {
		t.Fatal(err)
	}
	return m.MessageID
}

func (f *fixture) status(t *testing.T, st store.StatusUpdate) {
	t.Helper()
	if _, err := f.db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: f.channel,
		Statuses: []store.StatusUpdate{st}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.est.Reprice(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) today(t *testing.T) (messages, billable int, micros int64) {
	t.Helper()
	now := time.Now()
	days, err := f.db.PricingDays(context.Background(), f.channel, now, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range days {
		messages += d.Messages
		billable += d.Billable
		micros += d.Micros
	}
	return
}

// TestReportOverridesTheEstimate: a service reply to a Brazilian customer
// today (after 1 Oct 2026) is estimated at the shipped example rate; the
// status webhook says it fell in a free entry point window, so the price
// becomes 0 while the estimate is kept; a failed message leaves the totals.
func TestReportOverridesTheEstimate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	conv := f.customerWrites(t, "5511987654321", time.Now().Add(-time.Hour), false)
	id := f.send(t, conv, "wamid.out-1")

	p, err := f.db.PricingOf(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Market != "BR" || p.EstCategory != pricing.Service || !p.EstBillable || p.EstMicros != 3400 || p.Currency != "USD" {
		t.Fatalf("estimate = %+v, want a billed BR service reply at 0.0034 USD", p)
	}
	if n, b, m := f.today(t); n != 1 || b != 1 || m != 3400 {
		t.Fatalf("rollup after the estimate = %d messages, %d billable, %d micros", n, b, m)
	}

	f.status(t, store.StatusUpdate{WAMID: "wamid.out-1", Status: "sent", Timestamp: time.Now(),
		PricingModel: "PMP", PricingCategory: "service", PricingType: "free_entry_point"})
	p, err = f.db.PricingOf(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Reported || p.Billable || p.Micros != 0 || p.Type != pricing.TypeFreeEntryPoint || p.Model != "PMP" {
		t.Errorf("after the report = %+v, want free_entry_point, not billed", p)
	}
	if !p.EstBillable || p.EstMicros != 3400 {
		t.Errorf("the estimate must be kept beside the report: %+v", p)
	}
	if n, b, m := f.today(t); n != 1 || b != 0 || m != 0 {
		t.Errorf("rollup after the report = %d messages, %d billable, %d micros; want 1, 0, 0", n, b, m)
	}

	// A second reply, reported billed as utility (another category than
	// estimated), then failing: out of the totals.
	id2 := f.send(t, conv, "wamid.out-2")
	f.status(t, store.StatusUpdate{WAMID: "wamid.out-2", Status: "delivered", Timestamp: time.Now(),
		PricingModel: "PMP", PricingCategory: "utility", PricingType: "regular"})
	if p, _ := f.db.PricingOf(ctx, id2); p.Category != pricing.Utility || !p.Billable || p.Micros != 3400 || p.EstCategory != pricing.Service {
		t.Errorf("reported utility = %+v", p)
	}
	if n, b, _ := f.today(t); n != 2 || b != 1 {
		t.Errorf("rollup = %d messages, %d billable; want 2, 1", n, b)
	}
	f.status(t, store.StatusUpdate{WAMID: "wamid.out-2", Status: "failed", Timestamp: time.Now(), ErrorCode: 131026})
	if n, b, _ := f.today(t); n != 1 || b != 0 {
		t.Errorf("rollup after the failure = %d messages, %d billable; want 1, 0", n, b)
	}

	// The rollup kept by every write equals one computed from scratch.
	now := time.Now()
	kept, err := f.db.PricingDays(ctx, 0, now, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.RebuildPricingDaily(ctx); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := f.db.PricingDays(ctx, 0, now, now)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(kept) != fmt.Sprint(rebuilt) {
		t.Errorf("kept rollup %+v, rebuilt %+v", kept, rebuilt)
	}
}

// TestDemoPricingSeedsOnce: the demo's 30 days of sample traffic are added
// on the first start only.
func TestDemoPricingSeedsOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now()
	for i, want := range []bool{true, false} {
		seeded, err := f.db.SeedDemoPricing(ctx, now)
		if err != nil || seeded != want {
			t.Fatalf("start %d: seeded %v, %v", i+1, seeded, err)
		}
	}
	days, err := f.db.PricingDays(ctx, 0, now.AddDate(0, 0, -29), now)
	if err != nil || len(days) < 200 {
		t.Fatalf("%d rows, %v", len(days), err)
	}
	// Filed under the demo's own channel, not under a real one, so the
	// dashboard's channel filter tells them apart.
	demo, err := f.db.PricingDays(ctx, store.DemoHistoryChannel, now.AddDate(0, 0, -29), now)
	sum := func(ds []store.DailyPricing) (n int) {
		for _, d := range ds {
			n += d.Messages
		}
		return n
	}
	if err != nil || len(demo) != len(days) || sum(demo) != sum(days) {
		t.Errorf("the demo channel's rows differ from all channels' (%d, %d rows), %v", len(demo), len(days), err)
	}
	if real, err := f.db.PricingDays(ctx, f.channel, now.AddDate(0, 0, -29), now); err != nil || len(real) != 0 {
		t.Errorf("a real channel shows %d sample rows, %v", len(real), err)
	}
	if has, err := f.db.HasDemoPricing(ctx); err != nil || !has {
		t.Errorf("HasDemoPricing = %v, %v", has, err)
	}
}

// TestEntryPointWindowFromAnAd: a customer who wrote from an ad 31 hours
// ago is free to answer for 41 more hours; the composer's estimate says so.
func TestEntryPointWindowFromAnAd(t *testing.T) {
	f := newFixture(t)
	now := time.Now().UTC()
	conv := f.customerWrites(t, "5511987650000", now.Add(-31*time.Hour), true)
	f.customerWrites(t, "5511987650000", now.Add(-time.Hour), false)
	est, err := f.est.EstimateConversation(context.Background(), conv, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if est.Billable || est.Free != pricing.FreeEntryPoint || est.EntryPointLeft.Round(time.Hour) != 41*time.Hour {
		t.Errorf("estimate = %+v, want free with 41h left", est.Quote)
	}
}

// TestEstimateBatch sums a campaign's marketing messages per market, with
// an unknown market at the default rate and a number nobody wrote from.
func TestEstimateBatch(t *testing.T) {
	f := newFixture(t)
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	totals, err := f.est.EstimateBatch(context.Background(), f.channel,
		[]string{"+5511900000001", "+5511900000002", "+6799991234"}, "MARKETING", at)
	if err != nil {
		t.Fatal(err)
	}
	if len(totals) != 2 || totals[0].Market != "BR" || totals[0].Billable != 2 || totals[0].Micros != 50_000 ||
		totals[1].Market != "OTHER" || totals[1].Micros != 60_000 {
		t.Errorf("totals = %+v", totals)
	}
	one, err := f.est.Estimate(context.Background(), f.channel, "+5511900000001", "marketing", at)
	if err != nil || one.Micros != 25_000 || one.Market.Name != "Brazil" {
		t.Errorf("one = %+v, %v", one.Quote, err)
	}
}

// TestCategoryOnlyReport: a provider that reports a category without a
// pricing type keeps the estimate when the category is the same, and bills
// another category at its rate.
func TestCategoryOnlyReport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	conv := f.customerWrites(t, "5511987651111", time.Now().Add(-time.Hour), false)
	same := f.send(t, conv, "wamid.same")
	f.status(t, store.StatusUpdate{WAMID: "wamid.same", Status: "delivered", Timestamp: time.Now(), PricingCategory: "service"})
	if p, _ := f.db.PricingOf(ctx, same); !p.Reported || p.Micros != 3400 || !p.Billable || p.Category != pricing.Service {
		t.Errorf("same category = %+v", p)
	}
	other := f.send(t, conv, "wamid.other")
	f.status(t, store.StatusUpdate{WAMID: "wamid.other", Status: "delivered", Timestamp: time.Now(), PricingCategory: "marketing"})
	if p, _ := f.db.PricingOf(ctx, other); !p.Reported || p.Micros != 25000 || p.Category != pricing.Marketing {
		t.Errorf("other category = %+v", p)
	}
}

// TestVolumeTierReported: the utility volume tier Meta reported for the
// channel's account (account_update VOLUME_BASED_PRICING_TIER_UPDATE)
// prices the next utility message at the tier's rate, in the estimate and
// when a status webhook reports the message's pricing; a tier reported to
// another business's account or for another market changes nothing.
func TestVolumeTierReported(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now().UTC()
	if err := f.db.SaveRates(ctx, []store.RateRow{{Market: "BR", Category: pricing.Utility, EffectiveFrom: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
		TierFrom: 1000, PriceMicros: 3000, Currency: "USD", Source: "test tier from the 1,001st"}}); err != nil {
		t.Fatal(err)
	}
	f.est.Invalidate()
	estimate := func() int64 {
		t.Helper()
		e, err := f.est.Estimate(ctx, f.channel, "+5511900000009", "UTILITY", now)
		if err != nil {
			t.Fatal(err)
		}
		return e.Micros
	}
	if got := estimate(); got != 3400 {
		t.Fatalf("before any report: %d, want the base 3400", got)
	}
	month := now.Format("2006-01")
	tier := func(waba, region, tier string) {
		t.Helper()
		if err := f.db.SetVolumeTier(ctx, store.VolumeTier{WABAID: waba, EffectiveMonth: month, PricingCategory: "UTILITY",
			Region: region, Tier: tier, TierUpdateTime: now}, now); err != nil {
			t.Fatal(err)
		}
	}
	tier("999999999999999", "BRAZIL", "1001:5000") // another business's account
	tier("104500000000011", "INDIA", "1001:5000")  // this account, another market
	if got := estimate(); got != 3400 {
		t.Errorf("tiers of another account or market: %d, want 3400", got)
	}
	tier("104500000000011", "BRAZIL", "1000:5000") // the 1,000th is still the base rate
	if got := estimate(); got != 3400 {
		t.Errorf("tier from the 1,000th: %d, want 3400", got)
	}
	tier("104500000000011", "BRAZIL", "1001:5000")
	if got := estimate(); got != 3000 {
		t.Errorf("tier from the 1,001st: %d, want 3000", got)
	}

	// A reply reported as a billed utility message is priced at the tier.
	conv := f.customerWrites(t, "5511987652222", now.Add(-time.Hour), false)
	id := f.send(t, conv, "wamid.tier")
	f.status(t, store.StatusUpdate{WAMID: "wamid.tier", Status: "delivered", Timestamp: time.Now(),
		PricingModel: "PMP", PricingCategory: "utility", PricingType: "regular"})
	if p, _ := f.db.PricingOf(ctx, id); !p.Reported || p.Category != pricing.Utility || p.Micros != 3000 || p.EstMicros != 3400 {
		t.Errorf("reported utility at the tier = %+v, want 3000 (estimate 3400 kept)", p)
	}
}

// TestVolumeCountedPerPortfolio: the month's volume that picks a tier
// counts the messages of the channel's business portfolio only, not those
// of another business on the same wadesk.
func TestVolumeCountedPerPortfolio(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ch, err := f.db.CreatePendingChannel(ctx, store.NewChannel{Title: "Florist", Provider: "meta_cloud",
		BusinessID: "512300000000002", WABAID: "104500000000022", PhoneNumberID: "110200000000202",
		Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: "s", VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	other := &fixture{db: f.db, est: f.est, channel: ch.ID}
	conv := other.customerWrites(t, "5511987653333", time.Now().Add(-time.Hour), false)
	other.send(t, conv, "wamid.florist-1")
	other.send(t, conv, "wamid.florist-2")
	now := time.Now().UTC()
	for _, c := range []struct {
		channel int64
		want    int
	}{{f.channel, 0}, {ch.ID, 2}} {
		n, err := f.db.BilledInPortfolioMonth(ctx, c.channel, "BR", pricing.Service, pricing.MonthStart(now), now)
		if err != nil || n != c.want {
			t.Errorf("channel %d: %d billed, %v; want %d", c.channel, n, err, c.want)
		}
	}
}
