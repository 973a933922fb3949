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

// quickReplyUpdate changes a quick reply's shortcut and text.
func (s *Server) quickReplyUpdate(w http.ResponseWriter, r *http.Request) {
	q, ok := s.loadQuickReply(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	f, errs := quickReplyFromForm(ctx, r)
	f.ID, f.Shared, f.Editable = q.ID, q.Shared(), true
	if len(errs) == 0 {
		err := s.db.UpdateQuickReply(ctx, store.QuickReply{ID: q.ID, OwnerID: q.OwnerID, Shortcut: f.Shortcut, Body: f.Body})
		switch {
		case errors.Is(err, store.ErrConflict):
			errs["shortcut"] = i18n.T(ctx, "agent.qr.error_shortcut_taken", "Shortcut", f.Shortcut)
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r)
			return
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			s.flashSuccess(w, r, i18n.T(ctx, "agent.qr.saved", "Shortcut", f.Shortcut))
			redirect(w, r, "/quick-replies")
			return
		}
	}
	s.renderQuickReplyEdit(w, r, http.StatusUnprocessableEntity, views.QuickReplyEditView{Reply: f, Errors: errs})
}

// quickReplyDelete removes a quick reply.
func (s *Server) quickReplyDelete(w http.ResponseWriter, r *http.Request) {
	q, ok := s.loadQuickReply(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if err := s.db.DeleteQuickReply(ctx, q.ID, q.OwnerID); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	s.flashSuccess(w, r, i18n.T(ctx, "agent.qr.deleted", "Shortcut", q.Shortcut))
	redirect(w, r, "/quick-replies")
}
