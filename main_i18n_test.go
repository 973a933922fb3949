package main

import (
	"log/slog"
	"testing"

	"github.com/wadesk/wadesk/i18n"
)

// TestEveryProviderTextIsInTheCatalog: providers describe themselves in
// English; the console shows the catalog's provider_text messages in the
// reader's language. Each English text a registered provider declares
// must be in the catalog, word for word, or a changed text would show in
// English to every reader.
func TestEveryProviderTextIsInTheCatalog(t *testing.T) {
	reg := registry(serveConfig{}, slog.Default())
	checked := 0
	check := func(id, english string) {
		t.Helper()
		if english == "" {
			return
		}
		checked++
		msg := "provider_text." + id
		if !i18n.Has(msg) {
			t.Errorf("%s is not in the catalog (i18n/locales/provider_text.en.json): %q", msg, english)
			return
		}
		if got := i18n.In(i18n.Source, msg); got != english {
			t.Errorf("%s reads %q in the catalog, but the provider says %q", msg, got, english)
		}
	}
	for _, d := range reg.Catalog() {
		id := string(d.ID)
		check(id+".name", d.Name)
		check(id+".monthly_fee", d.MonthlyFee)
		check(id+".pricing", d.MessagingPricing)
		check(id+".limit", d.MessagingLimit)
		check(id+".summary", d.Summary)
		p, ok := reg.Lookup(d.ID)
		if !ok {
			continue
		}
		check(id+".setup_help", p.SetupHelp)
		check(id+".webhook_help", p.WebhookHelp)
		check(id+".connect_label", p.ConnectLabel)
		for _, f := range p.Fields {
			check(id+".field."+f.Name+".label", f.Label)
			check(id+".field."+f.Name+".help", f.Help)
			for _, o := range f.Options {
				check(id+".field."+f.Name+".option."+o.Value, o.Label)
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d provider texts checked; is the registry empty?", checked)
	}
}
