package handlers

import (
	"net/http"
)

// inboxTyping shows the conversation's customer that the agent is typing
// (the reply box calls it while the agent types, at most every 20 seconds).
// It answers 204 whatever the provider said: an indicator that does not
// show is not worth an error on the agent's screen; the log has it.
func (s *Server) inboxTyping(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if s.typing != nil {
		if err := s.typing(r.Context(), c.ID); err != nil {
			s.log.Warn("typing indicator not shown", "conversation_id", c.ID, "err", err)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
