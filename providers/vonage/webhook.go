package vonage

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/wadesk/wadesk/providers"
)

// VerifySignedWebhook checks Vonage's signed-webhook JWT: the
// Authorization header's bearer token must be signed HS256 with the
// signature secret (Vonage always signs webhooks with SHA-256, whatever
// the dashboard's signature method says), must not have expired, and,
// when it carries a payload_hash claim, that claim must be the hex
// SHA-256 of the body. apiKey, when not empty, must match the token's
// api_key claim (the account whose secret signed it).
func VerifySignedWebhook(authorization string, body []byte, secret, apiKey string) error {
	if secret == "" {
		return errors.New("no signature secret is set for the channel")
	}
	tok, ok := strings.CutPrefix(strings.TrimSpace(authorization), "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		return errors.New("no bearer token")
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(strings.TrimSpace(tok), claims, func(*jwt.Token) (any, error) {
		return []byte(secret), nil
	}, jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithLeeway(time.Minute))
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	if h, ok := claims["payload_hash"]; ok {
		hs, _ := h.(string)
		sum := sha256.Sum256(body)
		want := hex.EncodeToString(sum[:])
		if subtle.ConstantTimeCompare([]byte(strings.ToLower(hs)), []byte(want)) != 1 {
			return errors.New("payload_hash does not match the body")
		}
	}
	if apiKey != "" {
		if k, ok := claims["api_key"].(string); ok && k != "" && k != apiKey {
			return errors.New("token is for another account (api_key)")
		}
	}
	return nil
}

// Authenticate checks a webhook's signed JWT against the channel's
// signature secret (Credentials.AppSecret) and API key setting.
func Authenticate(r providers.WebhookRequest, c providers.Credentials) error {
	if err := VerifySignedWebhook(r.Header.Get("Authorization"), r.Body, c.AppSecret, c.Setting(SettingAPIKey, "")); err != nil {
		return fmt.Errorf("%w: %v", providers.ErrUnauthenticated, err)
	}
	return nil
}

// event is an inbound-message or message-status webhook body.
type event struct {
	Channel     string `json:"channel"`
	MessageUUID string `json:"message_uuid"`
	To          string `json:"to"`
	From        string `json:"from"`
	Timestamp   string `json:"timestamp"`
	// Status webhooks.
	Status string `json:"status"`
	Error  *struct {
		Type     string          `json:"type"`
		Title    json.RawMessage `json:"title"`
		Detail   string          `json:"detail"`
		Instance string          `json:"instance"`
	} `json:"error"`
	ClientRef string `json:"client_ref"`
	WhatsApp  *struct {
		Conversation *struct {
			ID     string `json:"id"`
			Origin *struct {
				Type string `json:"type"`
			} `json:"origin"`
		} `json:"conversation"`
	} `json:"whatsapp"`
	// Inbound messages.
	MessageType string `json:"message_type"`
	Text        string `json:"text"`
	Profile     *struct {
		Name string `json:"name"`
	} `json:"profile"`
	Context *struct {
		MessageUUID             string `json:"message_uuid"`
		MessageFrom             string `json:"message_from"`
		WhatsAppReferredProduct *struct {
			CatalogID         string `json:"catalog_id"`
			ProductRetailerID string `json:"product_retailer_id"`
		} `json:"whatsapp_referred_product"`
	} `json:"context"`
	Image   *media `json:"image"`
	Audio   *media `json:"audio"`
	Video   *media `json:"video"`
	File    *media `json:"file"`
	Sticker *media `json:"sticker"`
	Reply   *struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"reply"`
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Location *struct {
		Lat     float64 `json:"lat"`
		Long    float64 `json:"long"`
		Name    string  `json:"name"`
		Address string  `json:"address"`
	} `json:"location"`
	Reaction *struct {
		Action string `json:"action"`
		Emoji  string `json:"emoji"`
	} `json:"reaction"`
	Order *struct {
		CatalogID    string `json:"catalog_id"`
		ProductItems []struct {
			ProductRetailerID string `json:"product_retailer_id"`
			Quantity          string `json:"quantity"`
			ItemPrice         string `json:"item_price"`
			Currency          string `json:"currency"`
		} `json:"product_items"`
	} `json:"order"`
	ProviderMessage string `json:"provider_message"`
}

type media struct {
	URL     string `json:"url"`
	Caption string `json:"caption"`
	Name    string `json:"name"`
}

// MapStatus maps Vonage's WhatsApp status to wadesk's: submitted → sent,
// delivered, read, and rejected or undeliverable → failed. ok is false for
// a status Vonage does not document.
func MapStatus(s string) (status string, ok bool) {
	switch strings.ToLower(s) {
	case "submitted":
		return "sent", true
	case "delivered":
		return "delivered", true
	case "read":
		return "read", true
	case "rejected", "undeliverable":
		return "failed", true
	}
	return "", false
}

// Parse turns one Vonage webhook body (an inbound message or a message
// status; Vonage sends one event per request) into neutral events. A body
// of another channel than WhatsApp is kept as unknown.
func Parse(body []byte) (*providers.WebhookBatch, error) {
	var e event
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, fmt.Errorf("vonage webhook: %w: %v", providers.ErrNotWebhook, err)
	}
	if e.MessageUUID == "" || e.Channel == "" {
		return nil, fmt.Errorf("vonage webhook: %w: no message_uuid or channel", providers.ErrNotWebhook)
	}
	b := &providers.WebhookBatch{Object: "vonage"}
	raw := json.RawMessage(bytes.Clone(body))
	if e.Channel != "whatsapp" {
		b.Unknown = append(b.Unknown, providers.UnknownChange{Field: e.Channel, Value: raw})
		return b, nil
	}
	ts := parseTime(e.Timestamp)
	if e.Status != "" && e.MessageType == "" {
		st, ok := MapStatus(e.Status)
		if !ok {
			b.Unknown = append(b.Unknown, providers.UnknownChange{Field: "status", Value: raw})
			return b, nil
		}
		meta := providers.WebhookMeta{Field: "messages", PhoneNumberID: NormalizeNumber(e.From), DisplayPhoneNumber: e.From, EntryTime: ts}
		u := providers.StatusUpdate{Meta: meta, MessageID: e.MessageUUID, Status: st, Timestamp: ts, RecipientID: e.To, Raw: raw}
		if e.Error != nil {
			u.Errors = append(u.Errors, errorDetail(e.Error.Type, e.Error.Title, e.Error.Detail))
		} else if st == "failed" {
			u.Errors = append(u.Errors, providers.ErrorDetail{Title: e.Status, Message: "Vonage reported the message " + e.Status})
		}
		if e.WhatsApp != nil && e.WhatsApp.Conversation != nil {
			conv := &providers.Conversation{ID: e.WhatsApp.Conversation.ID}
			if e.WhatsApp.Conversation.Origin != nil {
				conv.OriginType = e.WhatsApp.Conversation.Origin.Type
				// Vonage reports no pricing object, only the conversation's
				// origin (user_initiated, business_initiated or
				// referral_conversion; Messages API contract, status
				// webhook whatsapp.conversation.origin.type) and its own
				// charge (usage, not kept). Only referral_conversion says
				// something of Meta's price: the free entry point window.
				if conv.OriginType == "referral_conversion" {
					u.Pricing = &providers.Pricing{Category: conv.OriginType, Type: "free_entry_point"}
				}
			}
			u.Conversation = conv
		}
		b.Statuses = append(b.Statuses, u)
		return b, nil
	}
	m, err := inbound(e, raw)
	if err != nil {
		return nil, err
	}
	b.Messages = append(b.Messages, m)
	return b, nil
}

// ParseMessage reads one stored Vonage inbound message body.
func ParseMessage(raw []byte) (providers.InboundMessage, error) {
	var e event
	if err := json.Unmarshal(raw, &e); err != nil {
		return providers.InboundMessage{}, fmt.Errorf("vonage message: %w", err)
	}
	return inbound(e, json.RawMessage(bytes.Clone(raw)))
}

func inbound(e event, raw json.RawMessage) (providers.InboundMessage, error) {
	if e.MessageUUID == "" {
		return providers.InboundMessage{}, fmt.Errorf("vonage message: %w: no message_uuid", providers.ErrNotWebhook)
	}
	ts := parseTime(e.Timestamp)
	m := providers.InboundMessage{
		Meta:      providers.WebhookMeta{Field: "messages", PhoneNumberID: NormalizeNumber(e.To), DisplayPhoneNumber: e.To, EntryTime: ts},
		ID:        e.MessageUUID,
		From:      NormalizeNumber(e.From),
		Timestamp: ts,
		Raw:       raw,
	}
	if m.From == "" {
		// Not a phone number: a business-scoped user ID (reported).
		m.FromUserID = e.From
	}
	if e.Profile != nil {
		m.ProfileName = e.Profile.Name
	}
	if e.Context != nil {
		mc := &providers.MessageContext{ID: e.Context.MessageUUID, From: e.Context.MessageFrom}
		if p := e.Context.WhatsAppReferredProduct; p != nil {
			mc.ReferredProduct = &providers.ProductRef{CatalogID: p.CatalogID, ProductRetailerID: p.ProductRetailerID}
		}
		m.Context = mc
	}
	mediaOf := func(k providers.MessageKind, md *media) *providers.InboundMedia {
		if md == nil {
			return nil
		}
		return &providers.InboundMedia{Kind: k, ID: md.URL, Caption: md.Caption, Filename: md.Name}
	}
	switch e.MessageType {
	case "text":
		m.Type, m.Text = providers.KindText, e.Text
	case "image":
		m.Type, m.Media = providers.KindImage, mediaOf(providers.KindImage, e.Image)
	case "audio":
		m.Type, m.Media = providers.KindAudio, mediaOf(providers.KindAudio, e.Audio)
	case "video":
		m.Type, m.Media = providers.KindVideo, mediaOf(providers.KindVideo, e.Video)
	case "file":
		m.Type, m.Media = providers.KindDocument, mediaOf(providers.KindDocument, e.File)
	case "sticker":
		m.Type, m.Media = providers.KindSticker, mediaOf(providers.KindSticker, e.Sticker)
	case "reply":
		m.Type = providers.KindInteractive
		if e.Reply != nil {
			typ := "button_reply"
			if e.Reply.Description != "" {
				typ = "list_reply"
			}
			m.Interactive = &providers.InteractiveReply{Type: typ, ID: e.Reply.ID, Title: e.Reply.Title, Description: e.Reply.Description}
		}
	case "button":
		m.Type = providers.KindButton
		if e.Button != nil {
			m.Button = &providers.ButtonReply{Text: e.Button.Text, Payload: e.Button.Payload}
		}
	case "location":
		m.Type = providers.KindLocation
		if e.Location != nil {
			m.Location = &providers.Location{Latitude: e.Location.Lat, Longitude: e.Location.Long, Name: e.Location.Name, Address: e.Location.Address}
		}
	case "reaction":
		m.Type = providers.KindReaction
		if e.Reaction != nil && e.Context != nil {
			emoji := e.Reaction.Emoji
			if e.Reaction.Action == "unreact" {
				emoji = ""
			}
			m.Reaction = &providers.InboundReaction{MessageID: e.Context.MessageUUID, Emoji: emoji}
		}
	case "order":
		m.Type = providers.KindOrder
		if e.Order != nil {
			o := &providers.Order{CatalogID: e.Order.CatalogID}
			for _, it := range e.Order.ProductItems {
				q, _ := strconv.Atoi(it.Quantity)
				p, _ := strconv.ParseFloat(it.ItemPrice, 64)
				o.Items = append(o.Items, providers.OrderItem{ProductRetailerID: it.ProductRetailerID, Quantity: q, ItemPrice: p, Currency: it.Currency})
			}
			m.Order = o
		}
	default:
		m.Type = providers.KindUnsupported
		if e.MessageType != "" && e.MessageType != "unsupported" {
			m.Type = providers.MessageKind(e.MessageType)
		}
		if e.ProviderMessage != "" {
			m.Errors = append(m.Errors, providers.ErrorDetail{Title: "unsupported", Message: e.ProviderMessage})
		}
	}
	return m, nil
}

// errorDetail reads a status's error; its title is Vonage's code (a
// number or a numeric string).
func errorDetail(typ string, title json.RawMessage, detail string) providers.ErrorDetail {
	d := providers.ErrorDetail{Href: typ, Details: detail, Message: detail}
	var s string
	if json.Unmarshal(title, &s) != nil {
		s = string(title)
	}
	d.Title = s
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		d.Code = n
	} else {
		d.Code = problemCode(typ)
	}
	return d
}

func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
