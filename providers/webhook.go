package providers

import (
	"encoding/json"
	"time"
)

// WebhookBatch is one parsed webhook delivery. A delivery may batch many
// events from several accounts and numbers; each event carries its own
// WebhookMeta. Providers may deliver the same event more than once, so
// consumers must de-duplicate (by message ID and status).
type WebhookBatch struct {
	Object           string
	Messages         []InboundMessage
	Statuses         []StatusUpdate
	TemplateStatuses []TemplateStatusUpdate
	QualityUpdates   []PhoneQualityUpdate
	AccountUpdates   []AccountUpdate
	// TemplateQuality, TemplateCategory and Capabilities are template
	// quality changes, template category changes and changes of the
	// business portfolio's capabilities (its messaging limit).
	TemplateQuality  []TemplateQualityUpdate
	TemplateCategory []TemplateCategoryUpdate
	Capabilities     []CapabilityUpdate
	// Errors are errors reported for a whole change rather than for one message.
	Errors []WebhookError
	// Unknown keeps every change (or part of one) wadesk does not interpret.
	Unknown []UnknownChange
}

// Len is the number of events in the batch, unknown ones included.
func (b *WebhookBatch) Len() int {
	return len(b.Messages) + len(b.Statuses) + len(b.TemplateStatuses) + len(b.QualityUpdates) +
		len(b.AccountUpdates) + len(b.TemplateQuality) + len(b.TemplateCategory) + len(b.Capabilities) +
		len(b.Errors) + len(b.Unknown)
}

// WebhookMeta says where an event came from.
type WebhookMeta struct {
	// EntryID is the WhatsApp Business Account ID of the entry.
	EntryID string
	// EntryTime is the entry's time, when the provider sent one.
	EntryTime time.Time
	// Field is the change's field, e.g. "messages".
	Field              string
	PhoneNumberID      string
	DisplayPhoneNumber string
}

// InboundMessage is a message a customer sent to a business number.
type InboundMessage struct {
	Meta WebhookMeta
	// ID is the provider's message ID (Meta's wamid).
	ID string
	// From is the sender's phone number (WhatsApp ID). It is empty when
	// the sender uses a WhatsApp username and the number is withheld.
	From string
	// FromUserID is the sender's business-scoped user ID (BSUID), sent
	// since April 2026 whether or not the user has a username; Username
	// is the user's WhatsApp username, when they have one.
	FromUserID string
	Username   string
	// ProfileName is the sender's WhatsApp profile name, when sent.
	ProfileName string
	// Timestamp is when WhatsApp received the message.
	Timestamp time.Time
	// Type is the provider's message type; it may be one wadesk does not
	// know, in which case only Raw holds the content.
	Type MessageKind

	Text        string // text messages
	Media       *InboundMedia
	Location    *Location
	Contacts    []Contact
	Button      *ButtonReply
	Interactive *InteractiveReply
	Reaction    *InboundReaction
	Order       *Order
	System      *SystemEvent
	Referral    *Referral
	Context     *MessageContext
	// Errors explain messages WhatsApp could not hand over (type unsupported).
	Errors []ErrorDetail
	// Raw is the message object exactly as received.
	Raw json.RawMessage
}

// InboundMedia is a media attachment of an inbound message. Fetch the file
// with the provider's media store using ID.
type InboundMedia struct {
	Kind     MessageKind
	ID       string
	MIMEType string
	SHA256   string
	Caption  string
	Filename string
	Voice    bool // audio recorded as a voice note
	Animated bool // animated sticker
}

// ButtonReply is a tap on a template's quick reply button.
type ButtonReply struct {
	Text    string
	Payload string
}

// InteractiveReply is the customer's choice in an interactive message.
type InteractiveReply struct {
	// Type: button_reply, list_reply or nfm_reply (flows).
	Type        string
	ID          string
	Title       string
	Description string
	// ResponseJSON is a flow's answer (nfm_reply).
	ResponseJSON string
}

// InboundReaction is a customer's reaction; an empty Emoji removes it.
type InboundReaction struct {
	MessageID string
	Emoji     string
}

// Order is a cart sent from the catalog.
type Order struct {
	CatalogID string
	Text      string
	Items     []OrderItem
}

// OrderItem is one product line of an order.
type OrderItem struct {
	ProductRetailerID string
	Quantity          int
	ItemPrice         float64
	Currency          string
}

// SystemEvent is a WhatsApp system message, e.g. the customer changed number.
type SystemEvent struct {
	Type string // e.g. user_changed_number
	Body string
	// NewWaID is the customer's new WhatsApp ID after a number change.
	NewWaID string
}

// Referral tells that the customer came from an ad or post (click to WhatsApp).
type Referral struct {
	SourceURL      string
	SourceID       string
	SourceType     string // ad or post
	Headline       string
	Body           string
	MediaType      string
	ImageURL       string
	VideoURL       string
	ThumbnailURL   string
	CTWAClickID    string
	WelcomeMessage string
}

// MessageContext links an inbound message to an earlier one.
type MessageContext struct {
	// From and ID identify the message replied to.
	From                string
	ID                  string
	Forwarded           bool
	FrequentlyForwarded bool
	// ReferredProduct is set when the customer asks about a product.
	ReferredProduct *ProductRef
}

// ProductRef names a product in a catalog.
type ProductRef struct {
	CatalogID         string
	ProductRetailerID string
}

// ErrorDetail is an error carried inside a webhook.
type ErrorDetail struct {
	Code    int
	Title   string
	Message string
	Details string
	Href    string
}

// StatusUpdate reports the progress of a message the business sent.
type StatusUpdate struct {
	Meta WebhookMeta
	// MessageID is the provider's ID of the sent message.
	MessageID string
	// Status: sent, delivered, read or failed (providers may add others).
	Status      string
	Timestamp   time.Time
	RecipientID string
	GroupID     string
	// Conversation is set by conversation-based pricing (before July 2025)
	// and may still be sent.
	Conversation *Conversation
	Pricing      *Pricing
	Errors       []ErrorDetail
	Raw          json.RawMessage
}

// Conversation is the conversation a status belongs to.
type Conversation struct {
	ID         string
	OriginType string // authentication, marketing, utility, service, referral_conversion
	Expiration time.Time
}

// Pricing tells whether and how a message is billed, as the provider
// reported it in a status (Meta's pricing object; 360dialog and partners
// pass Meta's through unchanged). Package pricing reads it.
type Pricing struct {
	// Billable is Meta's deprecated flag (the only word under CBP).
	Billable bool
	Model    string // CBP (conversation-based) or PMP (per-message)
	// Category: marketing, marketing_lite, utility, authentication,
	// authentication_international, service, referral_conversion, or a
	// newer one such as meta_business_agent, kept as sent.
	Category string
	// Type (PMP): regular, free_customer_service or free_entry_point.
	Type string
}

// TemplateStatusUpdate reports a template review result or status change.
type TemplateStatusUpdate struct {
	Meta         WebhookMeta
	Event        string // APPROVED, REJECTED, PENDING, PAUSED, DISABLED, ...
	TemplateID   string
	TemplateName string
	Language     string
	Reason       string
	// Title and Description come from the provider's extra information, if any.
	Title       string
	Description string
	Raw         json.RawMessage
}

// PhoneQualityUpdate reports a change of a number's quality or messaging limit.
type PhoneQualityUpdate struct {
	Meta               WebhookMeta
	DisplayPhoneNumber string
	Event              string // FLAGGED, UNFLAGGED, DOWNGRADE, UPGRADE, ONBOARDING
	CurrentLimit       string
	OldLimit           string
	// MaxDailyConversationsPerBusiness is the portfolio's messaging limit
	// (Meta: "250", "2000", …, "-1" unlimited), replacing CurrentLimit.
	MaxDailyConversationsPerBusiness string
	Raw                              json.RawMessage
}

// AccountUpdate reports a change to the WhatsApp Business Account, e.g. a
// restriction, a ban or a policy violation.
type AccountUpdate struct {
	Meta          WebhookMeta
	Event         string
	PhoneNumber   string
	BanState      string
	BanDate       string
	ViolationType string
	Restrictions  []Restriction
	// VolumeTier is set by VOLUME_BASED_PRICING_TIER_UPDATE.
	VolumeTier *VolumeTierInfo
	Raw        json.RawMessage
}

// VolumeTierInfo is the volume-based pricing tier an account reached in a
// market for a month.
type VolumeTierInfo struct {
	EffectiveMonth  string // YYYY-MM
	PricingCategory string
	Region          string
	Tier            string // e.g. 25000001:50000000
	UpdateTime      time.Time
}

// TemplateQualityUpdate reports a template's new quality score (GREEN,
// YELLOW, RED, UNKNOWN).
type TemplateQualityUpdate struct {
	Meta         WebhookMeta
	TemplateID   string
	TemplateName string
	Language     string
	Previous     string
	New          string
	Raw          json.RawMessage
}

// TemplateCategoryUpdate reports that a template's category changed, or
// will change at UpdateAt (Correct is then the category it will get).
type TemplateCategoryUpdate struct {
	Meta         WebhookMeta
	TemplateID   string
	TemplateName string
	Language     string
	Previous     string
	New          string
	Correct      string
	UpdateAt     time.Time
	Raw          json.RawMessage
}

// CapabilityUpdate reports the business portfolio's capabilities (Meta's
// business_capability_update): its messaging limit, as a number of
// customers ("-1" unlimited).
type CapabilityUpdate struct {
	Meta                             WebhookMeta
	MaxDailyConversationsPerBusiness string
	MaxDailyConversationPerPhone     string
	MaxPhoneNumbersPerBusiness       string
	Raw                              json.RawMessage
}

// Restriction is one limit placed on an account.
type Restriction struct {
	Type       string
	Expiration time.Time
}

// WebhookError is an error reported for a whole change.
type WebhookError struct {
	Meta WebhookMeta
	ErrorDetail
}

// UnknownChange is a change wadesk does not interpret, kept verbatim.
type UnknownChange struct {
	Meta  WebhookMeta
	Field string
	Value json.RawMessage
}
