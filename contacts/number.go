// Package contacts holds the rules of the contact list that are not SQL:
// reading a phone number an agent typed or a file held, and planning a CSV
// import (which rows are invalid, which numbers appear twice, which are
// known already) before anything is written.
package contacts

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Problems with a number, as message ids of the "contacts" catalog area
// (the caller words them in the reader's language).
const (
	NumberMissing = "contacts.number.missing"
	NumberInvalid = "contacts.number.invalid"
)

// ParseNumber reads a phone number with its country code, however it is
// written ("+351 912 345 678", "00351912345678", "351912345678"), and
// returns it in E.164. WhatsApp addresses every user internationally, so
// a number without a country code is not guessed at: problem is then a
// message id (NumberMissing, NumberInvalid).
func ParseNumber(raw string) (e164, problem string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", NumberMissing
	}
	switch {
	case strings.HasPrefix(s, "+"):
	case strings.HasPrefix(s, "00"):
		s = "+" + s[2:]
	default:
		s = "+" + s
	}
	num, err := phonenumbers.Parse(s, "")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", NumberInvalid
	}
	return phonenumbers.Format(num, phonenumbers.E164), ""
}
