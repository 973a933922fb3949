package handlers

import (
	"context"
	"sort"

	"golang.org/x/text/collate"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// templateLanguageName names a template's language code ("pt_BR") for
// the reader: WhatsApp's own English names for an English reader, CLDR's
// name in the reader's language otherwise ("português (Brasil)").
func templateLanguageName(ctx context.Context, code string) string {
	l := i18n.FromContext(ctx)
	if l.Tag == i18n.Source || !templates.KnownLanguage(code) {
		return templates.LanguageName(code)
	}
	return i18n.LanguageName(ctx, code)
}

// templateLanguages lists WhatsApp's template languages named and sorted
// for the reader, skipping those skip reports true for.
func templateLanguages(ctx context.Context, selected string, skip func(code string) bool) []views.LanguageOption {
	var out []views.LanguageOption
	for _, l := range templates.Languages() {
		if skip != nil && skip(l.Code) {
			continue
		}
		out = append(out, views.LanguageOption{Code: l.Code, Name: templateLanguageName(ctx, l.Code), Selected: l.Code == selected})
	}
	c := collate.New(i18n.FromContext(ctx).Tag)
	sort.SliceStable(out, func(i, j int) bool { return c.CompareString(out[i].Name, out[j].Name) < 0 })
	return out
}
