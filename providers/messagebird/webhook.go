package messagebird

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/wadesk/wadesk/providers"
)

// WhatsApp's codes for a message refused because the 24-hour window is
// closed: 470 on the On-Premises API, 131047 on the Cloud API.
const (
	onPremWindowClosed = 470
	cloudWindowClosed  = 131047
)

// Webhook event types wadesk subscribes to.
const (
	EventMessageCreated = "message.created"
	EventMessageUpdated = "message.updated"
)

// webhookBody is a Conversations API webhook delivery: the event type and
// the message, conversation and contact it is about.
//
// Not confirmed: the contracts hold MessageBird's webhook objects (the
// subscription) but no delivery body; this shape ({type, message,
// conversation, contact}, message fields as in messageObject.json plus
// platform, from, to and error) is MessageBird's documentation as known
// here. The parser keeps every event it does not understand verbatim.
type webhookBody struct {
	Type         string          `json:"type"`
	Message      *wireMessage    `json:"message"`
	Contact      *wireContact    `json:"contact"`
	Conversation json.RawMessage `json:"conversation"`
}

// wireMessage is the Conversations API message object.
type wireMessage struct {
	ID             string      `json:"id"`
	ConversationID string      `json:"conversationId"`
	ChannelID      string      `json:"channelId"`
	Platform       string      `json:"platform"`
	To             string      `json:"to"`
	From           string      `json:"from"`
	Direction      string      `json:"direction"`
	Status         string      `json:"status"`
	Type           string      `json:"type"`
	Content        wireContent `json:"content"`
	Created        string      `json:"createdDatetime"`
	Updated        string      `json:"updatedDatetime"`
	Error          *wireError  `json:"error"`
}

// wireError is the error a failed message carries (not confirmed).
type wireError struct {
	Code        int    `json:"code"`
	Description string `json:"description"`
}

// wireContact is the customer's contact; msisdn is a JSON number.
type wireContact struct {
	ID          string      `json:"id"`
	MSISDN      json.Number `json:"msisdn"`
	DisplayName string      `json:"displayName"`
	FirstName   string      `json:"firstName"`
	LastName    string      `json:"lastName"`
}

// wireContent is a message's content; the message type says which field
// is set.
type wireContent struct {
	Text     string        `json:"text,omitempty"`
	Image    *wireMedia    `json:"image,omitempty"`
	Video    *wireMedia    `json:"video,omitempty"`
	Audio    *wireMedia    `json:"audio,omitempty"`
	File     *wireMedia    `json:"file,omitempty"`
	Location *wireLocation `json:"location,omitempty"`
}

// wireMedia is a linked media file.
type wireMedia struct {
	URL     string `json:"url"`
	Caption string `json:"caption,omitempty"`
}

// wireLocation is a map pin.
type wireLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// ParseWebhook turns a Conversations API webhook body into neutral events:
// a received message.created becomes an inbound message; a message.updated
// (or the message.created echo of a sent message) whose status maps onto
// wadesk's becomes a status update; everything else is kept as unknown.
func ParseWebhook(body []byte) (*providers.WebhookBatch, error) {
	var wb webhookBody
	if err := json.Unmarshal(body, &wb); err != nil {
		return nil, fmt.Errorf("messagebird: webhook: %w: %v", providers.ErrNotWebhook, err)
	}
	if wb.Type == "" {
		return nil, fmt.Errorf("messagebird: webhook: %w: no event type", providers.ErrNotWebhook)
	}
	batch := &providers.WebhookBatch{Object: "messagebird"}
	unknown := func(meta providers.WebhookMeta) {
		batch.Unknown = append(batch.Unknown, providers.UnknownChange{Meta: meta, Field: wb.Type, Value: append(json.RawMessage(nil), body...)})
	}
	if wb.Message == nil || (wb.Type != EventMessageCreated && wb.Type != EventMessageUpdated) {
		unknown(providers.WebhookMeta{Field: wb.Type})
		return batch, nil
	}
	m := wb.Message
	var rawMsg struct {
		Message json.RawMessage `json:"message"`
	}
	_ = json.Unmarshal(body, &rawMsg) // the body parsed above; this only keeps the message verbatim
	meta := providers.WebhookMeta{Field: wb.Type, PhoneNumberID: m.ChannelID}
	if m.Direction == "received" {
		meta.DisplayPhoneNumber = digits(m.To)
		if wb.Type != EventMessageCreated {
			unknown(meta) // a received message's own updates carry nothing for the inbox
			return batch, nil
		}
		in := inbound(m, wb.Contact)
		in.Meta, in.Raw = meta, rawMsg.Message
		batch.Messages = append(batch.Messages, in)
		return batch, nil
	}
	meta.DisplayPhoneNumber = digits(m.From)
	status, ok := MapStatus(m.Status)
	if !ok {
		unknown(meta)
		return batch, nil
	}
	su := providers.StatusUpdate{Meta: meta, MessageID: m.ID, Status: status, Timestamp: parseTime(m.Updated, m.Created),
		RecipientID: digits(m.To), Raw: rawMsg.Message}
	if m.Error != nil && (m.Error.Code != 0 || m.Error.Description != "") {
		d := providers.ErrorDetail{Code: m.Error.Code, Title: m.Error.Description, Message: m.Error.Description}
		if d.Code == onPremWindowClosed {
			// WhatsApp's On-Premises code for the closed window, which
			// MessageBird may pass on: recorded as the Cloud API's code so
			// the window rule reads it like every other provider's.
			d.Code, d.Details = cloudWindowClosed, "MessageBird error 470"
		}
		su.Errors = []providers.ErrorDetail{d}
	}
	batch.Statuses = append(batch.Statuses, su)
	return batch, nil
}

// MapStatus maps a Conversations API message status onto wadesk's
// sent < delivered < read, failed. Statuses before WhatsApp has the
// message (accepted, pending) and ones that say nothing about delivery
// (received, deleted, unknown) have no counterpart: ok is false.
//
// The status set is MessageBird's documentation as known here; the
// contracts only show "accepted", "received" and "failed". Not confirmed.
func MapStatus(s string) (status string, ok bool) {
	switch strings.ToLower(s) {
	case "sent":
		return "sent", true
	case "delivered":
		return "delivered", true
	case "read":
		return "read", true
	case "failed", "rejected":
		return "failed", true
	}
	return "", false
}

// inbound converts a received message.
func inbound(m *wireMessage, c *wireContact) providers.InboundMessage {
	in := providers.InboundMessage{ID: m.ID, From: digits(m.From), Timestamp: parseTime(m.Created, m.Updated),
		Type: providers.MessageKind(m.Type)}
	if c != nil {
		if in.From == "" {
			in.From = digits(c.MSISDN.String())
		}
		in.ProfileName = strings.TrimSpace(c.DisplayName)
		if in.ProfileName == "" {
			in.ProfileName = strings.TrimSpace(c.FirstName + " " + c.LastName)
		}
	}
	media := func(kind providers.MessageKind, md *wireMedia) {
		if md == nil {
			return
		}
		in.Type = kind
		// The Conversations API links inbound media by URL; the URL is the
		// media ID the media store fetches.
		in.Media = &providers.InboundMedia{Kind: kind, ID: md.URL, Caption: md.Caption}
	}
	switch m.Type {
	case "text":
		in.Type, in.Text = providers.KindText, m.Content.Text
	case "image":
		media(providers.KindImage, m.Content.Image)
	case "video":
		media(providers.KindVideo, m.Content.Video)
	case "audio":
		media(providers.KindAudio, m.Content.Audio)
	case "file":
		media(providers.KindDocument, m.Content.File)
	case "location":
		if l := m.Content.Location; l != nil {
			in.Type = providers.KindLocation
			in.Location = &providers.Location{Latitude: l.Latitude, Longitude: l.Longitude}
		}
	}
	return in
}

// digits returns a phone number's digits: MessageBird writes numbers as
// "+31612345678" or 31612345678, wadesk keeps WhatsApp IDs as digits.
func digits(s string) string {
	return strings.TrimPrefix(strings.TrimSpace(s), "+")
}

// parseTime reads the first RFC 3339 time of ts that parses.
func parseTime(ts ...string) time.Time {
	for _, s := range ts {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
