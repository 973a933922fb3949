package cloudapi

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/wadesk/wadesk/providers"
)

// Webhook facts from Meta's documentation.
const (
	// SignatureHeader carries "sha256=<hex HMAC-SHA256(app secret, raw body)>".
	SignatureHeader = "X-Hub-Signature-256"
	// MaxWebhookBodyBytes is the largest body Meta sends (3 MB).
	MaxWebhookBodyBytes = 3 << 20
	// WebhookObject is the "object" of WhatsApp Business Account webhooks.
	WebhookObject = "whatsapp_business_account"
)

// VerifySignature reports whether header (the X-Hub-Signature-256 value) is
// the HMAC-SHA256 of the raw body with appSecret. Verify the bytes exactly as
// received: Meta signs its body with non-ASCII escaped as \uXXXX, so
// re-encoded JSON does not match. An empty secret never verifies.
func VerifySignature(appSecret string, body []byte, header string) bool {
	const prefix = "sha256="
	if appSecret == "" || !strings.HasPrefix(header, prefix) {
		return false
	}
	got, err := hex.DecodeString(strings.TrimSpace(header[len(prefix):]))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// VerifyHandshake checks Meta's webhook verification request
// (GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…). When ok, answer
// 200 with challenge as a text/plain body; otherwise answer 403.
func VerifyHandshake(query url.Values, verifyToken string) (challenge string, ok bool) {
	if verifyToken == "" || query.Get("hub.mode") != "subscribe" {
		return "", false
	}
	if subtle.ConstantTimeCompare([]byte(query.Get("hub.verify_token")), []byte(verifyToken)) != 1 {
		return "", false
	}
	challenge = query.Get("hub.challenge")
	if challenge == "" {
		return "", false
	}
	return challenge, true
}

// Webhook wire types.

type whEnvelope struct {
	Object string          `json:"object"`
	Entry  json.RawMessage `json:"entry"`
}

type whEntry struct {
	ID      flexString        `json:"id"`
	Time    flexString        `json:"time"`
	Changes []json.RawMessage `json:"changes"`
}

type whChange struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

type whMessagesValue struct {
	Metadata struct {
		DisplayPhoneNumber flexString `json:"display_phone_number"`
		PhoneNumberID      flexString `json:"phone_number_id"`
	} `json:"metadata"`
	// Since April 2026 a contact carries user_id (the business-scoped user
	// ID, BSUID) and, for a user with a username, profile.username; wa_id
	// is then omitted unless Meta may share the number ("Business-scoped
	// user IDs", developers.facebook.com/documentation/business-messaging/
	// whatsapp/business-scoped-user-ids, updated Nov 5, 2026).
	Contacts []struct {
		Profile struct {
			Name     string `json:"name"`
			Username string `json:"username"`
		} `json:"profile"`
		WaID   flexString `json:"wa_id"`
		UserID flexString `json:"user_id"`
	} `json:"contacts"`
	Messages []json.RawMessage `json:"messages"`
	Statuses []json.RawMessage `json:"statuses"`
	Errors   []whError         `json:"errors"`
}

// messagesValueKeys are the keys of a "messages" change that the parser reads.
var messagesValueKeys = map[string]bool{
	"messaging_product": true, "metadata": true, "contacts": true,
	"messages": true, "statuses": true, "errors": true,
}

type whError struct {
	Code      flexInt `json:"code"`
	Title     string  `json:"title"`
	Message   string  `json:"message"`
	ErrorData *struct {
		Details string `json:"details"`
	} `json:"error_data"`
	Href string `json:"href"`
}

func (e whError) neutral() providers.ErrorDetail {
	d := providers.ErrorDetail{Code: int(e.Code), Title: e.Title, Message: e.Message, Href: e.Href}
	if e.ErrorData != nil {
		d.Details = e.ErrorData.Details
	}
	return d
}

func neutralErrors(in []whError) []providers.ErrorDetail {
	var out []providers.ErrorDetail
	for _, e := range in {
		out = append(out, e.neutral())
	}
	return out
}

type whMedia struct {
	ID       flexString `json:"id"`
	MIMEType string     `json:"mime_type"`
	SHA256   string     `json:"sha256"`
	Caption  string     `json:"caption"`
	Filename string     `json:"filename"`
	Voice    flexBool   `json:"voice"`
	Animated flexBool   `json:"animated"`
}

type whMessage struct {
	From flexString `json:"from"`
	// FromUserID is the sender's BSUID (same page as above); from, the
	// number, is omitted for a user whose number Meta withholds. The
	// field name is as reported in Meta's changelog and partners' guides;
	// the contacts entry's user_id is read too, in case it is not sent.
	FromUserID       flexString `json:"from_user_id"`
	FromParentUserID flexString `json:"from_parent_user_id"`
	ID               flexString `json:"id"`
	Timestamp        flexString `json:"timestamp"`
	Type             string     `json:"type"`
	Text             *struct {
		Body string `json:"body"`
	} `json:"text"`
	Image    *whMedia `json:"image"`
	Audio    *whMedia `json:"audio"`
	Video    *whMedia `json:"video"`
	Document *whMedia `json:"document"`
	Sticker  *whMedia `json:"sticker"`
	Location *struct {
		Latitude  flexFloat `json:"latitude"`
		Longitude flexFloat `json:"longitude"`
		Name      string    `json:"name"`
		Address   string    `json:"address"`
		URL       string    `json:"url"`
	} `json:"location"`
	Contacts []wireContact `json:"contacts"`
	Button   *struct {
		Text    string `json:"text"`
		Payload string `json:"payload"`
	} `json:"button"`
	Interactive *struct {
		Type        string       `json:"type"`
		ButtonReply *whChoice    `json:"button_reply"`
		ListReply   *whChoice    `json:"list_reply"`
		NFMReply    *whFlowReply `json:"nfm_reply"`
	} `json:"interactive"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction"`
	Order *struct {
		CatalogID    flexString `json:"catalog_id"`
		Text         string     `json:"text"`
		ProductItems []struct {
			ProductRetailerID flexString `json:"product_retailer_id"`
			Quantity          flexInt    `json:"quantity"`
			ItemPrice         flexFloat  `json:"item_price"`
			Currency          string     `json:"currency"`
		} `json:"product_items"`
	} `json:"order"`
	System *struct {
		Body    string     `json:"body"`
		Type    string     `json:"type"`
		WaID    flexString `json:"wa_id"`
		NewWaID flexString `json:"new_wa_id"`
	} `json:"system"`
	Referral *struct {
		SourceURL      string     `json:"source_url"`
		SourceID       flexString `json:"source_id"`
		SourceType     string     `json:"source_type"`
		Headline       string     `json:"headline"`
		Body           string     `json:"body"`
		MediaType      string     `json:"media_type"`
		ImageURL       string     `json:"image_url"`
		VideoURL       string     `json:"video_url"`
		ThumbnailURL   string     `json:"thumbnail_url"`
		CTWAClid       string     `json:"ctwa_clid"`
		WelcomeMessage *struct {
			Text string `json:"text"`
		} `json:"welcome_message"`
	} `json:"referral"`
	Context *struct {
		From                flexString `json:"from"`
		ID                  string     `json:"id"`
		Forwarded           flexBool   `json:"forwarded"`
		FrequentlyForwarded flexBool   `json:"frequently_forwarded"`
		ReferredProduct     *struct {
			CatalogID         flexString `json:"catalog_id"`
			ProductRetailerID flexString `json:"product_retailer_id"`
		} `json:"referred_product"`
	} `json:"context"`
	Errors []whError `json:"errors"`
}

type whChoice struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

type whFlowReply struct {
	ResponseJSON string `json:"response_json"`
	Body         string `json:"body"`
	Name         string `json:"name"`
}

type whStatus struct {
	ID           flexString `json:"id"`
	Status       string     `json:"status"`
	Timestamp    flexString `json:"timestamp"`
	RecipientID  flexString `json:"recipient_id"`
	GroupID      flexString `json:"group_id"`
	Conversation *struct {
		ID                  string     `json:"id"`
		ExpirationTimestamp flexString `json:"expiration_timestamp"`
		Origin              *struct {
			Type string `json:"type"`
		} `json:"origin"`
	} `json:"conversation"`
	Pricing *struct {
		Billable     flexBool `json:"billable"`
		PricingModel string   `json:"pricing_model"`
		Category     string   `json:"category"`
		Type         string   `json:"type"`
	} `json:"pricing"`
	Errors []whError `json:"errors"`
}

type whTemplateStatus struct {
	Event                   string     `json:"event"`
	MessageTemplateID       flexString `json:"message_template_id"`
	MessageTemplateName     string     `json:"message_template_name"`
	MessageTemplateLanguage string     `json:"message_template_language"`
	Reason                  flexString `json:"reason"`
	OtherInfo               *struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"other_info"`
}

type whQuality struct {
	DisplayPhoneNumber flexString `json:"display_phone_number"`
	Event              string     `json:"event"`
	CurrentLimit       string     `json:"current_limit"`
	OldLimit           string     `json:"old_limit"`
	MaxPerBusiness     flexString `json:"max_daily_conversations_per_business"`
}

type whTemplateQuality struct {
	MessageTemplateID       flexString `json:"message_template_id"`
	MessageTemplateName     string     `json:"message_template_name"`
	MessageTemplateLanguage string     `json:"message_template_language"`
	PreviousQualityScore    string     `json:"previous_quality_score"`
	NewQualityScore         string     `json:"new_quality_score"`
}

type whTemplateCategory struct {
	MessageTemplateID       flexString `json:"message_template_id"`
	MessageTemplateName     string     `json:"message_template_name"`
	MessageTemplateLanguage string     `json:"message_template_language"`
	PreviousCategory        string     `json:"previous_category"`
	NewCategory             string     `json:"new_category"`
	CorrectCategory         string     `json:"correct_category"`
	CategoryUpdateTimestamp flexString `json:"category_update_timestamp"`
}

type whCapability struct {
	MaxDailyConversationsPerBusiness flexString `json:"max_daily_conversations_per_business"`
	MaxDailyConversationPerPhone     flexString `json:"max_daily_conversation_per_phone"`
	MaxPhoneNumbersPerBusiness       flexString `json:"max_phone_numbers_per_business"`
}

type whAccountUpdate struct {
	PhoneNumber flexString `json:"phone_number"`
	Event       string     `json:"event"`
	BanInfo     *struct {
		WABABanState flexString `json:"waba_ban_state"`
		WABABanDate  flexString `json:"waba_ban_date"`
	} `json:"ban_info"`
	ViolationInfo *struct {
		ViolationType string `json:"violation_type"`
	} `json:"violation_info"`
	RestrictionInfo []struct {
		RestrictionType string     `json:"restriction_type"`
		Expiration      flexString `json:"expiration"`
	} `json:"restriction_info"`
	VolumeTierInfo *struct {
		EffectiveMonth  string     `json:"effective_month"`
		PricingCategory string     `json:"pricing_category"`
		Region          string     `json:"region"`
		Tier            flexString `json:"tier"`
		TierUpdateTime  flexString `json:"tier_update_time"`
	} `json:"volume_tier_info"`
}

// ErrNotWebhook is returned by ParseWebhook for a body that is not a
// WhatsApp Business Account webhook envelope.
var ErrNotWebhook = providers.ErrNotWebhook

// ParseWebhook reads a webhook body: every entry and every change. Messages
// of unknown types, unknown fields and changes it cannot read are kept
// (Raw, Unknown) rather than rejected; the only errors are a body that is
// not JSON or not a whatsapp_business_account envelope. Check the signature
// first with VerifySignature.
func ParseWebhook(body []byte) (*providers.WebhookBatch, error) {
	var env whEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("cloudapi: parse webhook: %w: %w", ErrNotWebhook, err)
	}
	if env.Object != WebhookObject {
		return nil, fmt.Errorf("cloudapi: parse webhook: %w: object is %q", ErrNotWebhook, env.Object)
	}
	b := &providers.WebhookBatch{Object: env.Object}
	var entries []json.RawMessage
	if len(env.Entry) > 0 && !isNull(env.Entry) {
		if json.Unmarshal(env.Entry, &entries) != nil {
			b.Unknown = append(b.Unknown, providers.UnknownChange{Value: clone(env.Entry)})
			return b, nil
		}
	}
	for _, rawEntry := range entries {
		var e whEntry
		if json.Unmarshal(rawEntry, &e) != nil {
			b.Unknown = append(b.Unknown, providers.UnknownChange{Value: clone(rawEntry)})
			continue
		}
		meta := providers.WebhookMeta{EntryID: string(e.ID), EntryTime: unixTime(e.Time)}
		for _, rawChange := range e.Changes {
			var ch whChange
			if json.Unmarshal(rawChange, &ch) != nil {
				b.Unknown = append(b.Unknown, providers.UnknownChange{Meta: meta, Value: clone(rawChange)})
				continue
			}
			m := meta
			m.Field = ch.Field
			parseChange(b, m, ch)
		}
	}
	return b, nil
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// clone copies raw so the batch does not alias the caller's body.
func clone(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return nil
	}
	return append(json.RawMessage(nil), raw...)
}

func unknown(b *providers.WebhookBatch, m providers.WebhookMeta, value json.RawMessage) {
	b.Unknown = append(b.Unknown, providers.UnknownChange{Meta: m, Field: m.Field, Value: clone(value)})
}

func parseChange(b *providers.WebhookBatch, m providers.WebhookMeta, ch whChange) {
	switch ch.Field {
	case "messages":
		parseMessagesChange(b, m, ch.Value)
	case "message_template_status_update":
		var w whTemplateStatus
		if json.Unmarshal(ch.Value, &w) != nil {
			unknown(b, m, ch.Value)
			return
		}
		u := providers.TemplateStatusUpdate{
			Meta: m, Event: w.Event, TemplateID: string(w.MessageTemplateID), TemplateName: w.MessageTemplateName,
			Language: w.MessageTemplateLanguage, Reason: string(w.Reason), Raw: clone(ch.Value),
		}
		if w.OtherInfo != nil {
			u.Title, u.Description = w.OtherInfo.Title, w.OtherInfo.Description
		}
		b.TemplateStatuses = append(b.TemplateStatuses, u)
	case "phone_number_quality_update":
		var w whQuality
		if json.Unmarshal(ch.Value, &w) != nil {
			unknown(b, m, ch.Value)
			return
		}
		m.DisplayPhoneNumber = string(w.DisplayPhoneNumber)
		b.QualityUpdates = append(b.QualityUpdates, providers.PhoneQualityUpdate{
			Meta: m, DisplayPhoneNumber: string(w.DisplayPhoneNumber), Event: w.Event,
			CurrentLimit: w.CurrentLimit, OldLimit: w.OldLimit, MaxDailyConversationsPerBusiness: string(w.MaxPerBusiness),
			Raw: clone(ch.Value),
		})
	case "message_template_quality_update":
		var w whTemplateQuality
		if json.Unmarshal(ch.Value, &w) != nil {
			unknown(b, m, ch.Value)
			return
		}
		b.TemplateQuality = append(b.TemplateQuality, providers.TemplateQualityUpdate{Meta: m, TemplateID: string(w.MessageTemplateID),
			TemplateName: w.MessageTemplateName, Language: w.MessageTemplateLanguage, Previous: w.PreviousQualityScore,
			New: w.NewQualityScore, Raw: clone(ch.Value)})
	case "template_category_update":
		var w whTemplateCategory
		if json.Unmarshal(ch.Value, &w) != nil {
			unknown(b, m, ch.Value)
			return
		}
		b.TemplateCategory = append(b.TemplateCategory, providers.TemplateCategoryUpdate{Meta: m, TemplateID: string(w.MessageTemplateID),
			TemplateName: w.MessageTemplateName, Language: w.MessageTemplateLanguage, Previous: w.PreviousCategory,
			New: w.NewCategory, Correct: w.CorrectCategory, UpdateAt: unixTime(w.CategoryUpdateTimestamp), Raw: clone(ch.Value)})
	case "business_capability_update":
		var w whCapability
		if json.Unmarshal(ch.Value, &w) != nil {
			unknown(b, m, ch.Value)
			return
		}
		b.Capabilities = append(b.Capabilities, providers.CapabilityUpdate{Meta: m,
			MaxDailyConversationsPerBusiness: string(w.MaxDailyConversationsPerBusiness),
			MaxDailyConversationPerPhone:     string(w.MaxDailyConversationPerPhone),
			MaxPhoneNumbersPerBusiness:       string(w.MaxPhoneNumbersPerBusiness), Raw: clone(ch.Value)})
	case "account_update":
		var w whAccountUpdate
		if json.Unmarshal(ch.Value, &w) != nil {
			unknown(b, m, ch.Value)
			return
		}
		u := providers.AccountUpdate{Meta: m, Event: w.Event, PhoneNumber: string(w.PhoneNumber), Raw: clone(ch.Value)}
		if w.BanInfo != nil {
			u.BanState, u.BanDate = string(w.BanInfo.WABABanState), string(w.BanInfo.WABABanDate)
		}
		if w.ViolationInfo != nil {
			u.ViolationType = w.ViolationInfo.ViolationType
		}
		for _, r := range w.RestrictionInfo {
			u.Restrictions = append(u.Restrictions, providers.Restriction{Type: r.RestrictionType, Expiration: unixTime(r.Expiration)})
		}
		if v := w.VolumeTierInfo; v != nil {
			u.VolumeTier = &providers.VolumeTierInfo{EffectiveMonth: v.EffectiveMonth, PricingCategory: v.PricingCategory,
				Region: v.Region, Tier: string(v.Tier), UpdateTime: unixTime(v.TierUpdateTime)}
		}
		b.AccountUpdates = append(b.AccountUpdates, u)
	default:
		unknown(b, m, ch.Value)
	}
}

func parseMessagesChange(b *providers.WebhookBatch, m providers.WebhookMeta, value json.RawMessage) {
	var keys map[string]json.RawMessage
	if json.Unmarshal(value, &keys) != nil || keys == nil {
		unknown(b, m, value)
		return
	}
	var v whMessagesValue
	if json.Unmarshal(value, &v) != nil {
		// A listed key has an unexpected shape; read what can be read.
		v = whMessagesValue{}
		_ = json.Unmarshal(keys["metadata"], &v.Metadata)
		_ = json.Unmarshal(keys["contacts"], &v.Contacts)
		_ = json.Unmarshal(keys["messages"], &v.Messages)
		_ = json.Unmarshal(keys["statuses"], &v.Statuses)
		_ = json.Unmarshal(keys["errors"], &v.Errors)
		unknown(b, m, value)
	} else {
		for k := range keys {
			if !messagesValueKeys[k] {
				unknown(b, m, value)
				break
			}
		}
	}
	m.PhoneNumberID = string(v.Metadata.PhoneNumberID)
	m.DisplayPhoneNumber = string(v.Metadata.DisplayPhoneNumber)

	// The sender's contact entry: by number, else by BSUID, else the
	// only one of a one-message change.
	type contact = struct{ name, username, userID string }
	byWaID, byUserID := map[string]contact{}, map[string]contact{}
	for _, c := range v.Contacts {
		k := contact{c.Profile.Name, c.Profile.Username, string(c.UserID)}
		if c.WaID != "" {
			byWaID[string(c.WaID)] = k
		}
		if c.UserID != "" {
			byUserID[string(c.UserID)] = k
		}
	}
	for _, raw := range v.Messages {
		msg, ok := parseMessage(m, raw)
		if !ok {
			unknown(b, m, raw)
			continue
		}
		c, found := byWaID[msg.From]
		if !found || msg.From == "" {
			c, found = byUserID[msg.FromUserID]
		}
		if (!found || msg.FromUserID == "" && msg.From == "") && len(v.Contacts) == 1 && len(v.Messages) == 1 {
			only := v.Contacts[0]
			c, found = contact{only.Profile.Name, only.Profile.Username, string(only.UserID)}, true
			if msg.From == "" {
				msg.From = string(only.WaID)
			}
		}
		if found {
			msg.ProfileName, msg.Username = c.name, c.username
			if msg.FromUserID == "" {
				msg.FromUserID = c.userID
			}
		}
		b.Messages = append(b.Messages, msg)
	}
	for _, raw := range v.Statuses {
		st, ok := parseStatus(m, raw)
		if !ok {
			unknown(b, m, raw)
			continue
		}
		b.Statuses = append(b.Statuses, st)
	}
	for _, e := range v.Errors {
		b.Errors = append(b.Errors, providers.WebhookError{Meta: m, ErrorDetail: e.neutral()})
	}
}

// ParseMessage reads one inbound message object as a webhook carries it
// (an element of value.messages), e.g. the payload wadesk stored for a
// message. Only ID, sender, time, type and content are known this way:
// the webhook's metadata and the sender's profile name are not part of it.
func ParseMessage(raw []byte) (providers.InboundMessage, error) {
	m, ok := parseMessage(providers.WebhookMeta{}, raw)
	if !ok {
		return providers.InboundMessage{}, errors.New("cloudapi: parse message: not a JSON object")
	}
	return m, nil
}

// parseMessage reads one inbound message. A message that does not decode in
// full still yields its ID, sender, time and type, with Raw for the rest;
// ok is false only when raw is not a JSON object.
func parseMessage(m providers.WebhookMeta, raw json.RawMessage) (providers.InboundMessage, bool) {
	var w whMessage
	if err := json.Unmarshal(raw, &w); err != nil {
		var basic struct {
			From      flexString `json:"from"`
			ID        flexString `json:"id"`
			Timestamp flexString `json:"timestamp"`
			Type      flexString `json:"type"`
		}
		if json.Unmarshal(raw, &basic) != nil {
			return providers.InboundMessage{}, false
		}
		return providers.InboundMessage{
			Meta: m, ID: string(basic.ID), From: string(basic.From), Timestamp: unixTime(basic.Timestamp),
			Type: providers.MessageKind(basic.Type), Raw: clone(raw),
		}, true
	}
	msg := providers.InboundMessage{
		Meta: m, ID: string(w.ID), From: string(w.From), FromUserID: string(w.FromUserID), Timestamp: unixTime(w.Timestamp),
		Type: providers.MessageKind(w.Type), Errors: neutralErrors(w.Errors), Raw: clone(raw),
	}
	if w.Text != nil {
		msg.Text = w.Text.Body
	}
	for _, md := range []struct {
		kind providers.MessageKind
		m    *whMedia
	}{
		{providers.KindImage, w.Image}, {providers.KindAudio, w.Audio}, {providers.KindVideo, w.Video},
		{providers.KindDocument, w.Document}, {providers.KindSticker, w.Sticker},
	} {
		if md.m == nil || (msg.Media != nil && md.kind != msg.Type) {
			continue
		}
		msg.Media = &providers.InboundMedia{
			Kind: md.kind, ID: string(md.m.ID), MIMEType: md.m.MIMEType, SHA256: md.m.SHA256,
			Caption: md.m.Caption, Filename: md.m.Filename, Voice: bool(md.m.Voice), Animated: bool(md.m.Animated),
		}
	}
	if l := w.Location; l != nil {
		msg.Location = &providers.Location{Latitude: float64(l.Latitude), Longitude: float64(l.Longitude),
			Name: l.Name, Address: l.Address, URL: l.URL}
	}
	for _, c := range w.Contacts {
		msg.Contacts = append(msg.Contacts, contactFromWire(c))
	}
	if w.Button != nil {
		msg.Button = &providers.ButtonReply{Text: w.Button.Text, Payload: w.Button.Payload}
	}
	if in := w.Interactive; in != nil {
		r := &providers.InteractiveReply{Type: in.Type}
		switch {
		case in.ButtonReply != nil && (in.Type == "button_reply" || in.Type == ""):
			r.ID, r.Title = in.ButtonReply.ID, in.ButtonReply.Title
		case in.ListReply != nil && (in.Type == "list_reply" || in.Type == ""):
			r.ID, r.Title, r.Description = in.ListReply.ID, in.ListReply.Title, in.ListReply.Description
		case in.NFMReply != nil:
			r.Title, r.Description, r.ResponseJSON = in.NFMReply.Name, in.NFMReply.Body, in.NFMReply.ResponseJSON
		}
		msg.Interactive = r
	}
	if w.Reaction != nil {
		msg.Reaction = &providers.InboundReaction{MessageID: w.Reaction.MessageID, Emoji: w.Reaction.Emoji}
	}
	if o := w.Order; o != nil {
		order := &providers.Order{CatalogID: string(o.CatalogID), Text: o.Text}
		for _, it := range o.ProductItems {
			order.Items = append(order.Items, providers.OrderItem{
				ProductRetailerID: string(it.ProductRetailerID), Quantity: int(it.Quantity),
				ItemPrice: float64(it.ItemPrice), Currency: it.Currency,
			})
		}
		msg.Order = order
	}
	if s := w.System; s != nil {
		ev := &providers.SystemEvent{Type: s.Type, Body: s.Body, NewWaID: string(s.WaID)}
		if s.NewWaID != "" {
			ev.NewWaID = string(s.NewWaID)
		}
		msg.System = ev
	}
	if r := w.Referral; r != nil {
		ref := &providers.Referral{
			SourceURL: r.SourceURL, SourceID: string(r.SourceID), SourceType: r.SourceType, Headline: r.Headline,
			Body: r.Body, MediaType: r.MediaType, ImageURL: r.ImageURL, VideoURL: r.VideoURL,
			ThumbnailURL: r.ThumbnailURL, CTWAClickID: r.CTWAClid,
		}
		if r.WelcomeMessage != nil {
			ref.WelcomeMessage = r.WelcomeMessage.Text
		}
		msg.Referral = ref
	}
	if c := w.Context; c != nil {
		ctx := &providers.MessageContext{From: string(c.From), ID: c.ID, Forwarded: bool(c.Forwarded),
			FrequentlyForwarded: bool(c.FrequentlyForwarded)}
		if p := c.ReferredProduct; p != nil {
			ctx.ReferredProduct = &providers.ProductRef{CatalogID: string(p.CatalogID), ProductRetailerID: string(p.ProductRetailerID)}
		}
		msg.Context = ctx
	}
	return msg, true
}

// parseStatus reads one status; ok is false only when raw is not a JSON object.
func parseStatus(m providers.WebhookMeta, raw json.RawMessage) (providers.StatusUpdate, bool) {
	var w whStatus
	if err := json.Unmarshal(raw, &w); err != nil {
		var basic struct {
			ID     flexString `json:"id"`
			Status flexString `json:"status"`
		}
		if json.Unmarshal(raw, &basic) != nil {
			return providers.StatusUpdate{}, false
		}
		return providers.StatusUpdate{Meta: m, MessageID: string(basic.ID), Status: string(basic.Status), Raw: clone(raw)}, true
	}
	st := providers.StatusUpdate{
		Meta: m, MessageID: string(w.ID), Status: w.Status, Timestamp: unixTime(w.Timestamp),
		RecipientID: string(w.RecipientID), GroupID: string(w.GroupID), Errors: neutralErrors(w.Errors), Raw: clone(raw),
	}
	if c := w.Conversation; c != nil {
		conv := &providers.Conversation{ID: c.ID, Expiration: unixTime(c.ExpirationTimestamp)}
		if c.Origin != nil {
			conv.OriginType = c.Origin.Type
		}
		st.Conversation = conv
	}
	if p := w.Pricing; p != nil {
		st.Pricing = &providers.Pricing{Billable: bool(p.Billable), Model: p.PricingModel, Category: p.Category, Type: p.Type}
	}
	return st, true
}
