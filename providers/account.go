package providers

import "fmt"

// Ownership says how a business portfolio holds a WhatsApp Business Account.
type Ownership string

const (
	// OwnershipOwned: the portfolio owns the account.
	OwnershipOwned Ownership = "owned"
	// OwnershipClient: another business shared the account with the portfolio.
	OwnershipClient Ownership = "client"
)

// BusinessAccount is a WhatsApp Business Account (WABA) and its numbers.
type BusinessAccount struct {
	ID        string
	Name      string
	Ownership Ownership
	// Currency, TimezoneID and Country are filled when the provider returns them.
	Currency   string
	TimezoneID string
	Country    string
	// ReviewStatus is Meta's account review status (APPROVED, PENDING, REJECTED) when known.
	ReviewStatus             string
	MessageTemplateNamespace string
	PhoneNumbers             []PhoneNumber
}

// PhoneNumber is a business phone number as the provider reports it. The
// string fields carry the provider's values verbatim (Meta's enums).
type PhoneNumber struct {
	ID                 string
	BusinessAccountID  string
	DisplayPhoneNumber string
	VerifiedName       string
	// QualityRating: GREEN, YELLOW, RED, or NA/UNKNOWN for numbers without a rating yet.
	QualityRating string
	// MessagingLimitTier: TIER_50, TIER_250, TIER_1K (now 2,000), TIER_2K, TIER_10K,
	// TIER_100K, TIER_UNLIMITED.
	MessagingLimitTier string
	// PortfolioMessagingLimit is the business portfolio's messaging limit
	// (Meta's whatsapp_business_manager_messaging_limit, e.g. TIER_2K), which
	// replaced MessagingLimitTier; "" when the provider does not report it.
	PortfolioMessagingLimit string
	// Status: CONNECTED, LINKED, PENDING, DISCONNECTED, UNLINKED, FLAGGED,
	// RESTRICTED, RATE_LIMITED, BANNED, MIGRATED, DELETED, UNVERIFIED.
	Status string
	// CodeVerificationStatus: VERIFIED, NOT_VERIFIED, UNVERIFIED or EXPIRED.
	CodeVerificationStatus string
	// NameStatus is the display name review: APPROVED, AVAILABLE_WITHOUT_REVIEW,
	// PENDING_REVIEW, DECLINED, EXPIRED, NONE.
	NameStatus string
	// AccountMode is LIVE or SANDBOX (a Meta test number).
	AccountMode string
}

// PhoneLoggedOut is the number status of a phone driven by an unofficial
// provider (Maytapi) whose WhatsApp session has ended: it must be paired
// again.
const PhoneLoggedOut = "PHONE_LOGGED_OUT"

// Usable reports whether wadesk can send and receive messages with this number.
// reason is plain words for an admin: why the number cannot be used, or, when
// ok is true, a warning worth showing (empty when there is nothing to say).
func (p PhoneNumber) Usable() (ok bool, reason string) {
	switch p.Status {
	case "BANNED":
		return false, "WhatsApp has banned this number. WhatsApp Manager shows the reason and how to appeal."
	case "DELETED":
		return false, "This number was deleted from the WhatsApp Business Account."
	case PhoneLoggedOut:
		return false, "The phone's WhatsApp session has ended: it was logged out, or the phone unlinked the device. Pair it again by scanning the QR code with the phone."
	case "DISCONNECTED", "UNLINKED":
		return false, "This number is not connected to the WhatsApp Business Account any more. Reconnect it in WhatsApp Manager."
	case "MIGRATED":
		return false, "This number was moved to another account or platform, so it cannot be used here."
	case "PENDING":
		return false, "Setting up this number is not finished yet. Complete its registration in WhatsApp Manager."
	case "UNVERIFIED":
		return false, "This number has not been verified yet. Verify it with the code Meta sends by text or call."
	case "FLAGGED":
		return true, "Meta flagged this number for low quality. If quality does not improve within 7 days, Meta lowers its messaging limit."
	case "RESTRICTED":
		return true, "This number reached its messaging limit. It can still answer customers who write in, but cannot start new conversations until the limit resets."
	case "RATE_LIMITED":
		return true, "Meta is slowing down messages from this number for a while."
	}

	connected := p.Status == "CONNECTED" || p.Status == "LINKED" || isLimitTierStatus(p.Status)
	if !connected && p.Status != "" {
		return true, fmt.Sprintf("Meta reports status %q for this number, which wadesk does not know. Check the number in WhatsApp Manager.", p.Status)
	}
	if !connected && p.CodeVerificationStatus != "" && p.CodeVerificationStatus != "VERIFIED" {
		// Only numbers that passed code verification can be registered.
		return false, "This number has not passed code verification yet. Verify it with the code Meta sends by text or call."
	}

	var warn string
	switch {
	case p.AccountMode == "SANDBOX":
		warn = "This is a Meta test number: it can only message the test recipients added in your Meta app."
	case p.QualityRating == "RED":
		warn = "The quality rating of this number is low. Customers have been blocking or reporting its messages."
	}
	return true, warn
}

func isLimitTierStatus(s string) bool {
	switch s {
	case "MESSAGING_LIMIT_TIER_0", "MESSAGING_LIMIT_TIER_1", "MESSAGING_LIMIT_TIER_2",
		"MESSAGING_LIMIT_TIER_3", "MESSAGING_LIMIT_TIER_4":
		return true
	}
	return false
}

// MessagingLimit describes the number's messaging limit tier in plain words,
// or "" when the tier is unknown.
func (p PhoneNumber) MessagingLimit() string {
	return MessagingLimitText(p.MessagingLimitTier)
}

// MessagingLimitText describes a Meta messaging limit tier in plain words.
// Meta replaced the 1,000 tier with 2,000, so TIER_1K reads as 2,000.
func MessagingLimitText(tier string) string {
	const suffix = " customers per rolling 24 hours outside the customer service window"
	switch tier {
	case "TIER_50":
		return "50" + suffix
	case "TIER_250":
		return "250" + suffix
	case "TIER_1K", "TIER_2K":
		return "2,000" + suffix
	case "TIER_10K":
		return "10,000" + suffix
	case "TIER_100K":
		return "100,000" + suffix
	case "TIER_UNLIMITED":
		return "Unlimited"
	case "TIER_NOT_SET":
		return "Not set yet"
	}
	return ""
}

// SubscribedApp is an app that receives a WhatsApp Business Account's webhooks.
type SubscribedApp struct {
	ID                  string
	Name                string
	Link                string
	OverrideCallbackURL string
}

// CommerceSettings are a number's cart and catalog switches.
type CommerceSettings struct {
	ID             string
	CartEnabled    bool
	CatalogVisible bool
}
