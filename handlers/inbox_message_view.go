package handlers

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// bubbleContext is what translating a conversation's messages into
// bubbles needs besides the messages.
type bubbleContext struct {
	// Ctx carries the reader's language (nil: English).
	Ctx            context.Context
	ConversationID int64
	// ContactName names the customer in quotes.
	ContactName string
	// WindowOpen offers replies and reactions.
	WindowOpen bool
	// Earlier are messages of the conversation that are not on the page
	// but are quoted or reacted to there, by wamid.
	Earlier map[string]store.Message
	// ProductNames are the catalog's names of the products ordered on the
	// page, by retailer ID; an order line without one shows the code.
	ProductNames map[string]string
	// Kept is what became of wadesk's own copy of each file, by message
	// id; nil when wadesk keeps no files.
	Kept map[int64]store.MediaFile
}

// decodedMessage is a stored message with its payload read.
type decodedMessage struct {
	store.Message
	in       *providers.InboundMessage
	out      *providers.OutboundMessage
	rendered *templates.Filled
}

func decodeMessage(m store.Message) decodedMessage {
	d := decodedMessage{Message: m}
	if m.Direction == "in" {
		if in, ok := providers.DecodeInbound(m.Payload); ok {
			d.in = &in
		}
		return d
	}
	var out struct {
		providers.OutboundMessage
		// Rendered is the template as the customer saw it, stored with
		// the message when it was sent (outbox.ShowRendered).
		Rendered *templates.Filled
	}
	if err := json.Unmarshal([]byte(m.Payload), &out); err == nil {
		d.out = &out.OutboundMessage
		d.rendered = out.Rendered
	}
	return d
}

// reactionTarget is the message a reaction is on and its emoji ("" removes
// it); ok is false for messages that are not reactions.
func (d decodedMessage) reactionTarget() (target, emoji string, ok bool) {
	switch {
	case d.in != nil && d.in.Reaction != nil:
		return d.in.Reaction.MessageID, d.in.Reaction.Emoji, true
	case d.out != nil && d.out.Reaction != nil:
		return d.out.Reaction.MessageID, d.out.Reaction.Emoji, true
	}
	return "", "", false
}

// reactionsOf are the current reactions to one message: the latest of
// each side.
type reactionsOf struct {
	customer, business string
}

// wamidsToLookUp returns the wamids the page's messages quote or react to
// that are not on the page.
func wamidsToLookUp(msgs []store.Message) []string {
	onPage := make(map[string]bool, len(msgs))
	for _, m := range msgs {
		if m.WAMID != "" {
			onPage[m.WAMID] = true
		}
	}
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		if w != "" && !onPage[w] && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for _, m := range msgs {
		add(m.ContextWAMID)
		if m.Type == string(providers.KindReaction) {
			if target, _, ok := decodeMessage(m).reactionTarget(); ok {
				add(target)
			}
		}
	}
	return out
}

// messageBubbles turns stored messages (oldest first) into the bubbles of
// the conversation page. Reactions are shown on the message they react to
// (the latest one of the customer and of the business, none once removed),
// not as bubbles of their own, unless that message is not on the page or
// the reaction could not be sent.
func messageBubbles(msgs []store.Message, bc bubbleContext) []views.MessageRow {
	decoded := make([]decodedMessage, len(msgs))
	byWAMID := make(map[string]int, len(msgs))
	for i, m := range msgs {
		decoded[i] = decodeMessage(m)
		if m.WAMID != "" {
			byWAMID[m.WAMID] = i
		}
	}
	reactions := map[string]*reactionsOf{}
	lone := map[int]bool{}
	for i, d := range decoded {
		target, emoji, ok := d.reactionTarget()
		if !ok {
			continue
		}
		if _, onPage := byWAMID[target]; !onPage || d.Status == "failed" {
			lone[i] = true
			continue
		}
		r := reactions[target]
		if r == nil {
			r = &reactionsOf{}
			reactions[target] = r
		}
		if d.Direction == "in" {
			r.customer = emoji
		} else {
			r.business = emoji
		}
	}
	rows := make([]views.MessageRow, 0, len(msgs))
	for i, d := range decoded {
		if _, _, isReaction := d.reactionTarget(); isReaction && !lone[i] {
			continue
		}
		row := bubble(d, bc)
		if q := d.ContextWAMID; q != "" {
			row.Quote = quoteOf(q, decoded, byWAMID, bc)
		}
		if row.Kind == views.BubbleReaction {
			target, _, _ := d.reactionTarget()
			if j, ok := byWAMID[target]; ok {
				row.Reaction.Target = snippet(decoded[j].Message)
			} else if m, ok := bc.Earlier[target]; ok {
				row.Reaction.Target = snippet(m)
			}
		}
		if r := reactions[d.WAMID]; r != nil && d.WAMID != "" {
			if r.customer != "" {
				row.Reactions = append(row.Reactions, views.ReactionView{Emoji: r.customer})
			}
			if r.business != "" {
				row.Reactions = append(row.Reactions, views.ReactionView{Emoji: r.business, ByBusiness: true})
			}
			row.MyReaction = r.business
		}
		rows = append(rows, row)
	}
	return rows
}

func quoteOf(wamid string, decoded []decodedMessage, byWAMID map[string]int, bc bubbleContext) *views.QuoteView {
	author := func(m store.Message) string {
		if m.Direction == "out" {
			return "You"
		}
		if bc.ContactName != "" {
			return bc.ContactName
		}
		return "Customer"
	}
	if j, ok := byWAMID[wamid]; ok {
		m := decoded[j].Message
		return &views.QuoteView{TargetID: m.ID, Author: author(m), Snippet: snippet(m)}
	}
	if m, ok := bc.Earlier[wamid]; ok {
		return &views.QuoteView{Author: author(m), Snippet: snippet(m)}
	}
	return &views.QuoteView{Author: "Reply", Snippet: "The original message is not available."}
}

// snippet is a message in a few words, for quotes and "Replying to".
func snippet(m store.Message) string {
	s := strings.Join(strings.Fields(m.Text), " ")
	if s == "" {
		s = kindLabel(m.Type)
	}
	const most = 80
	if utf8.RuneCountInString(s) > most {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:most-1])) + "…"
	}
	return s
}

func kindLabel(kind string) string {
	switch kind {
	case "image":
		return "Photo"
	case "audio":
		return "Audio"
	case "video":
		return "Video"
	case "document":
		return "Document"
	case "sticker":
		return "Sticker"
	case "location":
		return "Location"
	case "contacts":
		return "Contact"
	case "order":
		return "Order"
	case "template":
		return "Template message"
	case "interactive":
		return "Interactive message"
	case "":
		return "Message"
	}
	return strings.ToUpper(kind[:1]) + kind[1:] + " message"
}

// bubble translates one message.
func bubble(d decodedMessage, bc bubbleContext) views.MessageRow {
	row := views.MessageRow{ID: d.ID, In: d.Direction == "in", At: d.Timestamp, Status: d.Status, Snippet: snippet(d.Message)}
	switch {
	case d.in != nil:
		inboundBubble(&row, d, bc)
	case d.out != nil:
		outboundBubble(&row, d, bc)
	}
	if row.Kind == "" {
		// A payload wadesk cannot read: show what the list shows.
		if d.Text != "" {
			row.Kind, row.Body = views.BubbleText, linkify(d.Text)
		} else {
			row.Kind = views.BubbleUnsupported
			row.Unsupported = "This " + strings.ToLower(kindLabel(d.Type)) + " cannot be shown in wadesk."
		}
	}
	if d.Status == "failed" {
		row.Failure = failureText(bc.Ctx, d.Message)
	}
	actionable := bc.WindowOpen && d.WAMID != "" && row.Kind != views.BubbleSystem && row.Kind != views.BubbleReaction
	row.CanReply = actionable
	row.CanReact = actionable && row.In && row.Kind != views.BubbleUnsupported
	return row
}

// failureText says why an outbound message failed: wadesk's own reason
// when it failed the message, else the provider's failed status.
func failureText(ctx context.Context, m store.Message) string {
	if m.FailureReason != "" {
		return m.FailureReason
	}
	e := m.StatusError
	return plainDeliveryFailure(ctx, "", e.Code, e.Title, e.Details)
}

func inboundBubble(row *views.MessageRow, d decodedMessage, bc bubbleContext) {
	in := d.in
	if in.Context != nil {
		row.Forwarded = in.Context.Forwarded || in.Context.FrequentlyForwarded
	}
	if r := in.Referral; r != nil {
		row.Referral = &views.ReferralView{Source: "ad", Headline: r.Headline, Body: r.Body, SourceURL: webURL(r.SourceURL)}
		if r.SourceType == "post" {
			row.Referral.Source = "post"
		}
	}
	switch {
	case in.Type == providers.KindSystem || in.System != nil:
		row.Kind = views.BubbleSystem
		row.System = systemText(in.System)
	case in.Type == providers.KindUnsupported || (in.Type == "unknown" && len(in.Errors) > 0):
		row.Kind = views.BubbleUnsupported
		row.Unsupported = unsupportedText(in.Errors)
	case in.Reaction != nil:
		row.Kind = views.BubbleReaction
		row.Reaction = &views.LoneReaction{Emoji: in.Reaction.Emoji}
	case in.Media != nil:
		row.Kind = string(in.Media.Kind)
		row.Media = inboundMedia(bc.ConversationID, d.Message, in.Media)
		bc.keptState(row.Media, d.ID)
		row.Body = linkify(in.Media.Caption)
	case in.Location != nil:
		row.Kind = views.BubbleLocation
		row.Location = locationView(*in.Location)
	case len(in.Contacts) > 0:
		row.Kind = views.BubbleContacts
		for _, c := range in.Contacts {
			row.Contacts = append(row.Contacts, contactCard(c))
		}
	case in.Interactive != nil:
		row.Kind = views.BubbleChoice
		row.Choice = choiceView(in.Interactive)
	case in.Button != nil:
		row.Kind = views.BubbleChoice
		row.Choice = &views.ChoiceView{Source: "Quick reply", Title: in.Button.Text}
	case in.Order != nil:
		row.Kind = views.BubbleOrder
		row.Order = orderView(d.Payload)
		for i, l := range row.Order.Items {
			if name := bc.ProductNames[l.Product]; name != "" {
				row.Order.Items[i].Product = name
			}
		}
	case in.Text != "" || in.Type == providers.KindText:
		row.Kind = views.BubbleText
		row.Body = linkify(in.Text)
	case len(in.Errors) > 0:
		row.Kind = views.BubbleUnsupported
		row.Unsupported = unsupportedText(in.Errors)
	}
	if row.Kind == views.BubbleText && len(row.Body) == 0 && d.Text != "" {
		row.Body = linkify(d.Text)
	}
}

func systemText(s *providers.SystemEvent) string {
	switch {
	case s == nil:
		return "WhatsApp system message."
	case s.Body != "":
		return s.Body
	case s.Type == "user_changed_number" && s.NewWaID != "":
		return "The customer changed their number to +" + s.NewWaID + "."
	}
	return "WhatsApp system message."
}

// unsupportedText explains a message WhatsApp could not hand over, with
// Meta's own reason.
func unsupportedText(errs []providers.ErrorDetail) string {
	const base = "WhatsApp could not pass this message on to wadesk (the customer may have sent a kind of message the WhatsApp Business Platform does not support). Ask the customer to send it another way."
	if len(errs) == 0 {
		return base
	}
	e := errs[0]
	reason := strings.TrimSpace(e.Title)
	if d := strings.TrimSpace(e.Details); d != "" && d != reason {
		if reason != "" {
			reason += ": "
		}
		reason += d
	} else if m := strings.TrimSpace(e.Message); reason == "" && m != "" {
		reason = m
	}
	if reason == "" {
		return base
	}
	return base + " WhatsApp says: " + reason
}

// keptState shows what became of wadesk's own copy of a file: a file the
// provider no longer has is not linked (it cannot be opened), one whose
// download failed offers a retry.
func (bc bubbleContext) keptState(v *views.MediaView, messageID int64) {
	if bc.Kept == nil || v.URL == "" {
		return
	}
	f, ok := bc.Kept[messageID]
	switch {
	case !ok || f.State == store.MediaPending:
		v.State = views.MediaDownloading
	case f.State == store.MediaKept:
		v.State = views.MediaKept
		if v.Kind == string(providers.KindImage) && f.ThumbState == store.ThumbMade {
			v.ThumbURL = mediaURL(bc.ConversationID, messageID) + "/thumb"
		}
	case f.State == store.MediaGone:
		v.State, v.URL, v.SizeURL = views.MediaGone, "", ""
	case f.State == store.MediaFailed:
		v.State, v.Problem = views.MediaFailed, f.LastError
		v.RetryURL = mediaURL(bc.ConversationID, messageID) + "/retry"
	}
}

func mediaURL(conversationID, messageID int64) string {
	return "/inbox/" + itoa(conversationID) + "/media/" + itoa(messageID)
}

func inboundMedia(conversationID int64, m store.Message, md *providers.InboundMedia) *views.MediaView {
	v := &views.MediaView{Kind: string(md.Kind), MIMEType: md.MIMEType, Filename: md.Filename, Voice: md.Voice, Animated: md.Animated}
	if md.ID != "" {
		v.URL = mediaURL(conversationID, m.ID)
		setSize(v, conversationID, m)
	}
	return v
}

func setSize(v *views.MediaView, conversationID int64, m store.Message) {
	switch {
	case m.MediaSize > 0:
		v.Size = humanSize(m.MediaSize)
	case v.Kind == string(providers.KindDocument):
		v.SizeURL = mediaURL(conversationID, m.ID) + "/size"
	}
}

// humanSize is a file size in words.
func humanSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " bytes"
	case n < 1000*1000:
		return strconv.FormatFloat(float64(n)/1000, 'f', 0, 64) + " kB"
	case n < 1000*1000*1000:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
	}
	return strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64) + " GB"
}

func locationView(l providers.Location) *views.LocationView {
	lat := strconv.FormatFloat(l.Latitude, 'f', -1, 64)
	lng := strconv.FormatFloat(l.Longitude, 'f', -1, 64)
	q := url.Values{"mlat": {lat}, "mlon": {lng}}
	return &views.LocationView{
		Name: l.Name, Address: l.Address, Coordinates: lat + ", " + lng, URL: webURL(l.URL),
		MapURL: "https://www.openstreetmap.org/?" + q.Encode() + "#map=17/" + lat + "/" + lng,
	}
}

func contactCard(c providers.Contact) views.ContactCard {
	name := strings.TrimSpace(c.Name.FormattedName)
	if name == "" {
		name = strings.TrimSpace(strings.Join([]string{c.Name.Prefix, c.Name.FirstName, c.Name.MiddleName, c.Name.LastName, c.Name.Suffix}, " "))
		name = strings.Join(strings.Fields(name), " ")
	}
	if name == "" {
		name = "Contact"
	}
	card := views.ContactCard{Name: name, Organization: strings.TrimSpace(strings.Join(strings.Fields(c.Org.Company+" "+c.Org.Title), " "))}
	for _, p := range c.Phones {
		s := p.Phone
		if s == "" && p.WaID != "" {
			s = "+" + p.WaID
		}
		if s == "" {
			continue
		}
		if p.Type != "" {
			s += " (" + strings.ToLower(p.Type) + ")"
		}
		card.Phones = append(card.Phones, s)
	}
	for _, e := range c.Emails {
		if e.Email != "" {
			card.Emails = append(card.Emails, e.Email)
		}
	}
	return card
}

func choiceView(r *providers.InteractiveReply) *views.ChoiceView {
	switch r.Type {
	case "list_reply":
		return &views.ChoiceView{Source: "List", Title: r.Title, Description: r.Description}
	case "nfm_reply":
		title := r.Title
		if title == "" || title == "flow" {
			title = "Form sent"
		}
		return &views.ChoiceView{Source: "Form", Title: title, Description: r.Description}
	}
	return &views.ChoiceView{Source: "Button", Title: r.Title, Description: r.Description}
}

// orderView is the cart of an order message, read from the message's
// stored payload by the commerce package (prices exact, never through a
// float), so the bubble and the orders panel agree to the cent. A cart
// mixing currencies shows one total per currency.
func orderView(payload string) *views.OrderView {
	o, err := commerce.ParseOrder(payload)
	if err != nil {
		return &views.OrderView{Total: "—", Problem: "This order could not be read."}
	}
	v := &views.OrderView{Note: o.Note, Problem: o.Problem}
	totals := map[string]int64{}
	for _, it := range o.Items {
		line := it.UnitPrice1000 * int64(it.Quantity)
		totals[it.Currency] += line
		v.Items = append(v.Items, views.OrderLine{Product: it.RetailerID, Quantity: it.Quantity,
			UnitPrice: commerce.Format(it.UnitPrice1000, it.Currency), LineTotal: commerce.Format(line, it.Currency)})
	}
	currencies := make([]string, 0, len(totals))
	for c := range totals {
		currencies = append(currencies, c)
	}
	sort.Strings(currencies)
	parts := make([]string, 0, len(currencies))
	for _, c := range currencies {
		parts = append(parts, commerce.Format(totals[c], c))
	}
	v.Total = strings.Join(parts, " + ")
	if v.Total == "" {
		v.Total = "—"
	}
	return v
}

func outboundBubble(row *views.MessageRow, d decodedMessage, bc bubbleContext) {
	out := d.out
	switch {
	case out.Text != nil:
		row.Kind = views.BubbleText
		row.Body = linkify(out.Text.Body)
	case out.Media != nil:
		row.Kind = string(out.Media.Kind)
		v := &views.MediaView{Kind: string(out.Media.Kind), Filename: out.Media.Filename}
		switch {
		case out.Media.ID != "":
			v.URL = mediaURL(bc.ConversationID, d.ID)
			setSize(v, bc.ConversationID, d.Message)
		case webURL(out.Media.Link) != "":
			v.Link = webURL(out.Media.Link)
		}
		row.Media = v
		bc.keptState(v, d.ID)
		row.Body = linkify(out.Media.Caption)
	case out.Template != nil:
		row.Kind = views.BubbleTemplate
		row.Template = &views.TemplateView{Name: out.Template.Name, Language: out.Template.Language}
		// The filled text, when the sender stored it as the message's text.
		if t := strings.TrimSpace(d.Text); t != "" && t != out.Template.Name {
			row.Body = linkify(d.Text)
		} else {
			row.Template.Params = templateParams(out.Template)
		}
		// Its text header, footer and buttons, as the customer saw them.
		if f := d.rendered; f != nil && (f.Footer != "" || len(f.Buttons) > 0 || f.HeaderFormat == templates.HeaderText) {
			row.Interactive = &views.InteractiveView{Footer: f.Footer, Buttons: f.Buttons}
			if f.HeaderFormat == templates.HeaderText {
				row.Interactive.Header = f.Header
			}
		}
	case out.Interactive != nil:
		row.Kind = views.BubbleInteractive
		row.Interactive = interactiveView(out.Interactive)
		row.Body = linkify(out.Interactive.Body)
	case out.Reaction != nil:
		row.Kind = views.BubbleReaction
		row.Reaction = &views.LoneReaction{Emoji: out.Reaction.Emoji}
	case out.Location != nil:
		row.Kind = views.BubbleLocation
		row.Location = locationView(*out.Location)
	case len(out.Contacts) > 0:
		row.Kind = views.BubbleContacts
		for _, c := range out.Contacts {
			row.Contacts = append(row.Contacts, contactCard(c))
		}
	}
}

// templateParams lists the values a template was filled with.
func templateParams(t *providers.TemplateMessage) []string {
	var out []string
	for _, c := range t.Components {
		for _, p := range c.Parameters {
			var s string
			switch {
			case p.Text != "":
				s = p.Text
			case p.Currency != nil:
				s = p.Currency.FallbackValue
			case p.DateTime != nil:
				s = p.DateTime.FallbackValue
			case p.Payload != "":
				s = p.Payload
			case p.CouponCode != "":
				s = p.CouponCode
			case p.Media != nil:
				s = kindLabel(p.Type)
			}
			if s == "" {
				continue
			}
			if p.Name != "" {
				s = p.Name + ": " + s
			}
			out = append(out, s)
		}
	}
	return out
}

func interactiveView(in *providers.Interactive) *views.InteractiveView {
	v := &views.InteractiveView{Footer: in.Footer}
	if h := in.Header; h != nil {
		if h.Type == "text" {
			v.Header = h.Text
		} else {
			v.Header = kindLabel(h.Type)
		}
	}
	switch in.Type {
	case providers.InteractiveButton:
		for _, b := range in.Buttons {
			v.Buttons = append(v.Buttons, b.Title)
		}
	case providers.InteractiveList:
		v.ListButton = in.ListButton
		for _, s := range in.Sections {
			sec := views.ListSectionView{Title: s.Title}
			for _, r := range s.Rows {
				sec.Rows = append(sec.Rows, views.ListRowView{Title: r.Title, Description: r.Description})
			}
			v.Sections = append(v.Sections, sec)
		}
	case providers.InteractiveProduct:
		v.Label = "Product"
		v.Buttons = []string{"View product " + in.ProductRetailerID}
	case providers.InteractiveProductList:
		v.Label = "Products"
		v.ListButton = "View items"
		for _, s := range in.Sections {
			sec := views.ListSectionView{Title: s.Title}
			for _, id := range s.ProductRetailerIDs {
				sec.Rows = append(sec.Rows, views.ListRowView{Title: id})
			}
			v.Sections = append(v.Sections, sec)
		}
	case providers.InteractiveCatalogMessage:
		v.Label = "Catalog"
		v.Buttons = []string{"View catalog"}
	case providers.InteractiveCTAURL:
		if in.CTA != nil {
			if u := webURL(in.CTA.URL); u != "" {
				v.CTA = &views.LinkView{Label: in.CTA.DisplayText, URL: u}
			} else {
				v.Buttons = []string{in.CTA.DisplayText}
			}
		}
	}
	return v
}

// webURL returns s when it is an absolute http(s) address, else "".
func webURL(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

var linkPattern = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"]+`)

// linkify cuts a text into plain parts and http(s) links. Punctuation
// ending a sentence after a link, and a closing bracket without its
// opening one, are not part of the link.
func linkify(s string) []views.TextPart {
	if s == "" {
		return nil
	}
	var parts []views.TextPart
	plain := func(t string) {
		if t == "" {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].URL == "" {
			parts[n-1].Text += t
			return
		}
		parts = append(parts, views.TextPart{Text: t})
	}
	last := 0
	for _, loc := range linkPattern.FindAllStringIndex(s, -1) {
		start, end := loc[0], loc[1]
		end = start + len(trimLinkEnd(s[start:end]))
		link := s[start:end]
		plain(s[last:start])
		if u := webURL(link); u != "" {
			parts = append(parts, views.TextPart{Text: link, URL: u})
		} else {
			plain(link)
		}
		last = end
	}
	plain(s[last:])
	return parts
}

func trimLinkEnd(link string) string {
	for link != "" {
		r, size := utf8.DecodeLastRuneInString(link)
		switch {
		case strings.ContainsRune(".,;:!?'\"*_~", r):
			link = link[:len(link)-size]
			continue
		case r == ')' && strings.Count(link, "(") < strings.Count(link, ")"),
			r == ']' && strings.Count(link, "[") < strings.Count(link, "]"),
			r == '}' && strings.Count(link, "{") < strings.Count(link, "}"):
			link = link[:len(link)-size]
			continue
		}
		break
	}
	return link
}
