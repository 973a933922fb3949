package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// campaignLaunch sends a draft now or schedules it (a local date and time
// in a chosen zone). The audience, the values and the messaging limit are
// checked again: a campaign larger than what the limit leaves today is
// refused unless the admin chose to split it over days.
func (s *Server) campaignLaunch(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadCampaign(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	f := campaignForm{errs: views.Errors{}, when: r.PostFormValue("when"), at: r.PostFormValue("at"),
		zone: r.PostFormValue("timezone"), split: r.PostFormValue("split") == "1"}
	now := time.Now()
	o := campaign.LaunchOptions{Split: f.split, Timezone: f.zone}
	if f.when == "later" {
		loc, okZone := views.LoadZone(f.zone)
		if !okZone {
			f.errs["timezone"] = i18n.T(ctx, "campaigns.errors.schedule_zone")
		}
		at, err := time.ParseInLocation("2006-01-02T15:04", f.at, loc)
		if err != nil || !at.After(now) {
			f.errs["at"] = i18n.T(ctx, "campaigns.errors.schedule_time")
		}
		o.At = at
	}
	if len(f.errs) > 0 {
		s.renderCampaign(w, r, c, http.StatusUnprocessableEntity, f)
		return
	}
	err := campaign.Launch(ctx, s.db, s.campaigns.Limits, c, o, now)
	switch {
	case errors.Is(err, campaign.ErrNotReady):
		f.errs[""] = i18n.T(ctx, "campaigns.errors.not_ready")
	case errors.Is(err, campaign.ErrOverLimit):
		f.errs["split"] = i18n.T(ctx, "campaigns.errors.over_limit")
	case errors.Is(err, store.ErrCampaignState):
		s.campaignStateError(w, r, c)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if len(f.errs) > 0 {
		s.renderCampaign(w, r, c, http.StatusUnprocessableEntity, f)
		return
	}
	s.audit(r, auditCampaignLaunched, "campaign", c.ID, c.Name, nil)
	s.log.Info("campaign launched", "campaign_id", c.ID, "scheduled", !o.At.IsZero(), "split", o.Split, "by", currentUser(ctx).ID)
	s.campaigns.wakeRunner()
	if !o.At.IsZero() {
		s.flashSuccess(w, r, i18n.T(ctx, "campaigns.launch.scheduled", "At", i18n.DateTime(ctx, o.At)))
	} else {
		s.flashSuccess(w, r, i18n.T(ctx, "campaigns.launch.launched"))
	}
	redirect(w, r, campaignPath(c.ID))
}
