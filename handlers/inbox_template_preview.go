package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// inboxTemplatePreview answers the template form's live preview: the
// template as the customer will see it with the values typed so far and
// {variables} filled in for this conversation.
func (s *Server) inboxTemplatePreview(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PostFormValue("template"), 10, 64)
	_, form, err := s.sendableTemplate(ctx, c, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	vals, err := s.vars.Resolve(ctx, sendContext(ctx, c))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.TemplatePhone(s.templatePreview(c, form, templateValues(r.PostForm), vals)))
}
