package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strconv"
)

// channelDeadLettersReprocess queues a channel's dead letters again (one,
// when the form names an event, else all of them) and wakes the
// processor. A body that still cannot be read comes back as a dead
// letter; a message that was stored already is not stored twice.
func (s *Server) channelDeadLettersReprocess(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	var eventID int64
	if v := r.PostFormValue("event"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.flashError(w, r, i18n.T(r.Context(), "flash.channel_dead_letters_reprocess.that_webhook_is_not_on"))
			redirect(w, r, "/channels/"+itoa(ch.ID)+"/dead-letters")
			return
		}
		eventID = id
	}
	n, err := s.db.ReprocessDeadWebhookEvents(r.Context(), ch.ID, eventID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if s.ingest != nil && n > 0 {
		s.ingest.Notify()
	}
	s.log.Info("dead letters queued again", "channel_id", ch.ID, "event_id", eventID, "count", n, "by", currentUser(r.Context()).ID)
	switch {
	case n == 0:
		s.flashError(w, r, i18n.T(r.Context(), "flash.channel_dead_letters_reprocess.nothing_was_reprocessed_the_webhook"))
	case n == 1:
		s.flashSuccess(w, r, i18n.T(r.Context(), "flash.channel_dead_letters_reprocess.1_webhook_is_being_processed"))
	default:
		s.flashSuccess(w, r, strconv.Itoa(n)+" webhooks are being processed again. Any that still cannot be read come back to this list.")
	}
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/dead-letters")
}
