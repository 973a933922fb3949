package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

type userCreateForm struct {
	Name     string `form:"name" validate:"required,max=100"`
	Email    string `form:"email" validate:"required,email,max=254"`
	Password string `form:"password" validate:"required"`
	Role     string `form:"role" validate:"required,oneof=admin agent"`
}

// userCreate adds a user.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	f := userCreateForm{
		Name:     strings.TrimSpace(r.PostFormValue("name")),
		Email:    strings.TrimSpace(r.PostFormValue("email")),
		Password: r.PostFormValue("password"),
		Role:     r.PostFormValue("role"),
	}
	deptIDs := formIDs(r, "departments")
	errs := s.check(r.Context(), f)
	checkPassword(errs, "password", f.Password)
	rerender := func(status int) {
		opts, err := s.departmentOptions(r, deptIDs)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, status, views.UserFormPage(s.page(w, r, i18n.T(r.Context(), "titles.add_user"), views.NavSettings),
			views.UserForm{Name: f.Name, Email: f.Email, Role: f.Role, Departments: opts, Errors: errs}))
	}
	if len(errs) > 0 {
		rerender(http.StatusUnprocessableEntity)
		return
	}
	hash, err := auth.HashPassword(r.Context(), f.Password)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	u, err := s.db.CreateUser(r.Context(), store.NewUser{Email: f.Email, Name: f.Name, Role: f.Role, PasswordHash: hash, DepartmentIDs: deptIDs})
	switch {
	case errors.Is(err, store.ErrConflict):
		errs["email"] = "Someone already uses this email address."
		rerender(http.StatusUnprocessableEntity)
		return
	case errors.Is(err, store.ErrNotFound):
		errs["departments"] = "One of the chosen departments was deleted meanwhile. Choose again."
		rerender(http.StatusUnprocessableEntity)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditUserCreated, "user", u.ID, u.Email, changes{"name": u.Name, "role": u.Role})
	s.log.Info("user created", "user_id", u.ID, "role", u.Role, "by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, u.Name+" can now sign in as "+u.Email+".")
	redirect(w, r, "/settings/users")
}
