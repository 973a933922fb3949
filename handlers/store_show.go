package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// storeShow lists every channel's store settings and counts the orders
// waiting for the business.
func (s *Server) storeShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	chans, err := s.db.ListChannels(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := commerce.SyncOrders(ctx, s.db); err != nil {
		s.serverError(w, r, err)
		return
	}
	settings, err := s.db.ListStoreSettings(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	products, err := s.db.CountProducts(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	partners, err := s.db.DefaultPaymentPartners(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	counts, err := s.db.CountOrdersByStatus(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := views.StoreView{NewOrders: counts[store.OrderNew], LinkSent: counts[store.OrderLinkSent], Paid: counts[store.OrderPaid]}
	for _, c := range chans {
		st := settings[c.ID]
		row := views.StoreChannelRow{ID: c.ID, Title: c.Title, Number: c.DisplayPhoneNumber, CatalogID: st.CatalogID,
			Currency: st.Currency, Products: products[c.ID], DefaultPartner: partners[c.ID].Name}
		if st.PaymentTemplateName != "" {
			row.PaymentTemplate = st.PaymentTemplateName + " (" + st.PaymentTemplateLanguage + ")"
		}
		v.Channels = append(v.Channels, row)
	}
	s.render(w, r, http.StatusOK, views.StorePage(s.page(w, r, i18n.T(r.Context(), "titles.store"), views.NavStore), v))
}
