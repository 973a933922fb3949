package handlers

import (
	"net/http"
	"time"

	"github.com/wadesk/wadesk/events"
)

// inboxEvents streams server-sent events to an open conversation: an
// "event: message" whenever one of its messages arrives or changes status,
// upon which the page fetches its chat again, and an "event: conversation"
// when it is assigned, resolved or reopened or gets a note (and after a new
// message, which may have reopened it), upon which the page fetches its
// header actions and notes again, and an "event: window" when its customer
// service window closed by the provider's word or opened again by the
// customer's message, upon which the page fetches its composer again (an
// open composer does not on every message, so that nothing being typed in
// it is disturbed). An agent reading it changes nothing on this stream.
// The stream ends when the
// browser goes away or wadesk shuts down (StopStreams); the browser then
// reconnects on its own.
func (s *Server) inboxEvents(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	es := s.openEventStream(w, 64)
	if es == nil {
		return
	}
	defer es.close()
	sub, send := es.sub, es.send
	heartbeat := time.NewTicker(sseHeartbeat)
	defer heartbeat.Stop()
	dropped := 0
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.streamsDone:
			return
		case <-heartbeat.C:
			if !send(": heartbeat\n\n") {
				return
			}
		case ev, open := <-sub.C:
			if !open {
				return
			}
			// Events lost while this stream was slow may have been ours:
			// have the page read again to be sure.
			lost := sub.Dropped() != dropped
			dropped = sub.Dropped()
			if ev.ConversationID != c.ID && !lost {
				continue
			}
			for _, name := range streamEventNames(ev.Kind, lost) {
				if !send("event: %s\ndata: %s %d\n\n", name, ev.Kind, ev.MessageID) {
					return
				}
			}
		}
	}
}

// streamEventNames are the SSE event names a hub event becomes on a
// conversation's stream; after lost events, every part reads again.
func streamEventNames(kind string, lost bool) []string {
	switch {
	case lost:
		return []string{"message", "conversation", "window"}
	case kind == events.MessageCreated:
		return []string{"message", "conversation"}
	case kind == events.MessageStatus:
		return []string{"message"}
	case kind == events.WindowClosed, kind == events.WindowOpened:
		return []string{"window"}
	case kind == events.ConversationRead:
		return nil
	}
	return []string{"conversation"}
}
