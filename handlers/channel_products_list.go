package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// productListLimit bounds the products one page lists.
const productListLimit = 1000

// channelProductsList shows a channel's product list with the forms to add
// a product and to import a CSV file.
func (s *Server) channelProductsList(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	s.renderProducts(w, r, ch, http.StatusOK, views.ProductForm{InStock: true}, views.ProductImportView{})
}

// renderProducts renders the products tab with a form's input and errors
// and a refused import's problems.
func (s *Server) renderProducts(w http.ResponseWriter, r *http.Request, ch store.Channel, status int, f views.ProductForm, imp views.ProductImportView) {
	ctx := r.Context()
	st, err := s.db.StoreSettingsOf(ctx, ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ps, total, err := s.db.ListProducts(ctx, ch.ID, productListLimit)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := views.ProductsView{Header: storeHeader(ch), Total: total, Currency: st.Currency, Form: f, Import: imp}
	for _, p := range ps {
		v.Products = append(v.Products, views.ProductRow{ID: p.ID, RetailerID: p.RetailerID, Name: p.Name,
			Price: commerce.Format(p.Price1000, p.Currency), ImageURL: p.ImageURL, InStock: p.InStock})
	}
	s.render(w, r, status, views.StoreProductsPage(s.page(w, r, i18n.T(r.Context(), "titles.products", "Name", ch.Title), views.NavStore), v))
}

// productInput is the product form. The validator checks presence and
// lengths; commerce.CheckProduct the price, currency and image address.
type productInput struct {
	RetailerID string `form:"retailer_id" validate:"required,max=100"`
	Name       string `form:"name" validate:"required,max=200"`
	Price      string `form:"price" validate:"required,max=32"`
	Currency   string `form:"currency" validate:"omitempty,max=3"`
	ImageURL   string `form:"image_url" validate:"omitempty,max=2000"`
	InStock    bool   `form:"in_stock"`
}

func readProductForm(r *http.Request) productInput {
	return productInput{
		RetailerID: r.PostFormValue("retailer_id"), Name: r.PostFormValue("name"), Price: r.PostFormValue("price"),
		Currency: r.PostFormValue("currency"), ImageURL: r.PostFormValue("image_url"), InStock: r.PostFormValue("in_stock") == "1",
	}
}

// checkProductForm validates the product form and returns the record to
// store, or the form to show again with its errors.
func (s *Server) checkProductForm(ctx context.Context, in productInput, id int64, defaultCurrency string) (store.ProductRecord, views.ProductForm) {
	f := views.ProductForm{ID: id, RetailerID: in.RetailerID, Name: in.Name, Price: in.Price, Currency: in.Currency,
		ImageURL: in.ImageURL, InStock: in.InStock}
	f.Errors = s.check(ctx, in)
	stock := "0"
	if in.InStock {
		stock = "1"
	}
	rec, problems := commerce.CheckProduct(commerce.ProductInput{RetailerID: in.RetailerID, Name: in.Name, Price: in.Price,
		Currency: in.Currency, ImageURL: in.ImageURL, InStock: stock}, defaultCurrency)
	for field, problem := range problems {
		if !f.Errors.Has(field) {
			f.Errors[field] = problem
		}
	}
	return rec, f
}
