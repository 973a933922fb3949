package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// loadQuickReply reads the {id} reply if the user may change it (their
// own, or a shared one for an admin), answering 404 itself otherwise.
func (s *Server) loadQuickReply(w http.ResponseWriter, r *http.Request) (store.QuickReply, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return store.QuickReply{}, false
	}
	u := currentUser(r.Context())
	q, err := s.db.QuickReplyByID(r.Context(), id)
	if err == nil && !(q.OwnerID == u.ID || (q.Shared() && u.Role == store.RoleAdmin)) {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return store.QuickReply{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return store.QuickReply{}, false
	}
	return q, true
}

// quickReplyEdit shows the form that changes a quick reply.
func (s *Server) quickReplyEdit(w http.ResponseWriter, r *http.Request) {
	q, ok := s.loadQuickReply(w, r)
	if !ok {
		return
	}
	s.renderQuickReplyEdit(w, r, http.StatusOK, views.QuickReplyEditView{Reply: quickReplyRow(q, true)})
}

func (s *Server) renderQuickReplyEdit(w http.ResponseWriter, r *http.Request, status int, v views.QuickReplyEditView) {
	ctx := r.Context()
	v.Variables = s.quickReplyVariables(ctx)
	s.render(w, r, status, views.QuickReplyEditPage(s.page(w, r, i18n.T(ctx, "agent.qr.title"), views.NavInbox), v))
}
