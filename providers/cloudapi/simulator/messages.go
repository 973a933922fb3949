package simulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// flexString accepts a JSON string, number or boolean (Meta's examples use
// all three for template parameter text and button indexes).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if string(b) == "null" {
		*f = ""
		return nil
	}
	*f = flexString(b)
	return nil
}

type sendText struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url"`
}

type sendMedia struct {
	ID       string `json:"id"`
	Link     string `json:"link"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
}

type sendLocation struct {
	Latitude  flexString `json:"latitude"`
	Longitude flexString `json:"longitude"`
	Name      string     `json:"name"`
	Address   string     `json:"address"`
}

type sendReaction struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"`
}

type textObj struct {
	Text string `json:"text"`
}

type sendInteractive struct {
	Type   string             `json:"type"`
	Header *interactiveHeader `json:"header"`
	Body   *textObj           `json:"body"`
	Footer *textObj           `json:"footer"`
	Action *interactiveAction `json:"action"`
}

type interactiveHeader struct {
	Type     string     `json:"type"`
	Text     string     `json:"text"`
	Image    *sendMedia `json:"image"`
	Video    *sendMedia `json:"video"`
	Document *sendMedia `json:"document"`
}

type interactiveAction struct {
	Button            string               `json:"button"`
	Buttons           []interactiveButton  `json:"buttons"`
	Sections          []interactiveSection `json:"sections"`
	CatalogID         string               `json:"catalog_id"`
	ProductRetailerID string               `json:"product_retailer_id"`
	Name              string               `json:"name"`
	Parameters        json.RawMessage      `json:"parameters"`
}

type interactiveButton struct {
	Type  string `json:"type"`
	Reply struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"reply"`
}

type interactiveSection struct {
	Title        string           `json:"title"`
	Rows         []interactiveRow `json:"rows"`
	ProductItems []struct {
		ProductRetailerID string `json:"product_retailer_id"`
	} `json:"product_items"`
}

type interactiveRow struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

type sendTemplate struct {
	Name     string `json:"name"`
	Language struct {
		Code   string `json:"code"`
		Policy string `json:"policy"`
	} `json:"language"`
	Components []sendTemplateComponent `json:"components"`
}

type sendTemplateComponent struct {
	Type       string              `json:"type"`
	SubType    string              `json:"sub_type"`
	Index      flexString          `json:"index"`
	Parameters []sendTemplateParam `json:"parameters"`
}

type sendTemplateParam struct {
	Type          string     `json:"type"`
	Text          flexString `json:"text"`
	ParameterName string     `json:"parameter_name"`
	Payload       string     `json:"payload"`
	CouponCode    string     `json:"coupon_code"`
	Currency      *struct {
		FallbackValue string `json:"fallback_value"`
		Code          string `json:"code"`
		Amount1000    int64  `json:"amount_1000"`
	} `json:"currency"`
	DateTime *struct {
		FallbackValue string `json:"fallback_value"`
	} `json:"date_time"`
	Image    *sendMedia      `json:"image"`
	Video    *sendMedia      `json:"video"`
	Document *sendMedia      `json:"document"`
	Location *sendLocation   `json:"location"`
	Action   json.RawMessage `json:"action"`
}

// value is the text a parameter contributes to the rendered message.
func (p sendTemplateParam) value() string {
	switch {
	case p.Currency != nil:
		return p.Currency.FallbackValue
	case p.DateTime != nil:
		return p.DateTime.FallbackValue
	case p.Payload != "":
		return p.Payload
	case p.CouponCode != "":
		return p.CouponCode
	}
	return string(p.Text)
}

type sendRequest struct {
	MessagingProduct string `json:"messaging_product"`
	RecipientType    string `json:"recipient_type"`
	To               string `json:"to"`
	// Recipient is a business-scoped user ID (BSUID), for a customer
	// whose number is withheld; to, when also sent, takes precedence.
	Recipient       string `json:"recipient"`
	Type            string `json:"type"`
	Status          string `json:"status"`
	MessageID       string `json:"message_id"`
	TypingIndicator *struct {
		Type string `json:"type"`
	} `json:"typing_indicator"`
	Context *struct {
		MessageID string `json:"message_id"`
	} `json:"context"`
	BizOpaqueCallbackData string            `json:"biz_opaque_callback_data"`
	Text                  *sendText         `json:"text"`
	Image                 *sendMedia        `json:"image"`
	Audio                 *sendMedia        `json:"audio"`
	Video                 *sendMedia        `json:"video"`
	Document              *sendMedia        `json:"document"`
	Sticker               *sendMedia        `json:"sticker"`
	Location              *sendLocation     `json:"location"`
	Contacts              []json.RawMessage `json:"contacts"`
	Interactive           *sendInteractive  `json:"interactive"`
	Template              *sendTemplate     `json:"template"`
	Reaction              *sendReaction     `json:"reaction"`
}

func (r *sendRequest) media() *sendMedia {
	switch r.Type {
	case "image":
		return r.Image
	case "audio":
		return r.Audio
	case "video":
		return r.Video
	case "document":
		return r.Document
	case "sticker":
		return r.Sticker
	}
	return nil
}

// inferType fills type when omitted: Meta defaults to text, but the
// documented examples also omit it next to other objects.
func (r *sendRequest) inferType() {
	if r.Type != "" {
		r.Type = strings.ToLower(r.Type)
		return
	}
	switch {
	case r.Interactive != nil:
		r.Type = "interactive"
	case r.Template != nil:
		r.Type = "template"
	case r.Image != nil:
		r.Type = "image"
	case r.Audio != nil:
		r.Type = "audio"
	case r.Video != nil:
		r.Type = "video"
	case r.Document != nil:
		r.Type = "document"
	case r.Sticker != nil:
		r.Type = "sticker"
	case r.Location != nil:
		r.Type = "location"
	case r.Contacts != nil:
		r.Type = "contacts"
	case r.Reaction != nil:
		r.Type = "reaction"
	default:
		r.Type = "text"
	}
}

type sendResponse struct {
	MessagingProduct string        `json:"messaging_product"`
	Contacts         []sendContact `json:"contacts"`
	Messages         []sendMessage `json:"messages"`
}

type sendContact struct {
	Input  string `json:"input"`
	WaID   string `json:"wa_id,omitempty"`
	UserID string `json:"user_id,omitempty"`
}

type sendMessage struct {
	ID            string `json:"id"`
	MessageStatus string `json:"message_status,omitempty"`
}

// outMessage is a message the business sent.
type outMessage struct {
	seq      int64
	id       string
	phone    *phone
	waID     string
	input    string
	req      sendRequest
	raw      []byte
	tmpl     *Template
	category string
	billable bool
	// pricingType: regular, free_customer_service or free_entry_point.
	pricingType string
	conv        *conversationState
	stage       int
	errCode     int
	at          time.Time
}

const (
	stageAccepted = iota
	stageSent
	stageDelivered
	stageRead
	stageFailed
)

var stageNames = []string{"accepted", "sent", "delivered", "read", "failed"}

func (m *outMessage) export() SentMessage {
	return SentMessage{ID: m.id, PhoneNumberID: m.phone.cfg.ID, To: m.waID, Type: m.req.Type, Status: stageNames[m.stage],
		Category: m.category, Billable: m.billable, ErrorCode: m.errCode, Timestamp: m.at, Body: string(m.raw)}
}

// newWamidLocked builds a message ID shaped like Meta's.
func (s *Sim) newWamidLocked(waID string) string {
	buf := make([]byte, 0, 48)
	buf = append(buf, 0x1c, 0x18, byte(len(waID)))
	buf = append(buf, waID...)
	buf = append(buf, 0x15, 0x02, 0x00, 0x11, 0x18, 0x14)
	for i := 0; i < 20; i++ {
		buf = append(buf, "0123456789ABCDEF"[s.rng.IntN(16)])
	}
	buf = append(buf, 0x00)
	return "wamid." + base64.StdEncoding.EncodeToString(buf)
}

func (s *Sim) postMessage(g *gctx) *graphError {
	if s.cfg.SendLatency > 0 {
		// The request was judged on arrival; the answer takes the trip back.
		defer time.Sleep(s.cfg.SendLatency)
	}
	raw := g.jsonBody()
	var req sendRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return invalidParam("The request body could not be decoded: " + err.Error())
	}
	if req.MessagingProduct != "whatsapp" {
		return paramError("The parameter messaging_product is required.")
	}
	if req.Status != "" || req.TypingIndicator != nil {
		return s.markRead(g, &req)
	}
	req.inferType()
	if req.To == "" && req.Recipient == "" {
		return paramError("The parameter to is required.")
	}
	if rt := strings.ToLower(req.RecipientType); rt != "" && rt != "individual" {
		return invalidParam("Param recipient_type must be individual; groups are not simulated.")
	}
	input, byUserID := req.To, req.To == ""
	waID := digitsOnly(req.To)
	if byUserID {
		input = req.Recipient
		s.mu.Lock()
		waID = s.waIDOfUserIDLocked(req.Recipient)
		s.mu.Unlock()
		if waID == "" {
			return invalidParam("Param recipient must be the business-scoped user ID of a WhatsApp user.")
		}
	}
	if len(waID) < 7 || len(waID) > 15 {
		return invalidParam("Param to must be a phone number with country code, for example 16505551234.")
	}
	if gerr := s.validateSend(&req); gerr != nil {
		return gerr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.phones[g.id]
	if gerr := sendBlocker(p); gerr != nil {
		return gerr
	}
	if req.Context != nil && req.Context.MessageID != "" && s.inbound[req.Context.MessageID] == nil && s.outbound[req.Context.MessageID] == nil {
		return invalidParam("Param context['message_id'] is not a message of this conversation.")
	}
	if gerr := s.checkMediaRefsLocked(&req); gerr != nil {
		return gerr
	}
	var tmpl *storedTemplate
	if req.Type == "template" {
		var gerr *graphError
		tmpl, gerr = checkTemplateSend(p.waba, req.Template)
		if gerr != nil {
			return gerr
		}
	}
	now := s.nowLocked()
	// The account's payment and restrictions, and the portfolio's
	// messaging limit (limits.go), before the number's throughput.
	lc := s.chatLocked(chatKey{p.cfg.ID, waID})
	windowOpenNow := !lc.lastInbound.IsZero() && now.Sub(lc.lastInbound) < 24*time.Hour
	if gerr := s.limitCheckLocked(p, waID, req.Type == "template", windowOpenNow, now); gerr != nil {
		return gerr
	}
	tb := s.throughput[p.cfg.ID]
	if tb == nil {
		tb = newBucket(float64(s.cfg.Throughput), float64(s.cfg.Throughput), now)
		s.throughput[p.cfg.ID] = tb
	}
	if !tb.take(now) {
		return &graphError{status: 400, message: "(#130429) Rate limit hit", typ: "OAuthException", code: 130429,
			details: fmt.Sprintf("Cloud API message throughput has been reached (%d messages per second for this number).", s.cfg.Throughput)}
	}
	key := chatKey{p.cfg.ID, waID}
	pb := s.pairs[key]
	if pb == nil {
		pb = newBucket(1/s.cfg.PairInterval.Seconds(), float64(s.cfg.PairBurst), now)
		s.pairs[key] = pb
	}
	if !pb.take(now) {
		return &graphError{status: 400, message: "(#131056) (Business Account, Consumer Account) pair rate limit hit", typ: "OAuthException", code: 131056,
			details: "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."}
	}

	s.recordReachLocked(p, waID, req.Type == "template", windowOpenNow, now)
	s.seq++
	m := &outMessage{seq: s.seq, phone: p, waID: waID, input: input, req: req, raw: append([]byte(nil), raw...), at: now}
	m.id = s.newWamidLocked(waID)
	if tmpl != nil {
		cp := tmpl.Template
		m.tmpl = &cp
	}
	c := s.chatLocked(key)
	windowOpen := !c.lastInbound.IsZero() && now.Sub(c.lastInbound) < 24*time.Hour
	entryPoint := !c.entryPointAt.IsZero() && now.Sub(c.entryPointAt) < 72*time.Hour
	m.category, m.billable, m.pricingType = pricingFor(m.tmpl, windowOpen, entryPoint, now)
	s.outbound[m.id] = m
	s.sent[p.cfg.ID] = append(s.sent[p.cfg.ID], m)
	if _, known := s.custByID[waID]; !known {
		s.addCustomerLocked(Customer{WaID: waID})
	}

	if req.Type != "template" && !windowOpen {
		// Meta accepts the request and reports the failure as a status.
		s.after(s.cfg.StatusDelay, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			m.stage = stageFailed
			m.errCode = 131047
			s.bumpLocked()
			s.emitStatusLocked(m, "failed")
		})
		s.log.Info("message accepted but outside the customer service window", "phone", p.cfg.ID, "to", waID, "id", m.id)
	} else {
		m.conv = s.conversationLocked(p.cfg.ID, waID, m.category, now)
		if req.Type == "reaction" {
			s.applyReactionLocked(c, req.Reaction, false)
		} else {
			c.messages = append(c.messages, &chatMessage{id: m.id, at: now, out: m})
		}
		c.typingUntil = time.Time{}
		s.bumpLocked()
		d := s.cfg.StatusDelay
		s.after(d, func() { s.advanceOut(m, stageSent) })
		s.after(2*d, func() { s.advanceOut(m, stageDelivered) })
		if s.cfg.ReadAfter > 0 {
			s.after(2*d+s.cfg.ReadAfter, func() { s.advanceOut(m, stageRead) })
		}
		s.log.Info("message accepted", "phone", p.cfg.ID, "to", waID, "type", req.Type, "id", m.id)
	}
	contact := sendContact{Input: input, WaID: waID}
	if byUserID {
		contact = sendContact{Input: input, UserID: input}
	}
	resp := sendResponse{MessagingProduct: "whatsapp", Contacts: []sendContact{contact}, Messages: []sendMessage{{ID: m.id}}}
	if req.Type == "template" {
		resp.Messages[0].MessageStatus = "accepted"
	}
	writeJSON(g.w, 200, resp)
	return nil
}

// serviceBilledFrom is when Meta began billing service replies and utility
// templates inside the customer service window (1 Oct 2026, reported by
// BSPs; see pricing/rules.json in wadesk, where it is marked unconfirmed).
var serviceBilledFrom = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// pricingFor applies per-message pricing (PMP) at time now: marketing and
// authentication templates are billed; utility templates outside the
// customer service window, and from 1 Oct 2026 inside it too; free-form
// (service) messages are free until 1 Oct 2026, then billed. Inside a
// customer's 72-hour free entry point window (they wrote from an ad)
// nothing is billed. typ is the pricing object's type.
func pricingFor(t *Template, windowOpen, entryPoint bool, now time.Time) (category string, billable bool, typ string) {
	category = "service"
	if t != nil {
		category = strings.ToLower(t.Category)
	}
	if entryPoint {
		return category, false, "free_entry_point"
	}
	billedInWindow := !now.Before(serviceBilledFrom)
	switch category {
	case "service":
		billable = billedInWindow
	case "utility":
		billable = !windowOpen || billedInWindow
	default:
		billable = true
	}
	if !billable {
		return category, false, "free_customer_service"
	}
	return category, true, "regular"
}

// markRead handles {"status":"read","message_id":...} with an optional
// typing indicator.
func (s *Sim) markRead(g *gctx, req *sendRequest) *graphError {
	if req.Status != "read" {
		return invalidParam(fmt.Sprintf("Param status must be read - got %q.", req.Status))
	}
	if req.MessageID == "" {
		return paramError("The parameter message_id is required.")
	}
	if req.TypingIndicator != nil && req.TypingIndicator.Type != "text" {
		return invalidParam("Param typing_indicator['type'] must be text.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cm := s.inbound[req.MessageID]
	if cm == nil || cm.phoneID != g.id {
		return invalidParam("Param message_id " + req.MessageID + " is not a message received by this phone number.")
	}
	c := s.chats[chatKey{g.id, cm.waID}]
	for _, m := range c.messages {
		if m.in != nil && !m.at.After(cm.at) {
			m.status = "read"
		}
	}
	if req.TypingIndicator != nil {
		c.typingUntil = s.nowLocked().Add(25 * time.Second)
	}
	s.bumpLocked()
	writeJSON(g.w, 200, successResponse{Success: true})
	return nil
}

// validateSend checks the message object like Meta's request validation.
func (s *Sim) validateSend(r *sendRequest) *graphError {
	switch r.Type {
	case "text":
		if r.Text == nil || r.Text.Body == "" {
			return paramError("The parameter text['body'] is required.")
		}
		if utf8.RuneCountInString(r.Text.Body) > 4096 {
			return invalidParam("Param text['body'] must be at most 4096 characters long.")
		}
	case "image", "audio", "video", "document", "sticker":
		m := r.media()
		if m == nil || (m.ID == "" && m.Link == "") {
			return paramError(fmt.Sprintf("The parameter %s['id'] or %s['link'] is required.", r.Type, r.Type))
		}
		if m.ID != "" && m.Link != "" {
			return invalidParam(fmt.Sprintf("Param %s must contain either id or link, not both.", r.Type))
		}
		if m.Link != "" && !isHTTPURL(m.Link) {
			return invalidParam(fmt.Sprintf("Param %s['link'] must be an http(s) URL.", r.Type))
		}
		if utf8.RuneCountInString(m.Caption) > 1024 {
			return invalidParam(fmt.Sprintf("Param %s['caption'] must be at most 1024 characters long.", r.Type))
		}
	case "location":
		if r.Location == nil {
			return paramError("The parameter location is required.")
		}
		lat, err1 := strconv.ParseFloat(string(r.Location.Latitude), 64)
		lng, err2 := strconv.ParseFloat(string(r.Location.Longitude), 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
			return invalidParam("Param location['latitude'] and location['longitude'] must be valid coordinates.")
		}
	case "contacts":
		if len(r.Contacts) == 0 {
			return paramError("The parameter contacts is required.")
		}
		for i, raw := range r.Contacts {
			var c struct {
				Name struct {
					FormattedName string `json:"formatted_name"`
				} `json:"name"`
			}
			if json.Unmarshal(raw, &c) != nil || c.Name.FormattedName == "" {
				return paramError(fmt.Sprintf("The parameter contacts[%d]['name']['formatted_name'] is required.", i))
			}
		}
	case "reaction":
		if r.Reaction == nil || r.Reaction.MessageID == "" {
			return paramError("The parameter reaction['message_id'] is required.")
		}
	case "interactive":
		return validateInteractive(r.Interactive)
	case "template":
		if r.Template == nil || r.Template.Name == "" {
			return paramError("The parameter template['name'] is required.")
		}
		if r.Template.Language.Code == "" {
			return paramError("The parameter template['language']['code'] is required.")
		}
	default:
		return invalidParam(fmt.Sprintf("Param type must be one of {AUDIO, CONTACTS, DOCUMENT, IMAGE, INTERACTIVE, LOCATION, REACTION, STICKER, TEMPLATE, TEXT, VIDEO} - got %q.", r.Type))
	}
	return nil
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

func notValid(details string) *graphError {
	return &graphError{status: 400, message: "(#131009) Parameter value is not valid", typ: "OAuthException", code: 131009, details: details}
}

func validateInteractive(in *sendInteractive) *graphError {
	if in == nil {
		return paramError("The parameter interactive is required.")
	}
	if in.Type == "" {
		return paramError("The parameter interactive['type'] is required.")
	}
	if in.Body != nil && utf8.RuneCountInString(in.Body.Text) > 1024 {
		return notValid("Body text length invalid. Max length: 1024")
	}
	if in.Footer != nil && utf8.RuneCountInString(in.Footer.Text) > 60 {
		return notValid("Footer text length invalid. Max length: 60")
	}
	if in.Header != nil && in.Header.Type == "text" && utf8.RuneCountInString(in.Header.Text) > 60 {
		return notValid("Header text length invalid. Max length: 60")
	}
	needBody := func() *graphError {
		if in.Body == nil || strings.TrimSpace(in.Body.Text) == "" {
			return paramError("The parameter interactive['body']['text'] is required.")
		}
		return nil
	}
	if in.Action == nil && in.Type != "location_request_message" {
		return paramError("The parameter interactive['action'] is required.")
	}
	a := in.Action
	switch in.Type {
	case "button":
		if err := needBody(); err != nil {
			return err
		}
		if len(a.Buttons) < 1 || len(a.Buttons) > 3 {
			return notValid("Number of buttons invalid. Min: 1, Max: 3")
		}
		ids, titles := map[string]bool{}, map[string]bool{}
		for _, b := range a.Buttons {
			if b.Type != "reply" {
				return invalidParam("Param interactive['action']['buttons'][]['type'] must be reply.")
			}
			if b.Reply.ID == "" || len(b.Reply.ID) > 256 {
				return notValid("Button id length invalid. Min length: 1, Max length: 256")
			}
			if n := utf8.RuneCountInString(b.Reply.Title); n < 1 || n > 20 {
				return notValid("Button title length invalid. Min length: 1, Max length: 20")
			}
			if ids[b.Reply.ID] || titles[b.Reply.Title] {
				return notValid("Buttons must have unique ids and titles")
			}
			ids[b.Reply.ID], titles[b.Reply.Title] = true, true
		}
	case "list":
		if err := needBody(); err != nil {
			return err
		}
		if n := utf8.RuneCountInString(a.Button); n < 1 || n > 20 {
			return notValid("Button label length invalid. Min length: 1, Max length: 20")
		}
		if len(a.Sections) < 1 || len(a.Sections) > 10 {
			return notValid("Number of sections invalid. Min: 1, Max: 10")
		}
		rows := 0
		ids := map[string]bool{}
		for _, sec := range a.Sections {
			if len(a.Sections) > 1 && sec.Title == "" {
				return paramError("The parameter interactive['action']['sections'][]['title'] is required when there is more than one section.")
			}
			if utf8.RuneCountInString(sec.Title) > 24 {
				return notValid("Section title length invalid. Max length: 24")
			}
			for _, row := range sec.Rows {
				rows++
				if row.ID == "" || len(row.ID) > 200 || ids[row.ID] {
					return notValid("Row ids must be unique, 1 to 200 characters")
				}
				ids[row.ID] = true
				if n := utf8.RuneCountInString(row.Title); n < 1 || n > 24 {
					return notValid("Row title length invalid. Min length: 1, Max length: 24")
				}
				if utf8.RuneCountInString(row.Description) > 72 {
					return notValid("Row description length invalid. Max length: 72")
				}
			}
		}
		if rows < 1 || rows > 10 {
			return notValid("Total row count invalid. Min: 1, Max: 10")
		}
	case "product":
		if a.CatalogID == "" || a.ProductRetailerID == "" {
			return paramError("The parameters interactive['action']['catalog_id'] and ['product_retailer_id'] are required.")
		}
	case "product_list":
		if err := needBody(); err != nil {
			return err
		}
		if in.Header == nil || in.Header.Text == "" {
			return paramError("The parameter interactive['header'] is required for product_list messages.")
		}
		if a.CatalogID == "" {
			return paramError("The parameter interactive['action']['catalog_id'] is required.")
		}
		if len(a.Sections) < 1 || len(a.Sections) > 10 {
			return notValid("Number of sections invalid. Min: 1, Max: 10")
		}
		items := 0
		for _, sec := range a.Sections {
			items += len(sec.ProductItems)
		}
		if items < 1 || items > 30 {
			return notValid("Total product count invalid. Min: 1, Max: 30")
		}
	case "cta_url":
		if err := needBody(); err != nil {
			return err
		}
		var p struct {
			DisplayText string `json:"display_text"`
			URL         string `json:"url"`
		}
		if json.Unmarshal(a.Parameters, &p) != nil || p.DisplayText == "" || !isHTTPURL(p.URL) {
			return paramError("The parameters interactive['action']['parameters']['display_text'] and ['url'] are required.")
		}
	case "flow", "catalog_message", "location_request_message", "address_message", "order_details", "order_status",
		"call_permission_request", "voice_call", "carousel":
		if in.Type != "catalog_message" && in.Type != "order_status" {
			if err := needBody(); err != nil {
				return err
			}
		}
	default:
		return invalidParam(fmt.Sprintf("Param interactive['type'] must be one of {button, list, product, product_list, catalog_message, cta_url, flow, location_request_message, address_message, order_details, order_status} - got %q.", in.Type))
	}
	return nil
}

// checkMediaRefsLocked verifies that media IDs a message uses exist.
func (s *Sim) checkMediaRefsLocked(r *sendRequest) *graphError {
	check := func(where string, m *sendMedia) *graphError {
		if m == nil || m.ID == "" {
			return nil
		}
		if s.media[m.ID] == nil {
			return invalidParam(fmt.Sprintf("Param %s['id'] %s is not a valid media ID (upload it with POST /{phone-number-id}/media).", where, m.ID))
		}
		return nil
	}
	if err := check(r.Type, r.media()); err != nil {
		return err
	}
	if r.Interactive != nil && r.Interactive.Header != nil {
		h := r.Interactive.Header
		for _, m := range []*sendMedia{h.Image, h.Video, h.Document} {
			if err := check("interactive['header']", m); err != nil {
				return err
			}
		}
	}
	if r.Template != nil {
		for _, c := range r.Template.Components {
			for _, p := range c.Parameters {
				for _, m := range []*sendMedia{p.Image, p.Video, p.Document} {
					if err := check("template parameter", m); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// checkTemplateSend finds the template and checks the parameters against
// its stored components (132001, 132000, 132012, 132015).
func checkTemplateSend(w *waba, st *sendTemplate) (*storedTemplate, *graphError) {
	var found *storedTemplate
	for _, t := range w.templates {
		if t.Name == st.Name && t.Language == st.Language.Code {
			found = t
		}
	}
	notFound := &graphError{status: 400, message: "(#132001) Template name does not exist in the translation", typ: "OAuthException", code: 132001,
		details: fmt.Sprintf("template name (%s) does not exist in %s", st.Name, st.Language.Code)}
	if found == nil {
		return nil, notFound
	}
	switch found.Status {
	case "APPROVED":
	case "PAUSED":
		return nil, &graphError{status: 400, message: "(#132015) Template is Paused", typ: "OAuthException", code: 132015,
			details: fmt.Sprintf("Template %s is paused because of low quality.", st.Name)}
	case "DISABLED":
		return nil, &graphError{status: 400, message: "(#132016) Template is Disabled", typ: "OAuthException", code: 132016,
			details: fmt.Sprintf("Template %s was disabled because of low quality.", st.Name)}
	default:
		return nil, notFound
	}
	mismatch := func(where string, got, want int) *graphError {
		return &graphError{status: 400, message: "(#132000) Number of parameters does not match the expected number of params", typ: "OAuthException", code: 132000,
			details: fmt.Sprintf("%s: number of localizable_params (%d) does not match the expected number of params (%d)", where, got, want)}
	}
	formatMismatch := func(details string) *graphError {
		return &graphError{status: 400, message: "(#132012) Parameter format does not match format in the created template", typ: "OAuthException", code: 132012, details: details}
	}
	var header, body *sendTemplateComponent
	buttons := map[int]*sendTemplateComponent{}
	for i := range st.Components {
		c := &st.Components[i]
		switch strings.ToLower(c.Type) {
		case "header":
			header = c
		case "body":
			body = c
		case "button":
			idx, err := strconv.Atoi(string(c.Index))
			if err != nil {
				return nil, paramError("The parameter template['components'][]['index'] is required for buttons.")
			}
			buttons[idx] = c
		default:
			return nil, invalidParam(fmt.Sprintf("Param template['components'][%d]['type'] must be one of {header, body, button} - got %q.", i, c.Type))
		}
	}
	count := func(c *sendTemplateComponent) int {
		if c == nil {
			return 0
		}
		return len(c.Parameters)
	}
	t := &found.Template
	// Header.
	wantHeader := 0
	if h := t.component("HEADER"); h != nil {
		switch h.Format {
		case "TEXT":
			wantHeader = expectedParams(h.Text, t.ParameterFormat)
		case "IMAGE", "VIDEO", "DOCUMENT", "LOCATION":
			wantHeader = 1
			if header != nil && len(header.Parameters) == 1 && strings.ToUpper(header.Parameters[0].Type) != h.Format {
				return nil, formatMismatch(fmt.Sprintf("header: expected a %s parameter, got %s", strings.ToLower(h.Format), header.Parameters[0].Type))
			}
		}
	}
	if got := count(header); got != wantHeader {
		return nil, mismatch("header", got, wantHeader)
	}
	// Body.
	wantBody := 0
	if b := t.component("BODY"); b != nil {
		wantBody = expectedParams(b.Text, t.ParameterFormat)
	}
	if got := count(body); got != wantBody {
		return nil, mismatch("body", got, wantBody)
	}
	if t.ParameterFormat == "NAMED" && body != nil {
		names := map[string]bool{}
		for _, v := range templateVars(t.component("BODY").Text) {
			names[v] = true
		}
		for _, p := range body.Parameters {
			if !names[p.ParameterName] {
				return nil, formatMismatch(fmt.Sprintf("body: parameter_name %q is not a variable of the template", p.ParameterName))
			}
		}
	}
	// Buttons.
	tb := t.buttons()
	for idx, c := range buttons {
		if idx < 0 || idx >= len(tb) {
			return nil, mismatch(fmt.Sprintf("buttons[%d]", idx), len(c.Parameters), 0)
		}
	}
	for i, b := range tb {
		c := buttons[i]
		got := count(c)
		switch b.Type {
		case "URL":
			want := len(templateVars(b.URL))
			if got != want {
				return nil, mismatch(fmt.Sprintf("buttons[%d] (url)", i), got, want)
			}
		case "COPY_CODE":
			if got != 1 {
				return nil, mismatch(fmt.Sprintf("buttons[%d] (copy_code)", i), got, 1)
			}
		default:
			if got > 1 {
				return nil, mismatch(fmt.Sprintf("buttons[%d] (%s)", i, strings.ToLower(b.Type)), got, 1)
			}
		}
	}
	return found, nil
}

// bucket is a token bucket.
type bucket struct {
	tokens float64
	rate   float64
	burst  float64
	last   time.Time
}

func newBucket(rate, burst float64, now time.Time) *bucket {
	return &bucket{tokens: burst, rate: rate, burst: burst, last: now}
}

func (b *bucket) take(now time.Time) bool {
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(b.burst, b.tokens+el*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// Statuses.

type metadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

func phoneMetadata(p *phone) metadata {
	return metadata{DisplayPhoneNumber: digitsOnly(p.cfg.DisplayPhoneNumber), PhoneNumberID: p.cfg.ID}
}

type statusValue struct {
	MessagingProduct string         `json:"messaging_product"`
	Metadata         metadata       `json:"metadata"`
	Statuses         []statusObject `json:"statuses"`
}

type statusObject struct {
	ID                    string              `json:"id"`
	Status                string              `json:"status"`
	Timestamp             string              `json:"timestamp"`
	RecipientID           string              `json:"recipient_id"`
	BizOpaqueCallbackData string              `json:"biz_opaque_callback_data,omitempty"`
	Conversation          *conversationObject `json:"conversation,omitempty"`
	Pricing               *pricingObject      `json:"pricing,omitempty"`
	Errors                []statusError       `json:"errors,omitempty"`
}

type conversationObject struct {
	ID                  string `json:"id"`
	ExpirationTimestamp string `json:"expiration_timestamp,omitempty"`
	Origin              struct {
		Type string `json:"type"`
	} `json:"origin"`
}

type pricingObject struct {
	Billable     bool   `json:"billable"`
	PricingModel string `json:"pricing_model"`
	Category     string `json:"category"`
	Type         string `json:"type"`
}

type statusError struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
	Href string `json:"href"`
}

type convKey struct{ phoneID, waID, category string }

type conversationState struct {
	id      string
	expires time.Time
}

func (s *Sim) conversationLocked(phoneID, waID, category string, now time.Time) *conversationState {
	k := convKey{phoneID, waID, category}
	if c := s.convs[k]; c != nil && now.Before(c.expires) {
		return c
	}
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(s.rng.IntN(256))
	}
	c := &conversationState{id: fmt.Sprintf("%x", b), expires: now.Add(24 * time.Hour)}
	s.convs[k] = c
	return c
}

// advanceOut moves a message's status forward, emitting every intermediate
// status webhook in order.
func (s *Sim) advanceOut(m *outMessage, target int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceOutLocked(m, target)
}

func (s *Sim) advanceOutLocked(m *outMessage, target int) {
	if m.stage == stageFailed {
		return
	}
	for m.stage < target && m.stage < stageRead {
		m.stage++
		s.emitStatusLocked(m, stageNames[m.stage])
		s.bumpLocked()
	}
}

func (s *Sim) emitStatusLocked(m *outMessage, status string) {
	now := s.nowLocked()
	st := statusObject{ID: m.id, Status: status, Timestamp: strconv.FormatInt(now.Unix(), 10), RecipientID: m.waID,
		BizOpaqueCallbackData: m.req.BizOpaqueCallbackData}
	if status == "failed" {
		e := statusError{Code: 131047, Title: "Re-engagement message", Message: "Re-engagement message",
			Href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}
		e.ErrorData.Details = "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
		st.Errors = []statusError{e}
	} else {
		pricingType := m.pricingType
		if pricingType == "" {
			pricingType = "regular"
			if !m.billable {
				pricingType = "free_customer_service"
			}
		}
		st.Pricing = &pricingObject{Billable: m.billable, PricingModel: "PMP", Category: m.category, Type: pricingType}
		if m.conv != nil {
			co := &conversationObject{ID: m.conv.id}
			co.Origin.Type = m.category
			if status == "sent" {
				co.ExpirationTimestamp = strconv.FormatInt(m.conv.expires.Unix(), 10)
			}
			st.Conversation = co
		}
	}
	value := statusValue{MessagingProduct: "whatsapp", Metadata: phoneMetadata(m.phone), Statuses: []statusObject{st}}
	s.queues[m.phone.waba.cfg.ID].push(&hookEvent{field: "messages", value: value})
}
