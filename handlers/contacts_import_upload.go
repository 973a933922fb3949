package handlers

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"

	"github.com/wadesk/wadesk/contacts"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// contactsImportUpload reads an uploaded CSV file, keeps it for the next
// steps (an hour) and goes on to mapping its columns. Nothing is imported
// yet.
func (s *Server) contactsImportUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	refuse := func(status int, id string) {
		s.render(w, r, status, views.ImportUploadPage(s.page(w, r, i18n.T(ctx, "contacts.import.title"), views.NavContacts),
			views.ImportUploadView{Errors: views.Errors{"file": i18n.T(ctx, id)}}))
	}
	r.Body = http.MaxBytesReader(w, r.Body, contacts.MaxImportBytes+maxFormBytes)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			refuse(http.StatusRequestEntityTooLarge, "contacts.import.error_too_large")
			return
		}
		refuse(http.StatusBadRequest, "contacts.import.error_choose")
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		refuse(http.StatusUnprocessableEntity, "contacts.import.error_choose")
		return
	}
	defer file.Close()
	body, err := io.ReadAll(io.LimitReader(file, contacts.MaxImportBytes+1))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(body) > contacts.MaxImportBytes {
		refuse(http.StatusRequestEntityTooLarge, "contacts.import.error_too_large")
		return
	}
	if _, err := contacts.ReadCSV(body); err != nil {
		refuse(http.StatusUnprocessableEntity, importErrorID(err))
		return
	}
	id, err := s.db.SaveContactImport(ctx, currentUser(ctx).ID, filepath.Base(hdr.Filename), string(body))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	redirect(w, r, "/contacts/import/"+itoa(id)+"/map")
}

// importErrorID is the message id of a file's problem.
func importErrorID(err error) string {
	for _, e := range []error{contacts.ErrEmptyFile, contacts.ErrNotCSV, contacts.ErrTooManyRows, contacts.ErrNoPhoneField} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	return contacts.ErrNotCSV.Error()
}
