package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// campaignDelete removes a draft that was never launched.
func (s *Server) campaignDelete(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	err := s.db.DeleteCampaignDraft(r.Context(), c.ID)
	if errors.Is(err, store.ErrCampaignState) {
		s.campaignStateError(w, r, c)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flashSuccess(w, r, i18n.T(r.Context(), "campaigns.launch.deleted"))
	redirect(w, r, "/campaigns")
}
