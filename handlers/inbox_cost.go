package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/wadesk/wadesk/costs"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/pricing"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// What a message will cost, in the composer and the template picker: the
// estimate of package costs in words ("≈ $0.0034 service reply, Brazil",
// "free — ad entry window, 41 h left"), and the month's reply spend of the
// conversation's number.

// formatPrice writes a price in millionths with as many decimals as it has
// (at least two, at most six): $0.0034, $0.025, $1.50.
func formatPrice(ctx context.Context, micros int64, currency string) string {
	s := pricing.FormatMicros(micros)
	frac := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		frac = len(s) - i - 1
	}
	return i18n.Money(ctx, float64(micros)/1e6, currency, frac)
}

// categoryWords is a pricing category as agents read it.
func categoryWords(ctx context.Context, category string) string {
	switch category {
	case pricing.Service, pricing.Marketing, pricing.Utility, pricing.Authentication, pricing.AuthenticationInternational,
		pricing.MarketingLite, pricing.BusinessAgent, pricing.ReferralConversion:
		return i18n.T(ctx, "pricing.category."+category)
	}
	return category
}

// marketWords is a market's name as pages show it.
func marketWords(ctx context.Context, code string) string {
	if _, ok := pricing.MarketByCode(code); ok {
		return i18n.T(ctx, "pricing.market_name", "Name", marketName(ctx, code))
	}
	return code
}

// costLine says what an estimated message costs.
func costLine(ctx context.Context, e costs.Estimate) views.CostLine {
	q := e.Quote
	l := views.CostLine{Billable: q.Billable, Category: q.Category, Marketing: q.Billable && strings.HasPrefix(q.Category, pricing.Marketing)}
	cat, market := categoryWords(ctx, q.Category), marketWords(ctx, q.Market.Code)
	switch {
	case q.Billable && q.PriceKnown:
		l.Price = formatPrice(ctx, q.Micros, q.Currency)
		l.Text = i18n.T(ctx, "pricing.cost.billed", "Price", l.Price, "Category", cat, "Market", market)
		if q.DefaultMarket {
			l.Text += " " + i18n.T(ctx, "pricing.cost.default_rate")
		}
		src := rateSource(ctx, q.Rate.Market, q.Rate.Source, q.Rate.Example)
		if q.Rate.Example {
			l.Source = i18n.T(ctx, "pricing.cost.example_source", "Date", i18n.Date(ctx, q.Rate.From), "Source", src)
		} else {
			l.Source = i18n.T(ctx, "pricing.cost.source", "Date", i18n.Date(ctx, q.Rate.From), "Source", src)
		}
	case q.Billable:
		l.Text = i18n.T(ctx, "pricing.cost.billed_unknown", "Category", cat, "Market", market)
	case q.Free == pricing.FreeEntryPoint:
		l.Text = i18n.T(ctx, "pricing.cost.free_entry_point", "Count", int(q.EntryPointLeft.Hours()))
	case q.Free == costs.FreeUnofficial:
		l.Text = i18n.T(ctx, "pricing.cost.free_unofficial")
	case q.Free == pricing.FreeConversationOpen:
		l.Text = i18n.T(ctx, "pricing.cost.free_conversation")
	default:
		l.Text = i18n.T(ctx, "pricing.cost.free_window", "Category", cat)
	}
	if !q.Rule.Confirmed && q.Rule.Name != "" {
		l.Unconfirmed = i18n.T(ctx, "pricing.cost.unconfirmed_rule")
	}
	return l
}

// replyCost is what a free-form reply in c costs now, with the month's
// reply spend of c's number.
func (s *Server) replyCost(ctx context.Context, c store.Conversation, now time.Time) (views.CostLine, error) {
	e, err := s.costs.EstimateConversation(ctx, c.ID, pricing.Service, now)
	if err != nil {
		return views.CostLine{}, err
	}
	l := costLine(ctx, e)
	spend, err := s.db.ChannelSpend(ctx, c.ChannelID, pricing.Service, pricing.MonthStart(now), now)
	if err != nil {
		return views.CostLine{}, err
	}
	var parts []string
	billed := 0
	for _, t := range spend {
		parts = append(parts, formatPrice(ctx, t.Micros, t.Currency))
		billed += t.Billable
	}
	if len(parts) == 0 {
		parts = append(parts, formatPrice(ctx, 0, "USD"))
	}
	l.MonthSpend = i18n.T(ctx, "pricing.cost.month_replies", "Channel", c.ChannelTitle, "Amount", strings.Join(parts, " + "),
		"Count", billed)
	return l, nil
}

// templateCost is what template t (by category) costs in c now.
func (s *Server) templateCost(ctx context.Context, c store.Conversation, category string, now time.Time) (views.CostLine, error) {
	e, err := s.costs.EstimateConversation(ctx, c.ID, pricing.NormalizeCategory(category), now)
	if err != nil {
		return views.CostLine{}, err
	}
	return costLine(ctx, e), nil
}
