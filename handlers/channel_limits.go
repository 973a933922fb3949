package handlers

import (
	"context"
	"errors"
	"time"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/limits"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// LimitGaugeOf is the messaging limit gauge of a channel's business
// portfolio at now; /insights includes it (views.LimitGauge).
func LimitGaugeOf(ctx context.Context, db *store.DB, channelID int64, now time.Time) (views.LimitGaugeView, bool, error) {
	u, err := limits.UsageOf(ctx, db, channelID, now)
	if err != nil {
		return views.LimitGaugeView{}, false, err
	}
	v := views.LimitGaugeView{Known: u.Limit.Known, Unlimited: u.Limit.Unlimited, Reached: u.Reached, Limit: u.Limit.Customers,
		Percent: u.Percent(), Near: u.Near(), Full: u.Full(), FreesAt: u.FreesAt, Source: u.Source, UpdatedAt: u.UpdatedAt}
	if u.Official {
		changes, err := db.PortfolioLimitChanges(ctx, u.Portfolio, 10)
		if err != nil {
			return views.LimitGaugeView{}, false, err
		}
		for _, c := range changes {
			v.Changes = append(v.Changes, views.LimitChangeView{Old: c.Old, New: c.New, At: c.At})
		}
	}
	return v, u.Official, nil
}

// channelLimitsView is the channel page's limit gauge and quality history.
func (s *Server) channelLimitsView(ctx context.Context, ch store.Channel) (views.ChannelLimitsView, error) {
	g, official, err := LimitGaugeOf(ctx, s.db, ch.ID, time.Now())
	if err != nil {
		return views.ChannelLimitsView{}, err
	}
	v := views.ChannelLimitsView{Official: official, Gauge: g}
	hist, err := s.db.QualityHistory(ctx, ch.ID, 20)
	if err != nil {
		return views.ChannelLimitsView{}, err
	}
	for _, e := range hist {
		v.Quality = append(v.Quality, views.QualityEventView{At: e.At, Event: e.Event, Quality: e.Quality, NewLimit: e.NewLimit})
	}
	return v, nil
}

// composerLimits says, before an agent sends, what the account or the
// messaging limit will refuse: with the window open, only a restriction on
// replies or a known payment problem; with it closed (a template starts a
// conversation), also a full or nearly full limit.
func (s *Server) composerLimits(ctx context.Context, channelID int64, windowOpen bool) (views.ComposerLimitsView, error) {
	now := time.Now()
	b, err := limits.AccountBlockOf(ctx, s.db, channelID, !windowOpen, now)
	if err != nil {
		return views.ComposerLimitsView{}, err
	}
	if b.Reason != limits.BlockNone {
		return views.ComposerLimitsView{Notice: blockWords(ctx, b), Error: b.Refuse}, nil
	}
	if windowOpen {
		return views.ComposerLimitsView{}, nil
	}
	u, err := limits.UsageOf(ctx, s.db, channelID, now)
	if err != nil {
		return views.ComposerLimitsView{}, err
	}
	switch {
	case u.Full():
		return views.ComposerLimitsView{Notice: i18n.T(ctx, "limits.gauge.full", "Time", i18n.DateTime(ctx, u.FreesAt)), Error: true}, nil
	case u.Near():
		return views.ComposerLimitsView{Notice: i18n.T(ctx, "limits.gauge.near", "Percent", u.Percent())}, nil
	}
	return views.ComposerLimitsView{}, nil
}

func blockWords(ctx context.Context, b limits.Block) string {
	until := i18n.T(ctx, "limits.refused.until_unknown")
	if !b.Until.IsZero() {
		until = i18n.T(ctx, "limits.refused.until", "Time", i18n.DateTime(ctx, b.Until))
	}
	return i18n.T(ctx, "limits.refused."+b.Reason, "Until", until)
}

// limitProblem turns a refusal of package limits into plain words; "" for
// other errors.
func limitProblem(ctx context.Context, err error) string {
	var reached *limits.ReachedError
	var blocked *limits.BlockedError
	switch {
	case errors.As(err, &reached):
		return i18n.T(ctx, "limits.refused.limit", "Count", reached.Limit, "Limit", i18n.Int(ctx, int64(reached.Limit)), "Time", i18n.DateTime(ctx, reached.FreesAt))
	case errors.As(err, &blocked):
		return blockWords(ctx, blocked.Block)
	}
	return ""
}
