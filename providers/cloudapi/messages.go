package cloudapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/providers"
)

// Wire types of POST /{phone-number-id}/messages.

type wireSend struct {
	MessagingProduct string           `json:"messaging_product"`
	RecipientType    string           `json:"recipient_type"`
	To               string           `json:"to,omitempty"`
	Recipient        string           `json:"recipient,omitempty"`
	Type             string           `json:"type"`
	Context          *wireContext     `json:"context,omitempty"`
	Text             *wireText        `json:"text,omitempty"`
	Image            *wireMedia       `json:"image,omitempty"`
	Audio            *wireMedia       `json:"audio,omitempty"`
	Video            *wireMedia       `json:"video,omitempty"`
	Document         *wireMedia       `json:"document,omitempty"`
	Sticker          *wireMedia       `json:"sticker,omitempty"`
	Template         *wireTplSend     `json:"template,omitempty"`
	Interactive      *wireInteractive `json:"interactive,omitempty"`
	Reaction         *wireReaction    `json:"reaction,omitempty"`
	Location         *wireLocation    `json:"location,omitempty"`
	Contacts         []wireContact    `json:"contacts,omitempty"`
}

type wireContext struct {
	MessageID string `json:"message_id"`
}

type wireText struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url"`
}

type wireMedia struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

type wireTplSend struct {
	Name       string             `json:"name"`
	Language   wireTplLanguage    `json:"language"`
	Components []wireTplComponent `json:"components,omitempty"`
}

type wireTplLanguage struct {
	Code   string `json:"code"`
	Policy string `json:"policy,omitempty"`
}

type wireTplComponent struct {
	Type       string         `json:"type"`
	SubType    string         `json:"sub_type,omitempty"`
	Index      *flexString    `json:"index,omitempty"`
	Parameters []wireTplParam `json:"parameters"`
}

type wireTplParam struct {
	Type          string         `json:"type"`
	ParameterName string         `json:"parameter_name,omitempty"`
	Text          string         `json:"text,omitempty"`
	Currency      *wireCurrency  `json:"currency,omitempty"`
	DateTime      *wireDateTime  `json:"date_time,omitempty"`
	Image         *wireMedia     `json:"image,omitempty"`
	Video         *wireMedia     `json:"video,omitempty"`
	Document      *wireMedia     `json:"document,omitempty"`
	Payload       string         `json:"payload,omitempty"`
	Action        *wireTplAction `json:"action,omitempty"`
	CouponCode    string         `json:"coupon_code,omitempty"`
}

type wireCurrency struct {
	FallbackValue string `json:"fallback_value"`
	Code          string `json:"code"`
	Amount1000    int64  `json:"amount_1000"`
}

type wireDateTime struct {
	FallbackValue string `json:"fallback_value"`
	Calendar      string `json:"calendar,omitempty"`
	DayOfMonth    int    `json:"day_of_month,omitempty"`
	DayOfWeek     int    `json:"day_of_week,omitempty"`
	Hour          int    `json:"hour,omitempty"`
	Minute        int    `json:"minute,omitempty"`
	Month         int    `json:"month,omitempty"`
	Year          int    `json:"year,omitempty"`
}

type wireTplAction struct {
	ThumbnailProductRetailerID string         `json:"thumbnail_product_retailer_id,omitempty"`
	FlowToken                  string         `json:"flow_token,omitempty"`
	FlowActionData             map[string]any `json:"flow_action_data,omitempty"`
}

type wireInteractive struct {
	Type   string       `json:"type"`
	Header *wireIHeader `json:"header,omitempty"`
	Body   *wireIText   `json:"body,omitempty"`
	Footer *wireIText   `json:"footer,omitempty"`
	Action *wireIAction `json:"action,omitempty"`
}

type wireIHeader struct {
	Type     string     `json:"type"`
	Text     string     `json:"text,omitempty"`
	Image    *wireMedia `json:"image,omitempty"`
	Video    *wireMedia `json:"video,omitempty"`
	Document *wireMedia `json:"document,omitempty"`
}

type wireIText struct {
	Text string `json:"text"`
}

type wireIAction struct {
	Button            string          `json:"button,omitempty"`
	Buttons           []wireIButton   `json:"buttons,omitempty"`
	Sections          []wireISection  `json:"sections,omitempty"`
	CatalogID         string          `json:"catalog_id,omitempty"`
	ProductRetailerID string          `json:"product_retailer_id,omitempty"`
	Name              string          `json:"name,omitempty"`
	Parameters        *wireIActParams `json:"parameters,omitempty"`
}

type wireIActParams struct {
	ThumbnailProductRetailerID string `json:"thumbnail_product_retailer_id,omitempty"`
	DisplayText                string `json:"display_text,omitempty"`
	URL                        string `json:"url,omitempty"`
}

type wireIButton struct {
	Type  string `json:"type"`
	Reply struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"reply"`
}

type wireISection struct {
	Title        string         `json:"title,omitempty"`
	Rows         []wireIRow     `json:"rows,omitempty"`
	ProductItems []wireIProduct `json:"product_items,omitempty"`
}

type wireIRow struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type wireIProduct struct {
	ProductRetailerID string `json:"product_retailer_id"`
}

type wireReaction struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"` // empty removes the reaction, so always sent
}

type wireLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

// wireContact is a contact card, used both when sending and receiving.
type wireContact struct {
	Addresses []wireAddress `json:"addresses,omitempty"`
	Birthday  string        `json:"birthday,omitempty"`
	Emails    []wireEmail   `json:"emails,omitempty"`
	Name      wireName      `json:"name"`
	Org       *wireOrg      `json:"org,omitempty"`
	Phones    []wirePhone   `json:"phones,omitempty"`
	URLs      []wireURL     `json:"urls,omitempty"`
}

type wireAddress struct {
	Street      string `json:"street,omitempty"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	Zip         string `json:"zip,omitempty"`
	Country     string `json:"country,omitempty"`
	CountryCode string `json:"country_code,omitempty"`
	Type        string `json:"type,omitempty"`
}

type wireEmail struct {
	Email string `json:"email,omitempty"`
	Type  string `json:"type,omitempty"`
}

type wireName struct {
	FormattedName string `json:"formatted_name"`
	FirstName     string `json:"first_name,omitempty"`
	LastName      string `json:"last_name,omitempty"`
	MiddleName    string `json:"middle_name,omitempty"`
	Suffix        string `json:"suffix,omitempty"`
	Prefix        string `json:"prefix,omitempty"`
}

type wireOrg struct {
	Company    string `json:"company,omitempty"`
	Department string `json:"department,omitempty"`
	Title      string `json:"title,omitempty"`
}

type wirePhone struct {
	Phone string     `json:"phone,omitempty"`
	Type  string     `json:"type,omitempty"`
	WaID  flexString `json:"wa_id,omitempty"`
}

type wireURL struct {
	URL  string `json:"url,omitempty"`
	Type string `json:"type,omitempty"`
}

func contactToWire(c providers.Contact) wireContact {
	w := wireContact{
		Birthday: c.Birthday,
		Name: wireName{
			FormattedName: c.Name.FormattedName, FirstName: c.Name.FirstName, LastName: c.Name.LastName,
			MiddleName: c.Name.MiddleName, Suffix: c.Name.Suffix, Prefix: c.Name.Prefix,
		},
	}
	if c.Org != (providers.ContactOrg{}) {
		w.Org = &wireOrg{Company: c.Org.Company, Department: c.Org.Department, Title: c.Org.Title}
	}
	for _, a := range c.Addresses {
		w.Addresses = append(w.Addresses, wireAddress{Street: a.Street, City: a.City, State: a.State, Zip: a.Zip,
			Country: a.Country, CountryCode: a.CountryCode, Type: a.Type})
	}
	for _, e := range c.Emails {
		w.Emails = append(w.Emails, wireEmail{Email: e.Email, Type: e.Type})
	}
	for _, p := range c.Phones {
		w.Phones = append(w.Phones, wirePhone{Phone: p.Phone, Type: p.Type, WaID: flexString(p.WaID)})
	}
	for _, u := range c.URLs {
		w.URLs = append(w.URLs, wireURL{URL: u.URL, Type: u.Type})
	}
	return w
}

func contactFromWire(w wireContact) providers.Contact {
	c := providers.Contact{
		Birthday: w.Birthday,
		Name: providers.ContactName{
			FormattedName: w.Name.FormattedName, FirstName: w.Name.FirstName, LastName: w.Name.LastName,
			MiddleName: w.Name.MiddleName, Suffix: w.Name.Suffix, Prefix: w.Name.Prefix,
		},
	}
	if w.Org != nil {
		c.Org = providers.ContactOrg{Company: w.Org.Company, Department: w.Org.Department, Title: w.Org.Title}
	}
	for _, a := range w.Addresses {
		c.Addresses = append(c.Addresses, providers.ContactAddress{Street: a.Street, City: a.City, State: a.State,
			Zip: a.Zip, Country: a.Country, CountryCode: a.CountryCode, Type: a.Type})
	}
	for _, e := range w.Emails {
		c.Emails = append(c.Emails, providers.ContactEmail{Email: e.Email, Type: e.Type})
	}
	for _, p := range w.Phones {
		c.Phones = append(c.Phones, providers.ContactPhone{Phone: p.Phone, Type: p.Type, WaID: string(p.WaID)})
	}
	for _, u := range w.URLs {
		c.URLs = append(c.URLs, providers.ContactURL{URL: u.URL, Type: u.Type})
	}
	return c
}

func mediaToWire(m *providers.Media) *wireMedia {
	if m == nil {
		return nil
	}
	return &wireMedia{ID: m.ID, Link: m.Link, Caption: m.Caption, Filename: m.Filename}
}

// sendRequest builds Meta's JSON for msg. msg must be valid.
func sendRequest(msg providers.OutboundMessage) wireSend {
	w := wireSend{
		MessagingProduct: "whatsapp",
		RecipientType:    "individual",
		To:               msg.To,
		Type:             string(msg.Kind()),
	}
	// A customer known only by business-scoped user ID is addressed with
	// "recipient" instead of "to" (Meta, "Business-scoped user IDs": to
	// takes a phone number, recipient a BSUID or parent BSUID).
	if providers.IsBusinessScopedUserID(msg.To) {
		w.To, w.Recipient = "", msg.To
	}
	if msg.ReplyTo != "" {
		w.Context = &wireContext{MessageID: msg.ReplyTo}
	}
	switch {
	case msg.Text != nil:
		w.Text = &wireText{Body: msg.Text.Body, PreviewURL: msg.Text.PreviewURL}
	case msg.Media != nil:
		wm := mediaToWire(msg.Media)
		switch msg.Media.Kind {
		case providers.KindImage:
			w.Image = wm
		case providers.KindAudio:
			w.Audio = wm
		case providers.KindVideo:
			w.Video = wm
		case providers.KindDocument:
			w.Document = wm
		case providers.KindSticker:
			w.Sticker = wm
		}
	case msg.Template != nil:
		w.Template = templateSend(msg.Template)
	case msg.Interactive != nil:
		w.Interactive = interactiveToWire(msg.Interactive)
	case msg.Reaction != nil:
		w.Reaction = &wireReaction{MessageID: msg.Reaction.MessageID, Emoji: msg.Reaction.Emoji}
	case msg.Location != nil:
		l := msg.Location
		w.Location = &wireLocation{Latitude: l.Latitude, Longitude: l.Longitude, Name: l.Name, Address: l.Address}
	case len(msg.Contacts) > 0:
		for _, c := range msg.Contacts {
			w.Contacts = append(w.Contacts, contactToWire(c))
		}
	}
	return w
}

func templateSend(t *providers.TemplateMessage) *wireTplSend {
	w := &wireTplSend{Name: t.Name, Language: wireTplLanguage{Code: t.Language, Policy: t.LanguagePolicy}}
	for _, c := range t.Components {
		wc := wireTplComponent{Type: c.Type, SubType: c.SubType, Parameters: []wireTplParam{}}
		if c.Type == "button" {
			idx := flexString(strconv.Itoa(c.Index))
			wc.Index = &idx
		}
		for _, p := range c.Parameters {
			wp := wireTplParam{Type: p.Type, ParameterName: p.Name, Text: p.Text, Payload: p.Payload, CouponCode: p.CouponCode}
			if p.Currency != nil {
				wp.Currency = &wireCurrency{FallbackValue: p.Currency.FallbackValue, Code: p.Currency.Code, Amount1000: p.Currency.Amount1000}
			}
			if p.DateTime != nil {
				d := p.DateTime
				wp.DateTime = &wireDateTime{FallbackValue: d.FallbackValue, Calendar: d.Calendar, DayOfMonth: d.DayOfMonth,
					DayOfWeek: d.DayOfWeek, Hour: d.Hour, Minute: d.Minute, Month: d.Month, Year: d.Year}
			}
			switch p.Type {
			case "image":
				wp.Image = mediaToWire(p.Media)
			case "video":
				wp.Video = mediaToWire(p.Media)
			case "document":
				wp.Document = mediaToWire(p.Media)
			}
			if a := p.Action; a != nil {
				wp.Action = &wireTplAction{ThumbnailProductRetailerID: a.ThumbnailProductRetailerID,
					FlowToken: a.FlowToken, FlowActionData: a.FlowActionData}
			}
			wc.Parameters = append(wc.Parameters, wp)
		}
		w.Components = append(w.Components, wc)
	}
	return w
}

func interactiveToWire(in *providers.Interactive) *wireInteractive {
	w := &wireInteractive{Type: string(in.Type)}
	if h := in.Header; h != nil {
		wh := &wireIHeader{Type: h.Type, Text: h.Text}
		switch h.Type {
		case "image":
			wh.Image = mediaToWire(h.Media)
		case "video":
			wh.Video = mediaToWire(h.Media)
		case "document":
			wh.Document = mediaToWire(h.Media)
		}
		w.Header = wh
	}
	if in.Body != "" {
		w.Body = &wireIText{Text: in.Body}
	}
	if in.Footer != "" {
		w.Footer = &wireIText{Text: in.Footer}
	}
	a := &wireIAction{}
	switch in.Type {
	case providers.InteractiveButton:
		for _, b := range in.Buttons {
			wb := wireIButton{Type: "reply"}
			wb.Reply.ID, wb.Reply.Title = b.ID, b.Title
			a.Buttons = append(a.Buttons, wb)
		}
	case providers.InteractiveList:
		a.Button = in.ListButton
		for _, s := range in.Sections {
			ws := wireISection{Title: s.Title}
			for _, r := range s.Rows {
				ws.Rows = append(ws.Rows, wireIRow{ID: r.ID, Title: r.Title, Description: r.Description})
			}
			a.Sections = append(a.Sections, ws)
		}
	case providers.InteractiveProduct:
		a.CatalogID, a.ProductRetailerID = in.CatalogID, in.ProductRetailerID
	case providers.InteractiveProductList:
		a.CatalogID = in.CatalogID
		for _, s := range in.Sections {
			ws := wireISection{Title: s.Title}
			for _, id := range s.ProductRetailerIDs {
				ws.ProductItems = append(ws.ProductItems, wireIProduct{ProductRetailerID: id})
			}
			a.Sections = append(a.Sections, ws)
		}
	case providers.InteractiveCatalogMessage:
		a.Name = "catalog_message"
		if in.ThumbnailProductRetailerID != "" {
			a.Parameters = &wireIActParams{ThumbnailProductRetailerID: in.ThumbnailProductRetailerID}
		}
	case providers.InteractiveCTAURL:
		a.Name = "cta_url"
		if in.CTA != nil {
			a.Parameters = &wireIActParams{DisplayText: in.CTA.DisplayText, URL: in.CTA.URL}
		}
	}
	w.Action = a
	return w
}

type wireSendResponse struct {
	Contacts []struct {
		Input string     `json:"input"`
		WaID  flexString `json:"wa_id"`
	} `json:"contacts"`
	Messages []struct {
		ID string `json:"id"`
	} `json:"messages"`
}

// SendMessage sends msg from the business number phoneNumberID. The message
// is validated first; invalid messages are not sent and come back as
// *providers.ValidationError.
func (c *Client) SendMessage(ctx context.Context, phoneNumberID string, msg providers.OutboundMessage) (providers.SendResult, error) {
	const op = providers.OpSendMessage
	if err := msg.Validate(); err != nil {
		return providers.SendResult{}, fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: err})
	}
	body, err := jsonBody(sendRequest(msg))
	if err != nil {
		return providers.SendResult{}, fmt.Errorf("cloudapi: %s: %w", op, err)
	}
	var resp wireSendResponse
	if err := c.call(ctx, request{
		op: op, method: http.MethodPost, path: c.numberPath(phoneNumberID, "messages"),
		body: body, contentType: "application/json",
	}, &resp); err != nil {
		return providers.SendResult{}, err
	}
	if len(resp.Messages) == 0 || resp.Messages[0].ID == "" {
		return providers.SendResult{}, fmt.Errorf("cloudapi: %s: %w", op, &providers.Error{
			Provider: providers.MetaCloud, Op: op, Kind: providers.ErrorKindUnknown,
			Message: "the answer has no message ID",
		})
	}
	res := providers.SendResult{MessageID: resp.Messages[0].ID}
	if len(resp.Contacts) > 0 {
		res.WaID = string(resp.Contacts[0].WaID)
		res.Input = resp.Contacts[0].Input
	}
	return res, nil
}

type wireMarkRead struct {
	MessagingProduct string           `json:"messaging_product"`
	Status           string           `json:"status"`
	MessageID        string           `json:"message_id"`
	TypingIndicator  *wireTypingIndic `json:"typing_indicator,omitempty"`
}

type wireTypingIndic struct {
	Type string `json:"type"`
}

// MarkRead marks the inbound message messageID (and earlier ones) as read.
// With typing, the customer also sees a typing indicator until the next
// reply or for up to 25 seconds.
func (c *Client) MarkRead(ctx context.Context, phoneNumberID, messageID string, typing bool) error {
	const op = providers.OpMarkRead
	if messageID == "" {
		return fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: errors.New("the message ID is missing")})
	}
	req := wireMarkRead{MessagingProduct: "whatsapp", Status: "read", MessageID: messageID}
	if typing {
		req.TypingIndicator = &wireTypingIndic{Type: "text"}
	}
	body, err := jsonBody(req)
	if err != nil {
		return fmt.Errorf("cloudapi: %s: %w", op, err)
	}
	return c.expectSuccess(ctx, request{
		op: op, method: http.MethodPost, path: c.numberPath(phoneNumberID, "messages"),
		body: body, contentType: "application/json",
	})
}

// WhatsAppObject returns Meta's message type and content object for msg
// (e.g. "interactive" and its object), for providers that pass Meta's
// objects through as they are (Vonage's "custom" messages). msg must be
// valid.
func WhatsAppObject(msg providers.OutboundMessage) (string, json.RawMessage, error) {
	w := sendRequest(msg)
	b, err := json.Marshal(w)
	if err != nil {
		return "", nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return "", nil, err
	}
	obj, ok := all[w.Type]
	if !ok {
		return "", nil, fmt.Errorf("cloudapi: no %q object in the message", w.Type)
	}
	return w.Type, obj, nil
}
