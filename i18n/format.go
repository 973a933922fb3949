package i18n

import (
	"context"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// printer returns the x/text printer that writes numbers for l, with
// CLDR's separators and, for Arabic, the digits the reader chose.
func (l Locale) printer() *message.Printer {
	t := l.Tag
	if t == Pseudo {
		t = Source
	}
	if base, _ := t.Base(); base.String() == "ar" {
		nu := "latn"
		if l.ArabicDigits {
			nu = "arab"
		}
		if withNu, err := t.SetTypeForKey("nu", nu); err == nil {
			t = withNu
		}
	}
	return message.NewPrinter(t)
}

// Number writes v with frac decimals in ctx's locale: 1,234.5 (en),
// 1.234,5 (pt-BR), ١٬٢٣٤٫٥ (Arabic with Arabic-Indic digits).
func Number(ctx context.Context, v float64, frac int) string {
	return FromContext(ctx).printer().Sprint(number.Decimal(v, number.MinFractionDigits(frac), number.MaxFractionDigits(frac)))
}

// Int writes a whole number with the locale's grouping.
func Int(ctx context.Context, v int64) string {
	return FromContext(ctx).printer().Sprint(number.Decimal(v))
}

// Money writes an amount with its currency as readers of ctx's language
// expect: $1,234.56 (en), R$ 1.234,56 (pt-BR), 1.234,56 € (es),
// Rp1.234 (id), 1,234.56 US$ (ar). frac is the number of decimals to show
// (prices per message need four). An unknown currency code is written as
// the code.
func Money(ctx context.Context, v float64, currencyCode string, frac int) string {
	l := FromContext(ctx)
	p := l.printer()
	amount := p.Sprint(number.Decimal(v, number.MinFractionDigits(frac), number.MaxFractionDigits(frac)))
	symbol := strings.ToUpper(currencyCode)
	if u, err := currency.ParseISO(currencyCode); err == nil {
		symbol = p.Sprint(currency.Symbol(u))
		if symbol == u.String() {
			// CLDR has no symbol for this currency in this language
			// (IDR in English): its narrow symbol (Rp) reads better
			// than the code.
			symbol = p.Sprint(currency.NarrowSymbol(u))
		}
	}
	const nbsp = "\u00a0"
	base, _ := l.Tag.Base()
	switch base.String() {
	case "pt":
		return symbol + nbsp + amount
	case "ar":
		// A symbol of Latin letters ending in a sign (US$, R$) would be
		// split by the bidi algorithm in right-to-left text, the sign
		// drifting to the letters' left ("$US"): a left-to-right mark
		// keeps it with them.
		if strings.ContainsFunc(symbol, isLatinLetter) && !isLatinLetter(lastRune(symbol)) {
			symbol += "\u200e"
		}
		return amount + nbsp + symbol
	case "es":
		return amount + nbsp + symbol
	}
	return symbol + amount
}

// Date writes the day of t in the locale ("Dec 7, 2026", "7 de dez. de
// 2026"), in t's location (convert to the reader's timezone first).
func Date(ctx context.Context, t time.Time) string {
	return T(ctx, "format.date", "Day", Int(ctx, int64(t.Day())), "Month", monthName(ctx, t.Month()),
		"Year", yearString(ctx, t.Year()))
}

// Time writes the clock time of t ("3:04 PM", "15:04").
func Time(ctx context.Context, t time.Time) string {
	h12 := t.Hour() % 12
	if h12 == 0 {
		h12 = 12
	}
	ampm := T(ctx, "format.am")
	if t.Hour() >= 12 {
		ampm = T(ctx, "format.pm")
	}
	return T(ctx, "format.time", "H24", twoDigits(ctx, t.Hour()), "H12", Int(ctx, int64(h12)),
		"Min", twoDigits(ctx, t.Minute()), "AMPM", ampm)
}

// DateTime writes day and time of t.
func DateTime(ctx context.Context, t time.Time) string {
	return T(ctx, "format.datetime", "Date", Date(ctx, t), "Time", Time(ctx, t))
}

// Ago writes how long before now t was ("just now", "5 min ago",
// "3 h ago", "2 days ago"); older than a week, the date.
func Ago(ctx context.Context, t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return T(ctx, "format.ago.now")
	case d < time.Hour:
		return T(ctx, "format.ago.minutes", "Count", int(d/time.Minute))
	case d < 24*time.Hour:
		return T(ctx, "format.ago.hours", "Count", int(d/time.Hour))
	case d < 7*24*time.Hour:
		return T(ctx, "format.ago.days", "Count", int(d/(24*time.Hour)))
	}
	return Date(ctx, t)
}

func monthName(ctx context.Context, m time.Month) string {
	return T(ctx, "format.month."+strconv.Itoa(int(m)))
}

// yearString writes a year without grouping (2026, not 2,026).
func yearString(ctx context.Context, y int) string {
	return FromContext(ctx).printer().Sprint(number.Decimal(y, number.NoSeparator()))
}

// Year writes a year without grouping, in the reader's digits.
func Year(ctx context.Context, y int) string { return yearString(ctx, y) }

// TwoDigits writes v with at least two digits (hours, minutes: "07").
func TwoDigits(ctx context.Context, v int) string { return twoDigits(ctx, v) }

func twoDigits(ctx context.Context, v int) string {
	return FromContext(ctx).printer().Sprint(number.Decimal(v, number.MinIntegerDigits(2)))
}

// LanguageName is the name of a language (a template's language code such
// as "pt_BR" or "es_MX") in ctx's language: "Portuguese (Brazil)" for an
// English reader, "português (Brasil)" for a Brazilian one.
func LanguageName(ctx context.Context, code string) string {
	t, err := language.Parse(strings.ReplaceAll(code, "_", "-"))
	if err != nil {
		return code
	}
	reader := FromContext(ctx).Tag
	if reader == Pseudo {
		// CLDR's names are translated data: marked as such for the
		// pseudo-locale test.
		return PseudoOpen + displayName(Source, t, code) + PseudoClose
	}
	return displayName(reader, t, code)
}

// RegionName is the name of a country or region ("BR") in ctx's
// language, from CLDR: "Brazil", "Brasil", "البرازيل". ok is false when
// CLDR does not know the code.
func RegionName(ctx context.Context, code string) (name string, ok bool) {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code, false
	}
	reader := FromContext(ctx).Tag
	pseudo := reader == Pseudo
	if pseudo {
		reader = Source
	}
	n := display.Regions(reader).Name(r)
	if n == "" {
		return code, false
	}
	if pseudo {
		n = PseudoOpen + n + PseudoClose
	}
	return n, true
}

func isLatinLetter(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }

func lastRune(s string) rune {
	r := []rune(s)
	if len(r) == 0 {
		return 0
	}
	return r[len(r)-1]
}
