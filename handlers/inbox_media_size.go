package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// inboxMediaSize answers the size of a message's file, which WhatsApp's
// webhooks do not tell: the conversation page asks for it once, when it
// first shows a document, and wadesk remembers it.
func (s *Server) inboxMediaSize(w http.ResponseWriter, r *http.Request) {
	_, m, _, _, info, problem, ok := s.resolveMedia(w, r)
	if !ok {
		return
	}
	size := info.FileSize
	if size == 0 {
		size = m.MediaSize
	}
	if problem != nil && problem.status != http.StatusRequestEntityTooLarge {
		size = 0
	}
	text := ""
	if size > 0 {
		text = humanSize(size)
	}
	s.render(w, r, http.StatusOK, views.MediaSize(text, problem != nil && problem.status == http.StatusRequestEntityTooLarge))
}
