package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/events"
)

// sseHeartbeat keeps idle event streams open through proxies.
const sseHeartbeat = 15 * time.Second

// eventStream is a server-sent events response subscribed to the hub.
type eventStream struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	sub *events.Subscription
}

// openEventStream subscribes to the hub with room for buffer events and
// starts the event-stream response. It answers 503 itself, and returns
// nil, when live updates are off or wadesk is shutting down. The caller
// closes the stream.
func (s *Server) openEventStream(w http.ResponseWriter, buffer int) *eventStream {
	if s.events == nil {
		http.Error(w, "Live updates are not available on this server.", http.StatusServiceUnavailable)
		return nil
	}
	select {
	case <-s.streamsDone:
		http.Error(w, "wadesk is shutting down.", http.StatusServiceUnavailable)
		return nil
	default:
	}
	es := &eventStream{w: w, rc: http.NewResponseController(w), sub: s.events.Subscribe(buffer)}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if !es.send("retry: 3000\n: connected\n\n") {
		es.close()
		return nil
	}
	return es
}

// send writes and flushes; false means the browser has gone.
func (es *eventStream) send(format string, args ...any) bool {
	if _, err := fmt.Fprintf(es.w, format, args...); err != nil {
		return false
	}
	return es.rc.Flush() == nil
}

func (es *eventStream) close() { es.sub.Close() }
