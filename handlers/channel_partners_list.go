package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// channelPartnersList shows a channel's payment partners and the form to
// add one.
func (s *Server) channelPartnersList(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	s.renderPartners(w, r, ch, http.StatusOK, views.PartnerForm{Kind: string(commerce.Stripe)})
}

// partnerHints explain each kind of partner on the form.
var partnerHints = map[commerce.PartnerKind]string{
	commerce.Stripe:   "A Stripe Payment Link (https://buy.stripe.com/…). wadesk adds the order number as client_reference_id, which Stripe shows with the payment.",
	commerce.Razorpay: "A Razorpay payment page or link (rzp.io, razorpay.me, pages.razorpay.com), sent as it is with the order's number and total in the message.",
	commerce.PayPal:   "Your PayPal.me name or address. The link asks for the order's total, like https://paypal.me/YourName/20.25USD.",
	commerce.Custom:   "Your own checkout address with placeholders, like https://shop.example.com/pay?order={order_id}&amount={amount}&currency={currency}.",
}

// renderPartners renders the partners tab with the add form's input.
func (s *Server) renderPartners(w http.ResponseWriter, r *http.Request, ch store.Channel, status int, f views.PartnerForm) {
	ps, err := s.db.ListPaymentPartners(r.Context(), ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, k := range commerce.PartnerKinds {
		f.Kinds = append(f.Kinds, views.PartnerKindOption{Value: string(k), Label: k.Label(), Hint: partnerHints[k], Checked: f.Kind == string(k)})
	}
	v := views.PartnersView{Header: storeHeader(ch), Form: f}
	sample := commerce.LinkOrder{ID: 1042, Amount1000: 12500, Currency: "USD", Phone: "+16505551234"}
	for _, p := range ps {
		row := views.PartnerRow{ID: p.ID, KindLabel: commerce.PartnerKind(p.Kind).Label(), Name: p.Name, URL: p.URL, IsDefault: p.IsDefault}
		if link, err := commerce.BuildLink(commerce.Partner{Kind: commerce.PartnerKind(p.Kind), URL: p.URL}, sample); err == nil {
			row.Example = link
		}
		v.Partners = append(v.Partners, row)
	}
	s.render(w, r, status, views.StorePartnersPage(s.page(w, r, i18n.T(r.Context(), "titles.payment_partners", "Name", ch.Title), views.NavStore), v))
}
