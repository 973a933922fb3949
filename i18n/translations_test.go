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
