package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// userEdit shows a user's details, password reset and disable controls.
func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUser(w, r)
	if !ok {
		return
	}
	f, err := s.userFormFor(r, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.UserFormPage(s.page(w, r, u.Name, views.NavSettings), f))
}

// loadUser reads the {id} user, answering 404 itself when there is none.
func (s *Server) loadUser(w http.ResponseWriter, r *http.Request) (store.User, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return store.User{}, false
	}
	u, err := s.db.UserByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return store.User{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return store.User{}, false
	}
	return u, true
}

func (s *Server) userFormFor(r *http.Request, u store.User) (views.UserForm, error) {
	opts, err := s.departmentOptions(r, u.DepartmentIDs)
	if err != nil {
		return views.UserForm{}, err
	}
	sec, err := s.userSecurity(r, u)
	if err != nil {
		return views.UserForm{}, err
	}
	return views.UserForm{
		ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Departments: opts,
		Disabled: u.Disabled(), IsSelf: u.ID == currentUser(r.Context()).ID, Security: &sec,
	}, nil
}
