package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

type userUpdateForm struct {
	Name string `form:"name" validate:"required,max=100"`
	Role string `form:"role" validate:"required,oneof=admin agent"`
}

// userUpdate saves a user's name, role and departments.
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	u, ok := s.loadUser(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	f := userUpdateForm{Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role")}
	deptIDs := formIDs(r, "departments")
	errs := s.check(r.Context(), f)
	me := currentUser(r.Context())
	if u.ID == me.ID && f.Role != u.Role {
		errs["role"] = "You cannot change your own role; ask another administrator."
	}
	rerender := func() {
		form, err := s.userFormFor(r, u)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		form.Name, form.Role, form.Errors = f.Name, f.Role, errs
		if form.Departments, err = s.departmentOptions(r, deptIDs); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, views.UserFormPage(s.page(w, r, u.Name, views.NavSettings), form))
	}
	if len(errs) > 0 {
		rerender()
		return
	}
	err := s.db.UpdateUser(r.Context(), u.ID, store.UserUpdate{Name: f.Name, Role: f.Role, DepartmentIDs: deptIDs})
	if errors.Is(err, store.ErrNotFound) {
		errs["departments"] = "One of the chosen departments was deleted meanwhile. Choose again."
		rerender()
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if c := (changes{}).diff("name", u.Name, f.Name).diff("role", u.Role, f.Role).diff("departments", nonNil(u.DepartmentIDs), nonNil(deptIDs)); len(c) > 0 {
		s.audit(r, auditUserUpdated, "user", u.ID, u.Email, c)
	}
	s.log.Info("user updated", "user_id", u.ID, "role", f.Role, "by", me.ID)
	s.flashSuccess(w, r, "Saved the changes to "+f.Name+".")
	redirect(w, r, "/settings/users")
}
