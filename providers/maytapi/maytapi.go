// Package maytapi is wadesk's adapter for Maytapi, an unofficial service
// that drives an ordinary WhatsApp account on a paired phone (not Meta's
// WhatsApp Business Platform).
//
// Facts used here come from Maytapi's OpenAPI 3.0.1 document "Maytapi -
// WhatsApp API Documentation" v1.9.1 and its getting-started pages, as
// summarised in ../shared/contracts/README.md:
//   - server https://api.maytapi.com/api/{product_id}; every call carries
//     the account's API token in the x-maytapi-key header;
//   - account: GET /listPhones, POST /setWebhook {webhook},
//     POST /setAckPreference {ack_delivery};
//   - phone: GET /{phone_id}/status → {success, status:{loggedIn, isQr,
//     loading, connRetry, message, state, number}}, GET /{phone_id}/qrCode,
//     POST /{phone_id}/sendMessage {to_number, type, message, text,
//     filename, reply_to, skip_filter} → {success, data:{chatId, msgId}},
//     which only means queued: delivery comes from "ack" webhooks;
//   - webhooks: type "message", "ack", "status" (with "pid", not
//     "product_id") and "live_event"; no signature is documented, so each
//     channel's webhook URL carries an unguessable secret (see
//     Authenticate).
//
// Not confirmed (the shapes are this adapter's reading, kept tolerant):
// the element shape of /listPhones, the qrCode answer's content type
// (a PNG image is assumed, a JSON data URL is also read), the location
// send fields, the media fields of inbound messages (url, mime, caption,
// filename) and the unit of "timestamp" (seconds).
package maytapi

import (
	"bytes"
	"context"
	"encoding/base64"
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

// Defaults and names.
const (
	DefaultBaseURL = "https://api.maytapi.com/api"
	// KeyHeader carries the account's API token on every call.
	KeyHeader = "x-maytapi-key"
	// FieldProductID is the credential field of the product id (Maytapi's
	// "pid"), a non-secret setting.
	FieldProductID = "product_id"
	// DefaultDailyCap is Maytapi's published fixed cap of outgoing
	// messages a day per phone.
	DefaultDailyCap = 6000
)

// Config configures a Client.
type Config struct {
	// BaseURL is the API root without the product id. Default
	// DefaultBaseURL; tests and the demo point it at the simulator.
	BaseURL    string
	ProductID  string
	Token      string
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// Client talks to Maytapi for one product (account).
type Client struct {
	base  string // …/api/{product_id}
	token string
	http  *http.Client
	log   *slog.Logger
}

var _ providers.Client = (*Client)(nil)

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, &providers.ValidationError{Err: errors.New("the API token is missing")}
	}
	pid := strings.TrimSpace(cfg.ProductID)
	if pid == "" || strings.ContainsAny(pid, "/?#% ") {
		return nil, &providers.ValidationError{Err: errors.New("the product id is missing or not valid")}
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	bu, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || bu.Host == "" || (bu.Scheme != "http" && bu.Scheme != "https") {
		return nil, &providers.ValidationError{Err: fmt.Errorf("the API address %q is not a valid http(s) URL", base)}
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	lg := cfg.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Client{base: bu.String() + "/" + url.PathEscape(pid), token: cfg.Token, http: hc, log: lg}, nil
}

// Capabilities: text, media by link, location, reactions and replies. No
// templates, business profile, read receipts or commerce (unofficial API).
func (c *Client) Capabilities() providers.Capabilities { return Capabilities() }

// Capabilities is what the Maytapi adapter can do.
func Capabilities() providers.Capabilities {
	return providers.NewCapabilities(providers.CapListNumbers, providers.CapSubscribeWebhook,
		providers.CapSendText, providers.CapSendMedia, providers.CapSendLocation, providers.CapReactions)
}

// apiError is Maytapi's failure answer: {success:false, message}.
type apiError struct {
	Success *bool  `json:"success"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

// do runs one call; out receives the JSON answer when not nil.
func (c *Client) do(ctx context.Context, op, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("maytapi: %s: encode: %w", op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("maytapi: %s: %w", op, err)
	}
	req.Header.Set(KeyHeader, c.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("maytapi: %s: %w", op, &providers.Error{Provider: providers.Maytapi, Op: op, Kind: providers.ErrorKindNetwork, Err: err})
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("maytapi: %s: read answer: %w", op, &providers.Error{Provider: providers.Maytapi, Op: op, Kind: providers.ErrorKindNetwork, Err: err})
	}
	var ae apiError
	_ = json.Unmarshal(raw, &ae)
	if resp.StatusCode >= 300 || (ae.Success != nil && !*ae.Success) {
		return fmt.Errorf("maytapi: %s: %w", op, classify(op, resp.StatusCode, ae.Message))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("maytapi: %s: decode answer: %w", op, &providers.Error{Provider: providers.Maytapi, Op: op,
				HTTPStatus: resp.StatusCode, Kind: providers.ErrorKindUnknown, Message: "the answer was not the JSON expected"})
		}
	}
	return nil
}

// ErrDuplicateFilter is the kind of refusal Maytapi gives when the same
// message was sent to one chat more than 3 times (its duplicate filter).
const duplicateHint = "duplicate"

// classify turns a failed answer into a provider error. Maytapi documents
// {success:false, message} without codes, so the status and words decide.
func classify(op string, status int, msg string) *providers.Error {
	e := &providers.Error{Provider: providers.Maytapi, Op: op, HTTPStatus: status, Message: msg, Kind: providers.ErrorKindUnknown}
	low := strings.ToLower(msg)
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden || strings.Contains(low, "token") || strings.Contains(low, "api key"):
		e.Kind = providers.ErrorKindAuth
	case status == http.StatusNotFound:
		e.Kind = providers.ErrorKindNotFound
	case status == http.StatusTooManyRequests:
		e.Kind = providers.ErrorKindRateLimit
	case strings.Contains(low, duplicateHint):
		e.Kind = providers.ErrorKindSpamLimit
		e.UserMessage = DuplicateFilterExplanation
	case strings.Contains(low, "not logged") || strings.Contains(low, "logged out") || strings.Contains(low, "qr"):
		e.Kind = providers.ErrorKindNotRegistered
		e.UserMessage = "The phone behind this channel is not paired with WhatsApp right now. Open the channel and press Pair again, then scan the QR code with the phone."
	case status >= 500:
		e.Kind = providers.ErrorKindServer
		e.Transient = true
	case status >= 400:
		e.Kind = providers.ErrorKindInvalidParameter
	}
	return e
}

// DuplicateFilterExplanation words Maytapi's duplicate filter for agents.
const DuplicateFilterExplanation = "Maytapi refused this message because the same text was already sent to this chat 3 times: " +
	"its duplicate filter protects the number from being banned by WhatsApp for spam. Change the wording and send again."

// Phone is one phone of the account (GET /listPhones). The element shape
// is not confirmed; these names are read tolerantly.
type Phone struct {
	ID     flexID `json:"id"`
	Number string `json:"number"`
	Name   string `json:"name"`
	Status string `json:"status"`
	Type   string `json:"type"`
}

// ListPhones returns the account's phones.
func (c *Client) ListPhones(ctx context.Context) ([]Phone, error) {
	var raw json.RawMessage
	if err := c.do(ctx, providers.OpListPhoneNumbers, http.MethodGet, "/listPhones", nil, &raw); err != nil {
		return nil, err
	}
	var phones []Phone
	if err := json.Unmarshal(raw, &phones); err != nil {
		var wrapped struct {
			Data []Phone `json:"data"`
		}
		if err := json.Unmarshal(raw, &wrapped); err != nil {
			return nil, fmt.Errorf("maytapi: %s: %w", providers.OpListPhoneNumbers, &providers.Error{Provider: providers.Maytapi,
				Op: providers.OpListPhoneNumbers, Kind: providers.ErrorKindUnknown, Message: "the phone list was not in the shape expected"})
		}
		phones = wrapped.Data
	}
	return phones, nil
}

// Status is a phone's WhatsApp session (GET /{phone_id}/status).
type Status struct {
	LoggedIn  bool   `json:"loggedIn"`
	IsQr      bool   `json:"isQr"`
	Loading   bool   `json:"loading"`
	ConnRetry int    `json:"connRetry"`
	Message   string `json:"message"`
	State     any    `json:"state"`
	Number    string `json:"number"`
}

// Words is the session in plain words for the pairing page and the
// channel's health.
func (s Status) Words() string {
	switch {
	case s.LoggedIn:
		return "Logged in: the phone is paired and online."
	case s.Loading:
		return "Loading: the phone's WhatsApp session is starting."
	case s.IsQr:
		return "Waiting for the QR code to be scanned."
	case s.ConnRetry > 0:
		return "Phone offline: Maytapi cannot reach the phone. Check that it is on and connected to the internet."
	case s.Message != "":
		return "Phone error: " + s.Message
	}
	return "Not paired: scan the QR code with WhatsApp on the phone."
}

// PhoneStatus reads a phone's session.
func (c *Client) PhoneStatus(ctx context.Context, phoneID string) (Status, error) {
	var out struct {
		Status Status `json:"status"`
	}
	if err := c.do(ctx, providers.OpGetPhoneNumber, http.MethodGet, "/"+url.PathEscape(phoneID)+"/status", nil, &out); err != nil {
		return Status{}, err
	}
	return out.Status, nil
}

// MaxQRBytes bounds a QR code image.
const MaxQRBytes = 512 << 10

// QRCode returns the phone's current pairing QR code as a PNG image. The
// answer's type is not confirmed: a PNG body is used as it is, a JSON
// answer with a data: URL ("data" or "qrCode") is decoded.
func (c *Client) QRCode(ctx context.Context, phoneID string) ([]byte, error) {
	const op = "get QR code"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/"+url.PathEscape(phoneID)+"/qrCode", nil)
	if err != nil {
		return nil, fmt.Errorf("maytapi: %s: %w", op, err)
	}
	req.Header.Set(KeyHeader, c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("maytapi: %s: %w", op, &providers.Error{Provider: providers.Maytapi, Op: op, Kind: providers.ErrorKindNetwork, Err: err})
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxQRBytes+1))
	if err != nil || len(raw) > MaxQRBytes {
		return nil, fmt.Errorf("maytapi: %s: %w", op, &providers.Error{Provider: providers.Maytapi, Op: op, Kind: providers.ErrorKindUnknown, Message: "the QR code could not be read"})
	}
	if resp.StatusCode >= 300 {
		var ae apiError
		_ = json.Unmarshal(raw, &ae)
		return nil, fmt.Errorf("maytapi: %s: %w", op, classify(op, resp.StatusCode, ae.Message))
	}
	if bytes.HasPrefix(raw, []byte("\x89PNG\r\n\x1a\n")) {
		return raw, nil
	}
	var j struct {
		Data   string `json:"data"`
		QRCode string `json:"qrCode"`
	}
	if json.Unmarshal(raw, &j) == nil {
		s := j.Data
		if s == "" {
			s = j.QRCode
		}
		if i := strings.Index(s, ";base64,"); strings.HasPrefix(s, "data:image/png") && i > 0 {
			if png, err := base64.StdEncoding.DecodeString(s[i+len(";base64,"):]); err == nil {
				return png, nil
			}
		}
	}
	return nil, fmt.Errorf("maytapi: %s: %w", op, &providers.Error{Provider: providers.Maytapi, Op: op, Kind: providers.ErrorKindUnknown,
		Message: "no QR code is shown now; the phone may already be logged in or still loading"})
}

// statusOf maps a session to the number status words the console's
// health checks read.
func statusOf(s Status) string {
	if s.LoggedIn {
		return "CONNECTED"
	}
	return providers.PhoneLoggedOut
}

// ListBusinessAccounts lists the account's phones as one account (the
// product) with its numbers. A phone's status is its session: a phone not
// logged in must be paired before it is connected.
func (c *Client) ListBusinessAccounts(ctx context.Context, _ string) ([]providers.BusinessAccount, error) {
	phones, err := c.ListPhones(ctx)
	if err != nil {
		return nil, err
	}
	acct := providers.BusinessAccount{ID: strings.TrimPrefix(c.base[strings.LastIndex(c.base, "/"):], "/"), Name: "Maytapi account", Ownership: providers.OwnershipOwned}
	for _, p := range phones {
		num := providers.PhoneNumber{ID: p.ID.String(), BusinessAccountID: acct.ID, DisplayPhoneNumber: p.Number, VerifiedName: p.Name, Status: "CONNECTED"}
		if num.DisplayPhoneNumber == "" {
			num.DisplayPhoneNumber = "Phone " + num.ID + " (not paired yet)"
		}
		if st, err := c.PhoneStatus(ctx, num.ID); err == nil && !st.LoggedIn {
			// Pairing happens after the phone is picked: it stays usable.
			num.Status = ""
		}
		acct.PhoneNumbers = append(acct.PhoneNumbers, num)
	}
	return []providers.BusinessAccount{acct}, nil
}

// GetPhoneNumber reads a phone's session as its number status
// (CONNECTED when logged in, providers.PhoneLoggedOut otherwise).
func (c *Client) GetPhoneNumber(ctx context.Context, phoneID string) (providers.PhoneNumber, error) {
	st, err := c.PhoneStatus(ctx, phoneID)
	if err != nil {
		return providers.PhoneNumber{}, err
	}
	return providers.PhoneNumber{ID: phoneID, DisplayPhoneNumber: st.Number, Status: statusOf(st)}, nil
}

// SubscribeApp sets the account's webhook (POST /setWebhook) to
// callbackURL, which already carries the channel's secret (Provider's
// WebhookURL), and asks for delivery acks (POST /setAckPreference).
// Maytapi has one webhook per account (product), not per phone.
func (c *Client) SubscribeApp(ctx context.Context, _, callbackURL, _ string) error {
	if err := c.do(ctx, providers.OpSubscribeApp, http.MethodPost, "/setWebhook", map[string]string{"webhook": callbackURL}, nil); err != nil {
		return err
	}
	return c.do(ctx, providers.OpSubscribeApp, http.MethodPost, "/setAckPreference", map[string]bool{"ack_delivery": true}, nil)
}

// UnsubscribeApp clears the account's webhook.
func (c *Client) UnsubscribeApp(ctx context.Context, _ string) error {
	return c.do(ctx, providers.OpUnsubscribeApp, http.MethodPost, "/setWebhook", map[string]string{"webhook": ""}, nil)
}

// sendBody is POST /{phone_id}/sendMessage.
type sendBody struct {
	ToNumber string `json:"to_number"`
	Type     string `json:"type"`
	Message  string `json:"message"`
	Text     string `json:"text,omitempty"`
	Filename string `json:"filename,omitempty"`
	ReplyTo  string `json:"reply_to,omitempty"`
	// Latitude and Longitude for type location: field names not confirmed.
	Latitude  *float64 `json:"latitude,omitempty"`
	Longitude *float64 `json:"longitude,omitempty"`
}

// SendMessage queues a message on the phone. The answer only means
// queued; "ack" webhooks report delivery.
func (c *Client) SendMessage(ctx context.Context, phoneID string, msg providers.OutboundMessage) (providers.SendResult, error) {
	b := sendBody{ToNumber: strings.TrimPrefix(msg.To, "+"), ReplyTo: msg.ReplyTo}
	switch {
	case msg.Text != nil:
		b.Type, b.Message = "text", msg.Text.Body
	case msg.Media != nil:
		if msg.Media.Link == "" {
			return providers.SendResult{}, providers.Unsupported(providers.Maytapi, providers.OpSendMessage, "Maytapi sends files from a public link; this file has no link")
		}
		b.Type, b.Message, b.Text, b.Filename = "media", msg.Media.Link, msg.Media.Caption, msg.Media.Filename
	case msg.Location != nil:
		lat, lng := msg.Location.Latitude, msg.Location.Longitude
		b.Type, b.Latitude, b.Longitude, b.Text = "location", &lat, &lng, msg.Location.Name
	case msg.Reaction != nil:
		b.Type, b.Message, b.ReplyTo = "reaction", msg.Reaction.Emoji, msg.Reaction.MessageID
	default:
		return providers.SendResult{}, providers.Unsupported(providers.Maytapi, providers.OpSendMessage,
			"Maytapi cannot send this kind of message (templates, buttons, lists and products are Business API features)")
	}
	var out struct {
		Data struct {
			ChatID string `json:"chatId"`
			MsgID  flexID `json:"msgId"`
		} `json:"data"`
	}
	if err := c.do(ctx, providers.OpSendMessage, http.MethodPost, "/"+url.PathEscape(phoneID)+"/sendMessage", b, &out); err != nil {
		return providers.SendResult{}, err
	}
	if out.Data.MsgID == "" {
		return providers.SendResult{}, fmt.Errorf("maytapi: %s: %w", providers.OpSendMessage, &providers.Error{Provider: providers.Maytapi,
			Op: providers.OpSendMessage, Kind: providers.ErrorKindUnknown, Message: "the answer named no message id"})
	}
	return providers.SendResult{MessageID: out.Data.MsgID.String(), WaID: strings.TrimSuffix(out.Data.ChatID, "@c.us"), Input: msg.To}, nil
}

// MarkRead is not offered: Maytapi's phone reads chats as the phone does.
func (c *Client) MarkRead(context.Context, string, string, bool) error {
	return providers.Unsupported(providers.Maytapi, providers.OpMarkRead, "Maytapi does not send read receipts on request")
}

// UploadMedia is not offered: Maytapi sends files from a public link.
func (c *Client) UploadMedia(context.Context, string, providers.MediaUpload) (string, error) {
	return "", providers.Unsupported(providers.Maytapi, providers.OpUploadMedia, "Maytapi has no media upload; it sends files from a public link")
}

// GetMediaURL returns an inbound file's address: Maytapi's message
// carries its URL, which the parser keeps as the media ID.
//
// Retention: NOT CONFIRMED. Maytapi's documentation found with the search
// tool states no period for the media URLs its webhooks carry, and there
// is no Maytapi contract in ../shared/contracts. wadesk fetches each file
// on arrival and marks it gone (never asked again) once the link fails.
func (c *Client) GetMediaURL(_ context.Context, mediaID string) (providers.MediaInfo, error) {
	u, err := url.Parse(mediaID)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return providers.MediaInfo{}, fmt.Errorf("maytapi: %s: %w", providers.OpGetMedia, &providers.Error{Provider: providers.Maytapi,
			Op: providers.OpGetMedia, Kind: providers.ErrorKindMedia, Message: "the file's address is not a web address"})
	}
	return providers.MediaInfo{ID: mediaID, URL: mediaID}, nil
}

// DownloadMedia downloads an inbound file. The API token is not sent: the
// file's address is Maytapi's own public link.
func (c *Client) DownloadMedia(ctx context.Context, mediaURL string, w io.Writer) (providers.Download, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, mediaURL, nil)
	if err != nil {
		return providers.Download{}, fmt.Errorf("maytapi: %s: %w", providers.OpDownloadMedia, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return providers.Download{}, fmt.Errorf("maytapi: %s: %w", providers.OpDownloadMedia, &providers.Error{Provider: providers.Maytapi,
			Op: providers.OpDownloadMedia, Kind: providers.ErrorKindNetwork, Err: err})
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return providers.Download{}, fmt.Errorf("maytapi: %s: %w", providers.OpDownloadMedia, classify(providers.OpDownloadMedia, resp.StatusCode, "the file is not available"))
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, 100<<20))
	if err != nil {
		return providers.Download{}, fmt.Errorf("maytapi: %s: %w", providers.OpDownloadMedia, err)
	}
	return providers.Download{MIMEType: resp.Header.Get("Content-Type"), Size: n}, nil
}

// ListTemplates: WhatsApp templates belong to Meta's Business API.
func (c *Client) ListTemplates(context.Context, string) ([]providers.Template, error) {
	return nil, providers.Unsupported(providers.Maytapi, providers.OpListTemplates, noTemplates)
}

// CreateTemplate: see ListTemplates.
func (c *Client) CreateTemplate(context.Context, string, providers.Template) (providers.TemplateRef, error) {
	return providers.TemplateRef{}, providers.Unsupported(providers.Maytapi, providers.OpCreateTemplate, noTemplates)
}

// DeleteTemplate: see ListTemplates.
func (c *Client) DeleteTemplate(context.Context, string, string, string) error {
	return providers.Unsupported(providers.Maytapi, providers.OpDeleteTemplate, noTemplates)
}

const noTemplates = "Maytapi is not Meta's Business API: it has no message templates, and none are needed because the 24-hour window does not apply"

// GetCommerceSettings is not offered.
func (c *Client) GetCommerceSettings(context.Context, string) (providers.CommerceSettings, error) {
	return providers.CommerceSettings{}, providers.Unsupported(providers.Maytapi, providers.OpGetCommerce, "cart and catalog settings are Business API features")
}

// UpdateCommerceSettings is not offered.
func (c *Client) UpdateCommerceSettings(context.Context, string, providers.CommerceSettings) error {
	return providers.Unsupported(providers.Maytapi, providers.OpUpdateCommerce, "cart and catalog settings are Business API features")
}

var _ providers.PhonePairer = (*Client)(nil)

// Pairing reads the phone's session for the pairing step.
func (c *Client) Pairing(ctx context.Context, phoneID string) (providers.PairingStatus, error) {
	st, err := c.PhoneStatus(ctx, phoneID)
	if err != nil {
		return providers.PairingStatus{}, err
	}
	return providers.PairingStatus{LoggedIn: st.LoggedIn, WaitingForScan: st.IsQr && !st.LoggedIn, Words: st.Words(), Number: st.Number}, nil
}

// PairingQR is QRCode.
func (c *Client) PairingQR(ctx context.Context, phoneID string) ([]byte, error) {
	return c.QRCode(ctx, phoneID)
}
