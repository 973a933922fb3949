package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// quickReplyUpdate changes a quick reply's shortcut and text.
func (s *Server) quickReplyUpdate(w http.ResponseWriter, r *http.Request) {
	q, ok := s.loadQuickReply(w, r)
	if !ok {
		return
	}
	in, err := s.readQuickReplyForm(w, r, q)
	if err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	f, errs := in.row, in.errs
	f.ID, f.Shared, f.Editable = q.ID, q.Shared(), true
	if len(errs) == 0 {
		in.reply.ID, in.reply.OwnerID = q.ID, q.OwnerID
		err := s.db.UpdateQuickReply(ctx, in.reply)
		switch {
		case errors.Is(err, store.ErrConflict):
			errs["shortcut"] = i18n.T(ctx, "agent.qr.error_shortcut_taken", "Shortcut", f.Shortcut)
			in.refused(ctx, q)
			f.File, f.FileNote = in.row.File, in.row.FileNote
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
