package handlers

import (
	"context"
	"time"

	"github.com/wadesk/wadesk/dailycap"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// channelSendingView is the channel page's daily cap gauge and Pair again
// action.
func (s *Server) channelSendingView(ctx context.Context, ch store.Channel) (views.ChannelSendingView, error) {
	v := views.ChannelSendingView{ChannelID: ch.ID}
	desc, known := providers.Describe(providers.ProviderID(ch.Provider))
	v.Unofficial = known && !desc.Official
	v.Default = desc.DailyCap
	own, err := s.db.ChannelDailyCap(ctx, ch.ID)
	if err != nil {
		return v, err
	}
	v.Own = own
	v.Limit = dailycap.Limit(own, desc.DailyCap)
	if v.Limit > 0 {
		now := time.Now()
		start, reset := dailycap.Day(now)
		if v.Sent, err = s.db.OutboundSince(ctx, ch.ID, start); err != nil {
			return v, err
		}
		g := dailycap.Gauge{Sent: v.Sent, Limit: v.Limit, ResetAt: reset}
		v.Words, v.Near = g.Words(), g.Near()
	}
	if sec, err := s.db.ChannelSecrets(ctx, ch.ID); err == nil {
		if client, err := s.providers.Connect(ch.Credentials(sec)); err == nil {
			_, v.CanPair = client.(providers.PhonePairer)
		}
	}
	return v, nil
}

// unofficialChannel reports whether the channel's provider drives an
// ordinary WhatsApp account (no 24-hour window, no templates).
func (s *Server) unofficialChannel(ctx context.Context, channelID int64) bool {
	ch, err := s.db.ChannelByID(ctx, channelID)
	if err != nil {
		return false
	}
	d, known := providers.Describe(providers.ProviderID(ch.Provider))
	return known && !d.Official
}

// capGauge is the channel's daily cap use today.
func (s *Server) capGauge(ctx context.Context, channelID int64) (dailycap.Gauge, error) {
	ch, err := s.db.ChannelByID(ctx, channelID)
	if err != nil {
		return dailycap.Gauge{}, err
	}
	own, err := s.db.ChannelDailyCap(ctx, channelID)
	if err != nil {
		return dailycap.Gauge{}, err
	}
	d, _ := providers.Describe(providers.ProviderID(ch.Provider))
	g := dailycap.Gauge{Limit: dailycap.Limit(own, d.DailyCap)}
	if g.Limit == 0 {
		return g, nil
	}
	start, reset := dailycap.Day(time.Now())
	g.ResetAt = reset
	g.Sent, err = s.db.OutboundSince(ctx, channelID, start)
	return g, err
}
