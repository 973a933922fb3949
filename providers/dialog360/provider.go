package dialog360

import (
	"log/slog"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
)

// ProviderConfig is what the program sets for 360dialog.
type ProviderConfig struct {
	// BaseURL of the Messaging API (default DefaultBaseURL).
	BaseURL string
	Logger  *slog.Logger
}

// Provider describes 360dialog for the registry.
func Provider(cfg ProviderConfig) providers.Provider {
	d, _ := providers.Describe(providers.Dialog360)
	d.Capabilities = cloudapi.NumberBoundCapabilities()
	return providers.Provider{
		Description: d,
		Setup:       providers.SetupTestConnection,
		SetupHelp:   "open the 360dialog Client Hub, pick the number and generate its API key. wadesk reads the number behind the key when you press Test connection.",
		WebhookHelp: "wadesk sets this number's webhook URL at 360dialog when the channel is connected. 360dialog has no handshake: every delivery must carry the channel's webhook secret (sent by 360dialog as a header), and, when you set a signing secret, 360dialog's signature.",
		Fields: []providers.CredentialField{
			{Name: providers.FieldToken, Label: "360dialog API key", Secret: true, Required: true, Autocomplete: "off",
				Help: "360dialog Client Hub → your number → Generate API key. Each number has its own key.",
				Check: func(v string) string {
					if len(v) < 8 || len(v) > 512 {
						return "This does not look like a complete 360dialog API key. Copy it again from the Client Hub."
					}
					for _, r := range v {
						if r <= ' ' || r > '~' {
							return "The key contains spaces or characters a 360dialog API key never has. Copy it again from the Client Hub."
						}
					}
					return ""
				}},
			{Name: providers.FieldAppSecret, Label: "Webhook signing secret (optional)", Secret: true, Autocomplete: "off",
				Help: "Only if your 360dialog partner set a signing secret for this number (Partner Hub → Integration). wadesk then also checks the x-360dialog-signature header. Leave it empty otherwise."},
		},
		Authenticate: Authenticate,
		Parse:        cloudapi.ParseWebhook,
		ParseMessage: cloudapi.ParseMessage,
		Connect: func(c providers.Credentials) (providers.Client, error) {
			client, err := New(Config{BaseURL: cfg.BaseURL, APIKey: c.Token, Logger: cfg.Logger})
			if err != nil {
				return nil, err // never a nil *Client inside the interface
			}
			return client, nil
		},
		CheckWebhookURL: CheckWebhookURL,
		Explain:         explain,
	}
}

// explain words 360dialog's refusals for the wizard.
func explain(e *providers.Error, during string) (field, message string, ok bool) {
	switch e.Kind {
	case providers.ErrorKindAuth, providers.ErrorKindPermission:
		return providers.FieldToken, "360dialog refused the API key. Check that it is copied whole, or generate a new one in the 360dialog Client Hub.", true
	}
	if during == "subscribe" {
		return "", "360dialog did not accept the webhook URL: " + e.Plain(), true
	}
	return "", "", false
}
