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
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"

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

var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string { return f.Tag.Get("field") })
	return v
}()

// ProviderChoice is step 1.
type ProviderChoice struct {
	Provider     string `field:"provider" validate:"required"`
	DepartmentID int64  `field:"department_id" validate:"gte=0"`
}

// Check validates the choice: the provider must exist and have an adapter.
func (c ProviderChoice) Check() FieldErrors {
	errs := FieldErrors{}
	if c.Provider == "" {
		errs["provider"] = "Choose a provider."
		return errs
	}
	d, ok := providers.Describe(providers.ProviderID(c.Provider))
	switch {
	case !ok:
		errs["provider"] = "Choose one of the providers shown."
	case !d.Available:
		errs["provider"] = d.Name + " is not available in wadesk yet. Choose an available provider."
	}
	return errs
}

// Credentials is step 2 for Meta's Cloud API.
type Credentials struct {
	Title       string `field:"title" validate:"required,max=80"`
	AccessToken string `field:"access_token" validate:"required,min=20,max=2048"`
	BusinessID  string `field:"business_id" validate:"required,numeric,min=5,max=25"`
	AppSecret   string `field:"app_secret" validate:"required,hexadecimal,len=32"`
	// AppID is optional: only uploads (a new profile picture) need it.
	AppID string `field:"app_id" validate:"omitempty,number,min=5,max=20"`
}

var tokenChars = regexp.MustCompile(`^[A-Za-z0-9_\-.|]+$`)

// Check validates the credentials, in words an admin can act on.
func (c Credentials) Check() FieldErrors {
	errs := FieldErrors{}
	var verrs validator.ValidationErrors
	if errors.As(validate.Struct(c), &verrs) {
		for _, fe := range verrs {
			if _, seen := errs[fe.Field()]; !seen {
				errs[fe.Field()] = credentialMessage(fe)
			}
		}
	}
	if !errs.has("access_token") && !tokenChars.MatchString(c.AccessToken) {
		errs["access_token"] = "The token contains spaces or characters a Meta access token never has. Copy it again from Business Settings → System users."
	}
	return errs
}

func (e FieldErrors) has(f string) bool { _, ok := e[f]; return ok }

func credentialMessage(fe validator.FieldError) string {
	switch fe.Field() + ":" + fe.Tag() {
	case "title:required":
		return "Give the channel a name your team will recognise, such as \"Sales WhatsApp\"."
	case "title:max":
		return "Use at most 80 characters."
	case "access_token:required":
		return "Paste the system user access token from Meta Business Settings → System users."
	case "access_token:min", "access_token:max":
		return "This does not look like a complete access token. Copy it again; it is usually over 100 characters long."
	case "business_id:required":
		return "Enter the Business Manager ID (Business Settings → Business info)."
	case "business_id:numeric", "business_id:min", "business_id:max":
		return "A Business Manager ID is a number of 5 to 25 digits, such as 1234567890123456."
	case "app_secret:required":
		return "Paste the App Secret from your Meta app (App settings → Basic). wadesk uses it to check that webhooks really come from Meta."
	case "app_secret:hexadecimal", "app_secret:len":
		return "An App Secret is 32 characters of 0–9 and a–f. Copy it again from App settings → Basic."
	case "app_id:number", "app_id:min", "app_id:max":
		return "A Meta App ID is 5 to 20 digits and nothing else, such as 908070605040302. Copy it from your Meta app → App settings → Basic, or leave it empty."
	}
	return "This value is not valid."
}

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
func FetchNumbers(ctx context.Context, l Lister, businessID string) (Accounts, error) {
	accts, err := l.ListBusinessAccounts(ctx, businessID)
	if err != nil {
		return nil, explain(err, "fetch")
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
func Subscribe(ctx context.Context, s Subscriber, wabaID, callbackURL, verifyToken string) error {
	if err := s.SubscribeApp(ctx, wabaID, callbackURL, verifyToken); err != nil {
		return explain(err, "subscribe")
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
func explain(err error, during string) *Problem {
	pe, ok := providers.AsError(err)
	if !ok {
		return &Problem{Message: "Something unexpected went wrong while talking to the provider. Try again; if it keeps happening, check the server log.", Err: err}
	}
	p := &Problem{Code: pe.Code, Err: err, Message: pe.Plain()}
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
