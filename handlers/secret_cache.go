package handlers

import (
	"context"
	"sync"
	"time"

	"github.com/wadesk/wadesk/providers"
)

// appSecretTTL is how long a channel's webhook credentials are reused
// between webhooks before they are read (and decrypted) again. Edits that
// change them forget them at once.
const appSecretTTL = 30 * time.Second

// appSecrets caches decrypted webhook credentials (provider, app secret,
// webhook secret) for the webhook path, which runs thousands of times a
// second under load.
type appSecrets struct {
	mu sync.Mutex
	m  map[int64]cachedSecret
}

type cachedSecret struct {
	secret  providers.Credentials
	expires time.Time
}

// webhookCredentials returns what checks a channel's webhooks, from the
// cache when fresh.
func (s *Server) webhookCredentials(ctx context.Context, channelID int64) (providers.Credentials, error) {
	now := time.Now()
	s.secrets.mu.Lock()
	c, ok := s.secrets.m[channelID]
	s.secrets.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.secret, nil
	}
	secret, err := s.db.ChannelWebhookCredentials(ctx, channelID)
	if err != nil {
		return providers.Credentials{}, err
	}
	s.secrets.mu.Lock()
	if s.secrets.m == nil || len(s.secrets.m) > 10000 {
		s.secrets.m = map[int64]cachedSecret{}
	}
	s.secrets.m[channelID] = cachedSecret{secret: secret, expires: now.Add(appSecretTTL)}
	s.secrets.mu.Unlock()
	return secret, nil
}

// forgetAppSecret drops a channel's cached secret after it changed.
func (s *Server) forgetAppSecret(channelID int64) {
	s.secrets.mu.Lock()
	delete(s.secrets.m, channelID)
	s.secrets.mu.Unlock()
}
