package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// webhookVerify answers a provider's subscription handshake for a channel
// (Meta's: hub.mode=subscribe with the channel's verify token gets the
// challenge back); anything else, and any GET for a provider without a
// handshake, gets 403.
func (s *Server) webhookVerify(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	id, err := strconv.ParseInt(r.PathValue("channel"), 10, 64)
	if err != nil || id <= 0 {
		http.NotFound(w, r)
		return
	}
	ch, err := s.db.ChannelByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && ch.DeletedAt != nil) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.log.Error("webhook verify: load channel", "channel_id", id, "err", err)
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	sec, err := s.db.ChannelSecrets(r.Context(), id)
	if err != nil {
		s.log.Error("webhook verify: read secrets", "channel_id", id, "err", err)
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	var challenge string
	prov, ok := s.providers.Lookup(providers.ProviderID(ch.Provider))
	if ok && prov.Handshake != nil {
		challenge, ok = prov.Handshake(r.URL.Query(), ch.Credentials(sec))
	} else {
		ok = false
	}
	if !ok {
		s.log.Warn("webhook verification refused", "channel_id", id, "mode", r.URL.Query().Get("hub.mode"), "remote", clientIP(r))
		http.Error(w, "verification failed", http.StatusForbidden)
		return
	}
	s.log.Info("webhook verified", "channel_id", id)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte(challenge))
}
