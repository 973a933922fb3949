package handlers

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/wizard"
)

// maxWebhookBytes is the largest webhook body accepted (Meta sends up to 3 MB).
const maxWebhookBytes = 4 << 20

// webhookReceive accepts a provider webhook. The body is authenticated the
// way the channel's provider authenticates its webhooks (Meta's signature,
// a per-channel secret, …) before anything else, then committed to the
// journal; only when the commit is durable does the provider get its 200.
// Everything else — parsing, deduplication, storing messages — happens
// after, from the journal.
func (s *Server) webhookReceive(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	id, err := strconv.ParseInt(r.PathValue("channel"), 10, 64)
	if err != nil || id <= 0 {
		http.Error(w, "unknown channel", http.StatusNotFound)
		return
	}
	creds, err := s.webhookCredentials(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.log.Warn("webhook for unknown channel", "channel_id", id, "remote", clientIP(r))
		http.Error(w, "unknown channel", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.Error("webhook: read channel credentials", "channel_id", id, "err", err)
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.log.Warn("webhook body too large", "channel_id", id, "limit", maxWebhookBytes)
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		s.log.Warn("webhook body not read", "channel_id", id, "err", err)
		http.Error(w, "body not read", http.StatusBadRequest)
		return
	}
	prov, ok := s.providers.Lookup(creds.Provider)
	if !ok {
		s.log.Error("webhook for a channel whose provider has no adapter; nothing stored", "channel_id", id, "provider", creds.Provider)
		http.Error(w, "provider not available", http.StatusServiceUnavailable)
		return
	}
	if err := prov.Authenticate(providers.WebhookRequest{Method: r.Method, URL: s.publicWebhookURL(id, r),
		Header: r.Header, Query: r.URL.Query(), Body: body}, creds); err != nil {
		s.log.Warn("webhook authentication failed; nothing stored", "channel_id", id, "provider", creds.Provider, "remote", clientIP(r), "err", err)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	want := prov.WebhookContentType
	if want == "" {
		want = "application/json"
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != want {
		s.log.Warn("webhook with unexpected content type; nothing stored", "channel_id", id, "content_type", r.Header.Get("Content-Type"))
		http.Error(w, "expected "+want, http.StatusUnsupportedMediaType)
		return
	}
	if s.journal == nil {
		http.Error(w, "not accepting webhooks", http.StatusServiceUnavailable)
		return
	}
	if err := s.journal.Append(r.Context(), id, body); err != nil {
		s.log.Error("webhook not stored; provider will retry", "channel_id", id, "err", err)
		w.Header().Set("Retry-After", "5")
		http.Error(w, "not stored, retry later", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok"))
}

// publicWebhookURL is the address the provider called: the channel's
// webhook URL under wadesk's public base URL, with the request's query.
// Signatures that cover the URL (MessageBird's) are checked against it,
// so they hold behind a reverse proxy too.
func (s *Server) publicWebhookURL(channelID int64, r *http.Request) string {
	u := wizard.WebhookURL(s.baseURL, channelID)
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	return u
}
