package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/hours"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// autoRepliesShow shows a channel's business hours and automatic replies.
func (s *Server) autoRepliesShow(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	s.renderAutoReplies(w, r, ch, http.StatusOK, nil)
}

// autoRepliesEdit changes the page's view after its settings are read:
// a refused form's input and errors.
type autoRepliesEdit func(*views.AutoRepliesView)

func (s *Server) renderAutoReplies(w http.ResponseWriter, r *http.Request, ch store.Channel, status int, edit autoRepliesEdit) {
	ctx := r.Context()
	set, err := s.db.AutoReplySettingsOf(ctx, ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := views.AutoRepliesView{ChannelID: ch.ID, ChannelTitle: ch.Title, Zone: set.Timezone, Holidays: set.Holidays,
		GreetingOn: set.GreetingOn, GreetingText: set.GreetingText, AwayOn: set.AwayOn, AwayText: set.AwayText, RulesOn: set.RulesOn,
		NewRule: views.RuleForm{Match: "contains"}}
	week, _ := hours.ParseWeek(set.Week)
	v.Days = dayRows(ctx, week)
	if set.Timezone != "" {
		if sched, err := hours.New(set.Timezone, set.Week, set.Holidays); err == nil {
			if sched.OpenAt(s.businessNow(time.Now())) {
				v.OpenNow = i18n.T(ctx, "agent.hours.open_now")
			} else {
				v.OpenNow = i18n.T(ctx, "agent.hours.closed_now")
			}
		}
	}
	if err := s.ruleChoices(ctx, &v); err != nil {
		s.serverError(w, r, err)
		return
	}
	rules, err := s.db.AutoReplyRules(ctx, ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, rl := range rules {
		v.Rules = append(v.Rules, ruleRow(ctx, rl, v))
	}
	if edit != nil {
		edit(&v)
	}
	v.Zones = views.ZoneChoices(v.Zone, time.Now())
	s.render(w, r, status, views.AutoRepliesPage(s.page(w, r, i18n.T(ctx, "agent.auto.title"), views.NavChannels), v))
}

// dayRows are the hours form's rows for a week (first span of each day).
func dayRows(ctx context.Context, week [7][]hours.Span) []views.DayHours {
	var out []views.DayHours
	for _, d := range hours.Days {
		row := views.DayHours{Key: hours.DayKey(d), Label: i18n.T(ctx, "agent.day."+hours.DayKey(d)), From: "09:00", To: "18:00"}
		if len(week[d]) > 0 {
			row.Open, row.From, row.To = true, hours.Clock(week[d][0].Open), hours.Clock(week[d][0].Close)
			if row.To == "24:00" {
				row.To = "00:00"
			}
		}
		out = append(out, row)
	}
	return out
}

// ruleChoices fills the departments, people and labels a rule may use.
func (s *Server) ruleChoices(ctx context.Context, v *views.AutoRepliesView) error {
	ds, err := s.db.ListDepartments(ctx)
	if err != nil {
		return err
	}
	for _, d := range ds {
		v.Departments = append(v.Departments, views.Option{Value: itoa(d.ID), Label: d.Name})
	}
	us, err := s.db.ListUsers(ctx)
	if err != nil {
		return err
	}
	for _, u := range us {
		if u.DisabledAt == nil {
			v.Assignees = append(v.Assignees, views.Option{Value: itoa(u.ID), Label: u.Name})
		}
	}
	ls, err := s.db.LabelChoices(ctx)
	if err != nil {
		return err
	}
	for _, l := range ls {
		v.Labels = append(v.Labels, views.Option{Value: itoa(l.ID), Label: l.Name})
	}
	return nil
}

// ruleRow says a rule in words.
func ruleRow(ctx context.Context, r store.AutoReplyRule, v views.AutoRepliesView) views.RuleRow {
	row := views.RuleRow{ID: r.ID, Enabled: r.Enabled,
		When: i18n.T(ctx, "agent.rules.when_"+r.Match, "Phrase", r.Phrase)}
	name := func(opts []views.Option, id int64) string {
		for _, o := range opts {
			if o.Value == itoa(id) {
				return o.Label
			}
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	switch n := len(r.Options); {
	case r.Reply != "" && n == 0:
		row.Does = append(row.Does, i18n.T(ctx, "agent.rules.does_reply", "Text", r.Reply))
	case n > 0 && n <= 3:
		row.Does = append(row.Does, i18n.T(ctx, "agent.rules.does_buttons", "Text", r.Reply, "Options", strings.Join(r.Options, " · ")))
	case n > 3:
		row.Does = append(row.Does, i18n.T(ctx, "agent.rules.does_list", "Text", r.Reply, "Options", strings.Join(r.Options, " · ")))
	}
	if r.DepartmentID != 0 {
		row.Does = append(row.Does, i18n.T(ctx, "agent.rules.does_department", "Name", name(v.Departments, r.DepartmentID)))
	}
	if r.AssigneeID != 0 {
		row.Does = append(row.Does, i18n.T(ctx, "agent.rules.does_assign", "Name", name(v.Assignees, r.AssigneeID)))
	}
	if r.LabelID != 0 {
		row.Does = append(row.Does, i18n.T(ctx, "agent.rules.does_label", "Name", name(v.Labels, r.LabelID)))
	}
	return row
}
