package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// contactNew shows the form that starts a conversation with a number
// wadesk may not know yet.
func (s *Server) contactNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.NewContactPage(s.page(w, r, i18n.T(r.Context(), "contacts.new.title"), views.NavContacts),
		views.NewContactView{Phone: r.URL.Query().Get("phone")}))
}
