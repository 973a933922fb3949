package campaign_test

import (
	"context"
	"testing"
	"time"

	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/costs"
	"github.com/wadesk/wadesk/store"
)

// Campaign messages are queued the way an agent's template is: each with
// its price estimate (so the report shows what the campaign cost, per
// recipient and in total), and each that starts a conversation counted
// against the portfolio's messaging limit, which holds the campaign when
// it is reached (the rest stay pending, nobody is sent anything twice).
func TestCampaignMessagesArePricedAndCountAgainstTheMessagingLimit(t *testing.T) {
	f := newFixture(t, 80)
	ctx := context.Background()
	nums := f.customers(t, 8, 0) // last wrote 48 hours ago: their windows are closed
	// One customer wrote a minute ago: their template is inside the
	// window, so it takes no place of the limit.
	if _, err := f.db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: f.channel, Messages: []store.InboundMessage{{
		WAMID: "wamid.fresh", Phone: "+" + nums[7], WaID: nums[7], Type: "text", Text: "hi again", Payload: "{}",
		Timestamp: time.Now().Add(-time.Minute)}}}}); err != nil {
		t.Fatal(err)
	}
	const business = "512300000000001"
	if _, _, err := f.db.SetPortfolioLimit(ctx, business, "5", 5, "webhook", time.Now()); err != nil {
		t.Fatal(err)
	}
	c := f.draft(t)
	// Launched as split over days, as an admin would for a campaign larger
	// than the limit; the guard then holds whatever the plan lets through
	// beyond what the limit leaves.
	if err := f.db.LaunchCampaign(ctx, c.ID, store.LaunchPlan{At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	run := f.start(t, f.db, f.client, 80, func(r *campaign.Runner) { r.Pricer = costs.New(f.db, nil) })
	waitFor(t, "the campaign to be held by the messaging limit", func() bool {
		_, held := run.runner.Held(c.ID)
		return held
	})
	h, _ := run.runner.Held(c.ID)
	if h.Reached == nil || h.Reached.Limit != 5 || !h.Until.After(time.Now()) {
		t.Fatalf("hold %+v, want the limit of 5 reached until a place frees", h)
	}
	waitFor(t, "the queued messages to be sent", func() bool {
		r := f.report(t, c.ID)
		return r.Sending == 0 && r.Sent+r.Delivered+r.Read == 6
	})
	r := f.report(t, c.ID)
	// 5 new customers fill the limit; the one inside the window goes too.
	if r.Pending != 2 || r.Sent+r.Delivered+r.Read != 6 {
		t.Fatalf("report %+v, want 6 sent (5 counted + 1 inside the window) and 2 pending", r)
	}
	if n, _, err := f.db.PortfolioReachOf(ctx, business, time.Now().Add(-24*time.Hour)); err != nil || n != 5 {
		t.Fatalf("portfolio reach %d %v, want 5", n, err)
	}
	sent := f.sentTo()
	if sent[nums[7]] != 1 {
		t.Fatalf("the customer inside the window was not sent the campaign: %v", sent)
	}
	for n, k := range sent {
		if k != 1 {
			t.Fatalf("customer %s was sent %d messages", n, k)
		}
	}
	// Every queued message has its price; the campaign's cost is their sum.
	rs, err := f.db.CampaignRecipients(ctx, c.ID, store.RecipientFilter{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	priced := 0
	for _, rc := range rs {
		if rc.MessageID == 0 {
			if rc.Cost != nil {
				t.Fatalf("a pending recipient has a price: %+v", rc)
			}
			continue
		}
		if rc.Cost == nil || rc.Cost.Currency == "" || !rc.Cost.Billable || rc.Cost.Micros <= 0 {
			t.Fatalf("recipient %s: price %+v, want a billable marketing price", rc.Phone, rc.Cost)
		}
		sum += rc.Cost.Micros
		priced++
	}
	costsOf, err := f.db.CampaignCostOf(ctx, c.ID)
	if err != nil || len(costsOf) != 1 || costsOf[0].Micros != sum || costsOf[0].Billable != 6 || priced != 6 {
		t.Fatalf("campaign cost %+v %v, want 6 billable messages costing %d micros", costsOf, err, sum)
	}
	// A place frees only after 24 hours: the campaign waits, still sending.
	got, err := f.db.CampaignByID(ctx, c.ID)
	if err != nil || got.State != store.CampaignSending {
		t.Fatalf("campaign %q %v, want still sending", got.State, err)
	}
}
