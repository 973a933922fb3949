package handlers

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/contacts"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// contactCreate reads the number typed (with its country code, in any
// common writing), adds the contact, and goes on to choosing the template
// that starts the conversation. A number wadesk knows already is that
// contact: the agent is taken to its page (or told it is one they do not
// see), never given a second contact.
func (s *Server) contactCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	u := currentUser(ctx)
	v := views.NewContactView{Phone: strings.TrimSpace(r.PostFormValue("phone")), Name: strings.TrimSpace(r.PostFormValue("name")), Errors: views.Errors{}}
	refuse := func() {
		s.render(w, r, http.StatusUnprocessableEntity, views.NewContactPage(s.page(w, r, i18n.T(ctx, "contacts.new.title"), views.NavContacts), v))
	}
	e164, problem := contacts.ParseNumber(v.Phone)
	if problem != "" {
		v.Errors["phone"] = i18n.T(ctx, problem)
	}
	if utf8.RuneCountInString(v.Name) > contacts.MaxNameRunes {
		v.Errors["name"] = i18n.T(ctx, "contacts.error.name_long")
	}
	if len(v.Errors) > 0 {
		refuse()
		return
	}
	existing, err := s.db.ContactByPhone(ctx, e164)
	switch {
	case err == nil:
		if _, err := s.db.ContactDetailFor(ctx, store.ViewerOf(*u), existing.ID); err != nil {
			// Someone else's customer: say so without showing them.
			v.Errors["phone"] = i18n.T(ctx, "contacts.error.known_elsewhere", "Phone", e164)
			refuse()
			return
		}
		s.flashSuccess(w, r, i18n.T(ctx, "contacts.flash.already_contact", "Phone", e164))
		redirect(w, r, contactPath(existing.ID))
		return
	case !errors.Is(err, store.ErrNotFound):
		s.serverError(w, r, err)
		return
	}
	c, err := s.db.CreateContact(ctx, store.NewContact{Phone: e164, Name: v.Name, CreatedBy: u.ID})
	if errors.Is(err, store.ErrConflict) {
		// Added a moment ago by someone else: that contact.
		redirect(w, r, "/contacts?q="+strings.TrimPrefix(e164, "+"))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditContactCreated, "contact", c.ID, c.Phone, nil)
	s.log.Info("contact added", "contact_id", c.ID, "by", u.ID)
	redirect(w, r, contactPath(c.ID)+"/start")
}
