package simulator

import (
	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
)

// The demo's Twilio account and WhatsApp sender.
const (
	DemoAccountSID    = "AC7a110000000000000000000000000501"
	DemoAuthToken     = "7a11d3a0a0717e40000000000000cafe"
	DemoSender        = "+14155550501"
	DemoPhoneNumberID = "110200000000501"
	DemoWABAID        = "104500000000055"
	DemoBusinessID    = "512300000000005"
)

// AddDemoNumber adds a business with one number, reached through a Twilio
// account, to the WhatsApp side's configuration, and returns it with its
// credentials.
func AddDemoNumber(cfg *wa.Config) Number {
	cfg.Businesses = append(cfg.Businesses, wa.Business{ID: DemoBusinessID, Name: "Golden Gate Bikes", OwnedWABAs: []wa.WABA{{
		ID: DemoWABAID, Name: "Golden Gate Bikes", MessageTemplateNamespace: "55555555_7a11_4c3e_9a8f_twilio000000",
		TimezoneID: "1", Currency: "USD", Country: "US", AccountReviewStatus: "APPROVED", BusinessVerificationStatus: "VERIFIED",
		OwnershipType: "SELF_OWNED",
		PhoneNumbers: []wa.PhoneNumber{{
			ID: DemoPhoneNumberID, DisplayPhoneNumber: "+1 415-555-0501", VerifiedName: "Golden Gate Bikes",
			QualityRating: "GREEN", MessagingLimitTier: "TIER_1K", Status: "CONNECTED", CodeVerificationStatus: "VERIFIED",
			NameStatus: "APPROVED", AccountMode: "LIVE", CountryCode: "US", CountryDialCode: "1",
			Profile: wa.BusinessProfile{About: "Bike rentals by the bay", Vertical: "OTHER"},
		}},
		Templates: wa.DefaultTemplates("7005"),
	}}})
	return Number{AccountSID: DemoAccountSID, AuthToken: DemoAuthToken, Sender: DemoSender,
		PhoneNumberID: DemoPhoneNumberID, WABAID: DemoWABAID, FriendlyName: "Golden Gate Bikes"}
}
