package maytapi

import (
	"log/slog"
	"strings"

	"github.com/wadesk/wadesk/providers"
)

// ProviderConfig is what the program sets for Maytapi.
type ProviderConfig struct {
	// BaseURL of the API, without the product id (default DefaultBaseURL).
	BaseURL string
	Logger  *slog.Logger
}

// UnofficialNotice is shown before an admin connects a Maytapi phone.
const UnofficialNotice = "Maytapi is not Meta's WhatsApp Business API. It drives an ordinary WhatsApp account on a phone you pair by scanning a QR code. " +
	"WhatsApp may ban numbers used this way. There are no message templates, no green tick, and the business profile cannot be edited from wadesk. " +
	"Maytapi allows about 6,000 outgoing messages a day; incoming messages are unlimited."

// Provider describes Maytapi for the registry.
func Provider(cfg ProviderConfig) providers.Provider {
	d, _ := providers.Describe(providers.Maytapi)
	d.Capabilities = Capabilities()
	return providers.Provider{
		Description: d,
		Setup:       providers.SetupFetchNumbers,
		SetupHelp:   UnofficialNotice + " Find the product id and API token in the Maytapi console under Settings → Token.",
		WebhookHelp: "wadesk sets your Maytapi account's webhook URL and asks for delivery acks when the channel is connected. Maytapi signs nothing: the URL carries this channel's secret, so keep it private and rotate it if it leaks.",
		Fields: []providers.CredentialField{
			{Name: FieldProductID, Label: "Product id", Required: true, Autocomplete: "off",
				Help: "Maytapi console → Settings → Token (shown as \"pid\" or Product ID).",
				Check: func(v string) string {
					if len(v) > 128 || strings.ContainsAny(v, "/?#% ") {
						return "This does not look like a Maytapi product id. Copy it again from Settings → Token."
					}
					return ""
				}},
			{Name: providers.FieldToken, Label: "API token", Secret: true, Required: true, Autocomplete: "off",
				Help: "Maytapi console → Settings → Token. It gives full access to your Maytapi account.",
				Check: func(v string) string {
					for _, r := range v {
						if r <= ' ' || r > '~' {
							return "The token contains spaces or characters a Maytapi token never has. Copy it again from Settings → Token."
						}
					}
					return ""
				}},
		},
		Authenticate: Authenticate,
		Parse:        Parse,
		ParseMessage: ParseMessage,
		Connect: func(c providers.Credentials) (providers.Client, error) {
			client, err := New(Config{BaseURL: cfg.BaseURL, ProductID: c.Setting(FieldProductID, ""), Token: c.Token, Logger: cfg.Logger})
			if err != nil {
				return nil, err
			}
			return client, nil
		},
		Explain:    explain,
		WebhookURL: WebhookURL,
	}
}

// explain words Maytapi's refusals for the wizard.
func explain(e *providers.Error, during string) (field, message string, ok bool) {
	switch e.Kind {
	case providers.ErrorKindAuth, providers.ErrorKindPermission:
		return providers.FieldToken, "Maytapi refused the API token. Check the product id and the token in the Maytapi console under Settings → Token.", true
	case providers.ErrorKindNotFound:
		return FieldProductID, "Maytapi does not know this product id. Copy it again from Settings → Token.", true
	}
	if during == "subscribe" {
		return "", "Maytapi did not accept the webhook URL: " + e.Plain(), true
	}
	return "", "", false
}
