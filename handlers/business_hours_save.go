package handlers

import (
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/hours"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// businessHoursSave sets a channel's time zone, weekly hours and holidays.
// A closing time before the opening time runs past midnight.
func (s *Server) businessHoursSave(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	errs := views.Errors{}
	zone := strings.TrimSpace(r.PostFormValue("zone"))
	if zone != "" {
		if _, ok := views.LoadZone(zone); !ok {
			errs["zone"] = i18n.T(ctx, "agent.hours.error_zone")
		}
	}
	var week [7][]hours.Span
	var days []views.DayHours
	for _, d := range hours.Days {
		key := hours.DayKey(d)
		row := views.DayHours{Key: key, Label: i18n.T(ctx, "agent.day."+key), Open: r.PostFormValue(key+".open") == "1",
			From: strings.TrimSpace(r.PostFormValue(key + ".from")), To: strings.TrimSpace(r.PostFormValue(key + ".to"))}
		days = append(days, row)
		if !row.Open {
			continue
		}
		open, err1 := hours.ParseClock(row.From)
		closeAt, err2 := hours.ParseClock(row.To)
		switch {
		case err1 != nil || err2 != nil:
			errs[key] = i18n.T(ctx, "agent.hours.error_time", "Day", row.Label)
		case open == closeAt && open == 0:
			week[d] = []hours.Span{{Open: 0, Close: 1440}} // 00:00–00:00: the whole day
		case open == closeAt:
			errs[key] = i18n.T(ctx, "agent.hours.error_same", "Day", row.Label)
		default:
			if closeAt == 0 {
				closeAt = 1440
			}
			week[d] = []hours.Span{{Open: open, Close: closeAt}}
		}
	}
	holidays, err := hours.ParseHolidays(r.PostFormValue("holidays"))
	if err != nil {
		errs["holidays"] = i18n.T(ctx, "agent.hours.error_holidays")
	}
	if zone == "" && len(errs) == 0 {
		for _, d := range week {
			if len(d) > 0 {
				errs["zone"] = i18n.T(ctx, "agent.hours.error_zone_missing")
				break
			}
		}
	}
	if len(errs) > 0 {
		s.renderAutoReplies(w, r, ch, http.StatusUnprocessableEntity, func(v *views.AutoRepliesView) {
			v.Zone, v.Days, v.Holidays, v.HoursError = zone, days, r.PostFormValue("holidays"), errs
		})
		return
	}
	if err := s.db.SaveBusinessHours(ctx, ch.ID, zone, hours.FormatWeek(week), hours.FormatHolidays(holidays)); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("business hours saved", "channel_id", ch.ID, "by", currentUser(ctx).ID)
	s.flashSuccess(w, r, i18n.T(ctx, "agent.hours.saved"))
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/auto-replies#hours")
}
