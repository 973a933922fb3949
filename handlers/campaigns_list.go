package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// campaignsList shows the campaigns, newest first.
func (s *Server) campaignsList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	cs, err := s.db.ListCampaigns(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var v views.CampaignsView
	for _, c := range cs {
		counts, err := s.db.CampaignAudienceCounts(ctx, c.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Rows = append(v.Rows, views.CampaignRow{ID: c.ID, Name: c.Name, Channel: c.ChannelTitle, Template: c.TemplateName,
			State: c.State, Recipients: counts.Recipients, CreatedAt: c.CreatedAt})
	}
	s.render(w, r, http.StatusOK, views.CampaignsPage(s.page(w, r, i18n.T(ctx, "campaigns.title"), views.NavCampaigns), v))
}
