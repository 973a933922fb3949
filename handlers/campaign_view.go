package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// Audit actions of campaigns.
const (
	auditCampaignLaunched  = "campaign.launched"
	auditCampaignPaused    = "campaign.paused"
	auditCampaignResumed   = "campaign.resumed"
	auditCampaignCancelled = "campaign.cancelled"
)

// campaignRows is how many recipients a campaign's page lists.
const campaignRows = 200

// loadCampaign reads the campaign of the path's {id}, answering 404 when
// there is none.
func (s *Server) loadCampaign(w http.ResponseWriter, r *http.Request) (store.Campaign, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return store.Campaign{}, false
	}
	c, err := s.db.CampaignByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return store.Campaign{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return store.Campaign{}, false
	}
	return c, true
}

func campaignPath(id int64) string { return "/campaigns/" + itoa(id) }

// campaignForm is what the page's forms held when one is shown again.
type campaignForm struct {
	errs   views.Errors
	fields map[string]campaign.Source // typed sources, shown again
	when   string
	at     string
	zone   string
	split  bool
}

// campaignView builds a campaign's page.
func (s *Server) campaignView(r *http.Request, c store.Campaign, f campaignForm) (views.CampaignView, error) {
	ctx := r.Context()
	a, m, err := campaign.Decode(c)
	if err != nil {
		return views.CampaignView{}, err
	}
	v := views.CampaignView{ID: c.ID, Name: c.Name, State: c.State, Channel: c.ChannelTitle, TemplateName: c.TemplateName,
		TemplateLanguage: c.TemplateLanguage, Category: c.TemplateCategory, OptIn: a.OptIn, CSV: a.CSV,
		Invalid: a.Invalid, Duplicates: a.Duplicates, Errors: f.errs, ScheduledAt: c.ScheduledAt, Split2: c.OverLimit == "split"}
	json.Unmarshal([]byte(c.CSVColumns), &v.CSVColumns)
	if !v.Draft() {
		return s.campaignRunView(r, c, v)
	}
	labels, err := s.db.ListLabels(ctx)
	if err != nil {
		return v, err
	}
	for _, l := range labels {
		v.Labels = append(v.Labels, views.LabelChoice{ID: l.ID, Name: l.Name, Colour: l.Colour, Checked: containsID(a.LabelIDs, l.ID)})
	}
	form, err := campaign.Form(c)
	if err != nil {
		return v, err
	}
	v.Unsupported = form.Unsupported
	for _, fd := range form.Fields {
		src := m[fd.Name]
		if typed, ok := f.fields[fd.Name]; ok {
			src = typed
		}
		val := src.Value
		v.Fields = append(v.Fields, views.MappingField{Name: fd.Name, Label: fd.Label, Example: fd.Example, Kind: src.Kind, Value: val})
	}
	check, err := campaign.Prepare(ctx, s.db, s.campaigns.Estimator, s.campaigns.Limits, c, time.Now())
	if err != nil {
		return v, err
	}
	v.Recipients, v.OptedOut, v.Blocked = check.Counts.Recipients, check.Counts.OptedOut, check.Counts.Blocked
	for _, l := range check.Estimate.Lines {
		v.Estimate = append(v.Estimate, views.EstimateRow{Country: l.Country, Category: l.Category, Recipients: l.Recipients,
			Unit: l.UnitPrice, Cost: l.Cost, Priced: l.Priced})
	}
	v.EstimateTotal, v.Currency, v.EstimateExample, v.Unpriced = check.Estimate.Total, check.Estimate.Currency, check.Estimate.Example, check.Estimate.Unpriced
	if v.Currency == "" {
		v.Currency = "USD"
	}
	v.LimitUnlimited, v.LimitPerDay, v.LimitUsed, v.LimitRemaining = check.Limit.Unlimited, check.Limit.PerDay, check.Limit.UsedToday, check.Limit.Remaining
	v.Fits, v.Days = check.Fits, check.Days
	problems := campaign.CheckMapping(form, m, a, v.CSVColumns)
	v.Ready = form.Unsupported == "" && len(problems) == 0 && v.Recipients > 0
	if len(problems) == 0 {
		previews, err := campaign.Previews(ctx, s.db, c, 3)
		if err != nil {
			return v, err
		}
		for _, p := range previews {
			v.Previews = append(v.Previews, views.PreviewRow{Phone: p.Recipient.Phone, Name: p.Recipient.Name,
				HeaderFormat: strings.ToUpper(p.Filled.HeaderFormat), Header: p.Filled.Header, Body: p.Filled.Body, Footer: p.Filled.Footer,
				Buttons: p.Filled.Buttons, Problem: p.Problem, Field: p.Field})
		}
	}
	v.When, v.ScheduleAt, v.Split = f.when, f.at, f.split
	zone := f.zone
	if zone == "" && currentUser(ctx) != nil {
		if z, err := s.db.TimezonesOf(ctx, currentUser(ctx).ID); err == nil {
			zone = z.Shown()
		}
	}
	v.Zones = views.ZoneChoices(zone, time.Now())
	return v, nil
}

func (s *Server) campaignRunView(r *http.Request, c store.Campaign, v views.CampaignView) (views.CampaignView, error) {
	ctx := r.Context()
	rep, err := s.db.CampaignReportOf(ctx, c.ID)
	if err != nil {
		return v, err
	}
	v.Report = views.CampaignReportView{Recipients: rep.Recipients, Pending: rep.Pending, Skipped: rep.Skipped, Cancelled: rep.Cancelled,
		Sending: rep.Sending, Sent: rep.Sent, Delivered: rep.Delivered, Read: rep.Read, Failed: rep.Failed,
		Replied: rep.Replied, OptedOutAfter: rep.OptedOutAfter}
	v.Filter = r.URL.Query().Get("status")
	switch v.Filter {
	case "", "pending", "sending", "sent", "delivered", "read", "failed", "skipped", "cancelled":
	default:
		v.Filter = ""
	}
	rs, err := s.db.CampaignRecipients(ctx, c.ID, store.RecipientFilter{Status: v.Filter, Limit: campaignRows + 1})
	if err != nil {
		return v, err
	}
	if len(rs) > campaignRows {
		rs, v.More = rs[:campaignRows], true
	}
	for _, x := range rs {
		row := views.RecipientRow{Phone: x.Phone, Name: x.Name, ConversationID: x.ConversationID, NotBefore: x.NotBefore}
		switch {
		case x.State == store.RecipientQueued:
			row.Status = x.Status
			if x.Status == "failed" {
				row.Reason = x.FailureReason
			}
		default:
			row.Status = x.State
			if x.SkipReason != "" {
				row.Reason = "campaigns.skip." + x.SkipReason
			}
		}
		if row.Status == "" {
			row.Status = "sending"
		}
		if x.Cost != nil && !x.Cost.Failed {
			row.Cost = i18n.T(ctx, "campaigncost.free")
			if x.Cost.Billable {
				row.Cost = formatPrice(ctx, x.Cost.Micros, x.Cost.Currency)
			}
			row.CostEstimated = !x.Cost.Reported
		}
		v.Rows = append(v.Rows, row)
	}
	costs, err := s.db.CampaignCostOf(ctx, c.ID)
	if err != nil {
		return v, err
	}
	for _, cc := range costs {
		if cc.Priced == 0 {
			continue
		}
		v.Costs = append(v.Costs, views.CampaignCostLine{Amount: formatPrice(ctx, cc.Micros, cc.Currency), Billable: cc.Billable,
			Estimated: cc.Priced - cc.Reported})
	}
	if s.campaigns.Holds != nil {
		if h, ok := s.campaigns.Holds.Held(c.ID); ok {
			switch {
			case h.Reached != nil:
				v.HeldLimit, v.HeldUntil = h.Reached.Limit, h.Reached.FreesAt
			case h.Blocked != nil:
				v.HeldReason = h.Blocked.Block.Reason
			}
		}
	}
	return v, nil
}

// renderCampaign shows a campaign's page (status 200, or 422 with the
// form's problems).
func (s *Server) renderCampaign(w http.ResponseWriter, r *http.Request, c store.Campaign, status int, f campaignForm) {
	v, err := s.campaignView(r, c, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.page(w, r, c.Name, views.NavCampaigns)
	if status != http.StatusOK {
		p.Address = campaignPath(c.ID)
	}
	s.render(w, r, status, views.CampaignPage(p, v))
}

// campaignStateError answers a change the campaign's state no longer
// allows (another admin launched or paused it meanwhile): the page, as it
// is now, with a message.
func (s *Server) campaignStateError(w http.ResponseWriter, r *http.Request, c store.Campaign) {
	s.flashError(w, r, i18n.T(r.Context(), "campaigns.errors.state"))
	redirect(w, r, campaignPath(c.ID))
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
