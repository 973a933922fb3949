package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

func (s *emailSite) uploadTo(c *http.Client, path, filename, content string) page {
	s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		s.t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, s.url+path, &buf)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(c, req)
}

// TestPricingSettings: the rules with their sources, the shipped example
// rates labelled as examples, a rate added and refused with a field error,
// a CSV import refused line by line and then accepted, the export.
func TestPricingSettings(t *testing.T) {
	s := startEmailSite(t)
	admin := s.signIn("admin@example.com")
	agent := s.signIn("agent@example.com")
	if p := s.get(agent, "/settings/pricing"); p.status == http.StatusOK {
		t.Fatal("agents must not see the rate card")
	}
	p := s.get(admin, "/settings/pricing")
	mustContain(t, p, `data-testid="pricing-rule-unconfirmed"`, "hello-charles.com", `data-testid="pricing-rule-current"`,
		`data-testid="rate-example"`, "sleekflow.io", "Brazil (BR)", "$0.025", `data-testid="tab-pricing"`)

	p = s.post(admin, "/settings/pricing/rates", url.Values{"market": {"BR"}, "category": {"service"}, "effective_from": {"2026-12-01"},
		"price": {"0,004"}, "currency": {"USD"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad price: status %d", p.status)
	}
	mustContain(t, p, `aria-invalid="true"`, "is not a price", `value="0,004"`)
	p = s.post(admin, "/settings/pricing/rates", url.Values{"market": {"BR"}, "category": {"service"}, "effective_from": {"2026-12-01"},
		"price": {"0.004"}, "currency": {"usd"}, "source": {"Meta rate card, Dec 2026"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("save: status %d\n%s", p.status, p.body)
	}
	p = s.get(admin, "/settings/pricing")
	mustContain(t, p, "$0.004", "Meta rate card, Dec 2026")

	p = s.uploadTo(admin, "/settings/pricing/rates/import", "rates.csv",
		"market,category,effective_from,price,currency\nAtlantis,marketing,2026-12-01,0.02,USD\nBR,marketing,2026-12-01,0.03,USD\n")
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad import: status %d", p.status)
	}
	mustContain(t, p, `data-testid="rates-import-error"`, "Line 2: &#34;Atlantis&#34; is not one of Meta")
	mustLack(t, p, "$0.03")
	p = s.uploadTo(admin, "/settings/pricing/rates/import", "rates.csv",
		"market,category,effective_from,tier_from,price,currency,source\nIN,marketing,2026-12-01,0,0.0107,USD,Meta PDF\nIN,utility,2026-12-01,100000,0.0011,USD,Meta PDF tier\n")
	if p.status != http.StatusSeeOther {
		t.Fatalf("import: status %d\n%s", p.status, p.body)
	}
	p = s.get(admin, "/settings/pricing")
	mustContain(t, p, "India (IN)", "$0.0107", "after 100,000 messages")

	p = s.get(admin, "/settings/pricing/rates.csv")
	if p.status != http.StatusOK || !strings.HasPrefix(p.body, "market,category,effective_from,tier_from,price,currency,source\n") ||
		!strings.Contains(p.body, "IN,utility,2026-12-01,100000,0.0011,USD,Meta PDF tier") {
		t.Fatalf("export: %d\n%s", p.status, p.body)
	}
}

// TestInsights: the dashboard draws its charts from seeded traffic, with
// the same numbers in tables and the CSV export; a wrong range is a field
// error; agents are kept out.
func TestInsights(t *testing.T) {
	s := startComposeSite(t)
	storetest.SeedPricing(t, s.db, time.Now(), 7)
	admin := s.signIn("admin@example.com")
	agent := s.signIn("agent@example.com")
	if p := s.get(agent, "/insights"); p.status == http.StatusOK {
		t.Fatal("agents must not see the insights")
	}
	p := s.get(admin, "/insights")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	mustContain(t, p, `data-testid="chart-messages"`, `data-testid="chart-billable"`, `data-testid="chart-spend"`,
		`data-testid="chart-free"`, `data-testid="chart-replies"`, `<svg viewBox="0 0 640.0 220.0" role="img"`, `class="chart-bar series-service"`,
		`data-testid="insight-table-spend"`, `data-testid="insights-sections"`, `data-testid="insights-export"`)
	mustLack(t, p, "Nothing sent in this range")

	today := time.Now().UTC()
	p = s.get(admin, "/insights.csv?from="+today.AddDate(0, 0, -6).Format(time.DateOnly)+"&to="+today.Format(time.DateOnly))
	if p.status != http.StatusOK || !strings.HasPrefix(p.body, "day,market,category,pricing_type,currency,messages,billable,cost\n") ||
		strings.Count(p.body, "\n") < 3 || !strings.Contains(p.body, ",USD,") {
		t.Fatalf("export: %d\n%s", p.status, p.body)
	}
	p = s.get(admin, "/insights?from=2026-12-07&to=2026-11-01")
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad range: status %d", p.status)
	}
	mustContain(t, p, "The end of the range is before its start.")
	p = s.get(admin, "/insights?from=2020-01-01&to=2020-01-31")
	mustContain(t, p, "Nothing sent in this range")
}

// TestInsightsDemoChannel: the demo's sample traffic has a channel of its
// own in the filter; choosing it shows the samples, choosing a real
// channel shows that channel's messages only.
func TestInsightsDemoChannel(t *testing.T) {
	s := startComposeSite(t)
	admin := s.signIn("admin@example.com")
	if p := s.get(admin, "/insights"); strings.Contains(p.body, "Demo: sample history") {
		t.Fatal("the demo's channel is offered before the demo seeded anything")
	}
	if _, err := s.db.SeedDemoPricing(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	p := s.get(admin, "/insights")
	mustContain(t, p, `<option value="-1">Demo: sample history</option>`)
	p = s.get(admin, "/insights?channel=-1")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	mustContain(t, p, `<option value="-1" selected>Demo: sample history</option>`, `class="chart-bar series-marketing"`)
	mustLack(t, p, "Nothing sent in this range")
	p = s.get(admin, "/insights?channel="+strconv.FormatInt(s.channel, 10))
	mustContain(t, p, "Nothing sent in this range")
}

// TestInsightsLimitsAndQuality: the dashboard shows each business
// portfolio's messaging limit gauge and the numbers' quality timeline in
// the range, drawn and in a table; a channel filter keeps to that channel.
func TestInsightsLimitsAndQuality(t *testing.T) {
	s := startComposeSite(t)
	ctx := context.Background()
	admin := s.signIn("admin@example.com")
	at := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Second)
	if err := s.db.AddQualityEvent(ctx, store.QualityEvent{ChannelID: s.channel, Event: "FLAGGED", Quality: "YELLOW", At: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.db.AddQualityEvent(ctx, store.QualityEvent{ChannelID: s.channel, Event: "DOWNGRADE", Quality: "RED", At: at.AddDate(0, 0, -60)}); err != nil {
		t.Fatal(err)
	}
	p := s.get(admin, "/insights")
	mustContain(t, p, `data-testid="insight-limits"`, `data-testid="insight-gauge"`, `data-testid="limit-gauge"`,
		`data-testid="chart-quality"`, `class="quality-dot quality-yellow"`, `data-testid="quality-timeline-table"`, "FLAGGED", "Medium quality",
		`id="portfolio-0-limit-gauge-title"`)
	mustLack(t, p, "DOWNGRADE") // before the range
	p = s.get(admin, "/insights?from="+at.AddDate(0, 0, -61).Format(time.DateOnly))
	mustContain(t, p, "DOWNGRADE", "FLAGGED", `class="quality-dot quality-red"`)
	// The other channel alone: its gauge, none of this number's events.
	var other int64
	chs, err := s.db.ListChannels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chs {
		if c.ID != s.channel {
			other = c.ID
		}
	}
	p = s.get(admin, "/insights?channel="+strconv.FormatInt(other, 10))
	mustContain(t, p, `data-testid="insight-gauge"`, "No quality changes recorded yet.")
	mustLack(t, p, "FLAGGED")
}
