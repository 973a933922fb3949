package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// accountShow shows the signed-in user's own account.
func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r.Context())
	zf, err := s.accountZoneForm(r.Context(), u, views.Errors{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.AccountPage(s.page(w, r, "Your account", views.NavAccount),
		views.AccountForm{Name: u.Name, Email: u.Email, Role: u.Role, Zone: zf}))
}
