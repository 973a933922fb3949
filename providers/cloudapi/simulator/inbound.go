package simulator

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// chat is the conversation between one business number and one customer.
type chat struct {
	key         chatKey
	messages    []*chatMessage
	lastInbound time.Time
	// entryPointAt is when the customer last wrote from a click-to-WhatsApp
	// ad: 72 hours of free messages follow.
	entryPointAt time.Time
	typingUntil  time.Time
}

// chatMessage is one bubble on the customer phone.
type chatMessage struct {
	id       string
	phoneID  string
	waID     string
	at       time.Time
	in       *inMessage  // sent by the customer
	out      *outMessage // sent by the business
	status   string      // customer messages: sent, delivered, read
	reaction string      // emoji the other side reacted with
}

func (s *Sim) chatLocked(k chatKey) *chat {
	c := s.chats[k]
	if c == nil {
		c = &chat{key: k}
		s.chats[k] = c
	}
	return c
}

// applyReactionLocked sets (or clears, with an empty emoji) a reaction on a
// message of the chat.
func (s *Sim) applyReactionLocked(c *chat, r *sendReaction, fromCustomer bool) {
	for _, m := range c.messages {
		if m.id != r.MessageID {
			continue
		}
		// A customer reacts to business messages and vice versa.
		if (fromCustomer && m.out != nil) || (!fromCustomer && m.in != nil) {
			m.reaction = r.Emoji
		}
	}
}

// Webhook shapes of customer messages.

type messageValue struct {
	MessagingProduct string      `json:"messaging_product"`
	Metadata         metadata    `json:"metadata"`
	Contacts         []inContact `json:"contacts"`
	Messages         []inMessage `json:"messages"`
}

// Since April 2026 Meta adds the business-scoped user ID (user_id) to every
// messages webhook, and a user with a username may come without wa_id.
type inContact struct {
	Profile struct {
		Name     string `json:"name"`
		Username string `json:"username,omitempty"`
	} `json:"profile"`
	WaID   string `json:"wa_id,omitempty"`
	UserID string `json:"user_id,omitempty"`
}

type inMessage struct {
	Context     *inContext     `json:"context,omitempty"`
	From        string         `json:"from,omitempty"`
	FromUserID  string         `json:"from_user_id,omitempty"`
	ID          string         `json:"id"`
	Timestamp   string         `json:"timestamp"`
	Type        string         `json:"type"`
	Text        *inText        `json:"text,omitempty"`
	Image       *inMedia       `json:"image,omitempty"`
	Audio       *inMedia       `json:"audio,omitempty"`
	Document    *inMedia       `json:"document,omitempty"`
	Location    *Location      `json:"location,omitempty"`
	Interactive *inInteractive `json:"interactive,omitempty"`
	Button      *ButtonPress   `json:"button,omitempty"`
	Order       *inOrder       `json:"order,omitempty"`
	Reaction    *Reaction      `json:"reaction,omitempty"`
	Contacts    []inCard       `json:"contacts,omitempty"`
	Referral    *AdReferral    `json:"referral,omitempty"`
}

// AdReferral is the click-to-WhatsApp ad (or Page button) a customer
// wrote from, in Meta's webhook shape: the message opens a 72-hour free
// entry point window.
type AdReferral struct {
	SourceURL  string `json:"source_url"`
	SourceID   string `json:"source_id"`
	SourceType string `json:"source_type"` // ad or post
	Headline   string `json:"headline,omitempty"`
	Body       string `json:"body,omitempty"`
	MediaType  string `json:"media_type,omitempty"`
	ImageURL   string `json:"image_url,omitempty"`
	CTWAClid   string `json:"ctwa_clid,omitempty"`
}

// inCard is a contact card as Meta's webhooks carry it.
type inCard struct {
	Name struct {
		FormattedName string `json:"formatted_name"`
	} `json:"name"`
	Phones []inCardPhone `json:"phones,omitempty"`
}

type inCardPhone struct {
	Phone string `json:"phone"`
	WaID  string `json:"wa_id,omitempty"`
	Type  string `json:"type,omitempty"`
}

type inContext struct {
	From string `json:"from"`
	ID   string `json:"id"`
}

type inText struct {
	Body string `json:"body"`
}

type inMedia struct {
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
	MimeType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	ID       string `json:"id"`
	Voice    bool   `json:"voice,omitempty"`
}

type inInteractive struct {
	Type        string `json:"type"`
	ButtonReply *Reply `json:"button_reply,omitempty"`
	ListReply   *Reply `json:"list_reply,omitempty"`
}

type inOrder struct {
	CatalogID    string      `json:"catalog_id"`
	Text         string      `json:"text"`
	ProductItems []OrderItem `json:"product_items"`
}

// Inbound is a message a customer sends to a business number. Set exactly
// one of the content fields; Type is inferred when empty.
type Inbound struct {
	PhoneNumberID string `json:"phone_number_id"`
	From          string `json:"from"` // the customer's wa_id (digits)
	Name          string `json:"name"` // profile name; defaults to the known customer's
	// Username makes the customer one who adopted a WhatsApp username and
	// withholds the number: the webhook carries only the BSUID.
	Username string `json:"username,omitempty"`
	Type     string `json:"type,omitempty"`
	// ContextID is the business message being replied to. Button and list
	// replies default to the latest interactive or template message.
	ContextID   string       `json:"context_id,omitempty"`
	Text        string       `json:"text,omitempty"`
	ButtonReply *Reply       `json:"button_reply,omitempty"` // tap on an interactive reply button
	ListReply   *Reply       `json:"list_reply,omitempty"`   // pick in an interactive list
	Button      *ButtonPress `json:"button,omitempty"`       // tap on a template quick reply button
	Location    *Location    `json:"location,omitempty"`
	Image       *Image       `json:"image,omitempty"`
	Audio       *Audio       `json:"audio,omitempty"`
	Document    *Document    `json:"document,omitempty"`
	Order       *Order       `json:"order,omitempty"`
	Reaction    *Reaction    `json:"reaction,omitempty"`
	Contacts    []Card       `json:"contacts,omitempty"`
	// Referral makes the message one written from a click-to-WhatsApp ad.
	Referral *AdReferral `json:"referral,omitempty"`
}

// Card is a contact the customer shares.
type Card struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// Reply is an interactive button or list reply.
type Reply struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// ButtonPress is a tap on a template quick reply button.
type ButtonPress struct {
	Payload string `json:"payload"`
	Text    string `json:"text"`
}

// Location is a shared location.
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
	URL       string  `json:"url,omitempty"`
}

// Image is a photo the customer sends: either new bytes (Data, MIMEType) or
// an existing MediaID.
type Image struct {
	Data     []byte `json:"data,omitempty"`
	MIMEType string `json:"mime_type,omitempty"`
	Caption  string `json:"caption,omitempty"`
	MediaID  string `json:"media_id,omitempty"`
}

// Audio is a voice note (Voice) or an audio file the customer sends: new
// bytes (Data, MIMEType: audio/ogg with Opus for a voice note) or an
// existing MediaID.
type Audio struct {
	Data     []byte `json:"data,omitempty"`
	MIMEType string `json:"mime_type,omitempty"`
	Voice    bool   `json:"voice,omitempty"`
	MediaID  string `json:"media_id,omitempty"`
}

// Document is a file the customer sends (a PDF invoice): new bytes with
// their type and file name, or an existing MediaID.
type Document struct {
	Data     []byte `json:"data,omitempty"`
	MIMEType string `json:"mime_type,omitempty"`
	Filename string `json:"filename,omitempty"`
	Caption  string `json:"caption,omitempty"`
	MediaID  string `json:"media_id,omitempty"`
}

// Order is a cart sent from the catalog.
type Order struct {
	Text  string      `json:"text"`
	Items []OrderItem `json:"items"`
}

// OrderItem is one line of an order. Price and currency default to the
// catalog's.
type OrderItem struct {
	ProductRetailerID string  `json:"product_retailer_id"`
	Quantity          int     `json:"quantity"`
	ItemPrice         float64 `json:"item_price"`
	Currency          string  `json:"currency"`
}

// Reaction is an emoji reaction to a message (empty emoji removes it).
type Reaction struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"`
}

// ErrUnknownPhone is returned when an inbound message names a phone number
// ID the simulator does not have.
var ErrUnknownPhone = errors.New("simulator: unknown phone number ID")

func (in *Inbound) inferType() string {
	if in.Type != "" {
		return in.Type
	}
	switch {
	case in.ButtonReply != nil || in.ListReply != nil:
		return "interactive"
	case in.Button != nil:
		return "button"
	case in.Location != nil:
		return "location"
	case in.Image != nil:
		return "image"
	case in.Audio != nil:
		return "audio"
	case in.Document != nil:
		return "document"
	case in.Order != nil:
		return "order"
	case in.Reaction != nil:
		return "reaction"
	case len(in.Contacts) > 0:
		return "contacts"
	}
	return "text"
}

// InjectInbound delivers a customer message to the business as Meta would:
// it opens the 24 hour customer service window and sends the "messages"
// webhook. It returns the new message's wamid.
func (s *Sim) InjectInbound(in Inbound) (string, error) {
	from := digitsOnly(in.From)
	if len(from) < 8 || len(from) > 15 {
		return "", fmt.Errorf("simulator: inbound: sender %q must be a phone number with 8 to 15 digits", in.From)
	}
	typ := in.inferType()
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.phones[in.PhoneNumberID]
	if p == nil {
		return "", fmt.Errorf("%w %q", ErrUnknownPhone, in.PhoneNumberID)
	}
	cust := s.addCustomerLocked(Customer{WaID: from, Name: strings.TrimSpace(in.Name)})
	now := s.nowLocked()
	key := chatKey{p.cfg.ID, from}
	c := s.chatLocked(key)
	msg := inMessage{From: from, Timestamp: strconv.FormatInt(now.Unix(), 10), Type: typ}
	msg.ID = s.newWamidLocked(from)
	businessNumber := digitsOnly(p.cfg.DisplayPhoneNumber)

	contextID := in.ContextID
	needsContext := typ == "interactive" || typ == "button"
	if contextID == "" && needsContext {
		for i := len(c.messages) - 1; i >= 0; i-- {
			if o := c.messages[i].out; o != nil && (o.req.Type == "interactive" || o.req.Type == "template") {
				contextID = o.id
				break
			}
		}
	}
	if contextID != "" {
		if s.outbound[contextID] == nil && s.inbound[contextID] == nil {
			return "", fmt.Errorf("simulator: inbound: context message %q is unknown", contextID)
		}
		msg.Context = &inContext{From: businessNumber, ID: contextID}
	}

	switch typ {
	case "text":
		if strings.TrimSpace(in.Text) == "" {
			return "", errors.New("simulator: inbound: text is empty")
		}
		msg.Text = &inText{Body: in.Text}
	case "interactive":
		switch {
		case in.ButtonReply != nil:
			msg.Interactive = &inInteractive{Type: "button_reply", ButtonReply: &Reply{ID: in.ButtonReply.ID, Title: in.ButtonReply.Title}}
		case in.ListReply != nil:
			r := *in.ListReply
			msg.Interactive = &inInteractive{Type: "list_reply", ListReply: &r}
		default:
			return "", errors.New("simulator: inbound: interactive reply needs button_reply or list_reply")
		}
	case "button":
		if in.Button == nil || in.Button.Text == "" {
			return "", errors.New("simulator: inbound: button press needs its text")
		}
		b := *in.Button
		if b.Payload == "" {
			b.Payload = b.Text
		}
		msg.Button = &b
	case "location":
		if in.Location == nil {
			return "", errors.New("simulator: inbound: location is missing")
		}
		l := *in.Location
		msg.Location = &l
	case "image":
		if in.Image == nil {
			return "", errors.New("simulator: inbound: image is missing")
		}
		var m *mediaObject
		if in.Image.MediaID != "" {
			m = s.media[in.Image.MediaID]
			if m == nil {
				return "", fmt.Errorf("simulator: inbound: media %q is unknown", in.Image.MediaID)
			}
		} else {
			if len(in.Image.Data) == 0 {
				return "", errors.New("simulator: inbound: image has no data")
			}
			mt := in.Image.MIMEType
			if mt == "" {
				mt = http.DetectContentType(in.Image.Data)
			}
			if mt != "image/jpeg" && mt != "image/png" {
				return "", fmt.Errorf("simulator: inbound: image type %q is not jpeg or png", mt)
			}
			m = s.storeMediaLocked(p.cfg.ID, mt, "", in.Image.Data)
		}
		msg.Image = &inMedia{Caption: in.Image.Caption, MimeType: m.mimeType, SHA256: m.sha256Base64(), ID: m.id}
	case "audio":
		if in.Audio == nil {
			return "", errors.New("simulator: inbound: audio is missing")
		}
		m, err := s.inboundMediaLocked(p.cfg.ID, in.Audio.MediaID, in.Audio.Data, in.Audio.MIMEType, "", inboundAudioTypes)
		if err != nil {
			return "", err
		}
		msg.Audio = &inMedia{MimeType: m.mimeType, SHA256: m.sha256Base64(), ID: m.id, Voice: in.Audio.Voice}
	case "document":
		if in.Document == nil {
			return "", errors.New("simulator: inbound: document is missing")
		}
		m, err := s.inboundMediaLocked(p.cfg.ID, in.Document.MediaID, in.Document.Data, in.Document.MIMEType, in.Document.Filename, nil)
		if err != nil {
			return "", err
		}
		msg.Document = &inMedia{Caption: in.Document.Caption, Filename: m.filename, MimeType: m.mimeType, SHA256: m.sha256Base64(), ID: m.id}
	case "order":
		if in.Order == nil || len(in.Order.Items) == 0 {
			return "", errors.New("simulator: inbound: order has no items")
		}
		o := &inOrder{CatalogID: s.cfg.Catalog.ID, Text: in.Order.Text}
		for _, it := range in.Order.Items {
			if it.Quantity <= 0 {
				continue
			}
			if prod, ok := s.product(it.ProductRetailerID); ok {
				if it.ItemPrice == 0 {
					it.ItemPrice = prod.Price
				}
				if it.Currency == "" {
					it.Currency = prod.Currency
				}
			}
			if it.Currency == "" {
				it.Currency = "USD"
			}
			o.ProductItems = append(o.ProductItems, it)
		}
		if len(o.ProductItems) == 0 {
			return "", errors.New("simulator: inbound: order has no items with a quantity")
		}
		msg.Order = o
	case "contacts":
		if len(in.Contacts) == 0 {
			return "", errors.New("simulator: inbound: contacts are missing")
		}
		for _, c := range in.Contacts {
			if strings.TrimSpace(c.Name) == "" {
				return "", errors.New("simulator: inbound: every contact needs a name")
			}
			card := inCard{}
			card.Name.FormattedName = c.Name
			if c.Phone != "" {
				card.Phones = []inCardPhone{{Phone: c.Phone, WaID: digitsOnly(c.Phone), Type: "CELL"}}
			}
			msg.Contacts = append(msg.Contacts, card)
		}
	case "reaction":
		if in.Reaction == nil || in.Reaction.MessageID == "" {
			return "", errors.New("simulator: inbound: reaction needs the message it reacts to")
		}
		r := *in.Reaction
		msg.Reaction = &r
	default:
		return "", fmt.Errorf("simulator: inbound: type %q is not simulated", typ)
	}

	c.lastInbound = now
	if in.Referral != nil {
		r := *in.Referral
		if r.SourceType == "" {
			r.SourceType = "ad"
		}
		msg.Referral = &r
		c.entryPointAt = now
	}
	cm := &chatMessage{id: msg.ID, phoneID: p.cfg.ID, waID: from, at: now, in: &msg, status: "sent"}
	s.inbound[msg.ID] = cm
	if typ == "reaction" {
		s.applyReactionLocked(c, &sendReaction{MessageID: msg.Reaction.MessageID, Emoji: msg.Reaction.Emoji}, true)
	} else {
		c.messages = append(c.messages, cm)
	}
	s.bumpLocked()

	var contact inContact
	contact.Profile.Name = cust.Name
	contact.WaID = from
	contact.UserID = userIDOf(from)
	msg.FromUserID = contact.UserID
	if in.Username != "" {
		contact.Profile.Username = in.Username
		contact.WaID, msg.From = "", ""
	}
	value := messageValue{MessagingProduct: "whatsapp", Metadata: phoneMetadata(p), Contacts: []inContact{contact}, Messages: []inMessage{msg}}
	s.queues[p.waba.cfg.ID].push(&hookEvent{field: "messages", value: value, onDelivered: func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if cm.status == "sent" {
			cm.status = "delivered"
			s.bumpLocked()
		}
	}})
	s.log.Info("customer message", "phone", p.cfg.ID, "from", from, "type", typ, "id", msg.ID)
	return msg.ID, nil
}

// userIDOf is the simulated business-scoped user ID of a customer: a
// country code, a dot and digits, stable for the number (Meta's are
// stable per business portfolio).
func userIDOf(waID string) string {
	sum := sha256.Sum256([]byte("wadesk simulator bsuid " + waID))
	return "US." + strconv.FormatUint(binary.BigEndian.Uint64(sum[:8])%1e17+1e17, 10)
}

// waIDOfUserIDLocked finds the customer a business-scoped user ID belongs
// to ("" when none).
func (s *Sim) waIDOfUserIDLocked(userID string) string {
	for k := range s.chats {
		if userIDOf(k.waID) == userID {
			return k.waID
		}
	}
	return ""
}

func (s *Sim) product(retailerID string) (Product, bool) {
	for _, p := range s.cfg.Catalog.Products {
		if p.RetailerID == retailerID {
			return p, true
		}
	}
	return Product{}, false
}

// InboundStatus returns the ticks the customer's phone shows on a message
// the customer sent: sent, delivered, or read once the business marked it
// read. ok is false for an unknown message.
func (s *Sim) InboundStatus(id string) (status string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cm := s.inbound[id]
	if cm == nil {
		return "", false
	}
	return cm.status, true
}

// ReadByCustomer marks every delivered business message of a chat as read,
// as when the customer opens the conversation.
func (s *Sim) ReadByCustomer(phoneNumberID, waID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readChatLocked(chatKey{phoneNumberID, digitsOnly(waID)})
}

func (s *Sim) readChatLocked(k chatKey) {
	c := s.chats[k]
	if c == nil {
		return
	}
	for _, m := range c.messages {
		if m.out != nil && m.out.stage >= stageDelivered && m.out.stage < stageRead {
			s.advanceOutLocked(m.out, stageRead)
		}
	}
}

// inboundAudioTypes are the audio types WhatsApp carries.
var inboundAudioTypes = []string{"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}

// inboundMediaLocked is the media object of a customer's audio or
// document: an existing one by ID, or new bytes stored now (their type
// from the content when not given; types limits the allowed ones).
func (s *Sim) inboundMediaLocked(phoneID, mediaID string, data []byte, mimeType, filename string, types []string) (*mediaObject, error) {
	if mediaID != "" {
		m := s.media[mediaID]
		if m == nil {
			return nil, fmt.Errorf("simulator: inbound: media %q is unknown", mediaID)
		}
		return m, nil
	}
	if len(data) == 0 {
		return nil, errors.New("simulator: inbound: the file has no data")
	}
	mt := mimeType
	if mt == "" {
		mt = http.DetectContentType(data)
	}
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = strings.TrimSpace(mt[:i])
	}
	if types != nil && !slices.Contains(types, mt) {
		return nil, fmt.Errorf("simulator: inbound: audio type %q is not one WhatsApp carries", mt)
	}
	return s.storeMediaLocked(phoneID, mt, filename, data), nil
}
