package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/pricing"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// settingsPricingImport adds and changes rates from an uploaded CSV file.
// Either every line is imported or, when any line is wrong, none: the page
// then lists each problem with its line number.
func (s *Server) settingsPricingImport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	refuse := func(status int, imp views.ProductImportView) {
		s.renderPricing(w, r, status, views.PricingView{Import: imp, Form: views.RateForm{Currency: "USD", Market: "BR", Category: pricing.Marketing}})
	}
	r.Body = http.MaxBytesReader(w, r.Body, pricing.MaxCSVBytes+maxFormBytes)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			refuse(http.StatusRequestEntityTooLarge, views.ProductImportView{Problem: i18n.T(ctx, "pricing.settings.import_too_large")})
			return
		}
		refuse(http.StatusBadRequest, views.ProductImportView{Problem: i18n.T(ctx, "pricing.settings.import_unreadable")})
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, _, err := r.FormFile("file")
	if err != nil {
		refuse(http.StatusUnprocessableEntity, views.ProductImportView{Problem: i18n.T(ctx, "pricing.settings.import_choose")})
		return
	}
	defer file.Close()
	res, err := pricing.ReadCSV(file)
	if errors.Is(err, pricing.ErrCSVTooLarge) {
		refuse(http.StatusRequestEntityTooLarge, views.ProductImportView{Problem: i18n.T(ctx, "pricing.settings.import_too_large")})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(res.Errors) > 0 {
		imp := views.ProductImportView{More: res.More}
		for _, e := range res.Errors {
			imp.Lines = append(imp.Lines, views.ImportLineError{Line: e.Line, Problem: e.Problem})
		}
		refuse(http.StatusUnprocessableEntity, imp)
		return
	}
	rows := make([]store.RateRow, 0, len(res.Rates))
	for _, rate := range res.Rates {
		rows = append(rows, rateRow(rate))
	}
	if err := s.db.SaveRates(ctx, rows); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.costs.Invalidate()
	s.log.Info("rate card imported", "rates", len(rows), "by", currentUser(ctx).ID)
	s.flashSuccess(w, r, i18n.T(ctx, "pricing.settings.imported", "Count", len(rows)))
	redirect(w, r, "/settings/pricing#rate-card")
}
