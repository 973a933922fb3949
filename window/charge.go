package window

import (
	"fmt"
	"strings"
)

// Message categories as WhatsApp names them in pricing. Template categories
// are compared without regard to case, since Meta spells them in capitals
// (MARKETING) in templates and in small letters in status webhooks.
const (
	CategoryMarketing      = "marketing"
	CategoryUtility        = "utility"
	CategoryAuthentication = "authentication"
	// CategoryService is a free-form message (not a template).
	CategoryService = "service"
)

// Charge tells whether WhatsApp charges one delivered message of category
// under per-message pricing (in force since 1 July 2025), given whether the
// customer service window is open, with a note in plain words. An empty
// category is a free-form message. An unknown category is assumed charged,
// so the inbox never promises a free message that is not.
func Charge(category string, inWindow bool) (charged bool, note string) {
	c := strings.ToLower(strings.TrimSpace(category))
	switch c {
	case CategoryMarketing, "marketing_lite":
		return true, "Marketing templates are charged for each delivered message."
	case CategoryAuthentication, "authentication_international":
		return true, "Authentication templates are charged for each delivered message."
	case CategoryUtility:
		if inWindow {
			return false, "Utility templates are free while the 24-hour window is open."
		}
		return true, "Utility templates are charged for each delivered message outside the 24-hour window."
	case CategoryService, "":
		if inWindow {
			return false, "Replies inside the 24-hour window are free."
		}
		return false, "Free-form messages cannot be sent outside the 24-hour window, so there is nothing to charge. Send an approved template instead."
	}
	return true, fmt.Sprintf("WhatsApp's pricing for the category %q is not known here; assume the message is charged.", category)
}

// ChargeIn is Charge for a message sent in state s: inside a free entry point
// window from a click-to-WhatsApp ad every message that may be sent is free.
func ChargeIn(category string, s State) (charged bool, note string) {
	c := strings.ToLower(strings.TrimSpace(category))
	freeForm := c == CategoryService || c == ""
	if s.FreeEntryPoint && (s.Open || !freeForm) {
		return false, "Messages are free for 72 hours after a customer writes from a click-to-WhatsApp ad, if you answered within 24 hours."
	}
	return Charge(category, s.Open)
}
