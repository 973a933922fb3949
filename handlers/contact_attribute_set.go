package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/contacts"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// contactAttributeSet sets a custom attribute of a contact; an empty value
// removes it. Names are made lower case with underscores ("Customer ID"
// becomes customer_id), as campaigns and the API refer to them.
func (s *Server) contactAttributeSet(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadContact(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	raw := r.PostFormValue("attr_name")
	name := contacts.AttributeName(raw)
	value := strings.TrimSpace(r.PostFormValue("attr_value"))
	errs := views.Errors{}
	switch {
	case name == "":
		errs["attr_name"] = i18n.T(ctx, "contacts.error.attr_name")
	case utf8.RuneCountInString(value) > contacts.MaxValueRunes:
		errs["attr_value"] = i18n.T(ctx, "contacts.error.attr_value_long")
	}
	if len(errs) > 0 {
		s.renderContact(w, r, http.StatusUnprocessableEntity, c, views.ContactView{NameValue: c.Name, AttrName: raw, AttrValue: value, Errors: errs})
		return
	}
	if err := s.db.SetContactAttribute(ctx, c.ID, name, value); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditContactAttribute, "contact", c.ID, c.Phone, changes{"attribute": name, "removed": value == ""})
	msg := i18n.T(ctx, "contacts.flash.attribute_saved", "Name", name)
	if value == "" {
		msg = i18n.T(ctx, "contacts.flash.attribute_removed", "Name", name)
	}
	s.flashSuccess(w, r, msg)
	redirect(w, r, contactPath(c.ID))
}
