package messagebird

import (
	"log/slog"
	"strings"
	"time"

	"github.com/wadesk/wadesk/providers"
)

// Setting names of the MessageBird credential step (stored as the
// channel's non-secret settings).
const (
	SettingChannelID = "channel_id"
	SettingNumber    = "number"
	SettingNamespace = "template_namespace"
)

// ProviderConfig is what the program sets for MessageBird.
type ProviderConfig struct {
	// BaseURL of the Conversations API (default DefaultBaseURL).
	BaseURL string
	Logger  *slog.Logger
	// Now is the clock webhook signatures are checked against (default
	// time.Now).
	Now func() time.Time
}

// Provider describes MessageBird's Conversations API for the registry.
func Provider(cfg ProviderConfig) providers.Provider {
	d, _ := providers.Describe(providers.MessageBird)
	d.Capabilities = Capabilities()
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return providers.Provider{
		Description: d,
		Setup:       providers.SetupTestConnection,
		SetupHelp:   "sign in to the MessageBird dashboard. The access key and the signing key are under Developers → API access; the channel ID is on the WhatsApp channel's page under Channels. wadesk checks the key when you press Test connection and subscribes the channel's webhook when you finish.",
		WebhookHelp: "wadesk subscribes this channel's message events (message.created, message.updated) at MessageBird when the channel is connected. MessageBird signs every delivery with a MessageBird-Signature-JWT made with your signing key; deliveries without a valid signature for this exact address are refused and nothing is stored.",
		Fields: []providers.CredentialField{
			{Name: providers.FieldToken, Label: "MessageBird access key", Secret: true, Required: true, Autocomplete: "off",
				Help:  "MessageBird dashboard → Developers → API access. Use the live key; a test key cannot send WhatsApp messages.",
				Check: checkToken("access key")},
			{Name: SettingChannelID, Label: "WhatsApp channel ID", Required: true, Autocomplete: "off",
				Help:  "MessageBird dashboard → Channels → your WhatsApp channel: the 32-character channel ID.",
				Check: checkChannelID},
			{Name: providers.FieldAppSecret, Label: "Signing key", Secret: true, Required: true, Autocomplete: "off",
				Help:  "MessageBird dashboard → Developers → API access → Signing key. wadesk checks every webhook's signature with it.",
				Check: checkToken("signing key")},
			{Name: SettingNumber, Label: "WhatsApp number", Required: true, Autocomplete: "off",
				Help:  "The channel's WhatsApp number with country code, such as +31 6 1234 5678.",
				Check: checkNumber},
			{Name: SettingNamespace, Label: "Template namespace (optional)", Autocomplete: "off",
				Help: "Needed to send templates: WhatsApp Manager → your account's template namespace, as shown with the channel in MessageBird."},
		},
		Authenticate: func(r providers.WebhookRequest, c providers.Credentials) error {
			return Authenticate(r, c, now())
		},
		Parse: ParseWebhook,
		Connect: func(c providers.Credentials) (providers.Client, error) {
			client, err := New(Config{BaseURL: cfg.BaseURL, AccessKey: c.Token, ChannelID: c.Setting(SettingChannelID, ""),
				Number: c.Setting(SettingNumber, ""), Namespace: c.Setting(SettingNamespace, ""), Logger: cfg.Logger})
			if err != nil {
				return nil, err // never a nil *Client inside the interface
			}
			return client, nil
		},
		Explain: explain,
	}
}

// Authenticate checks a webhook's MessageBird-Signature-JWT against the
// channel's signing key, the full URL MessageBird called and the body.
func Authenticate(r providers.WebhookRequest, c providers.Credentials, now time.Time) error {
	if err := VerifySignature(c.AppSecret, r.Header.Get(SignatureHeader), r.URL, r.Body, now); err != nil {
		return providers.ErrUnauthenticated
	}
	return nil
}

// checkToken checks a pasted key for the characters keys never have.
func checkToken(what string) func(string) string {
	return func(v string) string {
		if len(v) < 8 || len(v) > 512 {
			return "This does not look like a complete MessageBird " + what + ". Copy it again from the dashboard."
		}
		for _, r := range v {
			if r <= ' ' || r > '~' {
				return "The " + what + " contains spaces or characters a MessageBird " + what + " never has. Copy it again from the dashboard."
			}
		}
		return ""
	}
}

// checkChannelID checks a channel ID: letters and digits only.
func checkChannelID(v string) string {
	if len(v) < 8 || len(v) > 64 {
		return "This does not look like a MessageBird channel ID (32 letters and digits). Copy it from the channel's page."
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return "A channel ID has only letters and digits. Copy it from the channel's page."
		}
	}
	return ""
}

// checkNumber checks a phone number with country code.
func checkNumber(v string) string {
	d := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", "+", "").Replace(v)
	if len(d) < 8 || len(d) > 15 {
		return "Enter the number with its country code, such as +31 6 1234 5678."
	}
	for _, r := range d {
		if r < '0' || r > '9' {
			return "Enter the number with its country code, such as +31 6 1234 5678."
		}
	}
	return ""
}

// explain words MessageBird's refusals for the wizard.
func explain(e *providers.Error, during string) (field, message string, ok bool) {
	switch e.Kind {
	case providers.ErrorKindAuth, providers.ErrorKindPermission:
		return providers.FieldToken, "MessageBird refused the access key. Check that it is the live key, copied whole, from Developers → API access.", true
	case providers.ErrorKindNotFound:
		if during == "subscribe" {
			return SettingChannelID, "MessageBird does not know this channel ID. Copy it again from the WhatsApp channel's page.", true
		}
	}
	if during == "subscribe" {
		return "", "MessageBird did not accept the webhook: " + e.Plain(), true
	}
	return "", "", false
}
