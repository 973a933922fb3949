package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// departmentCreate adds a department.
func (s *Server) departmentCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	f := departmentForm{Name: strings.TrimSpace(r.PostFormValue("name"))}
	errs := s.check(r.Context(), f)
	if len(errs) == 0 {
		d, err := s.db.CreateDepartment(r.Context(), f.Name)
		switch {
		case errors.Is(err, store.ErrConflict):
			errs["name"] = "A department with this name already exists."
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			s.audit(r, auditDepartmentCreated, "department", d.ID, d.Name, nil)
			s.log.Info("department created", "department_id", d.ID, "by", currentUser(r.Context()).ID)
			s.flashSuccess(w, r, "Department "+d.Name+" created.")
			redirect(w, r, "/settings/departments")
			return
		}
	}
	s.renderDepartments(w, r, http.StatusUnprocessableEntity, views.DepartmentsView{NewName: f.Name, Errors: errs})
}
