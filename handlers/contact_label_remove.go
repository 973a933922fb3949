package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// contactLabelRemove takes a label off a contact.
func (s *Server) contactLabelRemove(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadContact(w, r)
	if !ok {
		return
	}
	lid, ok := pathID(r, "lid")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	label, err := s.db.LabelByID(ctx, lid)
	if errors.Is(err, store.ErrNotFound) {
		redirect(w, r, contactPath(c.ID))
		return
	}
	if err == nil {
		err = s.db.RemoveContactLabel(ctx, lid, c.ID)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditContactUnlabelled, "contact", c.ID, c.Phone, changes{"label": label.Name})
	s.flashSuccess(w, r, i18n.T(ctx, "contacts.flash.unlabelled", "Label", label.Name))
	redirect(w, r, contactPath(c.ID))
}
