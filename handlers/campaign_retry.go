package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/i18n"
)

// campaignRetry queues again the campaign's messages that failed without
// WhatsApp accepting them.
func (s *Server) campaignRetry(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	ms, err := s.db.RetryCampaignFailures(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(ms) == 0 {
		s.flashError(w, r, i18n.T(r.Context(), "campaigns.run.nothing_to_retry"))
	} else {
		s.campaigns.wakeOutbox()
		s.campaigns.wakeRunner()
		s.flashSuccess(w, r, i18n.T(r.Context(), "campaigns.run.retried", "Count", len(ms)))
	}
	redirect(w, r, campaignPath(c.ID))
}
