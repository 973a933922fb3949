package vonage

import (
	"log/slog"
	"strings"

	"github.com/wadesk/wadesk/providers"
)

// Setting names of a Vonage channel (non-secret fields). The application
// ID is kept in providers.FieldAppID; the private key or API secret in
// providers.FieldToken; the signature secret in providers.FieldAppSecret.
const (
	SettingAPIKey = "api_key"
	SettingNumber = "whatsapp_number"
	SettingWABAID = "waba_id"
)

// ProviderConfig is what the program sets for Vonage.
type ProviderConfig struct {
	// BaseURL of the API (default DefaultBaseURL).
	BaseURL string
	Logger  *slog.Logger
}

// isPEM reports whether a credential is a private key rather than an API secret.
func isPEM(s string) bool { return strings.Contains(s, "-----BEGIN ") }

// Provider describes Vonage for the registry.
func Provider(cfg ProviderConfig) providers.Provider {
	d, _ := providers.Describe(providers.Vonage)
	d.Capabilities = Capabilities()
	return providers.Provider{
		Description:   d,
		Setup:         providers.SetupTestConnection,
		ManualWebhook: true,
		SetupHelp: "open the Vonage API Dashboard → Applications, pick the application your WhatsApp number is linked to. " +
			"wadesk checks the credentials with Vonage when you press Test connection.",
		WebhookHelp: "In the Vonage API Dashboard → Applications → your application → Messages, paste this URL as both the Inbound URL and the Status URL (method POST). " +
			"Vonage signs every webhook with your account's signature secret; wadesk refuses any delivery whose signature does not match.",
		Fields: []providers.CredentialField{
			{Name: providers.FieldAppID, Label: "Application ID", Autocomplete: "off",
				Help: "Vonage API Dashboard → Applications → your application's ID. Needed with a private key."},
			{Name: providers.FieldToken, Label: "Private key or API secret", Secret: true, Required: true, Autocomplete: "off",
				Help: "Paste the whole private.key file of the application (from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----), or, without an application key, the API secret from the Dashboard's home page.",
				Check: func(v string) string {
					if isPEM(v) {
						if _, err := ParsePrivateKey(v); err != nil {
							return "The private key could not be read: " + err.Error() + "."
						}
					}
					return ""
				}},
			{Name: SettingAPIKey, Label: "API key", Autocomplete: "off",
				Help: "Vonage API Dashboard home page → API key (8 characters). Needed with an API secret; it also names the account whose signature secret signs the webhooks."},
			{Name: providers.FieldAppSecret, Label: "Signature secret", Secret: true, Required: true, Autocomplete: "off",
				Help: "Vonage API Dashboard → Settings → Signature secret. Vonage signs every inbound and status webhook with it."},
			{Name: SettingNumber, Label: "WhatsApp number", Required: true, Autocomplete: "off",
				Help: "The business's WhatsApp number linked to the application, with country code, such as +44 7700 900000.",
				Check: func(v string) string {
					if NormalizeNumber(v) == "" {
						return "Enter the number with its country code, such as +44 7700 900000."
					}
					return ""
				}},
			{Name: SettingWABAID, Label: "WhatsApp Business Account ID", Required: true, Autocomplete: "off",
				Help: "Vonage API Dashboard → External accounts → WhatsApp → the account's ID. wadesk reads the templates with it.",
				Check: func(v string) string {
					for _, r := range v {
						if r < '0' || r > '9' {
							return "The WhatsApp Business Account ID is a number, such as 106499765517625."
						}
					}
					return ""
				}},
		},
		CheckFields: func(values map[string]string) map[string]string {
			tok := values[providers.FieldToken]
			if tok == "" {
				return nil
			}
			if isPEM(tok) && strings.TrimSpace(values[providers.FieldAppID]) == "" {
				return map[string]string{providers.FieldAppID: "Enter the application ID that goes with the private key."}
			}
			if !isPEM(tok) && strings.TrimSpace(values[SettingAPIKey]) == "" {
				return map[string]string{SettingAPIKey: "Enter the API key that goes with the API secret."}
			}
			return nil
		},
		Authenticate: Authenticate,
		Parse:        Parse,
		ParseMessage: ParseMessage,
		Connect: func(c providers.Credentials) (providers.Client, error) {
			client, err := New(ClientConfig(cfg, c))
			if err != nil {
				return nil, err // never a nil *Client inside the interface
			}
			return client, nil
		},
		Explain: Explain,
	}
}

// ClientConfig is the client configuration for a channel's credentials.
func ClientConfig(cfg ProviderConfig, c providers.Credentials) Config {
	cc := Config{BaseURL: cfg.BaseURL, Logger: cfg.Logger, Number: c.Setting(SettingNumber, ""),
		WABAID: c.Setting(SettingWABAID, ""), APIKey: c.Setting(SettingAPIKey, "")}
	if isPEM(c.Token) {
		cc.ApplicationID, cc.PrivateKey = c.AppID, c.Token
	} else {
		cc.APISecret = c.Token
	}
	return cc
}
