package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// channelProfilePreview answers the profile form's live preview: the phone
// as the form stands, unvalidated, without asking the provider.
func (s *Server) channelProfilePreview(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ProfilePhone(profilePreview(ch, profileFieldsFrom(r), postedPictureURL(r, ch.ID))))
}
