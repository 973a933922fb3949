package i18n_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/wadesk/wadesk/i18n"
)

// The shipped catalog, not a made-up one: Arabic's six plural forms as a
// reader sees them on the Labels page ("3 conversations" carrying a
// label) and in relative times, with Western and Arabic-Indic digits.
func TestArabicPluralsInTheCatalog(t *testing.T) {
	c := i18n.Default()
	ar := i18n.Locale{Tag: language.Arabic}
	arDigits := i18n.Locale{Tag: language.Arabic, ArabicDigits: true}
	for _, tc := range []struct {
		n                int
		western, eastern string
	}{
		// CLDR: 0 zero, 1 one, 2 two, 3–10 few, 11–99 many, 100 other.
		{0, "لا محادثات", "لا محادثات"},
		{1, "محادثة واحدة", "محادثة واحدة"},
		{2, "محادثتان", "محادثتان"},
		{3, "3 محادثات", "٣ محادثات"},
		{11, "11 محادثة", "١١ محادثة"},
		{100, "100 محادثة", "١٠٠ محادثة"},
		{1000, "1,000 محادثة", "١٬٠٠٠ محادثة"},
	} {
		if got := c.Localize(ar, "agent.labels.usage_conversations", "Count", tc.n); got != tc.western {
			t.Errorf("ar, %d conversations: %q, want %q", tc.n, got, tc.western)
		}
		if got := c.Localize(arDigits, "agent.labels.usage_conversations", "Count", tc.n); got != tc.eastern {
			t.Errorf("ar with Arabic-Indic digits, %d conversations: %q, want %q", tc.n, got, tc.eastern)
		}
	}
	now := time.Date(2026, 12, 7, 15, 4, 0, 0, time.UTC)
	ctx := i18n.WithLocale(context.Background(), ar)
	for _, tc := range []struct {
		ago  time.Duration
		want string
	}{
		{30 * time.Second, "الآن"},
		{time.Minute, "منذ دقيقة"},
		{2 * time.Minute, "منذ دقيقتين"},
		{3 * time.Minute, "منذ 3 دقائق"},
		{11 * time.Minute, "منذ 11 دقيقة"},
		{2 * time.Hour, "منذ ساعتين"},
		{5 * time.Hour, "منذ 5 ساعات"},
		{24 * time.Hour, "أمس"},
		{3 * 24 * time.Hour, "منذ 3 أيام"},
	} {
		if got := i18n.Ago(ctx, now.Add(-tc.ago), now); got != tc.want {
			t.Errorf("ar, %v ago: %q, want %q", tc.ago, got, tc.want)
		}
	}
}

// Every Arabic message counted by "Count" has all six CLDR forms, each
// in words (none left as an English copy), and the forms that show a
// number (3 and up) show it.
func TestArabicHasEveryPluralForm(t *testing.T) {
	c := i18n.Default()
	plurals := 0
	for _, id := range c.IDs(i18n.Source) {
		en := c.Message(i18n.Source, id)
		if en == nil || en.One == "" {
			continue
		}
		plurals++
		m := c.Message(language.Arabic, id)
		if m == nil {
			t.Errorf("ar: %s is missing", id)
			continue
		}
		forms := map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other}
		for name, form := range forms {
			if strings.TrimSpace(form) == "" {
				t.Errorf("ar: %s has no %q form", id, name)
				continue
			}
			if form == en.Other || form == en.One {
				t.Errorf("ar: %s %q form is English: %q", id, name, form)
			}
		}
		if strings.Contains(en.Other, "{{.Count}}") {
			for _, name := range []string{"few", "many", "other"} {
				if !strings.Contains(forms[name], "{{.Count}}") {
					t.Errorf("ar: %s %q form does not show the number: %q", id, name, forms[name])
				}
			}
		}
	}
	if plurals < 20 {
		t.Fatalf("only %d plural messages in English: is the scan right?", plurals)
	}
}

// Money, numbers, dates and times as readers of Indonesian and Arabic
// write them (pt-BR and es money: TestFormats).
func TestFormatsIndonesianAndArabic(t *testing.T) {
	day := time.Date(2026, 12, 7, 15, 4, 0, 0, time.UTC)
	id := i18n.Locale{Tag: language.Indonesian}
	ar := i18n.Locale{Tag: language.Arabic}
	arDigits := i18n.Locale{Tag: language.Arabic, ArabicDigits: true}
	for _, tc := range []struct {
		name                                 string
		locale                               i18n.Locale
		idr, usd, number, date, clock, stamp string
	}{
		{"id", id, "Rp1.234", "US$1.234,56", "1.234,5", "7 Des 2026", "15.04", "7 Des 2026, 15.04"},
		{"ar", ar, "1,234\u00a0Rp", "1,234.56\u00a0US$\u200e", "1,234.5", "7 ديسمبر 2026", "3:04 م", "7 ديسمبر 2026، 3:04 م"},
		{"ar, Arabic-Indic digits", arDigits, "١٬٢٣٤\u00a0Rp", "١٬٢٣٤٫٥٦\u00a0US$\u200e", "١٬٢٣٤٫٥", "٧ ديسمبر ٢٠٢٦", "٣:٠٤ م", "٧ ديسمبر ٢٠٢٦، ٣:٠٤ م"},
	} {
		ctx := i18n.WithLocale(context.Background(), tc.locale)
		for _, check := range []struct{ what, got, want string }{
			{"IDR", i18n.Money(ctx, 1234, "IDR", 0), tc.idr},
			{"USD", i18n.Money(ctx, 1234.56, "USD", 2), tc.usd},
			{"number", i18n.Number(ctx, 1234.5, 1), tc.number},
			{"date", i18n.Date(ctx, day), tc.date},
			{"time", i18n.Time(ctx, day), tc.clock},
			{"date and time", i18n.DateTime(ctx, day), tc.stamp},
		} {
			if check.got != check.want {
				t.Errorf("%s %s = %q, want %q", tc.name, check.what, check.got, check.want)
			}
		}
	}
	ctx := i18n.WithLocale(context.Background(), id)
	if got := i18n.Ago(ctx, day.Add(-3*time.Hour), day); got != "3 jam lalu" {
		t.Errorf("id ago = %q", got)
	}
	if got := i18n.LanguageName(ctx, "pt_BR"); !strings.Contains(strings.ToLower(got), "portugis") {
		t.Errorf("pt_BR named %q for an Indonesian reader", got)
	}
	if got := i18n.LanguageName(i18n.WithLocale(context.Background(), ar), "es_MX"); !strings.Contains(got, "الإسبانية") {
		t.Errorf("es_MX named %q for an Arabic reader", got)
	}
}

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
