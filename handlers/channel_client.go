package handlers

import (
	"context"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// channelClient connects to a channel's provider with its access token,
// for the pages that call the provider on an admin's or agent's behalf
// (templates, media, profile, store).
func (s *Server) channelClient(ctx context.Context, ch store.Channel) (providers.Client, error) {
	sec, err := s.db.ChannelSecrets(ctx, ch.ID)
	if err != nil {
		return nil, err
	}
	return s.providers.Connect(ch.Credentials(sec))
}

// providerOf returns the channel's provider; ok is false when the program
// has no adapter for it.
func (s *Server) providerOf(ch store.Channel) (providers.Provider, bool) {
	return s.providers.Lookup(providers.ProviderID(ch.Provider))
}
