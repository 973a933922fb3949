package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// labelDelete removes a label from everything that carries it.
func (s *Server) labelDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	l, err := s.db.LabelByID(ctx, id)
	if err == nil {
		err = s.db.DeleteLabel(ctx, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditLabelDeleted, "label", id, l.Name, nil)
	s.flashSuccess(w, r, i18n.T(ctx, "agent.labels.deleted", "Name", l.Name))
	redirect(w, r, "/settings/labels")
}
