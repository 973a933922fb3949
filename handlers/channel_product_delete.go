package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// channelProductDelete removes a product from a channel's list. Orders
// that name it keep their lines.
func (s *Server) channelProductDelete(w http.ResponseWriter, r *http.Request) {
	ch, p, ok := s.loadProduct(w, r)
	if !ok {
		return
	}
	err := s.db.DeleteProduct(r.Context(), ch.ID, p.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("product deleted", "channel_id", ch.ID, "product_id", p.ID, "by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, "Product "+p.Name+" deleted.")
	redirect(w, r, storePath(ch.ID)+"/products")
}
