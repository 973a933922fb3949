package i18n

import (
	"context"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/number"
)

// Locale is the reader's language and how numbers are written for them.
type Locale struct {
	Tag language.Tag
	// ArabicDigits writes numbers with Arabic-Indic digits (٠١٢…); only
	// meaningful for Arabic, whose readers choose either.
	ArabicDigits bool
}

// English is the locale used when nothing else is known.
var English = Locale{Tag: Source}

type ctxKey struct{}

// WithLocale returns ctx carrying l.
func WithLocale(ctx context.Context, l Locale) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// FromContext returns the Locale of ctx, English when none was set.
func FromContext(ctx context.Context) Locale {
	if ctx != nil {
		if l, ok := ctx.Value(ctxKey{}).(Locale); ok {
			return l
		}
	}
	return English
}

// Lang is the BCP 47 tag of ctx's language, for <html lang>.
func Lang(ctx context.Context) string { return FromContext(ctx).Tag.String() }

// Dir is "rtl" for languages written right to left, else "ltr".
func Dir(ctx context.Context) string { return DirOf(FromContext(ctx).Tag) }

// DirOf is Dir for a tag.
func DirOf(t language.Tag) string {
	base, _ := t.Base()
	switch base.String() {
	case "ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb":
		return "rtl"
	}
	return "ltr"
}

// Match picks the locale for a reader: the first of the given preferences
// (a user's saved choice, then the console's default) that names a
// language the catalog has, else the best match for the browser's
// Accept-Language header, else English. The pseudo-locale is chosen only
// when asked for by name.
func (c *Catalog) Match(acceptLanguage string, preferences ...string) Locale {
	for _, p := range preferences {
		if l, ok := c.Supported(p); ok {
			return l
		}
	}
	if strings.Contains(acceptLanguage, Pseudo.String()) {
		return Locale{Tag: Pseudo}
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, conf := language.NewMatcher(c.langs).Match(tags...)
	if conf == language.No {
		return English
	}
	return Locale{Tag: c.langs[i]}
}

// Supported returns the locale named by s ("pt-BR", "ar", "ar-u-nu-arab"
// for Arabic with Arabic-Indic digits, "en-XA") when the catalog has that
// language.
func (c *Catalog) Supported(s string) (Locale, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Locale{}, false
	}
	t, err := language.Parse(s)
	if err != nil {
		return Locale{}, false
	}
	digits := false
	if nu := t.TypeForKey("nu"); nu == "arab" {
		digits = true
	}
	if t, err = t.SetTypeForKey("nu", ""); err != nil {
		return Locale{}, false
	}
	if t == Pseudo {
		return Locale{Tag: Pseudo}, true
	}
	for _, have := range c.langs {
		if have == t {
			return Locale{Tag: have, ArabicDigits: digits}, true
		}
	}
	return Locale{}, false
}

// Name is a language's name in that language ("Português (Brasil)"), for
// language menus.
func Name(t language.Tag) string {
	if n, ok := names[t.String()]; ok {
		return n
	}
	return t.String()
}

// Offered are the locales a language menu lists, English first: each
// language of the catalog, and Arabic twice, with Western digits (123)
// and with Arabic-Indic digits (١٢٣), since its readers write either.
func (c *Catalog) Offered() []Locale {
	var out []Locale
	for _, t := range c.langs {
		out = append(out, Locale{Tag: t})
		if base, _ := t.Base(); base.String() == "ar" {
			out = append(out, Locale{Tag: t, ArabicDigits: true})
		}
	}
	return out
}

// Name is the locale's name in its own language, for menus; for Arabic
// it shows the digits the choice writes numbers with.
func (l Locale) Name() string {
	if base, _ := l.Tag.Base(); base.String() == "ar" {
		digits := "123"
		if l.ArabicDigits {
			digits = Locale{Tag: l.Tag, ArabicDigits: true}.printer().Sprint(number.Decimal(123, number.NoSeparator()))
		}
		return Name(l.Tag) + " (" + digits + ")"
	}
	return Name(l.Tag)
}

// names are the languages' own names (endonyms), as a reader of each
// would look for their language in a menu.
var names = map[string]string{
	"en":    "English",
	"pt-BR": "Português (Brasil)",
	"es":    "Español",
	"id":    "Bahasa Indonesia",
	"ar":    "العربية",
	"en-XA": "Pseudo (en-XA)",
}

// String is the tag as stored in a user's preference ("ar-u-nu-arab" when
// Arabic-Indic digits were chosen).
func (l Locale) String() string {
	if l.ArabicDigits {
		return l.Tag.String() + "-u-nu-arab"
	}
	return l.Tag.String()
}
