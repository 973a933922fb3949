package handlers

import "net/http"

// channelWizardCancel discards the admin's draft and any channel it left
// pending.
func (s *Server) channelWizardCancel(w http.ResponseWriter, r *http.Request) {
	if err := s.db.DeleteChannelDraft(r.Context(), currentUser(r.Context()).ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash.add(w, r, s.log, "info", "Adding the channel was cancelled.")
	redirect(w, r, "/channels")
}
