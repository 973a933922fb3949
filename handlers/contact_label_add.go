package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// contactLabelAdd puts a label on a contact: one that exists (label_id),
// or a new one made from label_name and label_colour (a name that exists
// in any letter case is that label).
func (s *Server) contactLabelAdd(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadContact(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	var label store.Label
	if raw := r.PostFormValue("label_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err == nil {
			label, err = s.db.LabelByID(ctx, id)
		}
		if err != nil {
			s.renderContact(w, r, http.StatusUnprocessableEntity, c, views.ContactView{NameValue: c.Name,
				Errors: views.Errors{"": i18n.T(ctx, "contacts.error.label_gone")}})
			return
		}
	} else {
		name := strings.Join(strings.Fields(r.PostFormValue("label_name")), " ")
		colour := r.PostFormValue("label_colour")
		retry := views.ContactView{NameValue: c.Name, LabelName: name, LabelColour: colour}
		switch {
		case name == "":
			retry.Errors = views.Errors{"label_name": i18n.T(ctx, "contacts.error.label_name_missing")}
		case utf8.RuneCountInString(name) > 40:
			retry.Errors = views.Errors{"label_name": i18n.T(ctx, "contacts.error.label_name_long")}
		case !views.ValidLabelColour(colour):
			retry.Errors = views.Errors{"label_name": i18n.T(ctx, "contacts.error.label_colour")}
		}
		if retry.Errors != nil {
			s.renderContact(w, r, http.StatusUnprocessableEntity, c, retry)
			return
		}
		var err error
		label, err = s.db.CreateLabel(ctx, store.Label{Name: name, Colour: colour})
		if errors.Is(err, store.ErrConflict) {
			label, err = s.labelNamed(r, name)
		} else if err == nil {
			s.audit(r, auditLabelCreated, "label", label.ID, label.Name, changes{"colour": colour})
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if err := s.db.AddContactLabel(ctx, label.ID, c.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditContactLabelled, "contact", c.ID, c.Phone, changes{"label": label.Name})
	s.flashSuccess(w, r, i18n.T(ctx, "contacts.flash.labelled", "Label", label.Name))
	redirect(w, r, contactPath(c.ID))
}

// labelNamed finds the label with a name in any letter case.
func (s *Server) labelNamed(r *http.Request, name string) (store.Label, error) {
	all, err := s.db.ListLabels(r.Context())
	if err != nil {
		return store.Label{}, err
	}
	for _, l := range all {
		if strings.EqualFold(l.Name, name) {
			return l, nil
		}
	}
	return store.Label{}, store.ErrNotFound
}
