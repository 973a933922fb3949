package handlers

import "net/http"

// channelVisibility shows or hides the channel's conversations in the inbox
// (omnichannel display) without deleting anything.
func (s *Server) channelVisibility(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	visible := r.PostFormValue("visible") == "1"
	if err := s.db.SetChannelInboxVisible(r.Context(), ch.ID, visible); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditChannelVisibility, "channel", ch.ID, ch.Title, changes{}.diff("inbox_visible", ch.InboxVisible, visible))
	if visible {
		s.flashSuccess(w, r, "Conversations of "+ch.Title+" are shown in the inbox again.")
	} else {
		s.flashSuccess(w, r, "Conversations of "+ch.Title+" are hidden from the inbox. Nothing was deleted.")
	}
	redirect(w, r, "/channels/"+itoa(ch.ID))
}
