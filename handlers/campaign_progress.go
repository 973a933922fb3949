package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// campaignProgress is the part of a launched campaign's page that the
// page fetches again every two seconds while it sends.
func (s *Server) campaignProgress(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	v, err := s.campaignView(r, c, campaignForm{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if v.Draft() {
		redirect(w, r, campaignPath(c.ID))
		return
	}
	s.render(w, r, http.StatusOK, views.CampaignProgress(v))
}
