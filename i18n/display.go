package i18n

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// displayName names t in the reader's language with CLDR's data; the code
// itself when CLDR has no name.
func displayName(reader, t language.Tag, code string) string {
	n := display.Tags(reader).Name(t)
	if n == "" {
		return code
	}
	return n
}
