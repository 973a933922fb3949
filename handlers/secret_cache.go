package handlers

import (
	"context"
	"sync"
	"time"
)

// appSecretTTL is how long a channel's app secret is reused between
// webhooks before it is read (and decrypted) again. Edits that change or
// remove it forget it at once.
const appSecretTTL = 30 * time.Second

// appSecrets caches decrypted app secrets for the webhook path, which runs
// thousands of times a second under load.
type appSecrets struct {
	mu sync.Mutex
	m  map[int64]cachedSecret
}

type cachedSecret struct {
	secret  string
	expires time.Time
}

// appSecret returns the channel's app secret, from the cache when fresh.
func (s *Server) appSecret(ctx context.Context, channelID int64) (string, error) {
	now := time.Now()
	s.secrets.mu.Lock()
	c, ok := s.secrets.m[channelID]
	s.secrets.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.secret, nil
	}
	secret, err := s.db.ChannelAppSecret(ctx, channelID)
	if err != nil {
		return "", err
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
