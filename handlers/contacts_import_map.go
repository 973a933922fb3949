package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/contacts"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// contactsImportMap shows an uploaded file's columns with the field each
// seems to hold, to be corrected before the dry run.
func (s *Server) contactsImportMap(w http.ResponseWriter, r *http.Request) {
	imp, tab, ok := s.loadImport(w, r)
	if !ok {
		return
	}
	s.renderImport(w, r, http.StatusOK, imp, tab, contacts.GuessMapping(tab.Header), 0, nil, nil)
}

// loadImport reads the path's upload (the user's own, still kept).
func (s *Server) loadImport(w http.ResponseWriter, r *http.Request) (store.ContactImport, contacts.Table, bool) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return store.ContactImport{}, contacts.Table{}, false
	}
	imp, err := s.db.ContactImportOf(ctx, currentUser(ctx).ID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.flashError(w, r, i18n.T(ctx, "contacts.import.error_gone"))
		redirect(w, r, "/contacts/import")
		return store.ContactImport{}, contacts.Table{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return store.ContactImport{}, contacts.Table{}, false
	}
	tab, err := contacts.ReadCSV([]byte(imp.Body))
	if err != nil {
		s.serverError(w, r, err)
		return store.ContactImport{}, contacts.Table{}, false
	}
	return imp, tab, true
}

// importForm reads the mapping and label posted with the map form.
func importForm(r *http.Request, columns int) (mapping []string, labelID int64) {
	mapping = make([]string, columns)
	for i := range mapping {
		mapping[i] = r.PostFormValue("col_" + strconv.Itoa(i))
	}
	labelID, _ = strconv.ParseInt(r.PostFormValue("label_id"), 10, 64)
	return mapping, labelID
}

// renderImport renders the map page with a mapping, and the dry run's
// report when there is one.
func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, status int, imp store.ContactImport, tab contacts.Table, mapping []string,
	labelID int64, report *views.ImportReport, errs views.Errors) {
	ctx := r.Context()
	v := views.ImportMapView{ID: imp.ID, Filename: imp.Filename, Rows: len(tab.Rows), LabelID: labelID, Report: report, Errors: errs}
	for i, h := range tab.Header {
		c := views.ImportColumn{Index: i, Title: h, Attribute: contacts.AttributeName(h)}
		if i < len(mapping) {
			c.Field = mapping[i]
		}
		if i < len(tab.Rows[0]) {
			c.Sample = strings.TrimSpace(tab.Rows[0][i])
		}
		if c.Title == "" {
			c.Title = i18n.T(ctx, "contacts.import.column") + " " + strconv.Itoa(i+1)
		}
		v.Columns = append(v.Columns, c)
	}
	labels, err := s.db.ListLabels(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, l := range labels {
		v.Labels = append(v.Labels, views.LabelChip{ID: l.ID, Name: l.Name, Colour: l.Colour})
	}
	s.render(w, r, status, views.ImportMapPage(s.page(w, r, i18n.T(ctx, "contacts.import.title"), views.NavContacts), v))
}

// planImport checks the file with a mapping: the dry run, which writes
// nothing. A problem with the mapping itself comes back as errs.
func (s *Server) planImport(r *http.Request, tab contacts.Table, mapping []string, labelID int64) (contacts.Plan, views.Errors, error) {
	ctx := r.Context()
	if !contacts.ValidMapping(mapping, len(tab.Header)) {
		return contacts.Plan{}, views.Errors{"": i18n.T(ctx, "contacts.import.error_mapping")}, nil
	}
	if labelID > 0 {
		if _, err := s.db.LabelByID(ctx, labelID); errors.Is(err, store.ErrNotFound) {
			return contacts.Plan{}, views.Errors{"label_id": i18n.T(ctx, "contacts.import.error_label")}, nil
		} else if err != nil {
			return contacts.Plan{}, nil, err
		}
	}
	var phones []string
	for _, rec := range tab.Rows {
		for c, f := range mapping {
			if f == contacts.FieldPhone && c < len(rec) {
				if e, p := contacts.ParseNumber(rec[c]); p == "" {
					phones = append(phones, e)
				}
			}
		}
	}
	known, err := s.db.KnownPhones(ctx, phones)
	if err != nil {
		return contacts.Plan{}, nil, err
	}
	plan, err := contacts.MakePlan(tab, mapping, func(p string) bool { return known[p] })
	if errors.Is(err, contacts.ErrNoPhoneField) {
		return contacts.Plan{}, views.Errors{"": i18n.T(ctx, importErrorID(err))}, nil
	}
	return plan, nil, err
}

// importReport words a plan's problems for the page (at most 100 listed).
func importReport(r *http.Request, p contacts.Plan) *views.ImportReport {
	ctx := r.Context()
	rep := &views.ImportReport{New: len(p.New), Existing: len(p.Existing)}
	listed := 0
	add := func(list *[]views.ImportProblem, pr contacts.Problem) {
		if listed == 100 {
			rep.More++
			return
		}
		listed++
		*list = append(*list, views.ImportProblem{Line: pr.Line, Value: pr.Value, Problem: i18n.T(ctx, pr.Problem, "Line", pr.FirstLine)})
	}
	for _, pr := range p.Invalid {
		add(&rep.Invalid, pr)
	}
	for _, pr := range p.Duplicates {
		add(&rep.Duplicates, pr)
	}
	return rep
}
