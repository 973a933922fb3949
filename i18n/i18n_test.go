package i18n_test

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/text/language"

	"github.com/wadesk/wadesk/i18n"
)

// TestCatalogIsConsistent fails when a language lacks a message English
// has, has one English does not, or words a message with other
// placeholders than English: each would show English, a raw id or an
// empty value to a reader of that language.
func TestCatalogIsConsistent(t *testing.T) {
	c := i18n.Default()
	english := c.IDs(i18n.Source)
	if len(english) == 0 {
		t.Fatal("no English messages")
	}
	for _, lang := range c.Languages() {
		if lang == i18n.Source {
			continue
		}
		have := make(map[string]bool)
		for _, id := range c.IDs(lang) {
			have[id] = true
		}
		for _, id := range english {
			if !have[id] {
				t.Errorf("%s: message %q is missing", lang, id)
				continue
			}
			want := placeholders(c, i18n.Source, id)
			got := placeholders(c, lang, id)
			if strings.HasPrefix(id, "format.") {
				// Date and time patterns are the one place a language
				// legitimately picks other parts than English (a 24-hour
				// clock has no AM/PM): any part the formatter passes will do.
				for _, name := range strings.Fields(strings.Trim(got, "[]")) {
					if !formatParts[name] {
						t.Errorf("%s: message %q uses {{.%s}}, which the formatter does not pass", lang, id, name)
					}
				}
			} else if got != want {
				t.Errorf("%s: message %q has placeholders %s, English has %s", lang, id, got, want)
			}
			delete(have, id)
		}
		for id := range have {
			t.Errorf("%s: message %q is not in English (renamed or removed there?)", lang, id)
		}
	}
}

// formatParts are the values i18n's date and time formatters pass to the
// format.* messages (format.go).
var formatParts = map[string]bool{"Day": true, "Month": true, "Year": true, "H12": true, "H24": true, "Min": true, "AMPM": true, "Date": true, "Time": true}

var placeholderRE = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// placeholders lists the distinct placeholder names of every form of a
// message. "Count" is left out: a language may word its singular without
// the number ("yesterday", Arabic's dual).
func placeholders(c *i18n.Catalog, t language.Tag, id string) string {
	m := c.Message(t, id)
	if m == nil {
		return "(none)"
	}
	set := make(map[string]bool)
	for _, form := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		for _, sub := range placeholderRE.FindAllStringSubmatch(form, -1) {
			if sub[1] != "Count" {
				set[sub[1]] = true
			}
		}
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return "[" + strings.Join(names, " ") + "]"
}

func TestTranslatesWithPlaceholdersAndPlurals(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/t.en.json": {Data: []byte(`{"t": {"hello": "Hello, {{.Name}}", "unread": {"one": "{{.Count}} unread conversation", "other": "{{.Count}} unread conversations"}}}`)},
		"locales/t.ar.json": {Data: []byte(`{"t": {"hello": "مرحبًا {{.Name}}", "unread": {"zero": "لا محادثات غير مقروءة", "one": "محادثة واحدة غير مقروءة", "two": "محادثتان غير مقروءتين", "few": "{{.Count}} محادثات غير مقروءة", "many": "{{.Count}} محادثة غير مقروءة", "other": "{{.Count}} محادثة غير مقروءة"}}}`)},
	}
	c, err := i18n.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Languages(); len(got) != 2 || got[0] != language.English {
		t.Fatalf("languages = %v, want English first, then Arabic", got)
	}
	ar := c.Match("ar-EG,ar;q=0.9,en;q=0.5")
	if ar.Tag != language.Arabic {
		t.Fatalf("Accept-Language ar-EG matched %v", ar.Tag)
	}
	// Arabic's six plural categories: 0 zero, 1 one, 2 two, 3–10 few,
	// 11–99 many, 100 other.
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "لا محادثات"}, {1, "محادثة واحدة"}, {2, "محادثتان"}, {3, "3 محادثات"}, {11, "11 محادثة"}, {100, "100 محادثة"},
	} {
		if got := c.Localize(ar, "t.unread", "Count", tc.n); !strings.HasPrefix(got, tc.want) {
			t.Errorf("ar, %d: %q, want it to start with %q", tc.n, got, tc.want)
		}
	}
	arabicDigits := i18n.Locale{Tag: language.Arabic, ArabicDigits: true}
	if got := c.Localize(arabicDigits, "t.unread", "Count", 11); !strings.HasPrefix(got, "١١ ") {
		t.Errorf("ar with Arabic-Indic digits, 11: %q", got)
	}
	en := c.Match("")
	if got := c.Localize(en, "t.unread", "Count", 1234); got != "1,234 unread conversations" {
		t.Errorf("en, 1234: %q", got)
	}
	if got := c.Localize(en, "t.hello", "Name", "Ana"); got != "Hello, Ana" {
		t.Errorf("en hello: %q", got)
	}
	// A message missing in Arabic falls back to English; a missing id
	// shows as itself.
	if got := c.Localize(ar, "t.nope"); got != "t.nope" {
		t.Errorf("missing id: %q", got)
	}
	pseudo := c.Match("en-XA")
	if got := c.Localize(pseudo, "t.hello", "Name", "Ana"); !strings.HasPrefix(got, i18n.PseudoOpen+"Ĥé") || !strings.Contains(got, "Ana") || !strings.HasSuffix(got, i18n.PseudoClose) {
		t.Errorf("pseudo hello: %q", got)
	}
	if c.Match("fr-FR,fr").Tag != language.English {
		t.Error("an unsupported language should fall back to English")
	}
	if c.Match("ar", "xx-nope", "en").Tag != language.English {
		t.Error("a saved preference should win over Accept-Language")
	}
}

func TestRejectsBrokenFiles(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no English":    {"locales/a.ar.json": {Data: []byte(`{"a": "b"}`)}},
		"bad JSON":      {"locales/a.en.json": {Data: []byte(`{"a": `)}},
		"defined twice": {"locales/a.en.json": {Data: []byte(`{"a": {"b": "x"}}`)}, "locales/b.en.json": {Data: []byte(`{"a": {"b": "y"}}`)}},
	} {
		if _, err := i18n.Load(fsys); err == nil {
			t.Errorf("%s: loaded without an error", name)
		}
	}
}

func TestFormats(t *testing.T) {
	day := time.Date(2026, 12, 7, 15, 4, 0, 0, time.UTC)
	for _, tc := range []struct {
		locale              i18n.Locale
		money, number, date string
	}{
		{i18n.English, "R$1,234.56", "1,234.5", "Dec 7, 2026"},
		{i18n.Locale{Tag: language.MustParse("pt-BR")}, "R$\u00a01.234,56", "1.234,5", ""},
		{i18n.Locale{Tag: language.Spanish}, "1.234,56\u00a0R$", "1.234,5", ""},
		{i18n.Locale{Tag: language.Arabic}, "1,234.56\u00a0R$\u200e", "1,234.5", ""},
		{i18n.Locale{Tag: language.Arabic, ArabicDigits: true}, "١٬٢٣٤٫٥٦\u00a0R$\u200e", "١٬٢٣٤٫٥", ""},
	} {
		ctx := i18n.WithLocale(context.Background(), tc.locale)
		if got := i18n.Money(ctx, 1234.56, "BRL", 2); got != tc.money {
			t.Errorf("%v money = %q, want %q", tc.locale, got, tc.money)
		}
		if got := i18n.Number(ctx, 1234.5, 1); got != tc.number {
			t.Errorf("%v number = %q, want %q", tc.locale, got, tc.number)
		}
		if tc.date != "" {
			if got := i18n.Date(ctx, day); got != tc.date {
				t.Errorf("%v date = %q, want %q", tc.locale, got, tc.date)
			}
		}
	}
	ctx := context.Background()
	if got := i18n.Money(ctx, 1234, "IDR", 0); got != "Rp1,234" {
		t.Errorf("IDR in English: %q", got)
	}
	if got := i18n.Time(ctx, day); got != "3:04 PM" {
		t.Errorf("time = %q", got)
	}
	if got := i18n.Ago(ctx, day.Add(-5*time.Minute), day); got != "5 min ago" {
		t.Errorf("ago = %q", got)
	}
	if got := i18n.LanguageName(ctx, "pt_BR"); got != "Brazilian Portuguese" && got != "Portuguese (Brazil)" {
		t.Errorf("pt_BR named %q", got)
	}
	if i18n.Dir(i18n.WithLocale(ctx, i18n.Locale{Tag: language.Arabic})) != "rtl" || i18n.Dir(ctx) != "ltr" {
		t.Error("direction")
	}
}
