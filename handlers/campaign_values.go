package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// campaignValues saves where each template value comes from: the
// contact's name or number, a contact attribute, a column of the uploaded
// file, or one text for everyone.
func (s *Server) campaignValues(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	form, err := campaign.Form(c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	a, _, err := campaign.Decode(c)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	m := campaign.Mapping{}
	for _, f := range form.Fields {
		src := campaign.Source{Kind: r.PostFormValue("kind_" + f.Name), Value: strings.TrimSpace(r.PostFormValue("value_" + f.Name))}
		if src.Kind == campaign.SourceName || src.Kind == campaign.SourcePhone {
			src.Value = ""
		}
		m[f.Name] = src
	}
	v, _ := s.campaignView(r, c, campaignForm{})
	errs := views.Errors{}
	for field, problem := range campaign.CheckMapping(form, m, a, v.CSVColumns) {
		key := "value_" + field
		if problem == "missing" {
			key = "kind_" + field
		}
		errs[key] = i18n.T(ctx, "campaigns.errors.mapping_"+problem)
	}
	if len(errs) > 0 {
		s.renderCampaign(w, r, c, http.StatusUnprocessableEntity, campaignForm{errs: errs, fields: m})
		return
	}
	err = campaign.SetMapping(ctx, s.db, c, m)
	if errors.Is(err, store.ErrCampaignState) {
		s.campaignStateError(w, r, c)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	redirect(w, r, campaignPath(c.ID)+"#step-preview")
}
