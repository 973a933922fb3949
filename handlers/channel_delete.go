package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/store"
)

// channelDelete retires a channel. Its conversations stay readable; its
// secrets are erased. wadesk also tries to stop Meta's webhooks for the
// account, unless another channel still uses the same account.
func (s *Server) channelDelete(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	others, err := s.db.ListChannels(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	shared := false
	for _, o := range others {
		if o.ID != ch.ID && o.WABAID == ch.WABAID {
			shared = true
		}
	}
	if !shared {
		s.unsubscribe(ctx, ch)
	}
	err = s.db.DeleteChannel(ctx, ch.ID)
	s.forgetAppSecret(ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditChannelDeleted, "channel", ch.ID, ch.Title, nil)
	s.log.Info("channel deleted", "channel_id", ch.ID, "by", currentUser(ctx).ID)
	s.flashSuccess(w, r, "Channel "+ch.Title+" deleted. Its conversations stay readable in the inbox.")
	redirect(w, r, "/channels")
}

// unsubscribe asks the provider to stop sending the account's webhooks. It
// is best effort: deleting must work even with a revoked token.
func (s *Server) unsubscribe(ctx context.Context, ch store.Channel) {
	channelID, wabaID := ch.ID, ch.WABAID
	sec, err := s.db.ChannelSecrets(ctx, channelID)
	if err != nil {
		s.log.Warn("delete channel: read secrets", "channel_id", channelID, "err", err)
		return
	}
	client, err := s.providers.Connect(ch.Credentials(sec))
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := client.UnsubscribeApp(ctx, wabaID); err != nil {
		s.log.Warn("delete channel: unsubscribe webhooks", "channel_id", channelID, "waba_id", wabaID, "err", err)
	}
}
