package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/window"
)

// productOfferLimit bounds the products the product message form offers.
const productOfferLimit = 300

// productSections is how many sections a product list may have.
const productSections = 10

// inboxProductsForm answers the product message form of a conversation.
func (s *Server) inboxProductsForm(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	v, _, err := s.productMessageView(r.Context(), c, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ThreadProducts(v))
}

// productMessageView offers the channel's products in stock, or says why
// products cannot be sent now. It also returns the store settings.
func (s *Server) productMessageView(ctx context.Context, c store.Conversation, now time.Time) (views.ProductMessageView, store.StoreSettings, error) {
	v := views.ProductMessageView{ConversationID: c.ID, Sections: make([]string, productSections)}
	st, err := s.db.StoreSettingsOf(ctx, c.ChannelID)
	if err != nil {
		return v, st, err
	}
	ps, err := s.db.InStockProducts(ctx, c.ChannelID, productOfferLimit)
	if err != nil {
		return v, st, err
	}
	for _, p := range ps {
		v.Products = append(v.Products, views.ProductOption{RetailerID: p.RetailerID, Label: p.Name + " · " + commerce.Format(p.Price1000, p.Currency)})
	}
	open, why := window.CanSendFreeForm(window.At(c.LastInboundAt, now))
	switch {
	case !open:
		v.Unavailable = i18n.T(ctx, "states.products.window_closed", "Why", why)
	case st.CatalogID == "":
		v.Unavailable = i18n.T(ctx, "states.products.no_catalog")
	case len(v.Products) == 0:
		v.Unavailable = i18n.T(ctx, "states.products.none_in_stock")
	}
	return v, st, nil
}
