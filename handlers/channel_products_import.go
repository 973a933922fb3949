package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/views"
)

// channelProductsImport adds and updates products from an uploaded CSV
// file. Either every line is imported or, when any line is wrong, none:
// the page then lists each problem with its line number.
func (s *Server) channelProductsImport(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	refuse := func(status int, imp views.ProductImportView) {
		s.renderProducts(w, r, ch, status, views.ProductForm{InStock: true}, imp)
	}
	r.Body = http.MaxBytesReader(w, r.Body, commerce.MaxImportBytes+maxFormBytes)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			refuse(http.StatusRequestEntityTooLarge, views.ProductImportView{Problem: "The file is larger than 2 MB. Split it into smaller files and import them one by one."})
			return
		}
		refuse(http.StatusBadRequest, views.ProductImportView{Problem: "The upload could not be read. Choose the file again and import it."})
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, _, err := r.FormFile("file")
	if err != nil {
		refuse(http.StatusUnprocessableEntity, views.ProductImportView{Problem: "Choose a CSV file to import."})
		return
	}
	defer file.Close()
	ctx := r.Context()
	st, err := s.db.StoreSettingsOf(ctx, ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	res, err := commerce.ReadProductsCSV(file, st.Currency)
	if errors.Is(err, commerce.ErrImportTooLarge) {
		refuse(http.StatusRequestEntityTooLarge, views.ProductImportView{Problem: "The file is larger than 2 MB. Split it into smaller files and import them one by one."})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(res.Errors) > 0 {
		imp := views.ProductImportView{More: res.MoreErrors}
		for _, e := range res.Errors {
			imp.Lines = append(imp.Lines, views.ImportLineError{Line: e.Line, Problem: e.Problem})
		}
		refuse(http.StatusUnprocessableEntity, imp)
		return
	}
	n, err := s.db.ImportProducts(ctx, ch.ID, res.Products)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("products imported", "channel_id", ch.ID, "added", n.Added, "updated", n.Updated, "by", currentUser(ctx).ID)
	s.flashSuccess(w, r, "Imported "+strconv.Itoa(len(res.Products))+" products: "+strconv.Itoa(n.Added)+" new, "+strconv.Itoa(n.Updated)+" updated.")
	redirect(w, r, storePath(ch.ID)+"/products")
}
