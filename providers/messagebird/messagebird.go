// Package messagebird is wadesk's adapter for MessageBird's Conversations
// API (the classic MessageBird platform, now part of Bird): one access key
// per account ("Authorization: AccessKey …"), one WhatsApp channel per
// number, sends with POST /v1/send, webhooks subscribed per channel with
// POST /v1/webhooks and signed with a MessageBird-Signature-JWT keyed with
// the account's signing key.
//
// What the contracts confirm: the webhook subscription objects, the send
// response ({id, status}), the message object, the HSM (template) content
// and the signature scheme with its 43 vectors. What is MessageBird's
// documentation as known here and not confirmed by a contract file: the
// /v1/send request fields (to, from = channel ID, type, content), the
// webhook delivery body and the full message status set. Templates cannot
// be listed through this API, so an admin declares them in wadesk.
//
// Bird's newer workspace Channels API is not implemented (see bird.go for
// what is known of it and why): a channel on it cannot be connected.
package messagebird

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
	"strings"
	"time"

	"github.com/wadesk/wadesk/providers"
)

// Defaults.
const (
	// DefaultBaseURL is the Conversations API root.
	DefaultBaseURL = "https://conversations.messagebird.com/v1"
	// DefaultMaxDownloadBytes caps inbound media downloads (WhatsApp's
	// largest media, documents, is 100 MB).
	DefaultMaxDownloadBytes = 100 << 20
	// maxErrorBody is how much of an error answer is read.
	maxErrorBody = 64 << 10
)

// Config configures a Client.
type Config struct {
	// BaseURL of the Conversations API. Default DefaultBaseURL; tests and
	// the demo point it at the simulator.
	BaseURL string
	// AccessKey is the account's live (or test) API access key.
	AccessKey string
	// ChannelID is the WhatsApp channel the client sends from.
	ChannelID string
	// Number is the channel's WhatsApp number, as the admin typed it
	// (the Conversations API has no call that returns it).
	Number string
	// Namespace is the WhatsApp template namespace for template sends.
	Namespace        string
	MaxDownloadBytes int64
	HTTPClient       *http.Client
	Logger           *slog.Logger
}

// Client talks to the Conversations API for one WhatsApp channel.
type Client struct {
	base        *url.URL
	key         string
	channel     string
	number      string
	namespace   string
	maxDownload int64
	hc          *http.Client
	log         *slog.Logger
}

var _ providers.Client = (*Client)(nil)

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.AccessKey) == "" {
		return nil, &providers.ValidationError{Err: errors.New("the access key is missing")}
	}
	if strings.TrimSpace(cfg.ChannelID) == "" {
		return nil, &providers.ValidationError{Err: errors.New("the channel ID is missing")}
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	bu, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || bu.Host == "" || (bu.Scheme != "https" && bu.Scheme != "http") {
		return nil, &providers.ValidationError{Err: fmt.Errorf("the API address %q is not a valid http(s) URL", base)}
	}
	c := &Client{base: bu, key: strings.TrimSpace(cfg.AccessKey), channel: strings.TrimSpace(cfg.ChannelID),
		number: phoneDigits(cfg.Number), namespace: strings.TrimSpace(cfg.Namespace),
		maxDownload: cfg.MaxDownloadBytes, hc: cfg.HTTPClient, log: cfg.Logger}
	if c.maxDownload <= 0 {
		c.maxDownload = DefaultMaxDownloadBytes
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// Capabilities is what wadesk does through the Conversations API: text,
// linked media, locations and WhatsApp templates (HSM) out, messages and
// statuses in, the webhook set per channel. Templates cannot be listed or
// managed through it (the contracts hold no MessageBird template listing),
// so an admin declares the approved ones in wadesk (CapDeclareTemplates);
// media cannot be uploaded (only linked), and there is no read receipt,
// profile or commerce call.
func (c *Client) Capabilities() providers.Capabilities { return Capabilities() }

// Capabilities of the MessageBird adapter.
func Capabilities() providers.Capabilities {
	return providers.NewCapabilities(providers.CapSubscribeWebhook, providers.CapSendText, providers.CapSendMedia,
		providers.CapSendTemplate, providers.CapDeclareTemplates, providers.CapSendLocation)
}

// apiError is MessageBird's error answer.
type apiError struct {
	Errors []struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
		Parameter   string `json:"parameter"`
	} `json:"errors"`
}

// do calls the API: method on path (relative to the base), body as JSON,
// the answer decoded into out.
func (c *Client) do(ctx context.Context, op, method, path string, query url.Values, body, out any) error {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + "/" + strings.TrimLeft(path, "/")
	u.RawQuery = query.Encode()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("messagebird: %s: encode request: %w", op, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return fmt.Errorf("messagebird: %s: build request: %w", op, err)
	}
	req.Header.Set("Authorization", "AccessKey "+c.key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("messagebird: %s: %w", op, ctx.Err())
		}
		return fmt.Errorf("messagebird: %s: %w", op, providers.NewNetworkError(providers.MessageBird, op, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		pe := parseError(op, resp.StatusCode, data)
		c.log.Warn("messagebird call refused", "op", op, "status", resp.StatusCode, "err", pe)
		return fmt.Errorf("messagebird: %s: %w", op, pe)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(out); err != nil {
		return fmt.Errorf("messagebird: %s: %w", op, &providers.Error{Provider: providers.MessageBird, Op: op,
			Kind: providers.ErrorKindUnknown, HTTPStatus: resp.StatusCode, Message: "the answer could not be read", Err: err})
	}
	return nil
}

// parseError turns an error answer into a provider error.
func parseError(op string, status int, data []byte) *providers.Error {
	pe := &providers.Error{Provider: providers.MessageBird, Op: op, HTTPStatus: status}
	var ae apiError
	if json.Unmarshal(data, &ae) == nil && len(ae.Errors) > 0 {
		e := ae.Errors[0]
		pe.Code, pe.Message = e.Code, e.Description
		if e.Parameter != "" {
			pe.Details = e.Description + " (" + e.Parameter + ")"
		}
	} else if s := strings.TrimSpace(string(data)); s != "" && len(s) < 300 {
		pe.Message = s
	}
	pe.Kind = classify(pe.Code, status, pe.Message)
	pe.Transient = pe.Kind == providers.ErrorKindServer || pe.Kind == providers.ErrorKindRateLimit
	return pe
}

// classify maps MessageBird's error codes (REST API codes: 2 request not
// allowed / bad access key, 9 missing parameters, 10 invalid parameters,
// 20 not found, 25 not enough balance, 98 and 99 internal errors) and the
// HTTP status to an error kind. WhatsApp's own window refusal (470 on the
// On-Premises API, 131047 on the Cloud API) may be passed through; how
// MessageBird words a closed window on /send is not confirmed.
func classify(code, status int, msg string) providers.ErrorKind {
	switch code {
	case 2:
		return providers.ErrorKindAuth
	case 9, 10, 21:
		return providers.ErrorKindInvalidParameter
	case 20:
		return providers.ErrorKindNotFound
	case 25:
		return providers.ErrorKindPayment
	case 98, 99:
		return providers.ErrorKindServer
	case 470, 131047:
		return providers.ErrorKindWindowClosed
	}
	if strings.Contains(strings.ToLower(msg), "24 hour") {
		return providers.ErrorKindWindowClosed
	}
	switch {
	case status == http.StatusUnauthorized:
		return providers.ErrorKindAuth
	case status == http.StatusForbidden:
		return providers.ErrorKindPermission
	case status == http.StatusNotFound:
		return providers.ErrorKindNotFound
	case status == http.StatusTooManyRequests:
		return providers.ErrorKindRateLimit
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return providers.ErrorKindInvalidParameter
	case status >= 500:
		return providers.ErrorKindServer
	}
	return providers.ErrorKindUnknown
}

// Webhook is a Conversations API webhook subscription.
type Webhook struct {
	ID        string   `json:"id,omitempty"`
	URL       string   `json:"url"`
	ChannelID string   `json:"channelId"`
	Events    []string `json:"events"`
	Status    string   `json:"status,omitempty"`
}

type webhookList struct {
	Offset     int       `json:"offset"`
	Limit      int       `json:"limit"`
	Count      int       `json:"count"`
	TotalCount int       `json:"totalCount"`
	Items      []Webhook `json:"items"`
}

// ListWebhooks lists the account's webhook subscriptions (every page).
func (c *Client) ListWebhooks(ctx context.Context, op string) ([]Webhook, error) {
	var all []Webhook
	for offset := 0; ; {
		var page webhookList
		q := url.Values{"limit": {"20"}, "offset": {fmt.Sprint(offset)}}
		if err := c.do(ctx, op, http.MethodGet, "webhooks", q, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		offset += len(page.Items)
		if len(page.Items) == 0 || offset >= page.TotalCount {
			return all, nil
		}
	}
}

// phoneNumber is the channel as a number.
func (c *Client) phoneNumber() providers.PhoneNumber {
	return providers.PhoneNumber{ID: c.channel, BusinessAccountID: c.channel, DisplayPhoneNumber: c.number, Status: "CONNECTED"}
}

// ListBusinessAccounts checks the access key (by listing the account's
// webhooks, the cheapest authenticated read the contracts show) and
// returns the configured channel as the one number. The channel ID itself
// is checked by MessageBird when Finish subscribes its webhook.
func (c *Client) ListBusinessAccounts(ctx context.Context, _ string) ([]providers.BusinessAccount, error) {
	if _, err := c.ListWebhooks(ctx, providers.OpListBusinessAccounts); err != nil {
		return nil, err
	}
	return []providers.BusinessAccount{{ID: c.channel, Name: "MessageBird channel " + c.channel,
		Ownership: providers.OwnershipOwned, MessageTemplateNamespace: c.namespace, PhoneNumbers: []providers.PhoneNumber{c.phoneNumber()}}}, nil
}

// GetPhoneNumber checks the access key and returns the channel.
func (c *Client) GetPhoneNumber(ctx context.Context, phoneNumberID string) (providers.PhoneNumber, error) {
	if _, err := c.ListWebhooks(ctx, providers.OpGetPhoneNumber); err != nil {
		return providers.PhoneNumber{}, err
	}
	if phoneNumberID != "" && phoneNumberID != c.channel {
		return providers.PhoneNumber{}, fmt.Errorf("messagebird: %s: %w", providers.OpGetPhoneNumber, &providers.Error{
			Provider: providers.MessageBird, Op: providers.OpGetPhoneNumber, Kind: providers.ErrorKindNotFound,
			Message: "the channel settings name another channel (" + c.channel + ")"})
	}
	return c.phoneNumber(), nil
}

// webhookEvents are the events wadesk subscribes to.
var webhookEvents = []string{EventMessageCreated, EventMessageUpdated}

// SubscribeApp points the channel's message events at callbackURL: an
// existing subscription for the same channel and URL is kept (its events
// completed), otherwise one is created. MessageBird signs every delivery
// with the account's signing key; the secret argument is not used.
func (c *Client) SubscribeApp(ctx context.Context, _, callbackURL, _ string) error {
	const op = providers.OpSubscribeApp
	hooks, err := c.ListWebhooks(ctx, op)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		if h.ChannelID != c.channel || h.URL != callbackURL {
			continue
		}
		if hasAll(h.Events, webhookEvents) && h.Status != "disabled" {
			return nil
		}
		patch := map[string]any{"events": union(h.Events, webhookEvents), "url": callbackURL, "status": "enabled"}
		return c.do(ctx, op, http.MethodPatch, "webhooks/"+url.PathEscape(h.ID), nil, patch, nil)
	}
	return c.do(ctx, op, http.MethodPost, "webhooks", nil,
		Webhook{ChannelID: c.channel, URL: callbackURL, Events: webhookEvents}, nil)
}

// UnsubscribeApp removes every webhook of the channel that delivers to a
// wadesk channel URL (path …/webhooks/{id}).
func (c *Client) UnsubscribeApp(ctx context.Context, _ string) error {
	const op = providers.OpUnsubscribeApp
	hooks, err := c.ListWebhooks(ctx, op)
	if err != nil {
		return err
	}
	for _, h := range hooks {
		u, err := url.Parse(h.URL)
		if h.ChannelID != c.channel || err != nil || !strings.Contains(u.Path, "/webhooks/") {
			continue
		}
		if err := c.do(ctx, op, http.MethodDelete, "webhooks/"+url.PathEscape(h.ID), nil, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

func hasAll(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		if !hasAll(out, []string{s}) {
			out = append(out, s)
		}
	}
	return out
}

// ListTemplates is not offered by the Conversations API.
func (c *Client) ListTemplates(context.Context, string) ([]providers.Template, error) {
	return nil, providers.Unsupported(providers.MessageBird, providers.OpListTemplates,
		"MessageBird's Conversations API has no call to list WhatsApp templates; manage them in MessageBird's dashboard")
}

// CreateTemplate is not offered by the Conversations API.
func (c *Client) CreateTemplate(context.Context, string, providers.Template) (providers.TemplateRef, error) {
	return providers.TemplateRef{}, providers.Unsupported(providers.MessageBird, providers.OpCreateTemplate,
		"MessageBird's Conversations API has no call to create WhatsApp templates; create them in MessageBird's dashboard")
}

// DeleteTemplate is not offered by the Conversations API.
func (c *Client) DeleteTemplate(context.Context, string, string, string) error {
	return providers.Unsupported(providers.MessageBird, providers.OpDeleteTemplate,
		"MessageBird's Conversations API has no call to delete WhatsApp templates; delete them in MessageBird's dashboard")
}

// GetCommerceSettings is not offered by the Conversations API.
func (c *Client) GetCommerceSettings(context.Context, string) (providers.CommerceSettings, error) {
	return providers.CommerceSettings{}, providers.Unsupported(providers.MessageBird, providers.OpGetCommerce,
		"cart and catalog settings are not available through MessageBird in wadesk")
}

// UpdateCommerceSettings is not offered by the Conversations API.
func (c *Client) UpdateCommerceSettings(context.Context, string, providers.CommerceSettings) error {
	return providers.Unsupported(providers.MessageBird, providers.OpUpdateCommerce,
		"cart and catalog settings are not available through MessageBird in wadesk")
}

// MarkRead is not offered by the Conversations API.
func (c *Client) MarkRead(context.Context, string, string, bool) error {
	return providers.Unsupported(providers.MessageBird, providers.OpMarkRead,
		"MessageBird's Conversations API does not send read receipts")
}

// UploadMedia is not offered: the Conversations API sends media by link.
func (c *Client) UploadMedia(context.Context, string, providers.MediaUpload) (string, error) {
	return "", providers.Unsupported(providers.MessageBird, providers.OpUploadMedia,
		"MessageBird sends media from a public link; it has no upload call")
}

// GetMediaURL returns the media's URL: inbound media arrive as links, and
// the link is the media ID.
//
// Retention: NOT CONFIRMED. Neither the Conversations API samples in
// ../shared/contracts/messagebird nor Bird's documentation found with the
// search tool (docs.bird.com channels API, developers.messagebird.com
// File Storage API) state how long an inbound file's link stays valid.
// wadesk assumes it may expire as soon as Meta's media does (7 days) and
// fetches each file on arrival.
func (c *Client) GetMediaURL(_ context.Context, mediaID string) (providers.MediaInfo, error) {
	u, err := url.Parse(mediaID)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return providers.MediaInfo{}, fmt.Errorf("messagebird: %s: %w", providers.OpGetMedia,
			&providers.ValidationError{Err: errors.New("the media address is not a web address")})
	}
	return providers.MediaInfo{ID: mediaID, URL: mediaID}, nil
}

// DownloadMedia copies the file at mediaURL to w, at most the size limit.
// The access key is sent only to the API's own host, never elsewhere.
func (c *Client) DownloadMedia(ctx context.Context, mediaURL string, w io.Writer) (providers.Download, error) {
	const op = providers.OpDownloadMedia
	u, err := url.Parse(mediaURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return providers.Download{}, fmt.Errorf("messagebird: %s: %w", op, &providers.ValidationError{Err: errors.New("the media address is not a web address")})
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return providers.Download{}, fmt.Errorf("messagebird: %s: build request: %w", op, err)
	}
	if strings.EqualFold(u.Host, c.base.Host) && u.Scheme == c.base.Scheme {
		req.Header.Set("Authorization", "AccessKey "+c.key)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return providers.Download{}, fmt.Errorf("messagebird: %s: %w", op, ctx.Err())
		}
		return providers.Download{}, fmt.Errorf("messagebird: %s: %w", op, providers.NewNetworkError(providers.MessageBird, op, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return providers.Download{}, fmt.Errorf("messagebird: %s: %w", op, parseError(op, resp.StatusCode, data))
	}
	tooBig := &providers.Error{Provider: providers.MessageBird, Op: op, Kind: providers.ErrorKindMedia, HTTPStatus: resp.StatusCode,
		Message: fmt.Sprintf("file is larger than the %d-byte limit", c.maxDownload)}
	if resp.ContentLength > c.maxDownload {
		return providers.Download{}, fmt.Errorf("messagebird: %s: %w", op, tooBig)
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, c.maxDownload+1))
	if err != nil {
		return providers.Download{}, fmt.Errorf("messagebird: %s: copy: %w", op, err)
	}
	if n > c.maxDownload {
		return providers.Download{}, fmt.Errorf("messagebird: %s: %w", op, tooBig)
	}
	return providers.Download{MIMEType: resp.Header.Get("Content-Type"), Size: n}, nil
}

// phoneDigits keeps only the digits of a typed phone number.
func phoneDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
