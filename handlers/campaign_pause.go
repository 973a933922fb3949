package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// campaignPause stops a campaign: messages the outbox has not started
// sending are taken back; those being handed to WhatsApp go on.
func (s *Server) campaignPause(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	taken, err := s.db.PauseCampaign(r.Context(), c.ID)
	if errors.Is(err, store.ErrCampaignState) {
		s.campaignStateError(w, r, c)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditCampaignPaused, "campaign", c.ID, c.Name, nil)
	s.log.Info("campaign paused", "campaign_id", c.ID, "held_back", taken)
	s.flashSuccess(w, r, i18n.T(r.Context(), "campaigns.run.paused"))
	redirect(w, r, campaignPath(c.ID))
}
