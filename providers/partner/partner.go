// Package partner is wadesk's adapter for Cloud API–compatible partners:
// BSPs (such as Emma / RUM Work, or the "WhatsApp Business Chat API"
// channels that take an API URL and a token) that resell Meta's Cloud API
// at their own address, with their own token and header. Nothing public
// describes these partners, so the adapter is the Cloud API client with
// the partner's base URL (path prefix included), optional Graph version
// and token header; the webhook is pasted into the partner's dashboard.
package partner

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/url"
	"regexp"
	"strings"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
)

// Setting names (providers.Credentials.Settings).
const (
	SettingAPIURL        = "api_url"
	SettingTokenHeader   = "token_header"
	SettingGraphVersion  = "graph_version"
	SettingPhoneNumberID = "phone_number_id"
	SettingWABAID        = "waba_id"
	// TokenParam carries the channel's webhook secret in the webhook URL
	// when the partner does not forward Meta's signature.
	TokenParam = "token"
)

var (
	headerName = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
	version    = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)
	digitsOnly = regexp.MustCompile(`^[0-9]{5,25}$`)
)

// Client is the Cloud API client at the partner's address, reading the
// one number the channel names.
type Client struct {
	*cloudapi.Client
	phoneNumberID, wabaID string
}

var _ providers.Client = (*Client)(nil)

// New returns a client for a channel's (or wizard draft's) credentials.
func New(c providers.Credentials, logger *slog.Logger) (*Client, error) {
	v := c.Setting(SettingGraphVersion, "")
	client, err := cloudapi.New(cloudapi.Config{BaseURL: c.Setting(SettingAPIURL, ""), Token: c.Token, Logger: logger,
		Provider: providers.CloudCompatible, AuthHeader: c.Setting(SettingTokenHeader, ""), Version: v, NoVersion: v == ""})
	if err != nil {
		return nil, err
	}
	return &Client{Client: client, phoneNumberID: c.Setting(SettingPhoneNumberID, ""), wabaID: c.Setting(SettingWABAID, "")}, nil
}

// ListBusinessAccounts is the wizard's Synchronize step. With a Business
// Manager ID it lists every account and number the way Meta does (for
// partners that pass Meta's listing through) to pick from; otherwise it
// reads the number the channel names (GET /{phone-number-id}) as the one
// account's one number.
func (c *Client) ListBusinessAccounts(ctx context.Context, businessID string) ([]providers.BusinessAccount, error) {
	if businessID != "" {
		return c.Client.ListBusinessAccounts(ctx, businessID)
	}
	n, err := c.GetPhoneNumber(ctx, c.phoneNumberID)
	if err != nil {
		return nil, err
	}
	n.BusinessAccountID = c.wabaID
	return []providers.BusinessAccount{{ID: c.wabaID, Ownership: providers.OwnershipOwned, PhoneNumbers: []providers.PhoneNumber{n}}}, nil
}

// SubscribeApp is not done through the API: the admin pastes the webhook
// URL into the partner's dashboard (Provider.ManualWebhook).
func (c *Client) SubscribeApp(context.Context, string, string, string) error {
	return providers.Unsupported(providers.CloudCompatible, providers.OpSubscribeApp,
		"the webhook URL is set in your provider's dashboard")
}

// UnsubscribeApp is not done through the API either.
func (c *Client) UnsubscribeApp(context.Context, string) error {
	return providers.Unsupported(providers.CloudCompatible, providers.OpUnsubscribeApp,
		"remove the webhook URL in your provider's dashboard")
}

// Capabilities is what wadesk uses of a partner: Meta's message, media
// and template calls. Account listing, the profile, pictures and commerce
// are not assumed of a partner.
func (c *Client) Capabilities() providers.Capabilities { return capabilities() }

func capabilities() providers.Capabilities {
	return providers.NewCapabilities(providers.CapTemplates, providers.CapSendText, providers.CapSendMedia,
		providers.CapSendTemplate, providers.CapSendInteractive, providers.CapSendLocation, providers.CapSendContacts,
		providers.CapReactions, providers.CapMarkRead, providers.CapMedia, providers.CapWebhookHandshake)
}

// Authenticate checks a partner webhook: Meta's signature with the App
// Secret when the channel has one (the partner forwards Meta's
// signature), else the channel's secret in the URL's token parameter.
func Authenticate(r providers.WebhookRequest, c providers.Credentials) error {
	if c.AppSecret != "" {
		if !cloudapi.VerifySignature(c.AppSecret, r.Body, r.Header.Get(cloudapi.SignatureHeader)) {
			return providers.ErrUnauthenticated
		}
		return nil
	}
	got := r.Query.Get(TokenParam)
	if c.WebhookSecret == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(c.WebhookSecret)) != 1 {
		return providers.ErrUnauthenticated
	}
	return nil
}

// WebhookURL is the URL to paste into the partner's dashboard: with the
// channel's secret as a parameter unless webhooks are signed.
func WebhookURL(base string, c providers.Credentials) string {
	if c.AppSecret != "" {
		return base
	}
	return base + "?" + url.Values{TokenParam: {c.WebhookSecret}}.Encode()
}

// Provider describes a Cloud API–compatible partner for the registry.
func Provider(logger *slog.Logger) providers.Provider {
	d, _ := providers.Describe(providers.CloudCompatible)
	d.Capabilities = capabilities()
	return providers.Provider{
		Description:   d,
		Setup:         providers.SetupTestConnection,
		ConnectLabel:  "Synchronize",
		ManualWebhook: true,
		SetupHelp: "enter the API URL and token your provider gave you, how the token is sent, and the number's ID (or your Business Manager ID, " +
			"if your provider lists accounts the way Meta does). wadesk reads the number when you press Synchronize; then paste the webhook URL into your provider's dashboard.",
		WebhookHelp: "Paste this webhook URL into your provider's dashboard. Without an App Secret the URL carries the channel's secret, " +
			"so keep it private; with one, wadesk checks Meta's signature the partner forwards. If the provider asks for a verify token, give the secret shown below.",
		Fields: []providers.CredentialField{
			{Name: SettingAPIURL, Label: "API URL", Kind: providers.FieldURL, Required: true,
				Help: "Your provider's Cloud API–compatible address with any path prefix, such as https://api.provider.example/whatsapp."},
			{Name: providers.FieldToken, Label: "Token", Secret: true, Required: true, Autocomplete: "off",
				Help: "The API token or key your provider gave you.",
				Check: func(v string) string {
					if len(v) < 8 || strings.ContainsAny(v, " \t\r\n") {
						return "This does not look like a complete token. Copy it again from your provider."
					}
					return ""
				}},
			{Name: SettingTokenHeader, Label: "Header that carries the token", Default: "Authorization",
				Help: "Authorization sends \"Authorization: Bearer <token>\". If your provider documents another header, such as X-API-Key, enter its name: the token is sent in it as it is.",
				Check: func(v string) string {
					if !headerName.MatchString(v) {
						return "A header name is letters, digits and dashes, such as X-API-Key."
					}
					return ""
				}},
			{Name: SettingGraphVersion, Label: "Graph version (optional)",
				Help: "Only if your provider's paths carry Meta's version after the API URL, such as v23.0. Leave empty when the API URL holds the whole prefix.",
				Check: func(v string) string {
					if !version.MatchString(v) {
						return "A Graph version looks like v23.0."
					}
					return ""
				}},
			{Name: SettingPhoneNumberID, Label: "Phone number ID",
				Help: "The ID of the WhatsApp number (Meta's phone number ID), from your provider's dashboard.",
				Check: func(v string) string {
					if !digitsOnly.MatchString(v) {
						return "A phone number ID is 5 to 25 digits."
					}
					return ""
				}},
			{Name: providers.FieldBusinessID, Label: "Business Manager ID (optional)",
				Help: "Only if your provider passes Meta's account listing through: wadesk then lists every number to pick from, and the phone number ID is not needed.",
				Check: func(v string) string {
					if !digitsOnly.MatchString(v) {
						return "A Business Manager ID is 5 to 25 digits."
					}
					return ""
				}},
			{Name: SettingWABAID, Label: "WhatsApp Business Account ID (optional)",
				Help: "Needed to list and create message templates.",
				Check: func(v string) string {
					if !digitsOnly.MatchString(v) {
						return "A WhatsApp Business Account ID is 5 to 25 digits."
					}
					return ""
				}},
			{Name: providers.FieldAppSecret, Label: "App Secret (optional)", Secret: true, Autocomplete: "off",
				Help: "Only if your provider forwards Meta's webhook signature (X-Hub-Signature-256): the App Secret it signs with."},
		},
		CheckFields: func(v map[string]string) map[string]string {
			if v[SettingPhoneNumberID] == "" && v[providers.FieldBusinessID] == "" {
				return map[string]string{SettingPhoneNumberID: "Enter the phone number ID (or, if your provider passes Meta's account listing through, the Business Manager ID)."}
			}
			return nil
		},
		Handshake: func(q url.Values, c providers.Credentials) (string, bool) {
			return cloudapi.VerifyHandshake(q, c.WebhookSecret)
		},
		Authenticate: Authenticate,
		Parse:        cloudapi.ParseWebhook,
		ParseMessage: cloudapi.ParseMessage,
		Connect: func(c providers.Credentials) (providers.Client, error) {
			client, err := New(c, logger)
			if err != nil {
				return nil, err // never a nil *Client inside the interface
			}
			return client, nil
		},
		WebhookURL: WebhookURL,
		Explain: func(e *providers.Error, during string) (string, string, bool) {
			switch e.Kind {
			case providers.ErrorKindAuth, providers.ErrorKindPermission:
				return providers.FieldToken, "Your provider refused the token. Check the token, and the header that carries it.", true
			case providers.ErrorKindNotFound:
				return SettingPhoneNumberID, "Your provider does not know this phone number ID, or the API URL or Graph version is not the right one.", true
			}
			return "", "", false
		},
	}
}
