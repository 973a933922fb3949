package campaign_test

import (
	"context"
	"testing"
	"time"

	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/pricing"
)

func TestRateCardPricesEachCountryAtItsMarketRate(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	book := pricing.NewBook([]pricing.Rate{
		{Market: "BR", Category: "marketing", From: from, Micros: 62500, Currency: "USD", Source: "test"},
		{Market: pricing.DefaultMarket, Category: "marketing", From: from, Micros: 50000, Currency: "USD", Source: "test", Example: true},
	})
	rc := campaign.RateCard{
		Book: func(context.Context) (pricing.Book, error) { return book, nil },
		Now:  func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) },
	}
	e, err := rc.Estimate(context.Background(), 1, "MARKETING", map[string]int{"BR": 10, "ZW": 2, "ZZ": 1})
	if err != nil {
		t.Fatal(err)
	}
	if e.Currency != "USD" || e.Unpriced != 1 || len(e.Lines) != 3 {
		t.Fatalf("estimate = %+v", e)
	}
	br := e.Lines[0]
	if br.Country != "BR" || br.Recipients != 10 || !br.Priced || br.UnitPrice != 0.0625 || br.Cost != 0.625 {
		t.Errorf("Brazil line = %+v", br)
	}
	// Zimbabwe has no rate of its own: the default market's (an example).
	if zw := e.Lines[1]; zw.Country != "ZW" || zw.UnitPrice != 0.05 || !e.Example {
		t.Errorf("Zimbabwe line = %+v, example = %v", zw, e.Example)
	}
	if want := 0.625 + 0.1; e.Total < want-1e-9 || e.Total > want+1e-9 {
		t.Errorf("total = %v, want %v", e.Total, want)
	}
}
