package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/costs"
	"github.com/wadesk/wadesk/pricing"
)

// TestCostLineSaysWhatIsUncertain: "About this price" names the rate's
// source, says when the price follows a volume tier the provider reported
// (an uncertain event), and marks the unconfirmed rule of 1 Oct 2026.
func TestCostLineSaysWhatIsUncertain(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	book := pricing.NewBook([]pricing.Rate{
		{Market: "BR", Category: pricing.Utility, From: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), Micros: 3400, Currency: "USD", Source: "base"},
		{Market: "BR", Category: pricing.Utility, From: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), TierFrom: 1000, Micros: 3000, Currency: "USD", Source: "tier"},
	})
	q := book.Quote(pricing.Input{At: at, Phone: "+5511987654321", Category: pricing.Utility, MonthVolume: 3, ReportedTierFirst: 1001})
	l := costLine(ctx, costs.Estimate{Quote: q})
	if l.Text != "≈ $0.003 utility, Brazil" {
		t.Errorf("text = %q", l.Text)
	}
	if !strings.Contains(l.Tier, "from message 1,001 of the month") || !strings.Contains(l.Tier, "uncertain") {
		t.Errorf("tier = %q", l.Tier)
	}
	if !strings.HasPrefix(l.Unconfirmed, "Uncertain: ") {
		t.Errorf("unconfirmed = %q", l.Unconfirmed)
	}
	// wadesk's own count past the tier: no word about a report.
	q = book.Quote(pricing.Input{At: at, Phone: "+5511987654321", Category: pricing.Utility, MonthVolume: 1200})
	if l := costLine(ctx, costs.Estimate{Quote: q}); l.Tier != "" || l.Text != "≈ $0.003 utility, Brazil" {
		t.Errorf("own count: %+v", l)
	}
	// Before 1 Oct 2026 the rule in force is confirmed.
	q = book.Quote(pricing.Input{At: time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC), Phone: "+5511987654321", Category: pricing.Utility})
	if l := costLine(ctx, costs.Estimate{Quote: q}); l.Unconfirmed != "" {
		t.Errorf("Aug 2025: %q", l.Unconfirmed)
	}
}
