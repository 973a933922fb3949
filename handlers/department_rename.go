package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// departmentRename changes a department's name.
func (s *Server) departmentRename(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	f := departmentForm{Name: strings.TrimSpace(r.PostFormValue("name"))}
	errs := s.check(r.Context(), f)
	if len(errs) == 0 {
		old, _ := s.db.DepartmentByID(r.Context(), id) // for the audit trail
		err := s.db.RenameDepartment(r.Context(), id, f.Name)
		switch {
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r)
			return
		case errors.Is(err, store.ErrConflict):
			errs["name"] = "A department with this name already exists."
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			s.audit(r, auditDepartmentRenamed, "department", id, f.Name, changes{}.diff("name", old.Name, f.Name))
			s.flashSuccess(w, r, "Department renamed to "+f.Name+".")
			redirect(w, r, "/settings/departments")
			return
		}
	}
	s.renderDepartments(w, r, http.StatusUnprocessableEntity, views.DepartmentsView{EditID: id, EditName: f.Name, EditErrors: errs})
}
