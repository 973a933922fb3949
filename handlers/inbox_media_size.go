package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// inboxMediaSize answers the size of a message's file, which WhatsApp's
// webhooks do not tell: the conversation page asks for it once, when it
// first shows a document, and wadesk remembers it.
func (s *Server) inboxMediaSize(w http.ResponseWriter, r *http.Request) {
	res, ok := s.resolveMedia(w, r)
	if !ok {
		return
	}
	tooLarge := res.problem != nil && res.problem.status == http.StatusRequestEntityTooLarge
	text := ""
	if size := res.info.FileSize; size > 0 && (res.problem == nil || tooLarge) {
		text = humanSize(size)
	}
	s.render(w, r, http.StatusOK, views.MediaSize(text, tooLarge))
}
