package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// channelProductCreate adds a product to a channel's list.
func (s *Server) channelProductCreate(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	st, err := s.db.StoreSettingsOf(ctx, ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rec, f := s.checkProductForm(r.Context(), readProductForm(r), 0, st.Currency)
	if len(f.Errors) == 0 {
		p, err := s.db.CreateProduct(ctx, ch.ID, rec)
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["retailer_id"] = "Another product of this number already has this retailer ID."
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			s.log.Info("product added", "channel_id", ch.ID, "product_id", p.ID, "by", currentUser(ctx).ID)
			s.flashSuccess(w, r, "Product "+p.Name+" added.")
			redirect(w, r, storePath(ch.ID)+"/products")
			return
		}
	}
	s.renderProducts(w, r, ch, http.StatusUnprocessableEntity, f, views.ProductImportView{})
}
