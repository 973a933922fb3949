package handlers

import (
	"net/http"
	"time"

	"github.com/wadesk/wadesk/store"
)

// listEventGap is the least time between two "list" events on one stream:
// under a flood of messages each open inbox reads its list at most this
// often, and still hears of the last change. listEventGather is how long a
// first change waits for others that come with it (a webhook with several
// messages, an action and its message), so that they make one event.
const (
	listEventGap    = time.Second
	listEventGather = 100 * time.Millisecond
)

// inboxListEvents streams server-sent events to an open inbox page: an
// "event: list" when a conversation the user may see got a message or a
// status, was assigned, resolved or reopened, got a note, or was read by
// an agent (its unread count went to zero), upon which
// the page reads its list again. Changes are gathered for listEventGather
// and sent at most once per listEventGap. When the hub dropped events for this stream (it
// was slow), the page is told to read again anyway: one of them may have
// been the user's. The stream ends when the browser goes away or wadesk
// shuts down (StopStreams); the browser then reconnects on its own.
func (s *Server) inboxListEvents(w http.ResponseWriter, r *http.Request) {
	es := s.openEventStream(w, 256)
	if es == nil {
		return
	}
	defer es.close()
	sub, send := es.sub, es.send
	viewer := store.ViewerOf(*currentUser(r.Context()))
	heartbeat := time.NewTicker(sseHeartbeat)
	defer heartbeat.Stop()

	var (
		pending  = map[int64]bool{} // conversations changed since the last event
		lost     bool               // the hub dropped events for this stream
		dropped  int
		lastSent time.Time
		flush    = time.NewTimer(time.Hour)
		armed    bool
	)
	flush.Stop()
	defer flush.Stop()
	arm := func() {
		if !armed {
			flush.Reset(max(listEventGather, time.Until(lastSent.Add(listEventGap))))
			armed = true
		}
	}
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
			// Events dropped while nothing else came are noticed here.
			if d := sub.Dropped(); d != dropped {
				dropped, lost = d, true
				arm()
			}
		case ev, open := <-sub.C:
			if !open {
				return
			}
			if d := sub.Dropped(); d != dropped {
				dropped, lost = d, true
			}
			if ev.ConversationID != 0 {
				pending[ev.ConversationID] = true
			}
			arm()
		case <-flush.C:
			armed = false
			changed := lost
			if !changed && len(pending) > 0 {
				ids := make([]int64, 0, len(pending))
				for id := range pending {
					ids = append(ids, id)
				}
				visible, err := s.db.AnyVisible(r.Context(), viewer, ids)
				if err != nil {
					// Telling the page to read again is always safe.
					s.log.Warn("inbox events: visibility check failed", "err", err)
					visible = true
				}
				changed = visible
			}
			clear(pending)
			lost = false
			if changed {
				lastSent = time.Now()
				if !send("event: list\ndata: changed\n\n") {
					return
				}
			}
		}
	}
}
