package handlers

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// WebhookObserver hears of every answered webhook request, for monitoring
// (*metrics.Metrics).
type WebhookObserver interface {
	Webhook(provider string, status int, took time.Duration)
}

// webhookProviders remembers each channel's provider for the webhook
// metrics: a channel's provider never changes, so it is read once.
type webhookProviders struct {
	mu sync.Mutex
	m  map[int64]string
}

// observeWebhooks reports each webhook's status and duration, labelled
// with its channel's provider, to s.observer.
func (s *Server) observeWebhooks(next http.Handler) http.Handler {
	if s.observer == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if r.Method != http.MethodPost {
			return // the verification handshake is not a delivery
		}
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		s.observer.Webhook(s.webhookProvider(r), status, time.Since(start))
	})
}

func (s *Server) webhookProvider(r *http.Request) string {
	id, err := strconv.ParseInt(r.PathValue("channel"), 10, 64)
	if err != nil {
		// The path value is set by the inner mux; read it from the path.
		id, err = strconv.ParseInt(lastSegment(r.URL.Path), 10, 64)
	}
	if err != nil || id <= 0 {
		return "unknown"
	}
	s.hookProviders.mu.Lock()
	p, ok := s.hookProviders.m[id]
	s.hookProviders.mu.Unlock()
	if ok {
		return p
	}
	ch, err := s.db.ChannelByID(r.Context(), id)
	if err != nil {
		return "unknown" // not remembered: the channel may appear later
	}
	p = ch.Provider
	s.hookProviders.mu.Lock()
	if s.hookProviders.m == nil || len(s.hookProviders.m) > 10000 {
		s.hookProviders.m = map[int64]string{}
	}
	s.hookProviders.m[id] = p
	s.hookProviders.mu.Unlock()
	return p
}

func lastSegment(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}
