package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// departmentsList shows the departments and the form to add one.
func (s *Server) departmentsList(w http.ResponseWriter, r *http.Request) {
	s.renderDepartments(w, r, http.StatusOK, views.DepartmentsView{})
}

// renderDepartments renders the page around v, filling in the list.
func (s *Server) renderDepartments(w http.ResponseWriter, r *http.Request, status int, v views.DepartmentsView) {
	ds, err := s.db.ListDepartments(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, d := range ds {
		v.Departments = append(v.Departments, views.DepartmentRow{ID: d.ID, Name: d.Name, Members: d.MemberCount})
	}
	s.render(w, r, status, views.DepartmentsPage(s.page(w, r, i18n.T(r.Context(), "titles.departments"), views.NavSettings), v))
}

type departmentForm struct {
	Name string `form:"name" validate:"required,max=60"`
}
