package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// quickReplyCreate saves a quick reply: the user's own, or (admins, with
// shared=1) one for everyone.
func (s *Server) quickReplyCreate(w http.ResponseWriter, r *http.Request) {
	in, err := s.readQuickReplyForm(w, r, store.QuickReply{})
	if err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	u := currentUser(ctx)
	f, errs := in.row, in.errs
	if u.Role != store.RoleAdmin {
		f.Shared = false
	}
	if len(errs) == 0 {
		owner := u.ID
		if f.Shared {
			owner = 0
		}
		in.reply.OwnerID = owner
		q, err := s.db.CreateQuickReply(ctx, in.reply)
		switch {
		case errors.Is(err, store.ErrConflict):
			errs["shortcut"] = i18n.T(ctx, "agent.qr.error_shortcut_taken", "Shortcut", f.Shortcut)
			in.refused(ctx, store.QuickReply{})
			f.File, f.FileNote = in.row.File, in.row.FileNote
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			s.log.Info("quick reply created", "quick_reply_id", q.ID, "shared", q.Shared(), "by", u.ID)
			s.flashSuccess(w, r, i18n.T(ctx, "agent.qr.created", "Shortcut", q.Shortcut))
			redirect(w, r, "/quick-replies")
			return
		}
	}
	s.renderQuickReplies(w, r, http.StatusUnprocessableEntity, views.QuickRepliesView{New: f, Errors: errs})
}
