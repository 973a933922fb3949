package twilio

import (
	"log/slog"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/providers"
)

// ProviderConfig is what the program sets for Twilio.
type ProviderConfig struct {
	// BaseURL of the REST API (default DefaultBaseURL).
	BaseURL string
	// ContentBaseURL of the Content API (see Config.ContentBaseURL).
	ContentBaseURL string
	Logger         *slog.Logger
}

// Connect builds a client from a channel's credentials: the Auth Token is
// the channel's app secret, an API key's secret its token.
func (cfg ProviderConfig) Connect(c providers.Credentials) (providers.Client, error) {
	client, err := New(Config{BaseURL: cfg.BaseURL, ContentBaseURL: cfg.ContentBaseURL, AccountSID: c.Setting(FieldAccountSID, ""), AuthToken: c.AppSecret,
		APIKeySID: c.Setting(FieldAPIKeySID, ""), APIKeySecret: c.Token, Sender: c.Setting(FieldSender, ""), Logger: cfg.Logger})
	if err != nil {
		return nil, err // never a nil *Client inside the interface
	}
	return client, nil
}

// Provider describes Twilio for the registry.
func Provider(cfg ProviderConfig) providers.Provider {
	d, _ := providers.Describe(providers.Twilio)
	d.Capabilities = capabilities()
	return providers.Provider{
		Description: d,
		Setup:       providers.SetupTestConnection,
		SetupHelp: "open the Twilio Console: the Account SID and Auth Token are on the account dashboard (Account info), " +
			"and the WhatsApp sender is under Messaging → Senders → WhatsApp senders. wadesk checks them with Twilio when you press Test connection.",
		WebhookHelp: "Twilio has no API to point a WhatsApp sender at wadesk: in the Twilio Console open Messaging → Senders → WhatsApp senders → this sender, " +
			"and paste this URL into both \"Webhook URL for incoming messages\" and \"Status callback URL\", method HTTP POST. " +
			"Twilio signs every delivery with your Auth Token (X-Twilio-Signature); wadesk refuses anything else.",
		ManualWebhook:      true,
		SignedWebhooks:     true,
		WebhookContentType: "application/x-www-form-urlencoded",
		Fields: []providers.CredentialField{
			{Name: FieldAccountSID, Label: "Account SID", Required: true, Autocomplete: "off",
				Help: "Twilio Console → Account dashboard → Account info. It starts with AC.",
				Check: func(v string) string {
					if !accountSIDPattern.MatchString(v) {
						return "An Account SID is AC followed by 32 letters and digits. Copy it again from the Twilio Console."
					}
					return ""
				}},
			{Name: providers.FieldAppSecret, Label: "Auth Token", Secret: true, Required: true, Autocomplete: "off",
				Help: "Twilio Console → Account dashboard → Account info → Auth Token (Show). Twilio signs its webhooks with it.",
				Check: func(v string) string {
					if len(v) != 32 || strings.Trim(strings.ToLower(v), "0123456789abcdef") != "" {
						return "An Auth Token is 32 letters and digits. Copy it again from the Twilio Console."
					}
					return ""
				}},
			{Name: FieldSender, Label: "WhatsApp sender", Required: true, Autocomplete: "off",
				Help: "The WhatsApp number registered at Twilio, in international format, such as +14155238886 (Messaging → Senders → WhatsApp senders).",
				Check: func(v string) string {
					if _, err := NormalizeSender(v); err != nil {
						return "Enter " + err.Error()[len("the "):] + "."
					}
					return ""
				}},
			{Name: FieldAPIKeySID, Label: "API key SID (optional)", Autocomplete: "off",
				Help: "Only to send with an API key instead of the Auth Token: Twilio Console → Account → API keys & tokens. It starts with SK.",
				Check: func(v string) string {
					if !apiKeySIDPattern.MatchString(v) {
						return "An API key SID is SK followed by 32 letters and digits. Copy it again from the Twilio Console."
					}
					return ""
				}},
			{Name: providers.FieldToken, Label: "API key secret (optional)", Secret: true, Autocomplete: "off",
				Help: "The secret shown once when the API key was created. Leave both API key fields empty to use the Auth Token."},
		},
		CheckFields: func(v map[string]string) map[string]string {
			if (v[FieldAPIKeySID] == "") != (v[providers.FieldToken] == "") {
				if v[FieldAPIKeySID] == "" {
					return map[string]string{FieldAPIKeySID: "Enter the API key SID that belongs to this secret, or clear the secret to use the Auth Token."}
				}
				return map[string]string{providers.FieldToken: "Enter the API key's secret, or clear the API key SID to use the Auth Token."}
			}
			return nil
		},
		Authenticate: Authenticate,
		Parse:        Parse,
		ParseMessage: ParseMessage,
		Connect:      cfg.Connect,
		Explain:      explain,
	}
}

// explain words Twilio's refusals for the wizard, with Twilio's code.
func explain(e *providers.Error, _ string) (field, message string, ok bool) {
	switch e.Kind {
	case providers.ErrorKindAuth:
		return providers.FieldAppSecret, "Twilio refused these credentials" + codeNote(e) + ". Check the Account SID and Auth Token " +
			"(or the API key SID and secret) in the Twilio Console; a token changed there must be pasted here again.", true
	case providers.ErrorKindNotFound:
		return FieldAccountSID, "Twilio does not know this Account SID, or these credentials cannot see it" + codeNote(e) + ".", true
	case providers.ErrorKindAccountRestricted:
		return "", "This Twilio account is suspended or closed. Reactivate it in the Twilio Console first.", true
	}
	return "", "", false
}

// codeNote names Twilio's error code, or the HTTP status without one.
func codeNote(e *providers.Error) string {
	switch {
	case e.Code != 0:
		return " (Twilio error " + strconv.Itoa(e.Code) + ")"
	case e.HTTPStatus != 0:
		return " (HTTP " + strconv.Itoa(e.HTTPStatus) + ")"
	}
	return ""
}
