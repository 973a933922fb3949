package handlers

import (
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/health"
)

// channelCheck runs the health check for one channel now.
func (s *Server) channelCheck(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if s.health == nil {
		s.flashError(w, r, i18n.T(r.Context(), "flash.channel_check.health_checks_are_not_running"))
		redirect(w, r, "/channels/"+itoa(ch.ID))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 45*time.Second)
	defer cancel()
	if err := s.health.CheckChannel(ctx, ch.ID); errors.Is(err, health.ErrUnreachable) {
		s.log.Warn("health check on demand: provider unreachable", "channel_id", ch.ID, "err", err)
		s.flashError(w, r, i18n.T(r.Context(), "flash.provider.unreachable", "Provider", providerName(r.Context(), ch.Provider)))
	} else if err != nil {
		s.log.Error("health check on demand", "channel_id", ch.ID, "err", err)
		s.flashError(w, r, i18n.T(r.Context(), "flash.channel_check.the_check_could_not_be"))
	} else {
		s.flash.add(w, r, s.log, "info", "Checked "+ch.Title+" with the provider just now.")
	}
	redirect(w, r, "/channels/"+itoa(ch.ID))
}
