package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// userNew shows the form to add a user.
func (s *Server) userNew(w http.ResponseWriter, r *http.Request) {
	opts, err := s.departmentOptions(r, nil)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.UserFormPage(s.page(w, r, i18n.T(r.Context(), "titles.add_user"), views.NavSettings),
		views.UserForm{Role: store.RoleAgent, Departments: opts}))
}
