package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// inboxTemplateForm answers the template picker: the chosen template's
// form, one field per value, with its preview. Without htmx the picker is
// a plain GET of the conversation page with ?template=ID, so a request that
// did not come from htmx is sent there.
func (s *Server) inboxTemplateForm(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.URL.Query().Get("template"), 10, 64)
	if r.Header.Get("HX-Request") != "true" {
		to := conversationPath(c.ID)
		if err == nil && id > 0 {
			to += "?template=" + itoa(id)
		}
		redirect(w, r, to)
		return
	}
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	ws, err := s.windowState(ctx, c, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f, err := s.templateFill(ctx, c, ws.Open, id, nil, nil)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	comp := views.ComposerView{ConversationID: c.ID, WindowOpen: ws.Open}
	s.render(w, r, http.StatusOK, views.TemplateFillForm(f, comp))
}
