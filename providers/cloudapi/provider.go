package cloudapi

import (
	"log/slog"
	"net/url"
	"regexp"

	"github.com/wadesk/wadesk/providers"
)

// ProviderConfig is what the program sets for Meta's Cloud API.
type ProviderConfig struct {
	// BaseURL and Version of the Graph API (defaults DefaultBaseURL and
	// DefaultVersion); tests and the demo point BaseURL at the simulator.
	BaseURL string
	Version string
	Logger  *slog.Logger
}

var (
	metaTokenChars = regexp.MustCompile(`^[A-Za-z0-9_\-.|]+$`)
	hex32          = regexp.MustCompile(`^[0-9a-f]{32}$`)
	digits         = regexp.MustCompile(`^[0-9]+$`)
)

// Provider describes Meta's Cloud API for the registry.
func Provider(cfg ProviderConfig) providers.Provider {
	d, _ := providers.Describe(providers.MetaCloud)
	d.Capabilities = providers.CloudAPICapabilities()
	return providers.Provider{
		Description: d,
		Setup:       providers.SetupFetchNumbers,
		SetupHelp:   "create a system user in Meta Business Settings, give it your WhatsApp account and app, and generate a token with the whatsapp_business_management and whatsapp_business_messaging permissions.",
		WebhookHelp: "wadesk registered these with Meta when the channel was connected. If you configure the webhook yourself in the Meta app dashboard, use exactly these values.",
		Fields: []providers.CredentialField{
			{Name: providers.FieldToken, Label: "System user access token", Secret: true, Required: true, Autocomplete: "off",
				Help:  "Paste the system user access token from Meta Business Settings → System users.",
				Check: checkMetaToken},
			{Name: providers.FieldBusinessID, Label: "Business Manager ID", Required: true,
				Help: "Business Settings → Business info.",
				Check: func(v string) string {
					if !digits.MatchString(v) || len(v) < 5 || len(v) > 25 {
						return "A Business Manager ID is a number of 5 to 25 digits, such as 1234567890123456."
					}
					return ""
				}},
			{Name: providers.FieldAppSecret, Label: "App Secret", Secret: true, Required: true, Autocomplete: "off",
				Help: "Your Meta app → App settings → Basic. wadesk uses it to check that webhooks really come from Meta.",
				Check: func(v string) string {
					if !hex32.MatchString(v) {
						return "An App Secret is 32 characters of 0–9 and a–f. Copy it again from App settings → Basic."
					}
					return ""
				}},
			{Name: providers.FieldAppID, Label: "App ID (optional)",
				Help: "Only needed to change the profile picture. Your Meta app → App settings → Basic.",
				Check: func(v string) string {
					if !digits.MatchString(v) || len(v) < 5 || len(v) > 20 {
						return "A Meta App ID is 5 to 20 digits and nothing else, such as 908070605040302. Copy it from your Meta app → App settings → Basic, or leave it empty."
					}
					return ""
				}},
		},
		Handshake: func(q url.Values, c providers.Credentials) (string, bool) {
			return VerifyHandshake(q, c.WebhookSecret)
		},
		Authenticate: func(r providers.WebhookRequest, c providers.Credentials) error {
			if !VerifySignature(c.AppSecret, r.Body, r.Header.Get(SignatureHeader)) {
				return providers.ErrUnauthenticated
			}
			return nil
		},
		Parse:        ParseWebhook,
		ParseMessage: ParseMessage,
		Connect: func(c providers.Credentials) (providers.Client, error) {
			client, err := New(Config{BaseURL: cfg.BaseURL, Version: cfg.Version, Token: c.Token, Logger: cfg.Logger})
			if err != nil {
				return nil, err // never a nil *Client inside the interface
			}
			return client, nil
		},
	}
}

func checkMetaToken(v string) string {
	switch {
	case len(v) < 20 || len(v) > 2048:
		return "This does not look like a complete access token. Copy it again; it is usually over 100 characters long."
	case !metaTokenChars.MatchString(v):
		return "The token contains spaces or characters a Meta access token never has. Copy it again from Business Settings → System users."
	}
	return ""
}
