package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// campaignCreate starts a draft campaign of an approved template.
func (s *Server) campaignCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	name := strings.TrimSpace(r.PostFormValue("name"))
	id, _ := strconv.ParseInt(r.PostFormValue("template"), 10, 64)
	errs := views.Errors{}
	switch {
	case name == "":
		errs["name"] = i18n.T(ctx, "campaigns.errors.name_required")
	case utf8.RuneCountInString(name) > 80:
		errs["name"] = i18n.T(ctx, "campaigns.errors.name_long")
	}
	var t store.Template
	if id == 0 {
		errs["template"] = i18n.T(ctx, "campaigns.errors.template_required")
	} else {
		var err error
		t, err = s.db.TemplateByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			errs["template"] = i18n.T(ctx, "campaigns.errors.template_required")
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if len(errs) == 0 {
		c, err := campaign.Create(ctx, s.db, name, t, currentUser(ctx).ID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			errs["template"] = i18n.T(ctx, "campaigns.errors.template_required")
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			s.log.Info("campaign created", "campaign_id", c.ID, "by", currentUser(ctx).ID)
			redirect(w, r, campaignPath(c.ID))
			return
		}
	}
	s.renderCampaignNew(w, r, http.StatusUnprocessableEntity, views.CampaignNewView{Name: name, Errors: errs}, id)
}
