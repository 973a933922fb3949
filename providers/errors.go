package providers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrorKind groups provider error codes by what an admin or the inbox should do.
type ErrorKind string

// Error kinds.
const (
	ErrorKindUnknown               ErrorKind = "unknown"
	ErrorKindAuth                  ErrorKind = "auth"                    // token rejected or expired
	ErrorKindPermission            ErrorKind = "permission"              // token lacks a permission
	ErrorKindInvalidParameter      ErrorKind = "invalid_parameter"       // a value in the request was rejected
	ErrorKindNotFound              ErrorKind = "not_found"               // the object does not exist or is not visible
	ErrorKindRateLimit             ErrorKind = "rate_limit"              // API call rate limits
	ErrorKindThroughput            ErrorKind = "throughput"              // messages per second per number
	ErrorKindPairRate              ErrorKind = "pair_rate"               // too many messages to one customer
	ErrorKindWindowClosed          ErrorKind = "window_closed"           // 24-hour customer service window closed
	ErrorKindMarketingNotDelivered ErrorKind = "marketing_not_delivered" // per-user marketing limit
	ErrorKindMarketingOptOut       ErrorKind = "marketing_opt_out"       // customer stopped marketing messages
	ErrorKindUndeliverable         ErrorKind = "undeliverable"
	ErrorKindTemplateParams        ErrorKind = "template_params"      // parameter count or format mismatch
	ErrorKindTemplateMissing       ErrorKind = "template_missing"     // no such template/language
	ErrorKindTemplateUnavailable   ErrorKind = "template_unavailable" // paused or disabled
	ErrorKindAccountRestricted     ErrorKind = "account_restricted"
	ErrorKindSpamLimit             ErrorKind = "spam_limit"
	ErrorKindPayment               ErrorKind = "payment"
	ErrorKindNotRegistered         ErrorKind = "not_registered" // sender number not registered
	ErrorKindMedia                 ErrorKind = "media"
	ErrorKindUnsupported           ErrorKind = "unsupported"
	ErrorKindTemporary             ErrorKind = "temporary" // provider reports a temporary failure
	ErrorKindServer                ErrorKind = "server"    // 5xx without a provider error body
	ErrorKindNetwork               ErrorKind = "network"   // provider not reachable
)

// Operations named in errors, so Plain can give context-specific advice.
const (
	OpListBusinessAccounts = "list business accounts"
	OpListPhoneNumbers     = "list phone numbers"
	OpGetPhoneNumber       = "get phone number"
	OpSubscribeApp         = "subscribe app"
	OpUnsubscribeApp       = "unsubscribe app"
	OpListSubscribedApps   = "list subscribed apps"
	OpGetProfile           = "get business profile"
	OpUpdateProfile        = "update business profile"
	OpCreateUploadSession  = "create upload session"
	OpUpload               = "upload file"
	OpUploadStatus         = "read upload status"
	OpDownloadPicture      = "download profile picture"
	OpListTemplates        = "list templates"
	OpCreateTemplate       = "create template"
	OpDeleteTemplate       = "delete template"
	OpSendMessage          = "send message"
	OpMarkRead             = "mark read"
	OpUploadMedia          = "upload media"
	OpGetMedia             = "get media"
	OpDownloadMedia        = "download media"
	OpGetCommerce          = "get commerce settings"
	OpUpdateCommerce       = "update commerce settings"
)

// Error is an error reported by a provider or met while talking to it. Log
// Error() (it has the provider's detail and trace ID); show Plain() to people.
type Error struct {
	Provider ProviderID
	// Op is what wadesk was doing, e.g. OpSendMessage.
	Op   string
	Kind ErrorKind
	// HTTPStatus is 0 when no response arrived.
	HTTPStatus int
	Code       int
	Subcode    int
	// Type is the provider's error class (e.g. OAuthException).
	Type        string
	Title       string
	Message     string
	UserMessage string
	Details     string
	TraceID     string
	// Transient is the provider's own "try again" flag.
	Transient bool
	// Err is the underlying cause (network errors).
	Err error
}

// Error implements error with the technical detail for logs. It leaves out
// Op: callers wrap the error with their own context.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(string(e.Provider))
		b.WriteString(": ")
	}
	switch {
	case e.Kind == ErrorKindNetwork:
		b.WriteString("network error")
	case e.Code != 0:
		fmt.Fprintf(&b, "error %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, " (subcode %d)", e.Subcode)
		}
	default:
		b.WriteString("error")
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, ", HTTP %d", e.HTTPStatus)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Details != "" && e.Details != e.Message {
		b.WriteString(" (")
		b.WriteString(e.Details)
		b.WriteString(")")
	}
	if e.TraceID != "" {
		b.WriteString(" [trace ")
		b.WriteString(e.TraceID)
		b.WriteString("]")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// AsError finds a provider *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var pe *Error
	if errors.As(err, &pe) {
		return pe, true
	}
	return nil, false
}

// NewNetworkError wraps a failure to reach the provider.
func NewNetworkError(provider ProviderID, op string, err error) *Error {
	return &Error{Provider: provider, Op: op, Kind: ErrorKindNetwork, Transient: true, Err: err}
}

// ClassifyMeta maps a Meta Graph API error code (and the HTTP status, used
// when there is no code) to an ErrorKind. 360dialog and other Cloud API
// compatible providers pass these codes through unchanged.
func ClassifyMeta(code, subcode, httpStatus int) ErrorKind {
	switch code {
	case 190, 102, 104, 2500:
		return ErrorKindAuth
	case 10, 131005:
		return ErrorKindPermission
	case 100, 131008, 131009, 131021, 135000:
		if code == 100 && subcode == 33 {
			return ErrorKindNotFound
		}
		return ErrorKindInvalidParameter
	case 803:
		return ErrorKindNotFound
	case 4, 17, 32, 613, 80007:
		return ErrorKindRateLimit
	case 130429:
		return ErrorKindThroughput
	case 131056:
		return ErrorKindPairRate
	case 131047, 470: // 470: the same refusal, from the On-Premises API
		return ErrorKindWindowClosed
	case 131049, 130472:
		return ErrorKindMarketingNotDelivered
	case 131050:
		return ErrorKindMarketingOptOut
	case 131026:
		return ErrorKindUndeliverable
	case 132000, 132012, 132005, 132007:
		return ErrorKindTemplateParams
	case 132001:
		return ErrorKindTemplateMissing
	case 132015, 132016:
		return ErrorKindTemplateUnavailable
	case 368, 131031, 130497:
		return ErrorKindAccountRestricted
	case 131048:
		return ErrorKindSpamLimit
	case 131042:
		return ErrorKindPayment
	case 133010, 131045:
		return ErrorKindNotRegistered
	case 131052, 131053:
		return ErrorKindMedia
	case 131051:
		return ErrorKindUnsupported
	case 1, 2, 131000, 131016, 133004:
		return ErrorKindTemporary
	}
	if code >= 200 && code <= 299 {
		return ErrorKindPermission
	}
	if code == 0 {
		switch {
		case httpStatus == 401:
			return ErrorKindAuth
		case httpStatus == 403:
			return ErrorKindPermission
		case httpStatus == 404:
			return ErrorKindNotFound
		case httpStatus == 429:
			return ErrorKindRateLimit
		case httpStatus >= 500:
			return ErrorKindServer
		}
	}
	return ErrorKindUnknown
}

func (e *Error) providerName() string {
	switch e.Provider {
	case "", MetaCloud, CloudCompatible:
		return "Meta"
	}
	if d, ok := Describe(e.Provider); ok {
		return d.Name
	}
	return string(e.Provider)
}

// consoles name, for providers other than Meta's Cloud API, where an
// admin finds the channel's credentials and what they are called.
var consoles = map[ProviderID]struct{ console, creds string }{
	Dialog360:   {"the 360dialog Client Hub (API keys)", "the channel's API key"},
	Twilio:      {"the Twilio Console (Account info)", "the Account SID and Auth Token (or the API key SID and secret)"},
	MessageBird: {"the MessageBird dashboard (Developers → API access, and Channels)", "the access key and the WhatsApp channel ID"},
	Vonage:      {"the Vonage API Dashboard", "the application ID and private key (or the API key and secret)"},
	Maytapi:     {"the Maytapi console", "the product ID, phone ID and API token"},
}

// ownTerms words credential, account and billing problems of a provider
// other than Meta in that provider's terms; ok is false for Meta, a
// Cloud-API-compatible host, and kinds that read the same everywhere.
func (e *Error) ownTerms() (string, bool) {
	c, ok := consoles[e.Provider]
	if !ok {
		return "", false
	}
	p := e.providerName()
	switch e.Kind {
	case ErrorKindAuth:
		return p + " refused this channel's credentials" + e.code() + ". Check " + c.creds + " in " + c.console +
			" and enter them again on the channel's edit page.", true
	case ErrorKindPermission:
		return p + " does not let these credentials do this" + e.code() + ". Check the account's permissions in " + c.console + "." + e.says(), true
	case ErrorKindNotFound:
		return p + " does not know what was asked for, or these credentials cannot see it" + e.code() + ". Check " + c.creds +
			" in " + c.console + "." + e.says(), true
	case ErrorKindInvalidParameter:
		return p + " did not accept part of the request" + e.code() + "." + e.says(), true
	case ErrorKindAccountRestricted:
		return p + " has suspended or restricted this account. Check its status in " + c.console + "." + e.says(), true
	case ErrorKindNotRegistered:
		return "This WhatsApp number is not set up with " + p + " yet, or is not active there. Finish setting it up in " + c.console + "." + e.says(), true
	case ErrorKindPayment:
		return p + " refused the message because of the account's balance or billing. Top up the " + p + " account or check its billing in " + c.console + ", then send again." + e.says(), true
	}
	return "", false
}

// code names the provider's error code, or the HTTP status without one.
func (e *Error) code() string {
	switch {
	case e.Code != 0:
		return fmt.Sprintf(" (%s error %d)", e.providerName(), e.Code)
	case e.HTTPStatus != 0:
		return fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	}
	return ""
}

// says quotes the provider's own words, preferring the text meant for users.
func (e *Error) says() string {
	for _, s := range []string{e.UserMessage, e.Details, e.Message} {
		if s = strings.TrimSpace(s); s != "" {
			return fmt.Sprintf(" (%s says: %s)", e.providerName(), s)
		}
	}
	return ""
}

// Plain explains the error in plain words for a small-business admin.
func (e *Error) Plain() string {
	p := e.providerName()
	if msg, ok := e.ownTerms(); ok {
		return msg
	}
	switch e.Kind {
	case ErrorKindNetwork:
		return "Could not reach the provider. Check this server's internet connection and try again."
	case ErrorKindAuth:
		return p + " rejected the access token or it has expired. Create a new system-user access token in Meta Business Settings and paste it into the channel settings."
	case ErrorKindPermission:
		if e.Op == OpCreateUploadSession || e.Op == OpUpload {
			return "The access token may not upload files for this Meta app. In Meta Business Settings, give the system user the Admin or Developer role on the app whose App ID is set for this channel." + e.says()
		}
		return "The access token is missing a permission. Give the system user the whatsapp_business_management and whatsapp_business_messaging permissions and access to this WhatsApp Business Account." + e.says()
	case ErrorKindInvalidParameter:
		if e.Op == OpListBusinessAccounts {
			return p + " did not accept the Business Manager ID. Check the ID in Meta Business Settings under Business info." + e.says()
		}
		return p + " did not accept part of the request." + e.says()
	case ErrorKindNotFound:
		if e.Op == OpCreateUploadSession {
			return p + " does not know this App ID, or the access token cannot use that app. Check the App ID in the channel settings (your Meta app → App settings → Basic)."
		}
		if e.Op == OpListBusinessAccounts {
			return "The Business Manager ID is wrong, or the access token has no access to that business. Check the ID in Meta Business Settings under Business info."
		}
		return "What was asked for does not exist, or the access token cannot see it." + e.says()
	case ErrorKindRateLimit:
		return p + "'s limit on API calls was reached. Wait a few minutes and try again."
	case ErrorKindThroughput:
		return "Too many messages are being sent from this number right now (" + p + "'s per-second limit). Try again shortly."
	case ErrorKindPairRate:
		return "Too many messages were sent to this customer in a short time. Wait a little before sending again."
	case ErrorKindWindowClosed:
		return "More than 24 hours have passed since the customer's last message, so only a template message can be sent. Free replies are possible again once the customer writes back."
	case ErrorKindMarketingNotDelivered:
		return p + " did not deliver this marketing message, to limit how many marketing messages the customer gets. Do not resend it right away."
	case ErrorKindMarketingOptOut:
		return "The customer chose to stop receiving marketing messages from this business."
	case ErrorKindUndeliverable:
		return "The message could not be delivered. The number may not be on WhatsApp, or the customer may need to update WhatsApp or accept its latest terms."
	case ErrorKindTemplateParams:
		return "The values filled into the template do not match it. Check that every variable of the template has a value of the right kind." + e.says()
	case ErrorKindTemplateMissing:
		return "The template does not exist in this language or is not approved yet. Check the templates list."
	case ErrorKindTemplateUnavailable:
		return p + " paused or disabled this template because of its quality. Edit it or use another template."
	case ErrorKindAccountRestricted:
		return p + " has restricted this WhatsApp Business Account for now. Check Account Quality in WhatsApp Manager for the reason."
	case ErrorKindSpamLimit:
		return p + " limited messages from this number because many were blocked or reported. Send fewer unsolicited messages and try later."
	case ErrorKindPayment:
		return "There is a problem with the payment method of this WhatsApp Business Account. Check billing in Meta Business Settings."
	case ErrorKindNotRegistered:
		return "This phone number is not registered for sending messages yet. Finish registering it in WhatsApp Manager."
	case ErrorKindMedia:
		return p + " could not process the media file. Check that the file type and size are supported and try again." + e.says()
	case ErrorKindUnsupported:
		return "This kind of message is not supported." + e.says()
	case ErrorKindTemporary:
		return p + " had a temporary problem. Try again in a few minutes."
	case ErrorKindServer:
		if e.HTTPStatus != 0 {
			return fmt.Sprintf("The provider had a temporary problem (HTTP %d). Try again in a few minutes.", e.HTTPStatus)
		}
		return "The provider had a temporary problem. Try again in a few minutes."
	}
	if e.Transient {
		return p + " had a temporary problem. Try again in a few minutes." + e.says()
	}
	return p + " returned an error." + e.says()
}

// PlainDeliveryFailure explains in plain words why the provider failed a
// message it had accepted (a "failed" status with Meta's error code, title
// and details), for the agent who sent it.
func PlainDeliveryFailure(provider ProviderID, code int, title, details string) string {
	e := &Error{Provider: provider, Op: OpSendMessage, Code: code, Kind: ClassifyMeta(code, 0, 0), Message: title, Details: details}
	switch e.Kind {
	case ErrorKindUnknown, ErrorKindInvalidParameter, ErrorKindNotFound, ErrorKindServer:
		return "WhatsApp did not deliver this message." + e.says()
	}
	return e.Plain()
}

// Retryable reports whether sending the same request again later can succeed.
func (e *Error) Retryable() bool {
	switch e.Kind {
	case ErrorKindNetwork, ErrorKindRateLimit, ErrorKindThroughput, ErrorKindPairRate,
		ErrorKindTemporary, ErrorKindServer:
		return true
	case ErrorKindAuth, ErrorKindPermission, ErrorKindInvalidParameter, ErrorKindWindowClosed,
		ErrorKindMarketingNotDelivered, ErrorKindMarketingOptOut, ErrorKindUndeliverable,
		ErrorKindTemplateParams, ErrorKindTemplateMissing, ErrorKindTemplateUnavailable,
		ErrorKindAccountRestricted, ErrorKindPayment, ErrorKindNotRegistered, ErrorKindUnsupported:
		return false
	}
	return e.Transient
}

// RetryDelay suggests how long to wait before retry number attempt (0 for the
// first retry). For the pair rate limit it follows Meta's advice of 4^attempt
// seconds; otherwise it doubles from 2 seconds. Delays are capped at one hour.
func (e *Error) RetryDelay(attempt int) time.Duration {
	if attempt < 0 {
		attempt = 0
	}
	base, factor := 2*time.Second, time.Duration(2)
	if e.Kind == ErrorKindPairRate {
		base, factor = time.Second, 4
	}
	if e.Kind == ErrorKindRateLimit {
		base = time.Minute
	}
	d := base
	for i := 0; i < attempt && d < time.Hour; i++ {
		d *= factor
	}
	return min(d, time.Hour)
}

// ValidationError is a problem found in wadesk's own input before anything
// was sent to the provider. Its message is already plain words.
type ValidationError struct {
	Err error
}

func (e *ValidationError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying problem.
func (e *ValidationError) Unwrap() error { return e.Err }

// Plain returns plain words for any error a provider adapter returns: the
// provider error's Plain, a validation problem as it is, or a generic sentence.
func Plain(err error) string {
	if err == nil {
		return ""
	}
	if pe, ok := AsError(err); ok {
		return pe.Plain()
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		msg := ve.Error()
		if msg == "" {
			return "The request is not valid."
		}
		r, size := utf8.DecodeRuneInString(msg)
		msg = string(unicode.ToUpper(r)) + msg[size:]
		if !strings.HasSuffix(msg, ".") {
			msg += "."
		}
		return msg
	}
	if errors.Is(err, context.Canceled) {
		return "The request was cancelled."
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "The provider took too long to answer. Try again."
	}
	return "Something went wrong while talking to the provider. Try again; if it keeps failing, check the server log."
}

// IsRetryable reports whether err is a provider error worth retrying.
func IsRetryable(err error) bool {
	pe, ok := AsError(err)
	return ok && pe.Retryable()
}
