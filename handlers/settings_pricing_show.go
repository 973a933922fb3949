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
			Summary: i18n.T(ctx, "pricing.rule."+rule.Name), Source: ruleSource(ctx, rule.Name, rule.Source), Confirmed: rule.Confirmed,
			Current: rule.Name == current.Name})
	}
	for _, rr := range rows {
		tier := i18n.T(ctx, "pricing.settings.tier_base")
		if rr.TierFrom > 0 {
			tier = i18n.T(ctx, "pricing.settings.tier_from", "Count", rr.TierFrom)
		}
		src := rateSource(ctx, rr.Market, rr.Source, rr.Example)
		if src == "" {
			src = i18n.T(ctx, "pricing.settings.no_source")
		}
		v.Rates = append(v.Rates, views.RateRow{ID: rr.ID, Market: marketLabel(ctx, rr.Market), Category: categoryWords(ctx, rr.Category),
			From: i18n.Date(ctx, rr.EffectiveFrom), Tier: tier, Price: formatPrice(ctx, rr.PriceMicros, rr.Currency),
			Source: src, Example: rr.Example})
	}
	for _, m := range pricing.Markets {
		v.Markets = append(v.Markets, views.MarketOption{Code: m.Code, Name: marketLabel(ctx, m.Code)})
	}
	for _, c := range pricing.Categories {
		v.Categories = append(v.Categories, views.Option{Value: c, Label: categoryWords(ctx, c)})
	}
	s.render(w, r, status, views.PricingPage(s.page(w, r, i18n.T(ctx, "pricing.settings.title"), views.NavSettings), v))
}

// marketLabel is a market's name and code: "Brazil (BR)".
func marketLabel(ctx context.Context, code string) string {
	if _, ok := pricing.MarketByCode(code); ok {
		return i18n.T(ctx, "markets.label", "Name", marketName(ctx, code), "Code", code)
	}
	return code
}

// marketName names one of Meta's pricing markets in the reader's
// language: a country by CLDR's name for it, Meta's regions (North
// America, Rest of Africa, Other) from the catalog.
func marketName(ctx context.Context, code string) string {
	// "NA" is Meta's North America here, not Namibia.
	if key, ok := metaRegions[code]; ok {
		return i18n.T(ctx, "markets.region."+key)
	}
	if n, ok := i18n.RegionName(ctx, code); ok {
		return n
	}
	if m, ok := pricing.MarketByCode(code); ok {
		return m.Name
	}
	return code
}

// metaRegions are Meta's markets that are not countries, by message key.
var metaRegions = map[string]string{"NA": "north_america", "REST_AFRICA": "rest_of_africa", "OTHER": "other_markets"}

// exampleSources are the markets of the example rates wadesk ships.
var exampleSources = map[string]string{"BR": "brazil", "OTHER": "other_markets"}

// ruleSource is where a pricing rule's facts come from, in the reader's
// language when the catalog has the rule's source as it stands.
func ruleSource(ctx context.Context, name, english string) string {
	id := "markets.rule_source." + name
	if i18n.Has(id) && i18n.In(i18n.Source, id) == english {
		return i18n.T(ctx, id)
	}
	return english
}

// rateSource is a rate's source: what the admin typed, as typed; the
// example rates wadesk ships say theirs in the reader's language.
func rateSource(ctx context.Context, market, source string, example bool) string {
	id := "markets.example_source." + exampleSources[market]
	if example && i18n.Has(id) && i18n.In(i18n.Source, id) == source {
		return i18n.T(ctx, id)
	}
	return source
}
