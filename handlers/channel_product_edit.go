package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// channelProductEdit shows the form to change a product.
func (s *Server) channelProductEdit(w http.ResponseWriter, r *http.Request) {
	ch, p, ok := s.loadProduct(w, r)
	if !ok {
		return
	}
	f := views.ProductForm{ID: p.ID, RetailerID: p.RetailerID, Name: p.Name, Price: commerce.Decimal(p.Price1000, p.Currency),
		Currency: p.Currency, ImageURL: p.ImageURL, InStock: p.InStock}
	s.renderProductEdit(w, r, ch, http.StatusOK, f)
}

func (s *Server) renderProductEdit(w http.ResponseWriter, r *http.Request, ch store.Channel, status int, f views.ProductForm) {
	st, err := s.db.StoreSettingsOf(r.Context(), ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, views.ProductEditPage(s.page(w, r, i18n.T(r.Context(), "titles.edit_product", "Name", ch.Title), views.NavStore), storeHeader(ch), f, st.Currency))
}

// loadProduct reads the {id} channel and its {pid} product, answering 404
// itself when either is unknown.
func (s *Server) loadProduct(w http.ResponseWriter, r *http.Request) (store.Channel, store.Product, bool) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return store.Channel{}, store.Product{}, false
	}
	pid, ok := pathID(r, "pid")
	if !ok {
		s.notFound(w, r)
		return store.Channel{}, store.Product{}, false
	}
	p, err := s.db.ProductByID(r.Context(), ch.ID, pid)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return store.Channel{}, store.Product{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return store.Channel{}, store.Product{}, false
	}
	return ch, p, true
}
