package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/costs"
	"github.com/wadesk/wadesk/pricing"
)

// settingsPricingExport downloads the rate card as CSV, in the format the
// import reads.
func (s *Server) settingsPricingExport(w http.ResponseWriter, r *http.Request) {
	rows, err := s.db.ListRates(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="wadesk-rate-card.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := pricing.WriteCSV(w, costs.Rates(rows)); err != nil {
		s.log.Warn("rate card export interrupted", "err", err)
	}
}
