package i18n_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/wadesk/wadesk/i18n"
)

// TestPortugueseAndSpanishFormats: dates, clock times, relative times and
// plural counts read as a Brazilian and a Spanish-speaking reader write
// them (24-hour clocks, day before month, CLDR's plural categories).
func TestPortugueseAndSpanishFormats(t *testing.T) {
	day := time.Date(2026, 12, 7, 15, 4, 0, 0, time.UTC)
	pt := i18n.WithLocale(context.Background(), i18n.Locale{Tag: language.MustParse("pt-BR")})
	es := i18n.WithLocale(context.Background(), i18n.Locale{Tag: language.Spanish})
	for _, tc := range []struct {
		name      string
		got, want string
	}{
		{"pt date", i18n.Date(pt, day), "7 de dez. de 2026"},
		{"pt time", i18n.Time(pt, day), "15:04"},
		{"pt datetime", i18n.DateTime(pt, day), "7 de dez. de 2026, 15:04"},
		{"pt 5 min ago", i18n.Ago(pt, day.Add(-5*time.Minute), day), "há 5 min"},
		{"pt yesterday", i18n.Ago(pt, day.Add(-30*time.Hour), day), "ontem"},
		{"pt 3 days ago", i18n.Ago(pt, day.Add(-3*24*time.Hour), day), "há 3 dias"},
		{"pt money", i18n.Money(pt, 1234.56, "BRL", 2), "R$\u00a01.234,56"},
		{"es date", i18n.Date(es, day), "7 dic 2026"},
		{"es time", i18n.Time(es, day), "15:04"},
		{"es 1 h ago", i18n.Ago(es, day.Add(-time.Hour), day), "hace 1 h"},
		{"es yesterday", i18n.Ago(es, day.Add(-25*time.Hour), day), "ayer"},
		{"es money", i18n.Money(es, 1234.56, "EUR", 2), "1.234,56\u00a0€"},
		// Portuguese's "one" is 0 and 1; Spanish's is 1 only; both put
		// "de" before the noun of a round million ("many").
		{"pt 0", i18n.T(pt, "agent.labels.usage_conversations", "Count", 0), "0 conversa"},
		{"pt 1", i18n.T(pt, "agent.labels.usage_conversations", "Count", 1), "1 conversa"},
		{"pt 2", i18n.T(pt, "agent.labels.usage_conversations", "Count", 2), "2 conversas"},
		{"pt 1000000", i18n.T(pt, "agent.labels.usage_conversations", "Count", 1000000), "1.000.000 de conversas"},
		{"pt 1000001", i18n.T(pt, "agent.labels.usage_conversations", "Count", 1000001), "1.000.001 conversas"},
		{"es 0", i18n.T(es, "agent.labels.usage_conversations", "Count", 0), "0 conversaciones"},
		{"es 1", i18n.T(es, "agent.labels.usage_conversations", "Count", 1), "1 conversación"},
		{"es 1000000", i18n.T(es, "agent.labels.usage_conversations", "Count", 1000000), "1.000.000 de conversaciones"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
