package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/contacts"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// contactsImportRun imports the file with the mapping of its dry run: the
// plan is made again from the same file and mapping, so what is written is
// what the report showed. One transaction; the upload is removed with it,
// so a second click cannot import twice.
func (s *Server) contactsImportRun(w http.ResponseWriter, r *http.Request) {
	imp, tab, ok := s.loadImport(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	mapping, labelID := importForm(r, len(tab.Header))
	plan, errs, err := s.planImport(r, tab, mapping, labelID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(errs) > 0 {
		s.renderImport(w, r, http.StatusUnprocessableEntity, imp, tab, mapping, labelID, nil, errs)
		return
	}
	rows := make([]store.ImportedContact, 0, len(plan.New)+len(plan.Existing))
	for _, list := range [][]contacts.Row{plan.New, plan.Existing} {
		for _, row := range list {
			rows = append(rows, store.ImportedContact{Phone: row.Phone, Name: row.Name, OptedIn: row.OptedIn, Attributes: row.Attributes})
		}
	}
	res, err := s.db.ImportContacts(ctx, currentUser(ctx).ID, imp.ID, labelID, rows)
	if errors.Is(err, store.ErrNotFound) {
		s.flashError(w, r, i18n.T(ctx, "contacts.import.error_gone"))
		redirect(w, r, "/contacts/import")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditContactsImported, "contacts", imp.ID, imp.Filename, changes{"created": res.Created, "updated": res.Updated,
		"invalid": len(plan.Invalid), "duplicates": len(plan.Duplicates), "label_id": labelID})
	s.log.Info("contacts imported", "file", imp.Filename, "created", res.Created, "updated", res.Updated, "by", currentUser(ctx).ID)
	s.flashSuccess(w, r, i18n.T(ctx, "contacts.import.done", "Created", i18n.Int(ctx, int64(res.Created)), "Updated", i18n.Int(ctx, int64(res.Updated))))
	to := "/contacts"
	if labelID > 0 {
		to += "?label=" + itoa(labelID)
	}
	redirect(w, r, to)
}
