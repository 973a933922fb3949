package simulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
)

// The demo's Vonage number and account.
const (
	DemoNumber          = "447700900301"
	DemoPhoneNumberID   = "110200000000601"
	DemoWABAID          = "104500000000067"
	DemoBusinessID      = "512300000000006"
	DemoAPIKey          = "a1b2c3d4"
	DemoAPISecret       = "VonageSimSecret01"
	DemoSignatureSecret = "vonageSimSignatureSecret0000001"
	DemoApplicationID   = "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab"
)

// AddDemoNumber adds a business with one number, reached through Vonage,
// to the WhatsApp side's configuration (with the demo's templates), and
// returns it with its credentials and the application's private key (PEM).
func AddDemoNumber(cfg *wa.Config) (Number, string, error) {
	cfg.Businesses = append(cfg.Businesses, wa.Business{ID: DemoBusinessID, Name: "Thames Bikes", OwnedWABAs: []wa.WABA{{
		ID: DemoWABAID, Name: "Thames Bikes", MessageTemplateNamespace: "55555555_vona_4c3e_9a8f_vonage000000",
		TimezoneID: "1", Currency: "GBP", Country: "GB", AccountReviewStatus: "APPROVED", BusinessVerificationStatus: "VERIFIED",
		OwnershipType: "SELF_OWNED",
		PhoneNumbers: []wa.PhoneNumber{{
			ID: DemoPhoneNumberID, DisplayPhoneNumber: "+44 7700 900301", VerifiedName: "Thames Bikes",
			QualityRating: "GREEN", MessagingLimitTier: "TIER_1K", Status: "CONNECTED", CodeVerificationStatus: "VERIFIED",
			NameStatus: "APPROVED", AccountMode: "LIVE", CountryCode: "GB", CountryDialCode: "44",
			Profile: wa.BusinessProfile{About: "Bike repairs by the river", Vertical: "AUTO"},
		}},
		Templates: wa.DefaultTemplates("7006"),
	}}})
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return Number{}, "", fmt.Errorf("vonage simulator: application key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Number{}, "", err
	}
	return Number{Number: DemoNumber, PhoneNumberID: DemoPhoneNumberID, WABAID: DemoWABAID, APIKey: DemoAPIKey,
		APISecret: DemoAPISecret, SignatureSecret: DemoSignatureSecret, ApplicationID: DemoApplicationID,
		PublicKey: &key.PublicKey}, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}
