package i18n

import (
	"fmt"
	"strings"
	"unicode/utf8"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Markers wrap every message in the pseudo-locale. A visible text node of
// a page rendered in en-XA that has letters outside a pair of markers did
// not come from the catalog.
const (
	PseudoOpen  = "⟦"
	PseudoClose = "⟧"
)

var accented = map[rune]rune{
	'a': 'á', 'b': 'ƀ', 'c': 'ç', 'd': 'ð', 'e': 'é', 'f': 'ƒ', 'g': 'ĝ', 'h': 'ĥ', 'i': 'î', 'j': 'ĵ',
	'k': 'ķ', 'l': 'ļ', 'm': 'ɱ', 'n': 'ñ', 'o': 'ö', 'p': 'þ', 'q': 'ǫ', 'r': 'ŕ', 's': 'š', 't': 'ţ',
	'u': 'û', 'v': 'ṽ', 'w': 'ŵ', 'x': 'ẋ', 'y': 'ý', 'z': 'ž',
	'A': 'Å', 'B': 'Ɓ', 'C': 'Ç', 'D': 'Ð', 'E': 'É', 'F': 'Ƒ', 'G': 'Ĝ', 'H': 'Ĥ', 'I': 'Î', 'J': 'Ĵ',
	'K': 'Ķ', 'L': 'Ļ', 'M': 'Ṁ', 'N': 'Ñ', 'O': 'Ö', 'P': 'Þ', 'Q': 'Ǫ', 'R': 'Ŕ', 'S': 'Š', 'T': 'Ţ',
	'U': 'Û', 'V': 'Ṽ', 'W': 'Ŵ', 'X': 'Ẋ', 'Y': 'Ý', 'Z': 'Ž',
}

// Pseudolocalize turns an English message into its en-XA form: letters
// accented, text lengthened by about a third (translations are longer
// than English; layouts must cope), wrapped in markers. Placeholders
// ({{.Name}}) are kept as they are.
func Pseudolocalize(s string) string {
	var b strings.Builder
	b.WriteString(PseudoOpen)
	letters := 0
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "{{") {
			end := strings.Index(s[i:], "}}")
			if end >= 0 {
				b.WriteString(s[i : i+end+2])
				i += end + 2
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if a, ok := accented[r]; ok {
			b.WriteRune(a)
			letters++
			// Every third letter that is a vowel is doubled: ~+30 %.
			if letters%3 == 0 && strings.ContainsRune("aeiouAEIOU", r) {
				b.WriteRune(a)
			}
			continue
		}
		b.WriteRune(r)
	}
	if letters > 0 {
		// Pad short texts too, so a button sized to its English word
		// shows it breaks.
		b.WriteString(strings.Repeat("·", 1+letters/4))
	}
	b.WriteString(PseudoClose)
	return b.String()
}

// addPseudo derives en-XA from every English message.
func (c *Catalog) addPseudo() error {
	var msgs []*goi18n.Message
	for _, m := range c.messages(Source) {
		p := *m
		p.Zero = pseudoOrEmpty(m.Zero)
		p.One = pseudoOrEmpty(m.One)
		p.Two = pseudoOrEmpty(m.Two)
		p.Few = pseudoOrEmpty(m.Few)
		p.Many = pseudoOrEmpty(m.Many)
		p.Other = pseudoOrEmpty(m.Other)
		msgs = append(msgs, &p)
	}
	if err := c.bundle.AddMessages(Pseudo, msgs...); err != nil {
		return fmt.Errorf("i18n: pseudo-locale: %w", err)
	}
	return nil
}

func pseudoOrEmpty(s string) string {
	if s == "" {
		return ""
	}
	return Pseudolocalize(s)
}
