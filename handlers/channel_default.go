package handlers

import "net/http"

// channelDefault makes the channel the default one (exactly one is).
func (s *Server) channelDefault(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := s.db.SetDefaultChannel(r.Context(), ch.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditChannelDefault, "channel", ch.ID, ch.Title, nil)
	s.flashSuccess(w, r, ch.Title+" is now the default channel.")
	redirect(w, r, "/channels/"+itoa(ch.ID))
}
