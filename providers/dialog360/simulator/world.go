package simulator

import (
	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
)

// The demo's 360dialog number.
const (
	DemoAPIKey        = "d360SimulatorApiKey000000000001"
	DemoPhoneNumberID = "110200000000301"
	DemoWABAID        = "104500000000033"
	DemoBusinessID    = "512300000000003"
)

// AddDemoNumber adds a business with one number, reached through
// 360dialog, to the WhatsApp side's configuration (with the demo's
// templates), and returns it with its API key.
func AddDemoNumber(cfg *wa.Config) Number {
	cfg.Businesses = append(cfg.Businesses, wa.Business{ID: DemoBusinessID, Name: "Casa Azul Café", OwnedWABAs: []wa.WABA{{
		ID: DemoWABAID, Name: "Casa Azul Café", MessageTemplateNamespace: "33333333_360d_4c3e_9a8f_360dialog000",
		TimezoneID: "1", Currency: "EUR", Country: "PT", AccountReviewStatus: "APPROVED", BusinessVerificationStatus: "VERIFIED",
		OwnershipType: "SELF_OWNED",
		PhoneNumbers: []wa.PhoneNumber{{
			ID: DemoPhoneNumberID, DisplayPhoneNumber: "+351 21 555 0301", VerifiedName: "Casa Azul Café",
			QualityRating: "GREEN", MessagingLimitTier: "TIER_1K", Status: "CONNECTED", CodeVerificationStatus: "VERIFIED",
			NameStatus: "APPROVED", AccountMode: "LIVE", CountryCode: "PT", CountryDialCode: "351",
			Profile: wa.BusinessProfile{About: "Café and pastries in Lisbon", Vertical: "RESTAURANT"},
		}},
		Templates: wa.DefaultTemplates("7003"),
	}}})
	return Number{APIKey: DemoAPIKey, PhoneNumberID: DemoPhoneNumberID, WABAID: DemoWABAID}
}
