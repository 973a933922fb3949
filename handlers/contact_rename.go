package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// contactRename changes the name wadesk shows for a contact.
func (s *Server) contactRename(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadContact(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	name := strings.TrimSpace(r.PostFormValue("name"))
	if utf8.RuneCountInString(name) > 200 {
		s.renderContact(w, r, http.StatusUnprocessableEntity, c, views.ContactView{NameValue: name,
			Errors: views.Errors{"name": i18n.T(ctx, "contacts.error.name_long")}})
		return
	}
	if err := s.db.RenameContact(ctx, c.ID, name); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditContactUpdated, "contact", c.ID, c.Phone, changes{}.diff("name", c.Name, name))
	s.flashSuccess(w, r, i18n.T(ctx, "contacts.flash.renamed"))
	redirect(w, r, contactPath(c.ID))
}
