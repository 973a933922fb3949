package handlers

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// insightsSections returns the panels other features add to /insights
// below the pricing charts, in order (each renders its own heading and an
// accessible table beside any chart), for the same filters: the messaging
// limit's tier gauge of each business portfolio and the numbers' quality
// timeline. The demo's sample history has neither.
func (s *Server) insightsSections(ctx context.Context, iq insightsQuery) ([]templ.Component, error) {
	if iq.channelID == store.DemoHistoryChannel {
		return nil, nil
	}
	all, err := s.db.ListChannels(ctx)
	if err != nil {
		return nil, err
	}
	var chs []store.Channel
	for _, c := range all {
		if iq.channelID == 0 || c.ID == iq.channelID {
			chs = append(chs, c)
		}
	}
	if len(chs) == 0 {
		return nil, nil
	}
	now := time.Now()
	var v views.InsightsLimitsView
	gauge := map[string]int{} // portfolio → index in v.Gauges
	for _, c := range chs {
		p := store.PortfolioKey(c.BusinessID, c.WABAID)
		if i, ok := gauge[p]; ok {
			v.Gauges[i].Channels += ", " + c.Title
			continue
		}
		g, official, err := LimitGaugeOf(ctx, s.db, c.ID, now)
		if err != nil {
			return nil, err
		}
		if !official {
			continue
		}
		g.IDPrefix = "portfolio-" + strconv.Itoa(len(v.Gauges)) + "-"
		gauge[p] = len(v.Gauges)
		v.Gauges = append(v.Gauges, views.InsightsGaugeView{Channels: c.Title, Gauge: g})
	}
	if v.Timeline, err = s.qualityTimeline(ctx, chs, iq.from, iq.to); err != nil {
		return nil, err
	}
	return []templ.Component{views.InsightsLimits(v)}, nil
}

// qualityTimelineMax is how many quality events of a number the timeline
// reads (newest first).
const qualityTimelineMax = 200

// qualityTimeline places the channels' quality events between from and
// to (whole days, UTC) on one lane per channel.
func (s *Server) qualityTimeline(ctx context.Context, chs []store.Channel, from, to time.Time) (views.QualityTimelineView, error) {
	const width, labelWidth, lane, top, bottom = 640.0, 150.0, 36.0, 24.0, 28.0
	end := to.AddDate(0, 0, 1)
	t := views.QualityTimelineView{From: from, To: to, Width: width, LabelWidth: labelWidth,
		Height: top + bottom + lane*float64(max(len(chs), 1))}
	span := end.Sub(from).Seconds()
	plot := width - 8 - labelWidth
	for i, c := range chs {
		l := views.QualityLane{Title: laneTitle(c.Title), Y: top + lane*float64(i) + lane/2}
		hist, err := s.db.QualityHistory(ctx, c.ID, qualityTimelineMax)
		if err != nil {
			return t, err
		}
		for j := len(hist) - 1; j >= 0; j-- { // oldest first
			e := hist[j]
			if e.At.Before(from) || !e.At.Before(end) {
				continue
			}
			x := labelWidth + plot*e.At.Sub(from).Seconds()/span
			l.Points = append(l.Points, views.QualityPoint{X: x, Quality: e.Quality, Title: c.Title + ": " + e.Event + " " + e.Quality})
			t.Rows = append(t.Rows, views.QualityRow{At: e.At, Channel: c.Title, Event: e.Event, Quality: e.Quality})
		}
		t.Lanes = append(t.Lanes, l)
	}
	return t, nil
}

// laneTitle shortens a channel's name to fit left of its lane.
func laneTitle(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > 20 {
		return string(r[:19]) + "…"
	}
	return string(r)
}
