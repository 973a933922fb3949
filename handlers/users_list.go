package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/views"
)

// usersList shows everyone who can sign in.
func (s *Server) usersList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	users, err := s.db.ListUsers(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names, err := s.departmentNames(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	me := currentUser(ctx)
	rows := make([]views.UserRow, 0, len(users))
	for _, u := range users {
		row := views.UserRow{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Disabled: u.Disabled(), IsSelf: u.ID == me.ID}
		if u.LastLoginAt != nil {
			row.LastLogin = *u.LastLoginAt
		} else {
			row.LastLogin = time.Time{}
		}
		for _, id := range u.DepartmentIDs {
			row.Departments = append(row.Departments, names[id])
		}
		rows = append(rows, row)
	}
	s.render(w, r, http.StatusOK, views.UsersPage(s.page(w, r, i18n.T(r.Context(), "titles.users"), views.NavSettings), rows))
}

func (s *Server) departmentNames(r *http.Request) (map[int64]string, error) {
	ds, err := s.db.ListDepartments(r.Context())
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(ds))
	for _, d := range ds {
		m[d.ID] = d.Name
	}
	return m, nil
}

// departmentOptions lists every department, checking the chosen ones.
func (s *Server) departmentOptions(r *http.Request, chosen []int64) ([]views.DepartmentOption, error) {
	ds, err := s.db.ListDepartments(r.Context())
	if err != nil {
		return nil, err
	}
	in := map[int64]bool{}
	for _, id := range chosen {
		in[id] = true
	}
	opts := make([]views.DepartmentOption, 0, len(ds))
	for _, d := range ds {
		opts = append(opts, views.DepartmentOption{ID: d.ID, Name: d.Name, Checked: in[d.ID]})
	}
	return opts, nil
}
