package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// contactsImportShow is the first step of an import: choosing the file.
func (s *Server) contactsImportShow(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.ImportUploadPage(s.page(w, r, i18n.T(r.Context(), "contacts.import.title"), views.NavContacts), views.ImportUploadView{}))
}
