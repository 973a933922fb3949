// Package dialog360 is wadesk's adapter for 360dialog, an official Meta
// partner that runs the Cloud API for its clients: one API key
// (D360-API-KEY) per number, Meta's message bodies on
// https://waba-v2.360dialog.io without a version or phone-number-ID prefix,
// templates under /v1/configs/templates, and webhooks in Meta's envelope,
// set with POST /v1/configs/webhook and sent without Meta's handshake or
// signature.
//
// The client is the Cloud API client (package cloudapi) in its
// number-bound layout, with 360dialog's own endpoints added here.
package dialog360

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
)

// Defaults and names.
const (
	DefaultBaseURL = "https://waba-v2.360dialog.io"
	// APIKeyHeader carries the number's API key on every call.
	APIKeyHeader = "D360-API-KEY"
	// TokenHeader is the header wadesk asks 360dialog to send with every
	// webhook (the webhook config's "headers"): the channel's webhook
	// secret, 192 random bits, rotatable from the channel page.
	TokenHeader = "X-Wadesk-Webhook-Token"
	// SignatureHeader is 360dialog's optional webhook signature:
	// HMAC-SHA256 of the raw body keyed with the partner's platform secret.
	// Whether it is hex or base64 was not confirmed, so both are accepted.
	SignatureHeader = "X-360dialog-Signature"
)

// Config configures a Client.
type Config struct {
	// BaseURL of the Messaging API. Default DefaultBaseURL; tests and the
	// demo point it at the simulator.
	BaseURL string
	// APIKey is the number's D360-API-KEY.
	APIKey     string
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// Client talks to 360dialog's Messaging API for one number. It is the
// Cloud API client, plus the account, webhook and health endpoints that
// 360dialog has instead of Meta's.
type Client struct {
	*cloudapi.Client
	base *url.URL
}

var _ providers.Client = (*Client)(nil)

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, &providers.ValidationError{Err: errors.New("the API key is missing")}
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	bu, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || bu.Host == "" {
		return nil, &providers.ValidationError{Err: fmt.Errorf("the API address %q is not a valid http(s) URL", base)}
	}
	c, err := cloudapi.New(cloudapi.Config{BaseURL: base, Token: cfg.APIKey, HTTPClient: cfg.HTTPClient, Logger: cfg.Logger,
		Provider: providers.Dialog360, AuthHeader: APIKeyHeader, NoVersion: true, NumberBound: true})
	if err != nil {
		return nil, err
	}
	return &Client{Client: c, base: bu}, nil
}

// DownloadMedia downloads a file from the URL GetMediaURL returned.
//
// Retention (360dialog): on the Cloud API "the media hosting is managed by
// Meta", so Meta's periods apply (webhook media IDs 7 days, uploads 30
// days: see cloudapi.Client.GetMediaURL); 360dialog's page says uploaded
// files "persist for 30 days" (docs.360dialog.com partner messaging/
// media-messages/upload-retrieve-delete-media, found with the search
// tool). Confirmed. The same page and ../shared/contracts/README.md: 20
// error answers from GET /{media-id} within an hour block media retrieval
// for 30 minutes, which is why a file that is gone is never asked again.
//
// 360dialog answers with Meta's media URL, which only 360dialog's own host
// serves to an API key: the URL's host is replaced by the API's before the
// key is sent, so the key never goes to another host.
func (c *Client) DownloadMedia(ctx context.Context, mediaURL string, w io.Writer) (providers.Download, error) {
	u, err := url.Parse(mediaURL)
	if err != nil || u.Host == "" {
		return providers.Download{}, fmt.Errorf("dialog360: %s: %w", providers.OpDownloadMedia, &providers.ValidationError{Err: errors.New("the media address is not a web address")})
	}
	u.Scheme, u.Host, u.User = c.base.Scheme, c.base.Host, nil
	return c.Client.DownloadMedia(ctx, u.String(), w)
}

// healthStatus is GET /health_status: the messaging status of the number
// behind the key and of its account, business and app.
type healthStatus struct {
	HealthStatus struct {
		CanSendMessage string `json:"can_send_message"`
		Entities       []struct {
			EntityType     string `json:"entity_type"`
			ID             string `json:"id"`
			CanSendMessage string `json:"can_send_message"`
			Errors         []struct {
				ErrorCode        int    `json:"error_code"`
				ErrorDescription string `json:"error_description"`
				PossibleSolution string `json:"possible_solution"`
			} `json:"errors"`
		} `json:"entities"`
	} `json:"health_status"`
}

// number reads the number behind the key from GET /health_status.
func (c *Client) number(ctx context.Context, op string) (providers.BusinessAccount, providers.PhoneNumber, error) {
	var h healthStatus
	if err := c.Do(ctx, op, http.MethodGet, []string{"health_status"}, nil, &h); err != nil {
		return providers.BusinessAccount{}, providers.PhoneNumber{}, err
	}
	var acct providers.BusinessAccount
	var num providers.PhoneNumber
	var blocked string
	for _, e := range h.HealthStatus.Entities {
		switch e.EntityType {
		case "WABA":
			acct.ID = e.ID
		case "PHONE_NUMBER":
			num.ID = e.ID
			num.Status = numberStatus(e.CanSendMessage)
		}
		for _, er := range e.Errors {
			if blocked == "" && e.CanSendMessage == "BLOCKED" {
				blocked = er.ErrorDescription
			}
		}
	}
	if num.ID == "" {
		return acct, num, fmt.Errorf("dialog360: %s: %w", op, &providers.Error{Provider: providers.Dialog360, Op: op,
			Kind: providers.ErrorKindUnknown, Message: "the health status names no phone number"})
	}
	num.BusinessAccountID = acct.ID
	if blocked != "" && num.Status == "" {
		num.Status = "RESTRICTED"
	}
	acct.Ownership = providers.OwnershipOwned
	return acct, num, nil
}

// numberStatus maps 360dialog's messaging status to Meta's number status
// words, which the console's health checks read.
func numberStatus(canSend string) string {
	switch canSend {
	case "AVAILABLE":
		return "CONNECTED"
	case "LIMITED":
		return "RATE_LIMITED"
	case "BLOCKED":
		return "RESTRICTED"
	}
	return ""
}

// ListBusinessAccounts returns the one account and number behind the API
// key (the wizard's Test connection). businessID is not used.
func (c *Client) ListBusinessAccounts(ctx context.Context, _ string) ([]providers.BusinessAccount, error) {
	acct, num, err := c.number(ctx, providers.OpListBusinessAccounts)
	if err != nil {
		return nil, err
	}
	acct.PhoneNumbers = []providers.PhoneNumber{num}
	return []providers.BusinessAccount{acct}, nil
}

// GetPhoneNumber returns the number behind the key with its messaging
// status. 360dialog documents no quality rating or limit tier here.
func (c *Client) GetPhoneNumber(ctx context.Context, phoneNumberID string) (providers.PhoneNumber, error) {
	_, num, err := c.number(ctx, providers.OpGetPhoneNumber)
	if err != nil {
		return providers.PhoneNumber{}, err
	}
	if phoneNumberID != "" && num.ID != phoneNumberID {
		return providers.PhoneNumber{}, fmt.Errorf("dialog360: %s: %w", providers.OpGetPhoneNumber, &providers.Error{
			Provider: providers.Dialog360, Op: providers.OpGetPhoneNumber, Kind: providers.ErrorKindNotFound,
			Message: "the API key now belongs to another number (" + num.ID + ")"})
	}
	return num, nil
}

type webhookConfig struct {
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
}

// SubscribeApp sets the number's webhook URL (POST /v1/configs/webhook),
// with the channel's webhook secret as a header 360dialog sends back on
// every delivery. wabaID is not used: the key names the number.
func (c *Client) SubscribeApp(ctx context.Context, _, callbackURL, secret string) error {
	if msg := CheckWebhookURL(callbackURL); msg != "" {
		return fmt.Errorf("dialog360: %s: %w", providers.OpSubscribeApp, &providers.ValidationError{Err: errors.New(msg)})
	}
	return c.Do(ctx, providers.OpSubscribeApp, http.MethodPost, []string{"v1", "configs", "webhook"},
		webhookConfig{URL: callbackURL, Headers: map[string]string{TokenHeader: secret}}, nil)
}

// UnsubscribeApp is not offered by 360dialog's Messaging API (a number
// always has one webhook URL); removing a channel leaves it set.
func (c *Client) UnsubscribeApp(context.Context, string) error {
	return providers.Unsupported(providers.Dialog360, providers.OpUnsubscribeApp,
		"360dialog has no call to remove a webhook URL; it stays set until another is set")
}

// GetCommerceSettings is not offered through 360dialog.
func (c *Client) GetCommerceSettings(context.Context, string) (providers.CommerceSettings, error) {
	return providers.CommerceSettings{}, providers.Unsupported(providers.Dialog360, providers.OpGetCommerce,
		"cart and catalog settings are not available through 360dialog in wadesk")
}

// UpdateCommerceSettings is not offered through 360dialog.
func (c *Client) UpdateCommerceSettings(context.Context, string, providers.CommerceSettings) error {
	return providers.Unsupported(providers.Dialog360, providers.OpUpdateCommerce,
		"cart and catalog settings are not available through 360dialog in wadesk")
}

// CheckWebhookURL returns why 360dialog cannot deliver to u, or "".
// 360dialog refuses webhook URLs with "_" or a ":port".
func CheckWebhookURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return "The console's public address is not a valid web address. Set --base-url (WADESK_BASE_URL) to the address customers' providers reach it at."
	}
	if p.Port() != "" {
		return "360dialog does not deliver webhooks to an address with a port (" + p.Host + "). Serve the console on the standard port (443 behind a reverse proxy) and set --base-url (WADESK_BASE_URL) without \":" + p.Port() + "\"."
	}
	if strings.Contains(u, "_") {
		return "360dialog does not deliver webhooks to an address containing \"_\" (" + u + "). Give the console a host name without underscores and set --base-url (WADESK_BASE_URL) to it."
	}
	return ""
}

// Authenticate checks a webhook: the channel's secret must come back in
// TokenHeader (compared in constant time); when a signing secret is set
// for the channel, 360dialog's signature must also match.
func Authenticate(r providers.WebhookRequest, c providers.Credentials) error {
	got := r.Header.Get(TokenHeader)
	if c.WebhookSecret == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(c.WebhookSecret)) != 1 {
		return providers.ErrUnauthenticated
	}
	if c.AppSecret != "" && !VerifySignature(c.AppSecret, r.Body, r.Header.Get(SignatureHeader)) {
		return providers.ErrUnauthenticated
	}
	return nil
}

// VerifySignature checks 360dialog's HMAC-SHA256 signature of body, given
// as hex or base64 (which one 360dialog sends is not confirmed), with an
// optional "sha256=" prefix.
func VerifySignature(secret string, body []byte, header string) bool {
	header = strings.TrimPrefix(strings.TrimSpace(header), "sha256=")
	if secret == "" || header == "" {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	want := mac.Sum(nil)
	if got, err := hex.DecodeString(header); err == nil && len(got) == sha256.Size {
		return hmac.Equal(got, want)
	}
	if got, err := base64.StdEncoding.DecodeString(header); err == nil && len(got) == sha256.Size {
		return hmac.Equal(got, want)
	}
	return false
}
