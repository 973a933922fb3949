package handlers

import (
	"context"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// channelClient connects to a channel's provider with its access token,
// for the pages that call the provider on an admin's or agent's behalf
// (templates, media, profile, store).
func (s *Server) channelClient(ctx context.Context, ch store.Channel) (ChannelProvider, error) {
	sec, err := s.db.ChannelSecrets(ctx, ch.ID)
	if err != nil {
		return nil, err
	}
	return s.connect(providers.ProviderID(ch.Provider), sec.AccessToken)
}
