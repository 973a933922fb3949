package ingest

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"
)

// NormalizePhone returns a WhatsApp user's number in E.164 (+16505551234),
// however it was written ("16505551234", "+1 650-555-1234"), so that one
// person is one contact. A number that cannot be parsed keeps its digits.
func NormalizePhone(raw string) string {
	if v, ok := phoneCache.Load(raw); ok {
		return v.(string)
	}
	e164 := normalizePhone(raw)
	if phoneCacheSize.Add(1) <= maxPhoneCache {
		phoneCache.Store(raw, e164)
	}
	return e164
}

// Parsing is costly next to the rest of processing, and the same
// customers write again and again.
var (
	phoneCache     sync.Map
	phoneCacheSize atomic.Int64
)

const maxPhoneCache = 100_000

func normalizePhone(raw string) string {
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
