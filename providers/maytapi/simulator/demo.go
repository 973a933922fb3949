package simulator

import (
	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
)

// The demo's Maytapi account and phone.
const (
	DemoProductID     = "sim-product-1"
	DemoAPIKey        = "maytapiSimulatorToken0000000001"
	DemoPhoneID       = "40001"
	DemoPhoneNumberID = "110200000000701"
	DemoWABAID        = "104500000000077"
	DemoBusinessID    = "512300000000007"
	DemoNumber        = "34911550401"
)

// AddDemoPhone adds a business with one number, driven through Maytapi,
// to the WhatsApp side's configuration, and returns it as a Maytapi phone
// waiting to be paired.
func AddDemoPhone(cfg *wa.Config) Phone {
	cfg.Businesses = append(cfg.Businesses, wa.Business{ID: DemoBusinessID, Name: "Frutería Lola", OwnedWABAs: []wa.WABA{{
		ID: DemoWABAID, Name: "Frutería Lola", MessageTemplateNamespace: "44444444_mayt_4c3e_9a8f_maytapi00000",
		TimezoneID: "1", Currency: "EUR", Country: "ES", AccountReviewStatus: "APPROVED", BusinessVerificationStatus: "NOT_VERIFIED",
		OwnershipType: "SELF_OWNED",
		PhoneNumbers: []wa.PhoneNumber{{
			ID: DemoPhoneNumberID, DisplayPhoneNumber: "+34 911 55 04 01", VerifiedName: "Frutería Lola",
			QualityRating: "GREEN", MessagingLimitTier: "TIER_1K", Status: "CONNECTED", CodeVerificationStatus: "VERIFIED",
			NameStatus: "APPROVED", AccountMode: "LIVE", CountryCode: "ES", CountryDialCode: "34",
			Profile: wa.BusinessProfile{About: "Fruit and vegetables", Vertical: "GROCERY"},
		}},
	}}})
	return Phone{ID: DemoPhoneID, PhoneNumberID: DemoPhoneNumberID, WABAID: DemoWABAID, Number: DemoNumber, Name: "Frutería Lola"}
}
