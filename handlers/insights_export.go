package handlers

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/pricing"
)

// insightsExport downloads the dashboard's numbers as CSV: one line per
// day, market, category, pricing type and currency, for the same range
// and channel as the page.
func (s *Server) insightsExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	iq := parseInsightsQuery(ctx, r.URL.Query(), time.Now())
	if len(iq.raw.Errors) > 0 {
		msg := ""
		for _, e := range iq.raw.Errors {
			msg = e
		}
		http.Error(w, i18n.T(ctx, "pricing.insights.export_bad_range", "Problem", msg), http.StatusUnprocessableEntity)
		return
	}
	days, err := s.db.PricingDays(ctx, iq.channelID, iq.from, iq.to)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	name := "wadesk-insights-" + iq.from.Format(time.DateOnly) + "-" + iq.to.Format(time.DateOnly) + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write([]string{"day", "market", "category", "pricing_type", "currency", "messages", "billable", "cost"})
	for _, d := range days {
		// Categories and types come from providers' webhooks: a leading
		// =, +, - or @ must not make a spreadsheet run them as formulas.
		cw.Write([]string{d.Day.Format(time.DateOnly), d.Market, pricing.CSVSafe(d.Category), pricing.CSVSafe(d.Type), d.Currency, strconv.Itoa(d.Messages),
			strconv.Itoa(d.Billable), pricing.FormatMicros(d.Micros)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.log.Warn("insights export interrupted", "err", err)
	}
}
