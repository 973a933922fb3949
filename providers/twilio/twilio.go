// Package twilio is wadesk's adapter for Twilio's WhatsApp messaging: the
// REST API 2010-04-01 Messages resource (form-encoded
// POST /2010-04-01/Accounts/{AccountSid}/Messages.json with From and To as
// whatsapp:+E164), HTTP basic authentication with the Account SID and Auth
// Token (or an API key SID and secret), inbound and status webhooks
// form-encoded and signed in X-Twilio-Signature, and inbound media behind
// MediaUrl0…MediaUrlN on Twilio's API host.
//
// Facts and their sources are in ../shared/contracts/README.md. Not
// confirmed there: the WhatsApp-specific webhook parameter names (WaId,
// ProfileName, ButtonPayload, Latitude…; Twilio's messaging webhook guide
// says parameters vary by channel), so every one of them is optional here
// and the signature is checked over all parameters received.
package twilio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/providers"
)

// Defaults and names.
const (
	DefaultBaseURL = "https://api.twilio.com"
	apiVersion     = "2010-04-01"
	// Prefix makes a phone number a WhatsApp address.
	Prefix = "whatsapp:"
	// WindowClosedCode is Twilio's error for a free-form message outside
	// the 24-hour customer service window.
	WindowClosedCode = 63016
)

// Setting names of the channel's non-secret fields. The Auth Token is kept
// as the channel's app secret (it signs webhooks) and an API key's secret,
// when one is used, as its token.
const (
	FieldAccountSID = "account_sid"
	FieldAPIKeySID  = "api_key_sid"
	FieldSender     = "whatsapp_sender"
)

var (
	accountSIDPattern = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	apiKeySIDPattern  = regexp.MustCompile(`^SK[0-9a-fA-F]{32}$`)
)

// Config configures a Client.
type Config struct {
	// BaseURL of the REST API (default DefaultBaseURL); tests and the demo
	// point it at the simulator.
	BaseURL string
	// ContentBaseURL is the Content API's (default DefaultContentURL, or
	// BaseURL when only that is set, as the simulator serves both).
	ContentBaseURL string
	AccountSID     string
	// AuthToken is the account's Auth Token. APIKeySID and APIKeySecret,
	// when set, are used for API calls instead.
	AuthToken    string
	APIKeySID    string
	APIKeySecret string
	// Sender is the WhatsApp sender, +E164 (with or without "whatsapp:").
	Sender     string
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// Client talks to Twilio's REST API for one WhatsApp sender.
type Client struct {
	base       *url.URL
	content    *url.URL
	accountSID string
	user, pass string
	sender     string
	http       *http.Client
	log        *slog.Logger
}

var _ providers.Client = (*Client)(nil)

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if !accountSIDPattern.MatchString(cfg.AccountSID) {
		return nil, &providers.ValidationError{Err: errors.New("the Account SID must be AC followed by 32 letters and digits")}
	}
	user, pass := cfg.AccountSID, cfg.AuthToken
	if cfg.APIKeySID != "" || cfg.APIKeySecret != "" {
		if !apiKeySIDPattern.MatchString(cfg.APIKeySID) || cfg.APIKeySecret == "" {
			return nil, &providers.ValidationError{Err: errors.New("an API key needs both its SID (SK followed by 32 letters and digits) and its secret")}
		}
		user, pass = cfg.APIKeySID, cfg.APIKeySecret
	}
	if pass == "" {
		return nil, &providers.ValidationError{Err: errors.New("the Auth Token is missing")}
	}
	sender, err := NormalizeSender(cfg.Sender)
	if err != nil {
		return nil, &providers.ValidationError{Err: err}
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	bu, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || bu.Host == "" || (bu.Scheme != "https" && bu.Scheme != "http") {
		return nil, &providers.ValidationError{Err: fmt.Errorf("the API address %q is not a valid http(s) URL", base)}
	}
	cbase := cfg.ContentBaseURL
	if cbase == "" {
		cbase = DefaultContentURL
		if cfg.BaseURL != "" && cfg.BaseURL != DefaultBaseURL {
			cbase = base
		}
	}
	cu, err := url.Parse(strings.TrimRight(cbase, "/"))
	if err != nil || cu.Host == "" || (cu.Scheme != "https" && cu.Scheme != "http") {
		return nil, &providers.ValidationError{Err: fmt.Errorf("the Content API address %q is not a valid http(s) URL", cbase)}
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{base: bu, content: cu, accountSID: cfg.AccountSID, user: user, pass: pass, sender: sender, http: hc, log: log}, nil
}

// NormalizeSender returns a WhatsApp sender as +E164 ("+14155238886"),
// from "+1 415 523 8886", "whatsapp:+14155238886" or "14155238886".
func NormalizeSender(s string) (string, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), Prefix))
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')', r == '.':
		default:
			return "", errors.New("the WhatsApp sender must be a phone number in international format, such as +14155238886")
		}
	}
	d := b.String()
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return "", errors.New("the WhatsApp sender must be a phone number in international format with its country code, such as +14155238886")
	}
	return "+" + d, nil
}

// address is a recipient as Twilio's To: whatsapp:+E164, or (reported in
// Twilio's changelog of Jul 2026, not confirmed) whatsapp:<BSUID>.
func address(to string) string {
	to = strings.TrimPrefix(strings.TrimSpace(to), Prefix)
	if providers.IsBusinessScopedUserID(to) {
		return Prefix + to
	}
	return Prefix + "+" + strings.TrimPrefix(to, "+")
}

// apiError is Twilio's error body.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// Classify maps a Twilio error code (and the HTTP status when there is
// none) to what an admin or the inbox should do.
func Classify(code, httpStatus int) providers.ErrorKind {
	switch code {
	case 20003, 20005:
		return providers.ErrorKindAuth
	case 20008, 20403, 21408:
		return providers.ErrorKindPermission
	case 20404:
		return providers.ErrorKindNotFound
	case 20429, 14107:
		return providers.ErrorKindRateLimit
	case 63018, 63038:
		return providers.ErrorKindThroughput
	case WindowClosedCode:
		return providers.ErrorKindWindowClosed
	case 21610:
		return providers.ErrorKindMarketingOptOut
	case 63003, 63024, 63032:
		return providers.ErrorKindUndeliverable
	case 63007, 21606, 21659:
		return providers.ErrorKindNotRegistered
	case 63005, 63021, 63019, 11200:
		return providers.ErrorKindMedia
	case 21211, 21212, 21602, 21604, 21617, 21620, 21621, 63013:
		return providers.ErrorKindInvalidParameter
	case 63027, 63028:
		return providers.ErrorKindTemplateParams
	case 63049:
		return providers.ErrorKindMarketingNotDelivered
	case 20500, 30008:
		return providers.ErrorKindTemporary
	}
	switch {
	case httpStatus == http.StatusUnauthorized:
		return providers.ErrorKindAuth
	case httpStatus == http.StatusForbidden:
		return providers.ErrorKindPermission
	case httpStatus == http.StatusNotFound:
		return providers.ErrorKindNotFound
	case httpStatus == http.StatusTooManyRequests:
		return providers.ErrorKindRateLimit
	case httpStatus >= 500:
		return providers.ErrorKindServer
	case httpStatus >= 400:
		return providers.ErrorKindInvalidParameter
	}
	return providers.ErrorKindUnknown
}

// do sends one request to the REST API and decodes a JSON answer into out.
func (c *Client) do(ctx context.Context, op, method, path string, form url.Values, out any) error {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	var in any
	if form != nil {
		in = form
	}
	return c.request(ctx, op, method, u.String(), in, out)
}

// request sends one request: in is a form (url.Values), a JSON body, or
// nil; a JSON answer is decoded into out.
func (c *Client) request(ctx context.Context, op, method, target string, in, out any) error {
	var body io.Reader
	contentType := ""
	switch v := in.(type) {
	case nil:
	case url.Values:
		body, contentType = strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("twilio: %s: %w", op, err)
		}
		body, contentType = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return fmt.Errorf("twilio: %s: %w", op, err)
	}
	req.SetBasicAuth(c.user, c.pass)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("twilio: %s: %w", op, providers.NewNetworkError(providers.Twilio, op, err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("twilio: %s: %w", op, providers.NewNetworkError(providers.Twilio, op, err))
	}
	if resp.StatusCode >= 300 {
		var ae apiError
		_ = json.Unmarshal(raw, &ae)
		pe := &providers.Error{Provider: providers.Twilio, Op: op, HTTPStatus: resp.StatusCode, Code: ae.Code,
			Kind: Classify(ae.Code, resp.StatusCode), Message: ae.Message, Details: ae.MoreInfo}
		if pe.Message == "" {
			pe.Message = http.StatusText(resp.StatusCode)
		}
		pe.Transient = resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
		return fmt.Errorf("twilio: %s: %w", op, pe)
	}
	if out != nil && len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("twilio: %s: unexpected answer: %w", op, err)
		}
	}
	return nil
}

func (c *Client) accountPath(rest string) string {
	return "/" + apiVersion + "/Accounts/" + url.PathEscape(c.accountSID) + rest
}

// Capabilities is what wadesk does through Twilio: text, inbound media,
// and templates through Twilio's Content API (listed with their WhatsApp
// approval, created and submitted, sent by ContentSid). Outbound media
// needs a public URL Twilio fetches (MediaUrl), which wadesk does not
// publish; free-form buttons and lists would need a content resource per
// message; Twilio's 2010 API has no read receipts, business profile,
// account listing or commerce settings.
func (c *Client) Capabilities() providers.Capabilities { return capabilities() }

func capabilities() providers.Capabilities {
	return providers.NewCapabilities(providers.CapSendText, providers.CapMedia, providers.CapTemplates, providers.CapSendTemplate)
}

type account struct {
	SID          string `json:"sid"`
	FriendlyName string `json:"friendly_name"`
	Status       string `json:"status"`
	Type         string `json:"type"`
}

// fetchAccount reads GET /2010-04-01/Accounts/{Sid}.json.
func (c *Client) fetchAccount(ctx context.Context, op string) (account, error) {
	var a account
	err := c.do(ctx, op, http.MethodGet, c.accountPath(".json"), nil, &a)
	return a, err
}

// number is the sender as a phone number of the account.
func (c *Client) number(a account) providers.PhoneNumber {
	n := providers.PhoneNumber{ID: c.sender, BusinessAccountID: c.accountSID, DisplayPhoneNumber: c.sender,
		VerifiedName: a.FriendlyName}
	switch a.Status {
	case "active":
		n.Status = "CONNECTED"
	case "suspended":
		n.Status = "RESTRICTED"
	case "closed":
		n.Status = "DELETED"
	}
	return n
}

// ListBusinessAccounts is the wizard's Test connection: it reads the
// account (so the credentials are checked by Twilio) and returns it with
// the WhatsApp sender. Twilio's 2010 API does not list WhatsApp senders,
// so the sender is the one entered.
func (c *Client) ListBusinessAccounts(ctx context.Context, _ string) ([]providers.BusinessAccount, error) {
	a, err := c.fetchAccount(ctx, providers.OpListBusinessAccounts)
	if err != nil {
		return nil, err
	}
	if a.Status == "closed" || a.Status == "suspended" {
		return nil, fmt.Errorf("twilio: %s: %w", providers.OpListBusinessAccounts, &providers.Error{Provider: providers.Twilio,
			Op: providers.OpListBusinessAccounts, Kind: providers.ErrorKindAccountRestricted, Message: "the Twilio account is " + a.Status})
	}
	return []providers.BusinessAccount{{ID: c.accountSID, Name: a.FriendlyName, Ownership: providers.OwnershipOwned,
		PhoneNumbers: []providers.PhoneNumber{c.number(a)}}}, nil
}

// GetPhoneNumber returns the sender with the account's status.
func (c *Client) GetPhoneNumber(ctx context.Context, phoneNumberID string) (providers.PhoneNumber, error) {
	a, err := c.fetchAccount(ctx, providers.OpGetPhoneNumber)
	if err != nil {
		return providers.PhoneNumber{}, err
	}
	if phoneNumberID != "" && phoneNumberID != c.sender {
		return providers.PhoneNumber{}, fmt.Errorf("twilio: %s: %w", providers.OpGetPhoneNumber, &providers.Error{Provider: providers.Twilio,
			Op: providers.OpGetPhoneNumber, Kind: providers.ErrorKindNotFound, Message: "this channel's sender is " + c.sender})
	}
	return c.number(a), nil
}

// message is the Message resource as Twilio answers it.
type message struct {
	SID          string  `json:"sid"`
	Status       string  `json:"status"`
	To           string  `json:"to"`
	From         string  `json:"from"`
	ErrorCode    *int    `json:"error_code"`
	ErrorMessage *string `json:"error_message"`
}

// SendMessage creates a Message: Body for text; a media link as MediaUrl
// (with its caption as Body). Twilio fetches the link itself, so it must
// be public; uploaded media IDs do not exist at Twilio.
func (c *Client) SendMessage(ctx context.Context, _ string, msg providers.OutboundMessage) (providers.SendResult, error) {
	op := providers.OpSendMessage
	if err := msg.Validate(); err != nil {
		return providers.SendResult{}, fmt.Errorf("twilio: %s: %w", op, &providers.ValidationError{Err: err})
	}
	form := url.Values{"From": {Prefix + c.sender}, "To": {address(msg.To)}}
	switch {
	case msg.Text != nil:
		form.Set("Body", msg.Text.Body)
	case msg.Media != nil && msg.Media.Link != "":
		form.Set("MediaUrl", msg.Media.Link)
		if msg.Media.Caption != "" {
			form.Set("Body", msg.Media.Caption)
		}
	case msg.Template != nil:
		sid, vars, err := c.templateForm(ctx, op, msg.Template)
		if err != nil {
			if _, ok := providers.AsError(err); ok {
				return providers.SendResult{}, err
			}
			return providers.SendResult{}, fmt.Errorf("twilio: %s: %w", op, err)
		}
		form.Set("ContentSid", sid)
		if vars != "{}" {
			form.Set("ContentVariables", vars)
		}
	case msg.Media != nil:
		return providers.SendResult{}, fmt.Errorf("twilio: %s: %w", op, providers.Unsupported(providers.Twilio, op,
			"Twilio sends files from a public link only; it has no upload"))
	default:
		return providers.SendResult{}, fmt.Errorf("twilio: %s: %w", op, providers.Unsupported(providers.Twilio, op,
			"this kind of message ("+string(msg.Kind())+") is not sent through Twilio by wadesk"))
	}
	var m message
	if err := c.do(ctx, op, http.MethodPost, c.accountPath("/Messages.json"), form, &m); err != nil {
		return providers.SendResult{}, err
	}
	if m.SID == "" {
		return providers.SendResult{}, fmt.Errorf("twilio: %s: the answer has no message SID", op)
	}
	if m.Status == "failed" || m.Status == "undelivered" {
		pe := &providers.Error{Provider: providers.Twilio, Op: op, Kind: providers.ErrorKindUnknown, Message: "Twilio failed the message at once"}
		if m.ErrorCode != nil {
			pe.Code, pe.Kind = *m.ErrorCode, Classify(*m.ErrorCode, 0)
		}
		if m.ErrorMessage != nil {
			pe.Message = *m.ErrorMessage
		}
		return providers.SendResult{}, fmt.Errorf("twilio: %s: %w", op, pe)
	}
	return providers.SendResult{MessageID: m.SID, WaID: strings.TrimPrefix(strings.TrimPrefix(m.To, Prefix), "+"), Input: msg.To}, nil
}

// MarkRead is not offered by Twilio's Messages resource.
func (c *Client) MarkRead(context.Context, string, string, bool) error {
	return providers.Unsupported(providers.Twilio, providers.OpMarkRead, "Twilio does not send read receipts for WhatsApp messages through its Messages API")
}

// UploadMedia is not offered: Twilio fetches outbound media from a public URL.
func (c *Client) UploadMedia(context.Context, string, providers.MediaUpload) (string, error) {
	return "", providers.Unsupported(providers.Twilio, providers.OpUploadMedia, "Twilio has no media upload; it fetches files from a public link")
}

// GetMediaURL returns an inbound file's address: with Twilio the media ID
// a webhook carries is already its URL (MediaUrlN).
//
// Retention: Twilio creates a Media subresource for media it receives and
// "retains the stored media until you delete" it (twilio.com docs,
// messaging/api/media-resource, modified Sep 2026; found with the search
// tool). Confirmed for the Media resource; the contract file
// (../shared/contracts/twilio/twilio_api_v2010.yaml) has the DeleteMedia
// call but states no period. An account may delete media itself, so
// wadesk still keeps each file on arrival.
func (c *Client) GetMediaURL(_ context.Context, mediaID string) (providers.MediaInfo, error) {
	u, err := c.mediaURL(mediaID)
	if err != nil {
		return providers.MediaInfo{}, fmt.Errorf("twilio: %s: %w", providers.OpGetMedia, err)
	}
	return providers.MediaInfo{ID: mediaID, URL: u}, nil
}

// mediaURL checks that a media address is one of this account's media on
// Twilio's API and returns it on the configured API host, so the
// credentials never go to another host.
func (c *Client) mediaURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	prefix := "/" + apiVersion + "/Accounts/" + c.accountSID + "/Messages/"
	if err != nil || u.Host == "" || !strings.HasPrefix(u.Path, prefix) || !strings.Contains(u.Path[len(prefix):], "/Media/") {
		return "", &providers.ValidationError{Err: errors.New("the media address is not a Twilio media address of this account")}
	}
	u.Scheme, u.Host, u.User = c.base.Scheme, c.base.Host, nil
	u.Path = strings.TrimRight(c.base.Path, "/") + u.Path
	return u.String(), nil
}

// DownloadMedia copies an inbound file to w. Twilio serves media with
// basic authentication when the account asks for it and may redirect to
// a storage host: the redirect is followed without credentials.
func (c *Client) DownloadMedia(ctx context.Context, mediaURL string, w io.Writer) (providers.Download, error) {
	op := providers.OpDownloadMedia
	u, err := c.mediaURL(mediaURL)
	if err != nil {
		return providers.Download{}, fmt.Errorf("twilio: %s: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return providers.Download{}, fmt.Errorf("twilio: %s: %w", op, err)
	}
	req.SetBasicAuth(c.user, c.pass)
	hc := *c.http
	hc.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		if r.URL.Host != c.base.Host {
			r.Header.Del("Authorization")
		}
		return nil
	}
	resp, err := hc.Do(req)
	if err != nil {
		return providers.Download{}, fmt.Errorf("twilio: %s: %w", op, providers.NewNetworkError(providers.Twilio, op, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var ae apiError
		_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&ae)
		return providers.Download{}, fmt.Errorf("twilio: %s: %w", op, &providers.Error{Provider: providers.Twilio, Op: op,
			HTTPStatus: resp.StatusCode, Code: ae.Code, Kind: Classify(ae.Code, resp.StatusCode), Message: ae.Message,
			Transient: resp.StatusCode >= 500})
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return providers.Download{}, fmt.Errorf("twilio: %s: %w", op, err)
	}
	return providers.Download{MIMEType: resp.Header.Get("Content-Type"), Size: n}, nil
}

// SubscribeApp is not offered: a WhatsApp sender's webhook URLs are set in
// Twilio's console (the wizard shows them to paste).
func (c *Client) SubscribeApp(context.Context, string, string, string) error {
	return providers.Unsupported(providers.Twilio, providers.OpSubscribeApp, "a WhatsApp sender's webhook URLs are set in the Twilio console")
}

// UnsubscribeApp is not offered, as SubscribeApp.
func (c *Client) UnsubscribeApp(context.Context, string) error {
	return providers.Unsupported(providers.Twilio, providers.OpUnsubscribeApp, "a WhatsApp sender's webhook URLs are set in the Twilio console")
}

// GetCommerceSettings is not offered through Twilio.
func (c *Client) GetCommerceSettings(context.Context, string) (providers.CommerceSettings, error) {
	return providers.CommerceSettings{}, providers.Unsupported(providers.Twilio, providers.OpGetCommerce, "cart and catalog settings are not available through Twilio")
}

// UpdateCommerceSettings is not offered through Twilio.
func (c *Client) UpdateCommerceSettings(context.Context, string, providers.CommerceSettings) error {
	return providers.Unsupported(providers.Twilio, providers.OpUpdateCommerce, "cart and catalog settings are not available through Twilio")
}

// atoi reads a decimal parameter, 0 when absent or malformed.
func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}
