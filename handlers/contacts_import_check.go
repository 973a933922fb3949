package handlers

import (
	"net/http"
)

// contactsImportCheck is the dry run: it shows how many contacts the file
// would add and update, and every row it would leave out (an invalid
// number, a number seen earlier in the file) with its line, and writes
// nothing.
func (s *Server) contactsImportCheck(w http.ResponseWriter, r *http.Request) {
	imp, tab, ok := s.loadImport(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
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
	s.renderImport(w, r, http.StatusOK, imp, tab, mapping, labelID, importReport(r, plan), nil)
}
