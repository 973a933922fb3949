package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// campaignCancel stops a campaign for good: recipients not sent yet are
// marked cancelled.
func (s *Server) campaignCancel(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	taken, err := s.db.CancelCampaign(r.Context(), c.ID)
	if errors.Is(err, store.ErrCampaignState) {
		s.campaignStateError(w, r, c)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditCampaignCancelled, "campaign", c.ID, c.Name, nil)
	s.log.Info("campaign cancelled", "campaign_id", c.ID, "held_back", taken)
	s.flashSuccess(w, r, i18n.T(r.Context(), "campaigns.run.cancelled"))
	redirect(w, r, campaignPath(c.ID))
}
