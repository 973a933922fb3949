package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// settingsPricingRateDelete removes a rate from the rate card.
func (s *Server) settingsPricingRateDelete(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	if err := s.db.DeleteRate(ctx, id); errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.costs.Invalidate()
	s.log.Info("rate deleted", "rate_id", id, "by", currentUser(ctx).ID)
	s.flashSuccess(w, r, i18n.T(ctx, "pricing.settings.deleted"))
	redirect(w, r, "/settings/pricing#rate-card")
}
