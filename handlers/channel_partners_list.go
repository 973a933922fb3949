package handlers

import (
	"context"
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

// partnerLabel names a kind of partner for the reader.
func partnerLabel(ctx context.Context, k commerce.PartnerKind) string {
	if !k.Valid() {
		return string(k)
	}
	return i18n.T(ctx, "commerce_words.partner."+string(k)+".label")
}

// partnerHint explains a kind of partner on the form.
func partnerHint(ctx context.Context, k commerce.PartnerKind) string {
	return i18n.T(ctx, "commerce_words.partner."+string(k)+".hint")
}

// renderPartners renders the partners tab with the add form's input.
func (s *Server) renderPartners(w http.ResponseWriter, r *http.Request, ch store.Channel, status int, f views.PartnerForm) {
	ps, err := s.db.ListPaymentPartners(r.Context(), ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, k := range commerce.PartnerKinds {
		f.Kinds = append(f.Kinds, views.PartnerKindOption{Value: string(k), Label: partnerLabel(r.Context(), k), Hint: partnerHint(r.Context(), k), Checked: f.Kind == string(k)})
	}
	v := views.PartnersView{Header: storeHeader(ch), Form: f}
	sample := commerce.LinkOrder{ID: 1042, Amount1000: 12500, Currency: "USD", Phone: "+16505551234"}
	for _, p := range ps {
		row := views.PartnerRow{ID: p.ID, KindLabel: partnerLabel(r.Context(), commerce.PartnerKind(p.Kind)), Name: p.Name, URL: p.URL, IsDefault: p.IsDefault}
		if link, err := commerce.BuildLink(commerce.Partner{Kind: commerce.PartnerKind(p.Kind), URL: p.URL}, sample); err == nil {
			row.Example = link
		}
		v.Partners = append(v.Partners, row)
	}
	s.render(w, r, status, views.StorePartnersPage(s.page(w, r, i18n.T(r.Context(), "titles.payment_partners", "Name", ch.Title), views.NavStore), v))
}
