package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// channelProductUpdate saves a changed product.
func (s *Server) channelProductUpdate(w http.ResponseWriter, r *http.Request) {
	ch, p, ok := s.loadProduct(w, r)
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
	rec, f := s.checkProductForm(r.Context(), readProductForm(r), p.ID, st.Currency)
	if len(f.Errors) == 0 {
		err := s.db.UpdateProduct(ctx, ch.ID, p.ID, rec)
		switch {
		case errors.Is(err, store.ErrConflict):
			f.Errors["retailer_id"] = "Another product of this number already has this retailer ID."
		case errors.Is(err, store.ErrNotFound):
			s.notFound(w, r)
			return
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			s.log.Info("product changed", "channel_id", ch.ID, "product_id", p.ID, "by", currentUser(ctx).ID)
			s.flashSuccess(w, r, "Product "+rec.Name+" saved.")
			redirect(w, r, storePath(ch.ID)+"/products")
			return
		}
	}
	s.renderProductEdit(w, r, ch, http.StatusUnprocessableEntity, f)
}
