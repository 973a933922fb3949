package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// campaignAudience makes a draft's audience the contacts with the chosen
// labels (every contact when none), optionally only those who opted in.
func (s *Server) campaignAudience(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	a := campaign.Audience{}
	if r.PostFormValue("opt_in") == campaign.OptInRequired {
		a.OptIn = campaign.OptInRequired
	}
	for _, raw := range r.PostForm["label"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			continue
		}
		if _, err := s.db.LabelByID(ctx, id); errors.Is(err, store.ErrNotFound) {
			s.renderCampaign(w, r, c, http.StatusUnprocessableEntity, campaignForm{errs: views.Errors{"": i18n.T(ctx, "campaigns.errors.labels_unknown")}})
			return
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
		a.LabelIDs = append(a.LabelIDs, id)
	}
	_, err := campaign.SetLabels(ctx, s.db, c, a)
	if errors.Is(err, store.ErrCampaignState) {
		s.campaignStateError(w, r, c)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	redirect(w, r, campaignPath(c.ID)+"#step-audience")
}
