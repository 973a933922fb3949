package handlers

import (
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/pricing"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// settingsPricingRateSave adds a rate to the rate card, or changes the
// price of the rate with the same market, category, date and volume.
func (s *Server) settingsPricingRateSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	f := views.RateForm{Market: r.PostFormValue("market"), Category: r.PostFormValue("category"),
		From: strings.TrimSpace(r.PostFormValue("effective_from")), Tier: strings.TrimSpace(r.PostFormValue("tier_from")),
		Price: strings.TrimSpace(r.PostFormValue("price")), Currency: strings.TrimSpace(r.PostFormValue("currency")),
		Source: strings.TrimSpace(r.PostFormValue("source"))}
	rate, problem := pricing.ParseRate(f.Market, f.Category, f.From, f.Tier, f.Price, f.Currency, f.Source)
	if problem != "" {
		f.Errors = views.Errors{rateField(problem): problem}
		s.renderPricing(w, r, http.StatusUnprocessableEntity, views.PricingView{Form: f})
		return
	}
	if err := s.db.SaveRates(ctx, []store.RateRow{rateRow(rate)}); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.costs.Invalidate()
	s.log.Info("rate saved", "market", rate.Market, "category", rate.Category, "from", rate.From.Format("2006-01-02"),
		"tier_from", rate.TierFrom, "micros", rate.Micros, "currency", rate.Currency, "by", currentUser(ctx).ID)
	s.flashSuccess(w, r, i18n.T(ctx, "pricing.settings.saved", "Market", rate.Market, "Category", rate.Category,
		"Price", formatPrice(ctx, rate.Micros, rate.Currency)))
	redirect(w, r, "/settings/pricing#rate-card")
}

// rateField is the form field a rate problem is about (the problem names
// it in words; see pricing.ParseRate).
func rateField(problem string) string {
	switch {
	case strings.Contains(problem, "pricing markets"):
		return "market"
	case strings.Contains(problem, "is not a category"):
		return "category"
	case strings.Contains(problem, "is not a date"):
		return "effective_from"
	case strings.Contains(problem, "is not a volume"):
		return "tier_from"
	case strings.HasPrefix(problem, "The price"):
		return "price"
	case strings.Contains(problem, "is not a currency"):
		return "currency"
	}
	return "source"
}

// rateRow is a parsed rate as the store keeps it.
func rateRow(r pricing.Rate) store.RateRow {
	return store.RateRow{Market: r.Market, Category: r.Category, EffectiveFrom: r.From, TierFrom: r.TierFrom,
		PriceMicros: r.Micros, Currency: r.Currency, Source: r.Source}
}
