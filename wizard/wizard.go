// Package wizard holds the channel setup wizard's steps and rules: which
// provider, which credentials, which number — and what an admin is told
// when something is wrong. It knows nothing of HTTP or HTML; handlers
// render it and the store keeps its progress.
package wizard

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/providers"
)

// Step names, in order.
const (
	StepProvider    = "provider"
	StepCredentials = "credentials"
	StepNumbers     = "numbers"
)

// Steps lists the steps for the progress bar.
var Steps = []struct{ ID, Label string }{
	{StepProvider, "Provider"},
	{StepCredentials, "Credentials"},
	{StepNumbers, "Choose number"},
}

// FieldErrors maps a form field to a plain-words problem with it.
type FieldErrors map[string]string

// ProviderChoice is step 1.
type ProviderChoice struct {
	Provider     string
	DepartmentID int64
}

// Check validates the choice against the providers the program has: the
// provider must exist and have an adapter.
func (c ProviderChoice) Check(reg *providers.Registry) FieldErrors {
	errs := FieldErrors{}
	if c.Provider == "" {
		errs["provider"] = "Choose a provider."
		return errs
	}
	d, known := providers.Describe(providers.ProviderID(c.Provider))
	_, available := reg.Lookup(providers.ProviderID(c.Provider))
	switch {
	case !known:
		errs["provider"] = "Choose one of the providers shown."
	case !available:
		errs["provider"] = d.Name + " is not available in wadesk yet. Choose an available provider."
	}
	return errs
}

// Credentials is step 2: the channel's name and the provider's fields.
type Credentials struct {
	Title  string
	Values map[string]string
}

// CheckFor validates the credentials for provider p: each field, then
// the fields together.
func (c Credentials) CheckFor(p providers.Provider) FieldErrors {
	errs := c.Check(p.Fields)
	if p.CheckFields != nil {
		for f, msg := range p.CheckFields(c.Values) {
			if !errs.has(f) {
				errs[f] = msg
			}
		}
	}
	return errs
}

// Check validates the credentials against the provider's fields, in
// words an admin can act on.
func (c Credentials) Check(fields []providers.CredentialField) FieldErrors {
	errs := FieldErrors{}
	switch title := strings.TrimSpace(c.Title); {
	case title == "":
		errs["title"] = "Give the channel a name your team will recognise, such as \"Sales WhatsApp\"."
	case utf8.RuneCountInString(title) > 80:
		errs["title"] = "Use at most 80 characters."
	}
	for _, f := range fields {
		if msg := f.Validate(c.Values[f.Name]); msg != "" {
			errs[f.Name] = msg
		}
	}
	return errs
}

func (e FieldErrors) has(f string) bool { _, ok := e[f]; return ok }

// Accounts are the WhatsApp Business Accounts a token and Business
// Manager ID reach, owned ones first.
type Accounts []providers.BusinessAccount

// Encode serialises fetched accounts for the draft.
func (a Accounts) Encode() (string, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("wizard: encode accounts: %w", err)
	}
	return string(b), nil
}

// DecodeAccounts reads accounts stored in a draft.
func DecodeAccounts(s string) (Accounts, error) {
	if s == "" {
		return nil, nil
	}
	var a Accounts
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return nil, fmt.Errorf("wizard: decode accounts: %w", err)
	}
	return a, nil
}

// NumberCount is how many numbers the accounts hold, and how many of them
// can be picked.
func (a Accounts) NumberCount() (total, usable int) {
	for _, acct := range a {
		for _, n := range acct.PhoneNumbers {
			total++
			if ok, _ := n.Usable(); ok {
				usable++
			}
		}
	}
	return total, usable
}

// Lister is the part of a provider the Fetch numbers step needs.
type Lister interface {
	ListBusinessAccounts(ctx context.Context, businessID string) ([]providers.BusinessAccount, error)
}

// FetchNumbers asks the provider for every account and number reachable
// with the credentials. Errors come back as a *Problem, in plain words.
func FetchNumbers(ctx context.Context, prov providers.Provider, l Lister, businessID string) (Accounts, error) {
	accts, err := l.ListBusinessAccounts(ctx, businessID)
	if err != nil {
		return nil, explain(prov, err, "fetch")
	}
	if len(accts) == 0 && prov.Setup == providers.SetupTestConnection {
		return nil, &Problem{Field: providers.FieldToken, Message: "The provider answered, but no phone number is behind this key. Check that the number's setup is finished at the provider."}
	}
	if len(accts) == 0 {
		return nil, &Problem{Field: "business_id", Message: "This Business Manager has no WhatsApp Business Account that the token can see. " +
			"Check the Business Manager ID, and that the system user was given access to the WhatsApp account (Business Settings → System users → Assign assets)."}
	}
	return Accounts(accts), nil
}

// Pick finds the chosen number among the fetched accounts and checks that
// it can be used.
func Pick(accts Accounts, wabaID, phoneNumberID string) (providers.BusinessAccount, providers.PhoneNumber, error) {
	if phoneNumberID == "" {
		return providers.BusinessAccount{}, providers.PhoneNumber{}, &Problem{Field: "phone_number_id", Message: "Choose the phone number to connect."}
	}
	for _, a := range accts {
		if wabaID != "" && a.ID != wabaID {
			continue
		}
		for _, n := range a.PhoneNumbers {
			if n.ID != phoneNumberID {
				continue
			}
			if ok, reason := n.Usable(); !ok {
				return a, n, &Problem{Field: "phone_number_id", Message: n.DisplayPhoneNumber + " cannot be connected: " + reason}
			}
			return a, n, nil
		}
	}
	return providers.BusinessAccount{}, providers.PhoneNumber{}, &Problem{Field: "phone_number_id",
		Message: "That number is not among the ones fetched. Press Fetch numbers again and choose from the list."}
}

// Subscriber is the part of a provider the Finish step needs.
type Subscriber interface {
	SubscribeApp(ctx context.Context, wabaID, callbackURL, verifyToken string) error
}

// Subscribe points the account's webhooks at wadesk.
//
// A provider whose deliveries carry the channel's secret in the URL
// (Provider.WebhookURL) is given that URL.
func Subscribe(ctx context.Context, prov providers.Provider, s Subscriber, wabaID, callbackURL, verifyToken string) error {
	if prov.WebhookURL != nil {
		callbackURL = prov.WebhookURL(callbackURL, providers.Credentials{Provider: prov.ID, WebhookSecret: verifyToken})
	}
	if prov.CheckWebhookURL != nil {
		if msg := prov.CheckWebhookURL(callbackURL); msg != "" {
			return &Problem{Message: msg}
		}
	}
	if err := s.SubscribeApp(ctx, wabaID, callbackURL, verifyToken); err != nil {
		return explain(prov, err, "subscribe")
	}
	return nil
}

// NewVerifyToken returns a random verify token with 192 bits of entropy.
func NewVerifyToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("wizard: verify token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// WebhookURL is where the provider delivers a channel's webhooks.
func WebhookURL(base *url.URL, channelID int64) string {
	u := *base
	u.Path = strings.TrimRight(u.Path, "/") + "/webhooks/" + strconv.FormatInt(channelID, 10)
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// Problem is a wizard failure an admin can act on. Field names the form
// field it belongs to ("" for the whole step); Code is the provider's
// error code, shown so that support can look it up.
type Problem struct {
	Field   string
	Message string
	Code    int
	Err     error
}

func (p *Problem) Error() string {
	if p.Err != nil {
		return p.Message + ": " + p.Err.Error()
	}
	return p.Message
}

func (p *Problem) Unwrap() error { return p.Err }

// explain turns a provider error into a Problem for the step in which it
// happened.
func explain(prov providers.Provider, err error, during string) *Problem {
	pe, ok := providers.AsError(err)
	if !ok {
		return &Problem{Message: "Something unexpected went wrong while talking to the provider. Try again; if it keeps happening, check the server log.", Err: err}
	}
	p := &Problem{Code: pe.Code, Err: err, Message: pe.Plain()}
	if prov.Explain != nil {
		if field, msg, ok := prov.Explain(pe, during); ok {
			p.Field, p.Message = field, msg
			return p
		}
	}
	switch pe.Kind {
	case providers.ErrorKindAuth:
		p.Field = "access_token"
		p.Message = "The access token was rejected or has expired. Create a new system user token in Meta Business Settings and paste it here."
	case providers.ErrorKindPermission:
		p.Field = "access_token"
		p.Message = "The access token lacks a permission wadesk needs. Give the system user the whatsapp_business_management and whatsapp_business_messaging permissions, then create a new token."
	case providers.ErrorKindInvalidParameter, providers.ErrorKindNotFound:
		if during == "fetch" {
			p.Field = "business_id"
			p.Message = "Meta does not know this Business Manager ID, or the token cannot see it. Check the ID in Business Settings → Business info."
		}
	case providers.ErrorKindNetwork, providers.ErrorKindServer, providers.ErrorKindTemporary:
		p.Message = "Could not reach the provider. Check the server's internet connection and try again."
	}
	if during == "subscribe" && p.Field == "" {
		p.Message = "Meta did not accept the webhook subscription: " + pe.Plain() +
			" Meta calls wadesk's webhook URL to confirm it, so the URL must be reachable from the internet over HTTPS."
	}
	return p
}
