package ingest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/window"
)

// inbound converts a parsed message into what the store keeps. names are
// the channel's product names by retailer ID, for an order's summary.
func inbound(m providers.InboundMessage, names map[string]string) store.InboundMessage {
	text := summary(m)
	if m.Order != nil {
		text = orderSummary(m.Order, names)
	}
	out := store.InboundMessage{
		PhoneNumberID: m.Meta.PhoneNumberID,
		WAMID:         m.ID,
		Phone:         phoneOf(m.From),
		WaID:          m.From,
		BSUID:         m.FromUserID,
		Username:      m.Username,
		ProfileName:   m.ProfileName,
		Type:          string(m.Type),
		Text:          text,
		Timestamp:     m.Timestamp,
	}
	if p, err := providers.EncodeInbound(m); err == nil {
		out.Payload = p
	} else {
		// Not reachable for parsed messages; keep the provider's object.
		out.Payload = string(m.Raw)
	}
	if out.Payload == "" {
		out.Payload = "{}"
	}
	if m.Context != nil {
		out.ContextWAMID = m.Context.ID
	}
	// A message from a click-to-WhatsApp ad or a Page button opens the
	// free entry point window.
	out.Referral = m.Referral != nil
	return out
}

// phoneOf is the sender's number in E.164, or "" when WhatsApp withheld
// it (a user with a username, known by BSUID alone).
func phoneOf(from string) string {
	if from == "" {
		return ""
	}
	return NormalizePhone(from)
}

// summary is the line a conversation list and the search show for a
// message.
func summary(m providers.InboundMessage) string {
	switch {
	case m.Text != "":
		return m.Text
	case m.Media != nil:
		if m.Media.Caption != "" {
			return m.Media.Caption
		}
		if m.Media.Filename != "" {
			return m.Media.Filename
		}
		return mediaLabel(m.Media.Kind, m.Media.Voice)
	case m.Button != nil:
		return m.Button.Text
	case m.Interactive != nil:
		return m.Interactive.Title
	case m.Reaction != nil:
		if m.Reaction.Emoji == "" {
			return "Removed a reaction"
		}
		return "Reacted " + m.Reaction.Emoji
	case m.Location != nil:
		parts := []string{"Location"}
		if m.Location.Name != "" {
			parts = append(parts, m.Location.Name)
		}
		if m.Location.Address != "" {
			parts = append(parts, m.Location.Address)
		}
		return strings.Join(parts, ": ")
	case len(m.Contacts) > 0:
		return fmt.Sprintf("Shared %d contact(s)", len(m.Contacts))
	case m.Order != nil:
		n := 0
		for _, it := range m.Order.Items {
			n += it.Quantity
		}
		return "Order: " + strconv.Itoa(n) + " item(s)"
	case m.System != nil:
		return m.System.Body
	case len(m.Errors) > 0:
		return "Unsupported message: " + m.Errors[0].Title
	}
	return "Unsupported message"
}

// orderSummary names what was ordered, "Order: 2 × Sourdough loaf, 1 ×
// Butter croissant", by the catalog's names where known (else the product's
// code), the first three products and how many more.
func orderSummary(o *providers.Order, names map[string]string) string {
	const shown = 3
	var parts []string
	for i, it := range o.Items {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more", len(o.Items)-shown))
			break
		}
		name := names[it.ProductRetailerID]
		if name == "" {
			name = it.ProductRetailerID
		}
		parts = append(parts, strconv.Itoa(it.Quantity)+" × "+name)
	}
	if len(parts) == 0 {
		return "Order with no products"
	}
	return "Order: " + strings.Join(parts, ", ")
}

func mediaLabel(kind providers.MessageKind, voice bool) string {
	switch {
	case voice:
		return "Voice message"
	case kind == "":
		return "Media"
	}
	s := string(kind)
	return strings.ToUpper(s[:1]) + s[1:]
}

// status converts a parsed status update.
func status(s providers.StatusUpdate) store.StatusUpdate {
	out := store.StatusUpdate{WAMID: s.MessageID, Status: s.Status, Timestamp: s.Timestamp, RecipientID: s.RecipientID}
	if len(s.Errors) > 0 {
		e := s.Errors[0]
		out.ErrorCode, out.ErrorTitle = e.Code, e.Title
		out.ErrorDetails = e.Details
		if out.ErrorDetails == "" {
			out.ErrorDetails = e.Message
		}
	}
	// A refusal because the customer service window is closed closes the
	// conversation's window: the provider's word wins over our clock.
	out.ClosesWindow = s.Status == "failed" && window.IsWindowClosedStatus(s.Errors)
	if s.Pricing != nil {
		out.PricingCategory, out.PricingModel, out.Billable = s.Pricing.Category, s.Pricing.Model, s.Pricing.Billable
		out.PricingType = s.Pricing.Type
	}
	if s.Conversation != nil {
		out.ConversationRef, out.ConversationType = s.Conversation.ID, s.Conversation.OriginType
	}
	return out
}

// numberUpdate turns a quality webhook into facts about the number.
func numberUpdate(q providers.PhoneQualityUpdate) store.NumberUpdate {
	display := q.DisplayPhoneNumber
	if display == "" {
		display = q.Meta.DisplayPhoneNumber
	}
	u := store.NumberUpdate{WABAID: q.Meta.EntryID, DisplayDigits: digits(display), MessagingLimitTier: q.CurrentLimit}
	switch q.Event {
	case "FLAGGED":
		u.NumberStatus = "FLAGGED"
	case "UNFLAGGED":
		u.NumberStatus = "CONNECTED"
	}
	return u
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
