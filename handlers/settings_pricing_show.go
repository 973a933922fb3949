package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/pricing"
	"github.com/wadesk/wadesk/views"
)

// settingsPricingShow shows Settings → Pricing: Meta's pricing rules with
// their sources, the rate card with each price's source, the form that
// adds or changes a rate, and the CSV import and export.
func (s *Server) settingsPricingShow(w http.ResponseWriter, r *http.Request) {
	s.renderPricing(w, r, http.StatusOK, views.PricingView{Form: views.RateForm{Currency: "USD",
		From: time.Now().UTC().Format(time.DateOnly), Category: pricing.Marketing, Market: "BR"}})
}

// renderPricing renders Settings → Pricing around v, filling in the rules
// and the rate card.
func (s *Server) renderPricing(w http.ResponseWriter, r *http.Request, status int, v views.PricingView) {
	ctx := r.Context()
	rows, err := s.db.ListRates(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	now := time.Now()
	current := pricing.RuleAt(pricing.Rules, now)
	for _, rule := range pricing.Rules {
		v.Rules = append(v.Rules, views.PricingRuleRow{From: i18n.Date(ctx, rule.From), Name: rule.Name,
			Summary: i18n.T(ctx, "pricing.rule."+rule.Name), Source: rule.Source, Confirmed: rule.Confirmed,
			Current: rule.Name == current.Name})
	}
	for _, rr := range rows {
		tier := i18n.T(ctx, "pricing.settings.tier_base")
		if rr.TierFrom > 0 {
			tier = i18n.T(ctx, "pricing.settings.tier_from", "Count", rr.TierFrom)
		}
		src := rr.Source
		if src == "" {
			src = i18n.T(ctx, "pricing.settings.no_source")
		}
		v.Rates = append(v.Rates, views.RateRow{ID: rr.ID, Market: marketLabel(ctx, rr.Market), Category: rr.Category,
			From: i18n.Date(ctx, rr.EffectiveFrom), Tier: tier, Price: formatPrice(ctx, rr.PriceMicros, rr.Currency),
			Source: src, Example: rr.Example})
	}
	for _, m := range pricing.Markets {
		v.Markets = append(v.Markets, views.MarketOption{Code: m.Code, Name: m.Name + " (" + m.Code + ")"})
	}
	v.Categories = pricing.Categories
	s.render(w, r, status, views.PricingPage(s.page(w, r, i18n.T(ctx, "pricing.settings.title"), views.NavSettings), v))
}

// marketLabel is a market's name and code.
func marketLabel(ctx context.Context, code string) string {
	if m, ok := pricing.MarketByCode(code); ok {
		return m.Name + " (" + m.Code + ")"
	}
	return code
}
