package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"
	"time"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// commerceTimeout bounds reading or changing a number's cart and catalog
// switches at the provider.
const commerceTimeout = 15 * time.Second

// channelStoreShow shows a channel's catalog and cart settings: the
// provider's cart and catalog switches, and the catalog ID, currency and
// payment link template wadesk keeps.
func (s *Server) channelStoreShow(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	st, err := s.db.StoreSettingsOf(ctx, ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := views.StoreSettingsForm{Header: storeHeader(ch), CatalogID: st.CatalogID, Currency: st.Currency,
		PaymentTemplate: templateChoice(st.PaymentTemplateName, st.PaymentTemplateLanguage)}
	cs, err := s.readCommerceSettings(ctx, ch)
	if err != nil {
		s.log.Warn("commerce settings not read", "channel_id", ch.ID, "err", err)
		f.CommerceProblem = templates.Explain(err)
	} else {
		f.CommerceKnown = true
		f.CartEnabled, f.CatalogVisible = cs.CartEnabled, cs.CatalogVisible
		f.WasCart, f.WasCatalog = cs.CartEnabled, cs.CatalogVisible
	}
	if err := s.fillPaymentTemplates(ctx, ch.ID, &f); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.StoreSettingsPage(s.page(w, r, i18n.T(r.Context(), "titles.store_settings", "Name", ch.Title), views.NavStore), f))
}

func storeHeader(ch store.Channel) views.StoreHeader {
	return views.StoreHeader{ChannelID: ch.ID, Title: ch.Title, Number: ch.DisplayPhoneNumber}
}

// commerceClient returns the provider adapter that reads and changes the
// channel's cart and catalog switches.
func (s *Server) commerceClient(ctx context.Context, ch store.Channel) (providers.CommerceManager, error) {
	return s.channelClient(ctx, ch)
}

func (s *Server) readCommerceSettings(ctx context.Context, ch store.Channel) (providers.CommerceSettings, error) {
	ctx, cancel := context.WithTimeout(ctx, commerceTimeout)
	defer cancel()
	client, err := s.commerceClient(ctx, ch)
	if err != nil {
		return providers.CommerceSettings{}, err
	}
	return client.GetCommerceSettings(ctx, ch.PhoneNumberID)
}

// templateChoice is a template's value in the payment template select.
func templateChoice(name, language string) string {
	if name == "" {
		return ""
	}
	return name + "|" + language
}

// paymentTemplate is an approved template of a channel and whether it can
// carry payment links.
type paymentTemplate struct {
	tpl store.Template
	fit commerce.TemplateFit
}

// paymentTemplates lists the channel's approved templates by their choice
// value, with their fitness for payment links.
func (s *Server) paymentTemplates(ctx context.Context, channelID int64) ([]paymentTemplate, error) {
	ts, err := s.db.ListTemplates(ctx, store.TemplateFilter{ChannelID: channelID, Status: templates.StatusApproved})
	if err != nil {
		return nil, err
	}
	out := make([]paymentTemplate, 0, len(ts))
	for _, t := range ts {
		out = append(out, paymentTemplate{tpl: t, fit: commerce.PaymentTemplateFit(t.Category, t.ComponentsJSON)})
	}
	return out, nil
}

// fillPaymentTemplates offers the channel's approved templates; the chosen
// one stays listed (and says why) when it is no longer usable.
func (s *Server) fillPaymentTemplates(ctx context.Context, channelID int64, f *views.StoreSettingsForm) error {
	pts, err := s.paymentTemplates(ctx, channelID)
	if err != nil {
		return err
	}
	chosenListed := f.PaymentTemplate == ""
	for _, pt := range pts {
		value := templateChoice(pt.tpl.Name, pt.tpl.Language)
		f.Templates = append(f.Templates, views.PaymentTemplateOption{Value: value, Label: pt.tpl.Name + " (" + pt.tpl.Language + ")",
			Selected: value == f.PaymentTemplate, Problem: pt.fit.Problem})
		chosenListed = chosenListed || value == f.PaymentTemplate
	}
	if !chosenListed {
		name, lang, _ := strings.Cut(f.PaymentTemplate, "|")
		f.Templates = append(f.Templates, views.PaymentTemplateOption{Value: f.PaymentTemplate, Label: name + " (" + lang + ")",
			Selected: true, Problem: "no longer approved on this number"})
	}
	return nil
}
