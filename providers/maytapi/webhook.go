package maytapi

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/providers"
)

// TokenParam is the webhook URL's query parameter that carries the
// channel's webhook secret (192 random bits, rotatable from the channel
// page). Maytapi documents no webhook signature, so the secret in the URL
// is what tells Maytapi's deliveries from forged ones.
const TokenParam = "token"

// WebhookURL is the URL Maytapi is asked to deliver to: wadesk's URL for
// the channel with the channel's secret as a parameter.
func WebhookURL(base string, c providers.Credentials) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	q.Set(TokenParam, c.WebhookSecret)
	u.RawQuery = q.Encode()
	return u.String()
}

// Authenticate checks that the delivery carries the channel's secret,
// compared in constant time.
func Authenticate(r providers.WebhookRequest, c providers.Credentials) error {
	got := r.Query.Get(TokenParam)
	if c.WebhookSecret == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(c.WebhookSecret)) != 1 {
		return providers.ErrUnauthenticated
	}
	return nil
}

// envelope is every Maytapi webhook: its type decides the rest.
type envelope struct {
	Type      string          `json:"type"`
	ProductID string          `json:"product_id"`
	PID       string          `json:"pid"` // "status" events name the product "pid"
	PhoneID   flexID          `json:"phone_id"`
	Message   json.RawMessage `json:"message"`
	User      struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"user"`
	Conversation string          `json:"conversation"`
	Receiver     string          `json:"receiver"`
	Timestamp    flexID          `json:"timestamp"`
	Quoted       json.RawMessage `json:"quoted"`
	Data         []ack           `json:"data"`
	Status       string          `json:"status"`
}

type ack struct {
	AckType string `json:"ackType"`
	AckCode int    `json:"ackCode"`
	ChatID  string `json:"chatId"`
	MsgID   flexID `json:"msgId"`
	Time    flexID `json:"time"`
}

// message is the "message" event's message object. Only id, type, text
// and fromMe are confirmed; the media fields are read if present.
type message struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Text     string `json:"text"`
	FromMe   bool   `json:"fromMe"`
	URL      string `json:"url"`
	MIME     string `json:"mime"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
	// Location (not confirmed): "payload" "lat,lng" or separate fields.
	Latitude  float64 `json:"lat"`
	Longitude float64 `json:"lng"`
	// Reaction (not confirmed).
	Reaction string `json:"reaction"`
	ReplyTo  string `json:"reply_to"`
	// Quoted message id when the customer replied to a message.
	Quoted string `json:"quoted"`
}

// PhoneStatusEvent is a "status" webhook: a phone's session changed.
const PhoneStatusEvent = "MAYTAPI_PHONE_STATUS"

// Parse turns a Maytapi webhook body into neutral events. Messages sent
// from the paired phone itself (fromMe) are kept as unknown changes, not
// as customer messages.
func Parse(body []byte) (*providers.WebhookBatch, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Type == "" {
		return nil, fmt.Errorf("maytapi: parse webhook: %w", providers.ErrNotWebhook)
	}
	b := &providers.WebhookBatch{Object: "maytapi"}
	meta := providers.WebhookMeta{EntryID: env.ProductID, Field: env.Type, PhoneNumberID: env.PhoneID.String(), DisplayPhoneNumber: env.Receiver}
	switch env.Type {
	case "message":
		m, err := parseMessage(env.Message)
		if err != nil {
			return nil, err
		}
		if m.FromMe {
			b.Unknown = append(b.Unknown, providers.UnknownChange{Meta: meta, Field: "message_from_phone", Value: json.RawMessage(body)})
			return b, nil
		}
		in := inbound(m, env.Message)
		in.Meta = meta
		in.From = digits(env.User.Phone)
		if in.From == "" {
			in.From = digits(strings.TrimSuffix(env.User.ID, "@c.us"))
		}
		in.ProfileName = env.User.Name
		in.Timestamp = unix(env.Timestamp)
		if q := quotedID(env.Quoted); q != "" {
			in.Context = &providers.MessageContext{ID: q}
		}
		b.Messages = append(b.Messages, in)
	case "ack":
		for _, a := range env.Data {
			raw, _ := json.Marshal(a)
			st := providers.StatusUpdate{Meta: meta, MessageID: a.MsgID.String(), Status: AckStatus(a.AckCode, a.AckType),
				Timestamp: unix(a.Time), RecipientID: digits(strings.TrimSuffix(a.ChatID, "@c.us")), Raw: raw}
			if st.MessageID == "" || st.Status == "" {
				b.Unknown = append(b.Unknown, providers.UnknownChange{Meta: meta, Field: "ack", Value: raw})
				continue
			}
			b.Statuses = append(b.Statuses, st)
		}
	case "status":
		meta.EntryID = env.PID
		b.AccountUpdates = append(b.AccountUpdates, providers.AccountUpdate{Meta: meta, Event: PhoneStatusEvent,
			BanState: env.Status, Raw: json.RawMessage(body)})
	default:
		b.Unknown = append(b.Unknown, providers.UnknownChange{Meta: meta, Field: env.Type, Value: json.RawMessage(body)})
	}
	return b, nil
}

// AckStatus maps Maytapi's ack to wadesk's status words. Maytapi's codes
// (1 delivered, 2 reached, 3 seen, 4 played, 5 deleted) follow WhatsApp
// Web's: 1 means the message reached WhatsApp's server (wadesk's "sent"),
// 2 the customer's phone ("delivered"). The code decides; ackType is read
// when the code is missing. This mapping is this adapter's reading of the
// names, not confirmed by Maytapi.
func AckStatus(code int, typ string) string {
	if code == 0 {
		code = map[string]int{"delivered": 1, "reached": 2, "seen": 3, "played": 4, "deleted": 5}[typ]
	}
	switch code {
	case 1:
		return "sent"
	case 2:
		return "delivered"
	case 3, 4:
		return "read"
	case 5:
		return "deleted"
	}
	return ""
}

// ParseMessage reads one stored message object.
func ParseMessage(raw []byte) (providers.InboundMessage, error) {
	m, err := parseMessage(raw)
	if err != nil {
		return providers.InboundMessage{}, err
	}
	return inbound(m, raw), nil
}

func parseMessage(raw []byte) (message, error) {
	var m message
	if err := json.Unmarshal(raw, &m); err != nil || m.ID == "" {
		return message{}, fmt.Errorf("maytapi: parse message: %w", providers.ErrNotWebhook)
	}
	return m, nil
}

// inbound converts a Maytapi message to the neutral one.
func inbound(m message, raw json.RawMessage) providers.InboundMessage {
	in := providers.InboundMessage{ID: m.ID, Raw: raw}
	switch m.Type {
	case "text":
		in.Type, in.Text = providers.KindText, m.Text
	case "image", "video", "audio", "ptt", "document", "sticker":
		kind := providers.MessageKind(m.Type)
		if m.Type == "ptt" {
			kind = providers.KindAudio
		}
		in.Type = kind
		caption := m.Caption
		if caption == "" {
			caption = m.Text
		}
		in.Media = &providers.InboundMedia{Kind: kind, ID: m.URL, MIMEType: m.MIME, Caption: caption, Filename: m.Filename, Voice: m.Type == "ptt"}
	case "location":
		in.Type = providers.KindLocation
		in.Location = &providers.Location{Latitude: m.Latitude, Longitude: m.Longitude, Name: m.Text}
	case "reaction":
		in.Type = providers.KindReaction
		in.Reaction = &providers.InboundReaction{MessageID: m.ReplyTo, Emoji: m.Reaction}
	default:
		in.Type = providers.MessageKind(m.Type)
		in.Text = m.Text
	}
	if m.Quoted != "" {
		in.Context = &providers.MessageContext{ID: m.Quoted}
	}
	return in
}

// quotedID reads the id of a quoted message, given as an object or a string.
func quotedID(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &o)
	return o.ID
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unix reads a Unix time in seconds (milliseconds are recognised by size).
func unix(n flexID) time.Time {
	v, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil || v <= 0 {
		return time.Time{}
	}
	if v > 1e12 {
		return time.UnixMilli(v).UTC()
	}
	return time.Unix(v, 0).UTC()
}

// flexID is an id Maytapi sends as a JSON string or number.
type flexID string

// UnmarshalJSON accepts "abc", 123 and null.
func (f *flexID) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		if string(b) == "null" {
			*f = ""
			return nil
		}
		return err
	}
	*f = flexID(n.String())
	return nil
}

// String is the id.
func (f flexID) String() string { return string(f) }
