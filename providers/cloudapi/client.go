// Package cloudapi is wadesk's client for Meta's WhatsApp Cloud API (the
// Graph API's WhatsApp Business endpoints) and its webhooks. It converts
// Meta's JSON to and from the neutral types in package providers.
package cloudapi

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
	"unicode/utf8"

	"github.com/wadesk/wadesk/providers"
)

// Defaults for Config.
const (
	DefaultBaseURL          = "https://graph.facebook.com"
	DefaultVersion          = "v23.0"
	DefaultTimeout          = 60 * time.Second
	DefaultMaxPages         = 50
	DefaultMaxDownloadBytes = 100 << 20 // Meta's largest media (documents) is 100 MB
	maxResponseBytes        = 8 << 20
)

// Config configures a Client. Only Token is required.
type Config struct {
	// BaseURL of the Graph API, without the version. Default DefaultBaseURL.
	BaseURL string
	// Version of the Graph API, e.g. "v23.0". Default DefaultVersion.
	Version string
	// Token is the (system-user) access token, sent as a Bearer token.
	Token string
	// HTTPClient to use. Default: a client with a DefaultTimeout timeout.
	HTTPClient *http.Client
	// Logger receives one debug line per request (never the token).
	// Default: discard.
	Logger *slog.Logger
	// MaxPages caps how many pages one listing follows. Default DefaultMaxPages.
	MaxPages int
	// MaxDownloadBytes caps DownloadMedia. Default DefaultMaxDownloadBytes.
	MaxDownloadBytes int64
	// UserAgent is sent with every request. Default "wadesk".
	UserAgent string
	// Provider names the provider in errors. Default providers.MetaCloud.
	// Providers that resell Meta's API set their own.
	Provider providers.ProviderID
	// AuthHeader names the header that carries Token. "" (or
	// "Authorization") sends "Authorization: Bearer <token>"; any other
	// name carries the token as is (360dialog's D360-API-KEY, a partner's
	// own header).
	AuthHeader string
	// NoVersion leaves the Graph version out of every path, for APIs whose
	// BaseURL already holds their whole path prefix.
	NoVersion bool
	// NumberBound is for APIs whose key belongs to one phone number
	// (360dialog): paths carry no phone-number ID (POST /messages,
	// POST /media) and templates live under /v1/configs/templates.
	NumberBound bool
}

// Client talks to the Cloud API with one access token. It is safe for
// concurrent use.
type Client struct {
	base        *url.URL
	version     string
	token       string
	hc          *http.Client
	log         *slog.Logger
	maxPages    int
	maxDownload int64
	userAgent   string
	provider    providers.ProviderID
	authHeader  string
	noVersion   bool
	numberBound bool
}

// Interfaces the Client satisfies.
var (
	_ providers.CapabilityReporter    = (*Client)(nil)
	_ providers.NumberLister          = (*Client)(nil)
	_ providers.WebhookSubscriber     = (*Client)(nil)
	_ providers.ProfileManager        = (*Client)(nil)
	_ providers.ProfilePictureManager = (*Client)(nil)
	_ providers.TemplateManager       = (*Client)(nil)
	_ providers.MessageSender         = (*Client)(nil)
	_ providers.MediaStore            = (*Client)(nil)
	_ providers.CommerceManager       = (*Client)(nil)
)

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, &providers.ValidationError{Err: errors.New("the access token is missing")}
	}
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, &providers.ValidationError{Err: fmt.Errorf("the API address %q is not a valid http(s) URL", raw)}
	}
	c := &Client{
		base:        base,
		version:     cfg.Version,
		token:       strings.TrimSpace(cfg.Token),
		hc:          cfg.HTTPClient,
		log:         cfg.Logger,
		maxPages:    cfg.MaxPages,
		maxDownload: cfg.MaxDownloadBytes,
		userAgent:   cfg.UserAgent,
		provider:    cfg.Provider,
		authHeader:  http.CanonicalHeaderKey(strings.TrimSpace(cfg.AuthHeader)),
		noVersion:   cfg.NoVersion,
		numberBound: cfg.NumberBound,
	}
	if c.provider == "" {
		c.provider = providers.MetaCloud
	}
	if c.authHeader == "Authorization" {
		c.authHeader = ""
	}
	if c.version == "" {
		c.version = DefaultVersion
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: DefaultTimeout, Transport: sharedTransport}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.maxPages <= 0 {
		c.maxPages = DefaultMaxPages
	}
	if c.maxDownload <= 0 {
		c.maxDownload = DefaultMaxDownloadBytes
	}
	if c.userAgent == "" {
		c.userAgent = "wadesk"
	}
	return c, nil
}

// Capabilities reports what the adapter supports: everything on Meta's
// Cloud API; on a number-bound API (360dialog) no account listing, no
// profile, picture or commerce endpoints (none documented there).
func (c *Client) Capabilities() providers.Capabilities {
	if c.numberBound {
		return NumberBoundCapabilities()
	}
	return providers.CloudAPICapabilities()
}

// NumberBoundCapabilities is what the client does for an API whose key
// belongs to one number (360dialog).
func NumberBoundCapabilities() providers.Capabilities {
	return providers.NewCapabilities(providers.CapSubscribeWebhook, providers.CapTemplates,
		providers.CapSendText, providers.CapSendMedia, providers.CapSendTemplate, providers.CapSendInteractive,
		providers.CapSendLocation, providers.CapSendContacts, providers.CapReactions, providers.CapMarkRead,
		providers.CapMedia)
}

// numberPath is the path of a phone number's edge: {phone-number-id}/edge
// on Meta, just /edge where the key belongs to the number.
func (c *Client) numberPath(phoneNumberID string, edge ...string) []string {
	if c.numberBound {
		return edge
	}
	return append([]string{phoneNumberID}, edge...)
}

// endpoint builds BaseURL/Version/seg/seg?query with each segment escaped.
func (c *Client) endpoint(segs []string, q url.Values) string {
	u := *c.base
	parts := []string{strings.TrimRight(u.Path, "/")}
	rawParts := []string{strings.TrimRight(u.EscapedPath(), "/")}
	if !c.noVersion {
		parts = append(parts, url.PathEscape(c.version))
		rawParts = append(rawParts, url.PathEscape(c.version))
	}
	for _, s := range segs {
		parts = append(parts, s)
		rawParts = append(rawParts, url.PathEscape(s))
	}
	u.Path = strings.Join(parts, "/")
	u.RawPath = strings.Join(rawParts, "/")
	u.RawQuery = q.Encode()
	return u.String()
}

type request struct {
	op          string
	method      string
	path        []string
	query       url.Values
	body        io.Reader
	contentType string
	// header is added to the request; an Authorization in it replaces the
	// default Bearer token header.
	header http.Header
}

// jsonBody marshals v for a request body.
func jsonBody(v any) (io.Reader, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}

// call performs r and decodes a successful JSON answer into out (if not nil).
// Failures come back as *providers.Error wrapped with "cloudapi: <op>: ".
func (c *Client) call(ctx context.Context, r request, out any) error {
	for _, s := range r.path {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("cloudapi: %s: %w", r.op, &providers.ValidationError{Err: errors.New("an ID is missing")})
		}
	}
	target := c.endpoint(r.path, r.query)
	req, err := http.NewRequestWithContext(ctx, r.method, target, r.body)
	if err != nil {
		return fmt.Errorf("cloudapi: %s: build request: %w", r.op, err)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	for k, vs := range r.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.send(ctx, r.op, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return c.transportError(ctx, r.op, fmt.Errorf("read response: %w", err))
	}
	if len(data) > maxResponseBytes {
		return fmt.Errorf("cloudapi: %s: %w", r.op, &providers.Error{
			Provider: providers.MetaCloud, Op: r.op, Kind: providers.ErrorKindUnknown,
			HTTPStatus: resp.StatusCode, Message: fmt.Sprintf("response larger than %d bytes", maxResponseBytes),
		})
	}
	if pe := parseError(r.op, resp.StatusCode, data); pe != nil {
		pe.Provider = c.provider
		c.log.DebugContext(ctx, "cloudapi error", "op", r.op, "error", pe.Error())
		return fmt.Errorf("cloudapi: %s: %w", r.op, pe)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("cloudapi: %s: %w", r.op, &providers.Error{
			Provider: providers.MetaCloud, Op: r.op, Kind: providers.ErrorKindUnknown,
			HTTPStatus: resp.StatusCode, Message: "unexpected response: " + snippet(data), Err: err,
		})
	}
	return nil
}

// send adds auth headers (a Bearer token unless req has its own
// Authorization), performs req and logs it.
func (c *Client) send(ctx context.Context, op string, req *http.Request) (*http.Response, error) {
	switch {
	case c.authHeader != "":
		req.Header.Set(c.authHeader, c.token)
	case req.Header.Get("Authorization") == "":
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("User-Agent", c.userAgent)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.log.DebugContext(ctx, "cloudapi request failed", "op", op, "method", req.Method, "path", req.URL.Path, "error", err)
		return nil, c.transportError(ctx, op, err)
	}
	c.log.DebugContext(ctx, "cloudapi request", "op", op, "method", req.Method, "path", req.URL.Path,
		"status", resp.StatusCode, "duration", time.Since(start))
	return resp, nil
}

// transportError reports a failure before a complete answer arrived. A
// cancelled or expired context is returned as such, not as a network error.
func (c *Client) transportError(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("cloudapi: %s: %w", op, ctxErr)
	}
	return fmt.Errorf("cloudapi: %s: %w", op, providers.NewNetworkError(providers.MetaCloud, op, err))
}

// graphError is Meta's error envelope.
type graphError struct {
	Error *struct {
		Message        string          `json:"message"`
		Type           string          `json:"type"`
		Code           flexInt         `json:"code"`
		ErrorSubcode   flexInt         `json:"error_subcode"`
		ErrorData      json.RawMessage `json:"error_data"`
		FBTraceID      string          `json:"fbtrace_id"`
		IsTransient    flexBool        `json:"is_transient"`
		ErrorUserTitle string          `json:"error_user_title"`
		ErrorUserMsg   string          `json:"error_user_msg"`
	} `json:"error"`
}

// parseError returns the provider error in a response, or nil for a
// successful one. Meta's envelope is used when present (even on a 2xx);
// otherwise any non-2xx status is an error described by its body.
func parseError(op string, status int, body []byte) *providers.Error {
	var env graphError
	if json.Unmarshal(body, &env) == nil && env.Error != nil {
		ge := env.Error
		e := &providers.Error{
			Provider:    providers.MetaCloud,
			Op:          op,
			HTTPStatus:  status,
			Code:        int(ge.Code),
			Subcode:     int(ge.ErrorSubcode),
			Type:        ge.Type,
			Message:     ge.Message,
			Title:       ge.ErrorUserTitle,
			UserMessage: ge.ErrorUserMsg,
			Details:     errorDataDetails(ge.ErrorData),
			TraceID:     ge.FBTraceID,
			Transient:   bool(ge.IsTransient),
		}
		e.Kind = providers.ClassifyMeta(e.Code, e.Subcode, status)
		return e
	}
	if status >= 200 && status < 300 {
		return nil
	}
	e := &providers.Error{
		Provider:   providers.MetaCloud,
		Op:         op,
		HTTPStatus: status,
		Kind:       providers.ClassifyMeta(0, 0, status),
		Message:    fmt.Sprintf("HTTP %d: %s", status, snippet(body)),
		Transient:  status >= 500 || status == http.StatusTooManyRequests,
	}
	return e
}

// errorDataDetails reads error_data, which is an object with "details" or
// sometimes a bare string.
func errorDataDetails(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var obj struct {
		Details string `json:"details"`
	}
	if json.Unmarshal(raw, &obj) == nil && obj.Details != "" {
		return obj.Details
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// snippet returns the start of a body for error messages, as valid UTF-8 on one line.
func snippet(b []byte) string {
	const max = 200
	s := strings.ToValidUTF8(string(b), "?")
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}

// graphPage is one page of a Graph API listing.
type graphPage struct {
	Data   json.RawMessage `json:"data"`
	Paging *struct {
		Cursors struct {
			After  string `json:"after"`
			Before string `json:"before"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

// each GETs a listing and calls fn for every item on every page. It follows
// paging while the response has paging.next, asking this client's BaseURL
// (never the host in "next") with the "after" cursor, and stops with an
// error after MaxPages pages or when the cursor does not advance.
func (c *Client) each(ctx context.Context, op string, path []string, q url.Values, fn func(json.RawMessage) error) error {
	if q == nil {
		q = url.Values{}
	}
	seen := map[string]bool{q.Encode(): true}
	for page := 1; ; page++ {
		var p graphPage
		if err := c.call(ctx, request{op: op, method: http.MethodGet, path: path, query: q}, &p); err != nil {
			return err
		}
		var items []json.RawMessage
		if len(p.Data) > 0 && string(p.Data) != "null" {
			if err := json.Unmarshal(p.Data, &items); err != nil {
				return fmt.Errorf("cloudapi: %s: %w", op, &providers.Error{
					Provider: providers.MetaCloud, Op: op, Kind: providers.ErrorKindUnknown,
					Message: "listing has no data array: " + snippet(p.Data), Err: err,
				})
			}
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if p.Paging == nil || p.Paging.Next == "" {
			return nil
		}
		if page >= c.maxPages {
			return fmt.Errorf("cloudapi: %s: stopped after %d pages; the listing is longer than expected", op, c.maxPages)
		}
		next := url.Values{}
		for k, v := range q {
			next[k] = append([]string(nil), v...)
		}
		if nu, err := url.Parse(p.Paging.Next); err == nil {
			for k, v := range nu.Query() {
				if k != "access_token" {
					next[k] = v
				}
			}
		}
		if after := p.Paging.Cursors.After; after != "" {
			next.Set("after", after)
		}
		key := next.Encode()
		if seen[key] {
			return fmt.Errorf("cloudapi: %s: paging did not advance after page %d", op, page)
		}
		seen[key] = true
		q = next
	}
}

// successResponse is Meta's {"success": true}.
type successResponse struct {
	Success flexBool `json:"success"`
}

// expectSuccess performs r and checks for {"success": true}.
func (c *Client) expectSuccess(ctx context.Context, r request) error {
	var out successResponse
	if err := c.call(ctx, r, &out); err != nil {
		return err
	}
	if !out.Success {
		return fmt.Errorf("cloudapi: %s: %w", r.op, &providers.Error{
			Provider: providers.MetaCloud, Op: r.op, Kind: providers.ErrorKindUnknown,
			Message: "the provider did not confirm success",
		})
	}
	return nil
}

// Do performs one JSON call for an adapter built on this client (a
// provider's own endpoints beside Meta's): body, when not nil, is sent as
// JSON, and a successful answer is decoded into out (when not nil).
// Errors are *providers.Error, as for every other call.
func (c *Client) Do(ctx context.Context, op, method string, path []string, body, out any) error {
	r := request{op: op, method: method, path: path}
	if body != nil {
		b, err := jsonBody(body)
		if err != nil {
			return fmt.Errorf("cloudapi: %s: %w", op, err)
		}
		r.body, r.contentType = b, "application/json"
	}
	return c.call(ctx, r, out)
}

// sharedTransport keeps connections to the API open between calls, enough
// of them for a number sending 1,000 messages a second with answers taking
// 150 ms (about 150 calls open at once): the default keeps two per host,
// so every other call would open a new connection.
var sharedTransport = func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2048
	t.MaxIdleConnsPerHost = 1024
	return t
}()
