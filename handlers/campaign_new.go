package handlers

import (
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// campaignNew shows the form that starts a campaign.
func (s *Server) campaignNew(w http.ResponseWriter, r *http.Request) {
	s.renderCampaignNew(w, r, http.StatusOK, views.CampaignNewView{}, 0)
}

func (s *Server) renderCampaignNew(w http.ResponseWriter, r *http.Request, status int, v views.CampaignNewView, selected int64) {
	ctx := r.Context()
	ts, err := s.db.ListTemplates(ctx, store.TemplateFilter{Status: templates.StatusApproved})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	at := map[string]int{}
	for _, t := range ts {
		if !strings.EqualFold(t.Status, templates.StatusApproved) {
			continue
		}
		i, ok := at[t.ChannelTitle]
		if !ok {
			i = len(v.Groups)
			at[t.ChannelTitle] = i
			v.Groups = append(v.Groups, views.ChannelTemplates{Channel: t.ChannelTitle})
		}
		v.Groups[i].Templates = append(v.Groups[i].Templates, views.CampaignTemplate{ID: t.ID,
			Label: t.Name + " · " + i18n.LanguageName(ctx, t.Language) + " · " + strings.ToLower(t.Category), Selected: t.ID == selected})
	}
	p := s.page(w, r, i18n.T(ctx, "campaigns.new"), views.NavCampaigns)
	if status != http.StatusOK {
		p.Address = "/campaigns/new"
	}
	s.render(w, r, status, views.CampaignNewPage(p, v))
}
