package handlers

import (
	"context"
	"net/http"

	"github.com/wadesk/wadesk/forward"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// newForwardSecretKey carries a just-made forward secret from
// channelForwardSecret to the channel page it renders.
type newForwardSecretKey struct{}

// channelForwardSecret makes a new forward secret for the channel, replacing
// the old one, and shows it once: the channel page is rendered in the
// response itself (no redirect, no flash cookie), and never again shows it.
func (s *Server) channelForwardSecret(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	secret, err := forward.NewSecret()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.db.SetChannelSecrets(ctx, ch.ID, store.ChannelSecrets{ForwardSecret: secret}); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditForwardSecretCreated, "channel", ch.ID, ch.Title, changes{}.secret("forward_secret", true))
	s.log.Info("forward secret made", "channel_id", ch.ID, "replaced", ch.HasForwardSecret, "by", currentUser(ctx).ID)
	w.Header().Set("Cache-Control", "no-store")
	s.channelShow(w, r.WithContext(context.WithValue(ctx, newForwardSecretKey{}, secret)))
}

// forwardingView builds the channel page's Forwarding card.
func (s *Server) forwardingView(ctx context.Context, ch store.Channel) (views.ChannelForwarding, error) {
	backlog, err := s.db.ChannelForwardBacklog(ctx, ch.ID)
	if err != nil {
		return views.ChannelForwarding{}, err
	}
	attempts, err := s.db.ListForwardAttempts(ctx, ch.ID, 20)
	if err != nil {
		return views.ChannelForwarding{}, err
	}
	v := views.ChannelForwarding{
		URL: ch.ForwardURL, HasSecret: ch.HasForwardSecret,
		Pending: backlog.Pending, NextAttemptAt: backlog.NextAttemptAt, OldestPendingAt: backlog.OldestAt,
	}
	v.NewSecret, _ = ctx.Value(newForwardSecretKey{}).(string)
	for _, a := range attempts {
		v.Attempts = append(v.Attempts, views.ForwardAttemptRow{At: a.AttemptedAt, EventID: a.EventID, HTTPStatus: a.HTTPStatus,
			Error: a.Error, Duration: a.Duration, State: a.OutboxState})
	}
	return v, nil
}
