package providers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Provider describes one way of reaching WhatsApp as a single value: what
// the wizard's card shows, which credentials its wizard step asks for, how
// its webhooks are authenticated and read, and how a client is built from
// a channel's stored credentials. Each provider sub-package returns one;
// the program registers them in a Registry. Adding a provider is adding a
// sub-package and one Register call.
type Provider struct {
	// Description is the wizard card: ID, name, badges, fees, limits and
	// capabilities. Available is set by Register.
	Description
	// Fields are the credentials the wizard's second step asks for, in
	// order. Every provider also gets a channel name field from the wizard.
	Fields []CredentialField
	// Setup is how the wizard finds the number: FetchNumbers lists every
	// number the credentials reach; TestConnection reads the one number
	// behind an API key.
	Setup SetupKind
	// SetupHelp tells an admin, above the credentials, where they come from.
	SetupHelp string
	// WebhookHelp says in plain words how the provider's webhooks reach
	// wadesk, for the channel page.
	WebhookHelp string
	// Handshake answers a GET on the webhook URL (Meta's hub.challenge).
	// nil: the provider has no handshake and such GETs are refused.
	Handshake func(q url.Values, c Credentials) (challenge string, ok bool)
	// Authenticate checks that a webhook request really comes from the
	// provider for this channel. Any error means 401 and nothing stored.
	Authenticate func(r WebhookRequest, c Credentials) error
	// Parse turns a webhook body into provider-neutral events.
	// ErrNotWebhook (wrapped) marks a body that is not a webhook at all.
	Parse func(body []byte) (*WebhookBatch, error)
	// ParseMessage reads one inbound message as stored by an older wadesk
	// (the provider's own message object), for the inbox.
	ParseMessage func(raw []byte) (InboundMessage, error)
	// Connect builds a client from a channel's (or a wizard draft's)
	// credentials.
	Connect func(c Credentials) (Client, error)
	// Explain, when set, words a provider error met during the wizard's
	// "fetch" or "subscribe" step for an admin, naming the field to fix
	// ("" for the whole step); ok false keeps the general wording.
	Explain func(e *Error, during string) (field, message string, ok bool)
	// CheckWebhookURL, when set, returns why the provider cannot deliver
	// to callbackURL ("" when it can), before wadesk asks it to.
	CheckWebhookURL func(callbackURL string) string
	// CheckFields, when set, checks the credential fields together (one
	// of two fields required, say) and returns problems by field name.
	CheckFields func(values map[string]string) map[string]string
	// ConnectLabel is the credentials step's button ("" for the default:
	// Fetch numbers, or Test connection).
	ConnectLabel string
	// WebhookContentType is the media type of the provider's webhook
	// bodies ("" for application/json).
	WebhookContentType string
	// SignedWebhooks: every webhook is signed with a credential the admin
	// entered (Twilio's Auth Token), so the channel's generated webhook
	// secret plays no part and the channel page does not show it.
	SignedWebhooks bool
	// ManualWebhook: the admin sets the webhook URL in the provider's
	// dashboard; Finish does not ask the provider to.
	ManualWebhook bool
	// WebhookURL, when set, is the URL the provider must deliver to, given
	// wadesk's URL for the channel (e.g. with the secret as a parameter).
	WebhookURL func(base string, c Credentials) string
}

// SetupKind is how the wizard finds the number to connect.
type SetupKind string

// Setup kinds.
const (
	SetupFetchNumbers   SetupKind = "fetch_numbers"
	SetupTestConnection SetupKind = "test_connection"
)

// FieldKind is how a credential field is shown.
type FieldKind string

// Field kinds.
const (
	FieldText   FieldKind = "text"
	FieldURL    FieldKind = "url"
	FieldSelect FieldKind = "select"
)

// Credential field names shared by providers: the wizard draft and the
// channel keep these in their own columns; every other field is a
// non-secret setting (Credentials.Settings).
const (
	FieldToken      = "access_token"
	FieldAppSecret  = "app_secret"
	FieldBusinessID = "business_id"
	FieldAppID      = "app_id"
)

// CredentialField is one input of the wizard's credentials step.
type CredentialField struct {
	Name  string
	Label string
	// Help says where to find the value.
	Help string
	Kind FieldKind
	// Options are the choices of a FieldSelect, value → label.
	Options []FieldOption
	// Secret fields are stored encrypted, never shown again, and an empty
	// input keeps what was entered before.
	Secret   bool
	Required bool
	// Default is the value the field starts with.
	Default string
	// Check returns a plain-words problem with a non-empty value, or "".
	Check func(v string) string
	// Autocomplete is the input's autocomplete attribute ("off" for secrets).
	Autocomplete string
}

// FieldOption is one choice of a select field.
type FieldOption struct{ Value, Label string }

// Normalize trims a typed value the way the field stores it.
func (f CredentialField) Normalize(v string) string {
	v = strings.TrimSpace(v)
	if f.Kind == FieldURL {
		v = strings.TrimRight(v, "/")
	}
	return v
}

// Validate returns a plain-words problem with v, or "".
func (f CredentialField) Validate(v string) string {
	if v == "" {
		if f.Required {
			if f.Help != "" {
				return "Enter the " + strings.ToLower(f.Label) + ". " + f.Help
			}
			return "Enter the " + strings.ToLower(f.Label) + "."
		}
		return ""
	}
	if f.Kind == FieldSelect {
		for _, o := range f.Options {
			if o.Value == v {
				return ""
			}
		}
		return "Choose one of the options shown."
	}
	if f.Kind == FieldURL {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "Enter a full address starting with https://, such as https://api.example.com."
		}
	}
	if f.Check != nil {
		return f.Check(v)
	}
	return ""
}

// Credentials are what a client is built from and webhooks are checked
// with: a channel's stored secrets and settings, or a wizard draft's.
type Credentials struct {
	Provider ProviderID
	// Token is the access token or API key.
	Token string
	// AppSecret signs webhooks (Meta's App Secret, a partner's forwarded
	// one, 360dialog's signing secret); "" when none is configured.
	AppSecret string
	// WebhookSecret is the channel's generated webhook secret: Meta's
	// verify token, or the unguessable token other providers send back.
	WebhookSecret string
	// BusinessID and AppID are Meta's Business Manager and App IDs.
	BusinessID string
	AppID      string
	// Settings are the provider's other, non-secret fields by name.
	Settings map[string]string
}

// Setting returns a non-secret setting, or def when it is not set.
func (c Credentials) Setting(name, def string) string {
	if v := strings.TrimSpace(c.Settings[name]); v != "" {
		return v
	}
	return def
}

// WebhookRequest is an inbound webhook as the provider sent it.
type WebhookRequest struct {
	// Method is the request's method.
	Method string
	// URL is the full URL the provider called: wadesk's public base URL
	// with the request's path and query (signatures that cover the URL
	// are checked against it).
	URL    string
	Header http.Header
	Query  url.Values
	Body   []byte
}

// ErrNotWebhook marks a body that is not a webhook of the provider.
var ErrNotWebhook = errors.New("not a WhatsApp Business Account webhook")

// ErrUnauthenticated is returned by Provider.Authenticate.
var ErrUnauthenticated = errors.New("webhook authentication failed")

// Client is a connected provider adapter: everything the console asks of
// a provider. What a provider cannot do it answers with an
// ErrorKindUnsupported error, and its Capabilities leave it out so that
// the pages hide it.
type Client interface {
	CapabilityReporter
	NumberLister
	SubscribeApp(ctx context.Context, wabaID, callbackURL, verifyToken string) error
	UnsubscribeApp(ctx context.Context, wabaID string) error
	TemplateManager
	CommerceManager
	MessageSender
	MediaStore
}

// Unsupported is the error a client returns for something its provider
// cannot do.
func Unsupported(p ProviderID, op, what string) error {
	return &Error{Provider: p, Op: op, Kind: ErrorKindUnsupported, Message: what}
}

// Registry holds the providers the program supports.
type Registry struct {
	byID  map[ProviderID]Provider
	order []ProviderID
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byID: map[ProviderID]Provider{}}
}

// Register adds p. Its ID must be in the catalog, and it must say how its
// webhooks are authenticated, read and how a client is built.
func (r *Registry) Register(p Provider) error {
	if _, ok := Describe(p.ID); !ok {
		return fmt.Errorf("providers: register %q: not in the catalog", p.ID)
	}
	if _, dup := r.byID[p.ID]; dup {
		return fmt.Errorf("providers: %q registered twice", p.ID)
	}
	if p.Authenticate == nil || p.Parse == nil || p.Connect == nil {
		return fmt.Errorf("providers: register %q: Authenticate, Parse and Connect are required", p.ID)
	}
	if p.Setup == "" {
		p.Setup = SetupFetchNumbers
	}
	p.Available, p.Availability = true, "Available"
	r.byID[p.ID] = p
	r.order = append(r.order, p.ID)
	return nil
}

// MustRegister is Register for program set-up; it panics on error.
func (r *Registry) MustRegister(ps ...Provider) *Registry {
	for _, p := range ps {
		if err := r.Register(p); err != nil {
			panic(err)
		}
	}
	return r
}

// Lookup returns the registered provider id.
func (r *Registry) Lookup(id ProviderID) (Provider, bool) {
	if r == nil {
		return Provider{}, false
	}
	p, ok := r.byID[id]
	return p, ok
}

// Catalog is the wizard's list of cards: every known provider, in the
// catalog's order, registered ones marked available with their adapter's
// capabilities.
func (r *Registry) Catalog() []Description {
	out := Catalog()
	for i, d := range out {
		if p, ok := r.Lookup(d.ID); ok {
			out[i] = p.Description
		}
	}
	return out
}

// Connect builds a client for c.Provider.
func (r *Registry) Connect(c Credentials) (Client, error) {
	p, ok := r.Lookup(c.Provider)
	if !ok {
		return nil, fmt.Errorf("provider %q has no adapter in wadesk", c.Provider)
	}
	return p.Connect(c)
}
