package campaign

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/wadesk/wadesk/pricing"
)

// RateCard is the Estimator that prices a campaign with the console's
// rate card (Settings → Pricing) and the pricing rules in force at the
// time: each country's recipients at that market's rate for the
// template's category, as business-initiated messages outside the
// service window (a recipient who wrote in the last 24 hours may in fact
// cost less; the estimate errs on the side of the bill).
type RateCard struct {
	// Book returns the rules and the rate card (costs.Estimator.Book).
	Book func(ctx context.Context) (pricing.Book, error)
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Estimate implements Estimator.
func (r RateCard) Estimate(ctx context.Context, _ int64, category string, countries map[string]int) (Estimate, error) {
	book, err := r.Book(ctx)
	if err != nil {
		return Estimate{}, err
	}
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	var e Estimate
	for country, n := range countries {
		line := EstimateLine{Country: country, Recipients: n}
		code := phonenumbers.GetCountryCodeForRegion(country)
		if country == "ZZ" || code == 0 {
			e.Unpriced += n
			line.Category = pricing.NormalizeCategory(category)
			e.Lines = append(e.Lines, line)
			continue
		}
		q := book.Quote(pricing.Input{At: now, Phone: "+" + strconv.Itoa(code), Category: category})
		line.Category = q.Category
		switch {
		case !q.Billable:
			line.Priced = true
		case q.PriceKnown && (e.Currency == "" || e.Currency == q.Currency):
			e.Currency = q.Currency
			line.Priced = true
			line.UnitPrice = float64(q.Micros) / 1e6
			line.Cost = line.UnitPrice * float64(n)
			e.Total += line.Cost
			e.Example = e.Example || q.Rate.Example
		default:
			// No rate, or a second currency the total cannot add up.
			e.Unpriced += n
		}
		e.Lines = append(e.Lines, line)
	}
	if e.Currency == "" {
		e.Currency = "USD"
	}
	sort.Slice(e.Lines, func(i, j int) bool {
		if e.Lines[i].Recipients != e.Lines[j].Recipients {
			return e.Lines[i].Recipients > e.Lines[j].Recipients
		}
		return e.Lines[i].Country < e.Lines[j].Country
	})
	return e, nil
}
