package simulator

import (
	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
)

// The demo's MessageBird channel.
const (
	DemoAccessKey     = "live_mbSimulatorAccessKey00000001"
	DemoSigningKey    = "mbSimulatorSigningKey0000000000000000001"
	DemoChannelID     = "619747f69cf940a98fb443140ce9aed2"
	DemoPhoneNumberID = "110200000000801"
	DemoWABAID        = "104500000000081"
	DemoBusinessID    = "512300000000081"
	DemoNumber        = "+31 20 555 0401"
	DemoNamespace     = "44444444_mbrd_4c3e_9a8f_messagebird0"
)

// AddDemoNumber adds a business with one number, reached through
// MessageBird, to the WhatsApp side's configuration (with the demo's
// templates), and returns it as a MessageBird channel.
func AddDemoNumber(cfg *wa.Config) Channel {
	cfg.Businesses = append(cfg.Businesses, wa.Business{ID: DemoBusinessID, Name: "Tulip Bikes", OwnedWABAs: []wa.WABA{{
		ID: DemoWABAID, Name: "Tulip Bikes", MessageTemplateNamespace: DemoNamespace,
		TimezoneID: "1", Currency: "EUR", Country: "NL", AccountReviewStatus: "APPROVED", BusinessVerificationStatus: "VERIFIED",
		OwnershipType: "SELF_OWNED",
		PhoneNumbers: []wa.PhoneNumber{{
			ID: DemoPhoneNumberID, DisplayPhoneNumber: DemoNumber, VerifiedName: "Tulip Bikes",
			QualityRating: "GREEN", MessagingLimitTier: "TIER_1K", Status: "CONNECTED", CodeVerificationStatus: "VERIFIED",
			NameStatus: "APPROVED", AccountMode: "LIVE", CountryCode: "NL", CountryDialCode: "31",
			Profile: wa.BusinessProfile{About: "Bicycle repairs in Amsterdam", Vertical: "AUTO"},
		}},
		Templates: wa.DefaultTemplates("7081"),
	}}})
	return Channel{AccessKey: DemoAccessKey, SigningKey: DemoSigningKey, ChannelID: DemoChannelID,
		PhoneNumberID: DemoPhoneNumberID, WABAID: DemoWABAID, DisplayNumber: DemoNumber}
}
