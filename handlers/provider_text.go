package handlers

import (
	"context"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/providers"
)

// Providers describe themselves in English (their cards, setup help,
// credential fields); the words shown come from the catalog's
// provider_text area, by provider ID and field. The main package's tests
// check that every English text a provider declares is in the catalog as
// it stands, so a changed text cannot go untranslated unnoticed.

// providerText is the reader's words for one text of a provider; the
// provider's own English when the catalog does not have it.
func providerText(ctx context.Context, id providers.ProviderID, key, english string) string {
	if english == "" {
		return ""
	}
	msg := "provider_text." + string(id) + "." + key
	if !i18n.Has(msg) {
		return english
	}
	return i18n.T(ctx, msg)
}

// localDescription is d with its card's words in the reader's language.
func localDescription(ctx context.Context, d providers.Description) providers.Description {
	d.Name = providerText(ctx, d.ID, "name", d.Name)
	d.MonthlyFee = providerText(ctx, d.ID, "monthly_fee", d.MonthlyFee)
	d.MessagingPricing = providerText(ctx, d.ID, "pricing", d.MessagingPricing)
	d.MessagingLimit = providerText(ctx, d.ID, "limit", d.MessagingLimit)
	d.Summary = providerText(ctx, d.ID, "summary", d.Summary)
	if d.Available {
		d.Availability = i18n.T(ctx, "words.provider.available")
	} else {
		d.Availability = i18n.T(ctx, "words.provider.not_available")
	}
	return d
}

// localProvider is p with every text an admin reads in the reader's
// language: the card, the setup and webhook help, the connect button and
// the credential fields' labels, help and choices.
func localProvider(ctx context.Context, p providers.Provider) providers.Provider {
	p.Description = localDescription(ctx, p.Description)
	p.SetupHelp = providerText(ctx, p.ID, "setup_help", p.SetupHelp)
	p.WebhookHelp = providerText(ctx, p.ID, "webhook_help", p.WebhookHelp)
	p.ConnectLabel = providerText(ctx, p.ID, "connect_label", p.ConnectLabel)
	fields := make([]providers.CredentialField, len(p.Fields))
	for i, f := range p.Fields {
		key := "field." + f.Name + "."
		f.Label = providerText(ctx, p.ID, key+"label", f.Label)
		f.Help = providerText(ctx, p.ID, key+"help", f.Help)
		opts := make([]providers.FieldOption, len(f.Options))
		for j, o := range f.Options {
			o.Label = providerText(ctx, p.ID, key+"option."+o.Value, o.Label)
			opts[j] = o
		}
		f.Options = opts
		fields[i] = f
	}
	p.Fields = fields
	return p
}

// providerName is a provider's name for the reader ("WhatsApp Cloud API
// (Meta)"); the ID itself for a provider wadesk does not know.
func providerName(ctx context.Context, id string) string {
	if d, ok := providers.Describe(providers.ProviderID(id)); ok {
		return providerText(ctx, d.ID, "name", d.Name)
	}
	return id
}
