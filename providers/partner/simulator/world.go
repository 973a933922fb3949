package simulator

import wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"

// The demo's partner number and how the partner is reached.
const (
	DemoToken         = "partnerSimulatorToken00000000001"
	DemoHeader        = "X-API-Key"
	DemoPrefix        = "/whatsapp"
	DemoPhoneNumberID = "110200000000401"
	DemoWABAID        = "104500000000044"
	DemoBusinessID    = "512300000000004"
)

// AddDemoNumber adds a business with one number, reached through a Cloud
// API–compatible partner, to the WhatsApp side's configuration, and
// returns the front's configuration for it (Sim and SimToken left to
// fill).
func AddDemoNumber(cfg *wa.Config) Config {
	cfg.Businesses = append(cfg.Businesses, wa.Business{ID: DemoBusinessID, Name: "Loja Verde", OwnedWABAs: []wa.WABA{{
		ID: DemoWABAID, Name: "Loja Verde", MessageTemplateNamespace: "44444444_part_4c3e_9a8f_partner00000",
		TimezoneID: "1", Currency: "BRL", Country: "BR", AccountReviewStatus: "APPROVED", BusinessVerificationStatus: "VERIFIED",
		OwnershipType: "SELF_OWNED",
		PhoneNumbers: []wa.PhoneNumber{{
			ID: DemoPhoneNumberID, DisplayPhoneNumber: "+55 21 5555-0401", VerifiedName: "Loja Verde",
			QualityRating: "GREEN", MessagingLimitTier: "TIER_1K", Status: "CONNECTED", CodeVerificationStatus: "VERIFIED",
			NameStatus: "APPROVED", AccountMode: "LIVE", CountryCode: "BR", CountryDialCode: "55",
			Profile: wa.BusinessProfile{About: "Plantas e vasos", Vertical: "RETAIL"},
		}},
		Templates: wa.DefaultTemplates("7004"),
	}}})
	return Config{Prefix: DemoPrefix, Header: DemoHeader, Token: DemoToken, PhoneNumberID: DemoPhoneNumberID, WABAID: DemoWABAID}
}
