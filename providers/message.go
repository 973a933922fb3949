package providers

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// MessageKind is the kind of an outbound or inbound message.
type MessageKind string

// Message kinds. Inbound messages may also carry kinds not listed here.
const (
	KindText        MessageKind = "text"
	KindImage       MessageKind = "image"
	KindAudio       MessageKind = "audio"
	KindVideo       MessageKind = "video"
	KindDocument    MessageKind = "document"
	KindSticker     MessageKind = "sticker"
	KindTemplate    MessageKind = "template"
	KindInteractive MessageKind = "interactive"
	KindReaction    MessageKind = "reaction"
	KindLocation    MessageKind = "location"
	KindContacts    MessageKind = "contacts"
	KindButton      MessageKind = "button"
	KindOrder       MessageKind = "order"
	KindSystem      MessageKind = "system"
	KindUnsupported MessageKind = "unsupported"
)

// OutboundMessage is a message to send to one WhatsApp user. Exactly one of
// the content fields (Text, Media, Template, Interactive, Reaction, Location,
// Contacts) must be set.
type OutboundMessage struct {
	// To is the recipient's phone number or WhatsApp ID, or their
	// business-scoped user ID when the number is not known (see
	// IsBusinessScopedUserID).
	To string
	// ReplyTo quotes an earlier message (its provider message ID).
	ReplyTo string

	Text        *Text
	Media       *Media
	Template    *TemplateMessage
	Interactive *Interactive
	Reaction    *Reaction
	Location    *Location
	Contacts    []Contact
}

// Text is a plain text message.
type Text struct {
	Body string
	// PreviewURL asks WhatsApp to render a preview of the first URL in Body.
	PreviewURL bool
}

// Media is a media attachment, sent either by a previously uploaded ID or by
// a public link.
type Media struct {
	Kind     MessageKind // KindImage, KindAudio, KindVideo, KindDocument or KindSticker
	ID       string
	Link     string
	Caption  string // image, video and document only
	Filename string // document only
}

// TemplateMessage sends an approved template with its parameters.
type TemplateMessage struct {
	// ID is the provider's template ID, for providers that send a
	// template by it (Twilio's ContentSid); others use Name and Language.
	ID       string `json:",omitempty"`
	Name     string
	Language string // e.g. en_US
	// LanguagePolicy is optional ("deterministic").
	LanguagePolicy string
	Components     []TemplateParams
}

// TemplateParams fills the variables of one template component.
type TemplateParams struct {
	// Type: header, body or button.
	Type string
	// SubType of a button: quick_reply, url, copy_code, flow, catalog, mpm, ...
	SubType string
	// Index of the button (0-based); only for buttons.
	Index      int
	Parameters []TemplateParameter
}

// TemplateParameter is one value for a template variable.
type TemplateParameter struct {
	// Type: text, currency, date_time, image, video, document, payload,
	// action or coupon_code.
	Type string
	// Name is set for templates with named parameters.
	Name       string
	Text       string
	Currency   *Currency
	DateTime   *DateTime
	Media      *Media // for image, video and document parameters
	Payload    string
	Action     *TemplateAction
	CouponCode string
}

// Currency is a localisable amount; Amount1000 is the amount times 1000.
type Currency struct {
	FallbackValue string
	Code          string
	Amount1000    int64
}

// DateTime is a date parameter. The Cloud API shows FallbackValue; the
// other fields are optional and passed through when set.
type DateTime struct {
	FallbackValue string
	Calendar      string // GREGORIAN or SOLAR_HIJRI
	Year          int
	Month         int
	DayOfMonth    int
	DayOfWeek     int // 1 (Monday) to 7 (Sunday)
	Hour          int
	Minute        int
}

// TemplateAction is the action parameter of catalog, MPM and flow buttons.
type TemplateAction struct {
	ThumbnailProductRetailerID string
	FlowToken                  string
	FlowActionData             map[string]any
}

// InteractiveType is the kind of an interactive message.
type InteractiveType string

// Interactive message kinds.
const (
	InteractiveButton         InteractiveType = "button"
	InteractiveList           InteractiveType = "list"
	InteractiveProduct        InteractiveType = "product"
	InteractiveProductList    InteractiveType = "product_list"
	InteractiveCatalogMessage InteractiveType = "catalog_message"
	InteractiveCTAURL         InteractiveType = "cta_url"
)

// Interactive is a message with reply buttons, a list, products, a catalog
// or a call-to-action URL button.
type Interactive struct {
	Type   InteractiveType
	Header *InteractiveHeader
	Body   string
	Footer string
	// Buttons of a "button" message (1 to 3).
	Buttons []ReplyButton
	// ListButton is the label of the button that opens a list.
	ListButton string
	// Sections of a list (rows) or product list (products).
	Sections []Section
	// CatalogID and ProductRetailerID for product and product_list messages.
	CatalogID         string
	ProductRetailerID string
	// ThumbnailProductRetailerID optionally picks the catalog message thumbnail.
	ThumbnailProductRetailerID string
	// CTA is the button of a cta_url message.
	CTA *CTAURL
}

// InteractiveHeader is the header of an interactive message.
type InteractiveHeader struct {
	// Type: text, image, video or document.
	Type  string
	Text  string
	Media *Media
}

// ReplyButton is a quick reply button.
type ReplyButton struct {
	ID    string
	Title string
}

// Section groups list rows or products.
type Section struct {
	Title              string
	Rows               []ListRow
	ProductRetailerIDs []string
}

// ListRow is one choice in a list message.
type ListRow struct {
	ID          string
	Title       string
	Description string
}

// CTAURL is a button that opens a URL.
type CTAURL struct {
	DisplayText string
	URL         string
}

// Reaction reacts to a message with an emoji; an empty Emoji removes the reaction.
type Reaction struct {
	MessageID string
	Emoji     string
}

// Location is a map pin.
type Location struct {
	Latitude  float64
	Longitude float64
	Name      string
	Address   string
	URL       string // inbound only
}

// Contact is a contact card (sent or received).
type Contact struct {
	Name      ContactName
	Birthday  string // YYYY-MM-DD
	Phones    []ContactPhone
	Emails    []ContactEmail
	Addresses []ContactAddress
	Org       ContactOrg
	URLs      []ContactURL
}

// ContactName is the name on a contact card; FormattedName is required.
type ContactName struct {
	FormattedName string
	FirstName     string
	LastName      string
	MiddleName    string
	Prefix        string
	Suffix        string
}

// ContactPhone is a phone number on a contact card.
type ContactPhone struct {
	Phone string
	Type  string
	WaID  string
}

// ContactEmail is an email address on a contact card.
type ContactEmail struct {
	Email string
	Type  string
}

// ContactAddress is a postal address on a contact card.
type ContactAddress struct {
	Street      string
	City        string
	State       string
	Zip         string
	Country     string
	CountryCode string
	Type        string
}

// ContactOrg is the organisation on a contact card.
type ContactOrg struct {
	Company    string
	Department string
	Title      string
}

// ContactURL is a web address on a contact card.
type ContactURL struct {
	URL  string
	Type string
}

// SendResult is the provider's answer to a sent message.
type SendResult struct {
	// MessageID is the provider's message ID (Meta's wamid).
	MessageID string
	// WaID is the recipient's WhatsApp ID; Input is the number as sent.
	WaID  string
	Input string
}

// Limits Meta documents for outbound messages.
const (
	MaxTextBody          = 4096
	MaxCaption           = 1024
	MaxInteractiveBody   = 1024
	MaxInteractiveFooter = 60
	MaxHeaderText        = 60
	MaxReplyButtons      = 3
	MaxButtonTitle       = 20
	MaxButtonID          = 256
	MaxListButton        = 20
	MaxListSections      = 10
	MaxListRows          = 10
	MaxRowTitle          = 24
	MaxRowDescription    = 72
	MaxRowID             = 200
	MaxSectionTitle      = 24
	MaxProductListItems  = 30
)

// Kind reports the message kind from the content field that is set, or ""
// when none is.
func (m OutboundMessage) Kind() MessageKind {
	switch {
	case m.Text != nil:
		return KindText
	case m.Media != nil:
		return m.Media.Kind
	case m.Template != nil:
		return KindTemplate
	case m.Interactive != nil:
		return KindInteractive
	case m.Reaction != nil:
		return KindReaction
	case m.Location != nil:
		return KindLocation
	case len(m.Contacts) > 0:
		return KindContacts
	}
	return ""
}

func (m OutboundMessage) contentCount() int {
	n := 0
	for _, set := range []bool{m.Text != nil, m.Media != nil, m.Template != nil, m.Interactive != nil,
		m.Reaction != nil, m.Location != nil, len(m.Contacts) > 0} {
		if set {
			n++
		}
	}
	return n
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// Validate checks the message against the rules Meta documents, so an admin
// gets a plain answer before anything is sent.
func (m OutboundMessage) Validate() error {
	if strings.TrimSpace(m.To) == "" {
		return errors.New("the recipient's number is missing")
	}
	switch m.contentCount() {
	case 0:
		return errors.New("the message is empty")
	case 1:
	default:
		return errors.New("a message can carry only one kind of content")
	}
	switch {
	case m.Text != nil:
		if strings.TrimSpace(m.Text.Body) == "" {
			return errors.New("the text is empty")
		}
		if n := runes(m.Text.Body); n > MaxTextBody {
			return fmt.Errorf("the text is too long: %d characters, at most %d", n, MaxTextBody)
		}
	case m.Media != nil:
		return m.Media.validate()
	case m.Template != nil:
		return m.Template.validate()
	case m.Interactive != nil:
		return m.Interactive.validate()
	case m.Reaction != nil:
		if m.Reaction.MessageID == "" {
			return errors.New("a reaction needs the message it reacts to")
		}
	case m.Location != nil:
		l := m.Location
		if math.IsNaN(l.Latitude) || math.IsNaN(l.Longitude) || l.Latitude < -90 || l.Latitude > 90 || l.Longitude < -180 || l.Longitude > 180 {
			return errors.New("the location's coordinates are out of range")
		}
	case len(m.Contacts) > 0:
		for i, c := range m.Contacts {
			if strings.TrimSpace(c.Name.FormattedName) == "" {
				return fmt.Errorf("contact %d needs a name", i+1)
			}
		}
	}
	return nil
}

func (md *Media) validate() error {
	switch md.Kind {
	case KindImage, KindAudio, KindVideo, KindDocument, KindSticker:
	default:
		return fmt.Errorf("unknown media kind %q", md.Kind)
	}
	if (md.ID == "") == (md.Link == "") {
		return errors.New("media needs either an uploaded file ID or a link, not both")
	}
	if md.Caption != "" {
		if md.Kind != KindImage && md.Kind != KindVideo && md.Kind != KindDocument {
			return fmt.Errorf("a %s cannot have a caption", md.Kind)
		}
		if n := runes(md.Caption); n > MaxCaption {
			return fmt.Errorf("the caption is too long: %d characters, at most %d", n, MaxCaption)
		}
	}
	if md.Filename != "" && md.Kind != KindDocument {
		return fmt.Errorf("only documents have a file name, not a %s", md.Kind)
	}
	return nil
}

func (t *TemplateMessage) validate() error {
	if t.Name == "" {
		return errors.New("the template name is missing")
	}
	if t.Language == "" {
		return errors.New("the template language is missing")
	}
	for _, c := range t.Components {
		switch c.Type {
		case "header", "body", "button":
		default:
			return fmt.Errorf("unknown template component %q", c.Type)
		}
		if c.Type == "button" && c.SubType == "" {
			return errors.New("a template button parameter needs its button type")
		}
		for _, p := range c.Parameters {
			if p.Type == "" {
				return errors.New("a template parameter has no type")
			}
			if (p.Type == "image" || p.Type == "video" || p.Type == "document") && p.Media == nil {
				return fmt.Errorf("the %s parameter has no media", p.Type)
			}
		}
	}
	return nil
}

func (in *Interactive) validate() error {
	if n := runes(in.Body); n > MaxInteractiveBody {
		return fmt.Errorf("the message text is too long: %d characters, at most %d", n, MaxInteractiveBody)
	}
	if n := runes(in.Footer); n > MaxInteractiveFooter {
		return fmt.Errorf("the footer is too long: %d characters, at most %d", n, MaxInteractiveFooter)
	}
	if h := in.Header; h != nil {
		switch h.Type {
		case "text":
			if h.Text == "" {
				return errors.New("the header text is empty")
			}
			if n := runes(h.Text); n > MaxHeaderText {
				return fmt.Errorf("the header is too long: %d characters, at most %d", n, MaxHeaderText)
			}
		case "image", "video", "document":
			if h.Media == nil {
				return fmt.Errorf("the %s header has no media", h.Type)
			}
		default:
			return fmt.Errorf("unknown header type %q", h.Type)
		}
	}
	needBody := in.Type != InteractiveProduct
	if needBody && strings.TrimSpace(in.Body) == "" {
		return errors.New("the message text is empty")
	}
	switch in.Type {
	case InteractiveButton:
		return validateButtons(in.Buttons)
	case InteractiveList:
		return validateList(in)
	case InteractiveProduct:
		if in.CatalogID == "" || in.ProductRetailerID == "" {
			return errors.New("a product message needs the catalog ID and the product's ID")
		}
	case InteractiveProductList:
		return validateProductList(in)
	case InteractiveCatalogMessage:
	case InteractiveCTAURL:
		if in.CTA == nil || in.CTA.DisplayText == "" || in.CTA.URL == "" {
			return errors.New("a link button needs a label and a URL")
		}
		if n := runes(in.CTA.DisplayText); n > MaxButtonTitle {
			return fmt.Errorf("the button label is too long: %d characters, at most %d", n, MaxButtonTitle)
		}
	default:
		return fmt.Errorf("unknown interactive type %q", in.Type)
	}
	return nil
}

func validateButtons(bs []ReplyButton) error {
	if len(bs) == 0 || len(bs) > MaxReplyButtons {
		return fmt.Errorf("reply buttons: use 1 to %d buttons, not %d", MaxReplyButtons, len(bs))
	}
	seen := map[string]bool{}
	for _, b := range bs {
		if b.ID == "" || b.Title == "" {
			return errors.New("every button needs an ID and a title")
		}
		if n := runes(b.Title); n > MaxButtonTitle {
			return fmt.Errorf("button %q: the title is too long (%d characters, at most %d)", b.Title, n, MaxButtonTitle)
		}
		if runes(b.ID) > MaxButtonID {
			return fmt.Errorf("button %q: the ID is too long", b.Title)
		}
		if seen[b.ID] {
			return fmt.Errorf("two buttons have the same ID %q", b.ID)
		}
		seen[b.ID] = true
	}
	return nil
}

func validateList(in *Interactive) error {
	if in.ListButton == "" {
		return errors.New("a list needs the label of its button")
	}
	if n := runes(in.ListButton); n > MaxListButton {
		return fmt.Errorf("the list button label is too long: %d characters, at most %d", n, MaxListButton)
	}
	if len(in.Sections) == 0 || len(in.Sections) > MaxListSections {
		return fmt.Errorf("a list has 1 to %d sections, not %d", MaxListSections, len(in.Sections))
	}
	rows := 0
	seen := map[string]bool{}
	for _, s := range in.Sections {
		if len(in.Sections) > 1 && s.Title == "" {
			return errors.New("when a list has several sections, each needs a title")
		}
		if runes(s.Title) > MaxSectionTitle {
			return fmt.Errorf("section %q: the title is longer than %d characters", s.Title, MaxSectionTitle)
		}
		for _, r := range s.Rows {
			rows++
			if r.ID == "" || r.Title == "" {
				return errors.New("every list row needs an ID and a title")
			}
			if runes(r.Title) > MaxRowTitle {
				return fmt.Errorf("row %q: the title is longer than %d characters", r.Title, MaxRowTitle)
			}
			if runes(r.Description) > MaxRowDescription {
				return fmt.Errorf("row %q: the description is longer than %d characters", r.Title, MaxRowDescription)
			}
			if runes(r.ID) > MaxRowID {
				return fmt.Errorf("row %q: the ID is longer than %d characters", r.Title, MaxRowID)
			}
			if seen[r.ID] {
				return fmt.Errorf("two rows have the same ID %q", r.ID)
			}
			seen[r.ID] = true
		}
	}
	if rows == 0 || rows > MaxListRows {
		return fmt.Errorf("a list has 1 to %d rows in all, not %d", MaxListRows, rows)
	}
	return nil
}

func validateProductList(in *Interactive) error {
	if in.CatalogID == "" {
		return errors.New("a product list needs the catalog ID")
	}
	if in.Header == nil {
		return errors.New("a product list needs a header")
	}
	if len(in.Sections) == 0 || len(in.Sections) > MaxListSections {
		return fmt.Errorf("a product list has 1 to %d sections, not %d", MaxListSections, len(in.Sections))
	}
	n := 0
	for _, s := range in.Sections {
		if s.Title == "" {
			return errors.New("every product section needs a title")
		}
		n += len(s.ProductRetailerIDs)
	}
	if n == 0 || n > MaxProductListItems {
		return fmt.Errorf("a product list has 1 to %d products, not %d", MaxProductListItems, n)
	}
	return nil
}
