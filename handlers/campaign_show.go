package handlers

import "net/http"

// campaignShow shows a campaign: its preparation while a draft, then its
// progress and report.
func (s *Server) campaignShow(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	s.renderCampaign(w, r, c, http.StatusOK, campaignForm{})
}
