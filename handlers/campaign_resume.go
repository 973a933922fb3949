package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// campaignResume sends a paused campaign again.
func (s *Server) campaignResume(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	err := s.db.ResumeCampaign(r.Context(), c.ID)
	if errors.Is(err, store.ErrCampaignState) {
		s.campaignStateError(w, r, c)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditCampaignResumed, "campaign", c.ID, c.Name, nil)
	s.campaigns.wakeRunner()
	s.flashSuccess(w, r, i18n.T(r.Context(), "campaigns.run.resumed"))
	redirect(w, r, campaignPath(c.ID))
}
