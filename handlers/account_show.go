package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// accountShow shows the signed-in user's own account.
func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r.Context())
	s.render(w, r, http.StatusOK, views.AccountPage(s.page(w, r, "Your account", views.NavAccount),
		views.AccountForm{Name: u.Name, Email: u.Email, Role: u.Role}))
}
