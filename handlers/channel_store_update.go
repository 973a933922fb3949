package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

type storeSettingsInput struct {
	CatalogID       string `form:"catalog_id" validate:"omitempty,max=30,numeric"`
	Currency        string `form:"currency" validate:"omitempty,len=3,alpha"`
	PaymentTemplate string `form:"payment_template" validate:"max=600"`
}

// channelStoreUpdate saves a channel's catalog and cart settings. The
// provider is asked to change the cart and catalog switches only when the
// admin changed them; if it refuses, nothing is saved and the form keeps
// what was entered.
func (s *Server) channelStoreUpdate(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	in := storeSettingsInput{
		CatalogID:       strings.TrimSpace(r.PostFormValue("catalog_id")),
		Currency:        commerce.NormalizeCurrency(r.PostFormValue("currency")),
		PaymentTemplate: r.PostFormValue("payment_template"),
	}
	f := views.StoreSettingsForm{Header: storeHeader(ch), CatalogID: in.CatalogID, Currency: in.Currency, PaymentTemplate: in.PaymentTemplate,
		CommerceKnown: r.PostFormValue("commerce_known") == "1",
		CartEnabled:   r.PostFormValue("cart_enabled") == "1", CatalogVisible: r.PostFormValue("catalog_visible") == "1",
		WasCart: r.PostFormValue("was_cart") == "1", WasCatalog: r.PostFormValue("was_catalog") == "1"}
	if !f.CommerceKnown {
		f.CommerceProblem = "the provider did not answer when the page was opened. Reload the page to try again."
	}
	errs := s.check(r.Context(), in)
	if errs.Has("catalog_id") {
		errs["catalog_id"] = "A catalog ID is a number of up to 30 digits, like 194800000000001."
	}
	if in.Currency != "" && !errs.Has("currency") {
		if problem := commerce.CheckCurrency(in.Currency); problem != "" {
			errs["currency"] = problem
		}
	} else if errs.Has("currency") {
		errs["currency"] = "Use a three-letter ISO 4217 code, like USD, EUR, BRL or INR."
	}
	name, lang := "", ""
	if in.PaymentTemplate != "" && !errs.Has("payment_template") {
		var problem string
		name, lang, problem = s.checkPaymentTemplate(ctx, ch.ID, in.PaymentTemplate)
		if problem != "" {
			errs["payment_template"] = problem
		}
	}
	if len(errs) == 0 && f.CommerceKnown && (f.CartEnabled != f.WasCart || f.CatalogVisible != f.WasCatalog) {
		if err := s.updateCommerceSettings(ctx, ch, providers.CommerceSettings{CartEnabled: f.CartEnabled, CatalogVisible: f.CatalogVisible}); err != nil {
			s.log.Warn("commerce settings refused", "channel_id", ch.ID, "err", err)
			errs[""] = "The provider did not accept the cart and catalog switches, so nothing was saved: " + templates.Explain(err)
		}
	}
	if len(errs) == 0 {
		err := s.db.SaveStoreSettings(ctx, store.StoreSettings{ChannelID: ch.ID, CatalogID: in.CatalogID, Currency: in.Currency,
			PaymentTemplateName: name, PaymentTemplateLanguage: lang})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.audit(r, auditStoreSettings, "channel", ch.ID, ch.Title, nil)
		s.log.Info("store settings saved", "channel_id", ch.ID, "by", currentUser(ctx).ID)
		s.flashSuccess(w, r, i18n.T(r.Context(), "flash.channel_store_update.store_settings_saved"))
		redirect(w, r, storePath(ch.ID))
		return
	}
	f.Errors = errs
	if err := s.fillPaymentTemplates(ctx, ch.ID, &f); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, views.StoreSettingsPage(s.page(w, r, i18n.T(r.Context(), "titles.store_settings", "Name", ch.Title), views.NavStore), f))
}

func storePath(channelID int64) string { return "/channels/" + itoa(channelID) + "/store" }

func (s *Server) updateCommerceSettings(ctx context.Context, ch store.Channel, cs providers.CommerceSettings) error {
	ctx, cancel := context.WithTimeout(ctx, commerceTimeout)
	defer cancel()
	client, err := s.commerceClient(ctx, ch)
	if err != nil {
		return err
	}
	return client.UpdateCommerceSettings(ctx, ch.PhoneNumberID, cs)
}

// checkPaymentTemplate finds a chosen payment link template among the
// channel's approved ones and checks that it can carry links.
func (s *Server) checkPaymentTemplate(ctx context.Context, channelID int64, choice string) (name, lang, problem string) {
	pts, err := s.paymentTemplates(ctx, channelID)
	if err != nil {
		s.log.Error("payment templates", "channel_id", channelID, "err", err)
		return "", "", "The templates could not be read. Try again."
	}
	for _, pt := range pts {
		if templateChoice(pt.tpl.Name, pt.tpl.Language) != choice {
			continue
		}
		if !pt.fit.OK {
			return "", "", "This template cannot carry payment links: " + pt.fit.Problem
		}
		return pt.tpl.Name, pt.tpl.Language, ""
	}
	return "", "", "Choose one of this number's approved templates."
}
