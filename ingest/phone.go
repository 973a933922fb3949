package ingest

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// NormalizePhone returns a WhatsApp user's number in E.164 (+16505551234),
// however it was written ("16505551234", "+1 650-555-1234"), so that one
// person is one contact. A number that cannot be parsed keeps its digits.
func NormalizePhone(raw string) string {
	var digits strings.Builder
	for _, r := range raw {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	d := digits.String()
	if d == "" {
		return strings.TrimSpace(raw)
	}
	if num, err := phonenumbers.Parse("+"+d, ""); err == nil {
		return phonenumbers.Format(num, phonenumbers.E164)
	}
	return "+" + d
}
