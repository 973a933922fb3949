package handlers

import (
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/views"
)

// channelTemplatePreview answers the template form's live preview: the
// phone as the draft stands, and new example inputs when the number of
// body variables changed.
func (s *Server) channelTemplatePreview(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	d := draftFromForm(r.PostForm)
	exs := exampleFields(d)
	shown, err := strconv.Atoi(r.PostFormValue("body_vars"))
	changed := err != nil || shown != len(exs)
	s.render(w, r, http.StatusOK, views.TemplatePreviewUpdate(s.previewView(ch, d), exs, changed))
}
