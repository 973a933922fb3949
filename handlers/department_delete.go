package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// departmentDelete removes a department; its members keep their accounts.
func (s *Server) departmentDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	d, err := s.db.DepartmentByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.db.DeleteDepartment(r.Context(), id); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditDepartmentDeleted, "department", d.ID, d.Name, nil)
	s.log.Info("department deleted", "department_id", id, "by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, "Department "+d.Name+" deleted.")
	redirect(w, r, "/settings/departments")
}
