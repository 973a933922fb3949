package handlers

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

const testConv = 7

var testAt = time.Date(2025, 7, 1, 12, 30, 0, 0, time.UTC)

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "messages", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// inbound is a stored customer message whose payload is a fixture.
func inbound(t *testing.T, id int64, fixtureName, text string) store.Message {
	t.Helper()
	payload := fixture(t, fixtureName)
	var head struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Context *struct {
			ID string `json:"id"`
		} `json:"context"`
	}
	if err := json.Unmarshal([]byte(payload), &head); err != nil {
		t.Fatalf("%s: %v", fixtureName, err)
	}
	m := store.Message{ID: id, ConversationID: testConv, WAMID: head.ID, Direction: "in", Type: head.Type, Text: text,
		Payload: storedPayload(t, payload), Timestamp: testAt}
	if head.Context != nil {
		m.ContextWAMID = head.Context.ID
	}
	return m
}

// outbound is a stored outbound message as the outbox stores it.
func outbound(t *testing.T, id int64, wamid, status string, msg providers.OutboundMessage, text string) store.Message {
	t.Helper()
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	return store.Message{ID: id, ConversationID: testConv, WAMID: wamid, Direction: "out", Type: string(msg.Kind()), Text: text,
		Payload: string(b), ContextWAMID: msg.ReplyTo, Status: status, Timestamp: testAt}
}

func diff(t *testing.T, name string, got, want any) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, _ := json.MarshalIndent(got, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	t.Errorf("%s:\ngot  %s\nwant %s", name, g, w)
}

func TestMessageBubblesEveryInboundKind(t *testing.T) {
	open := bubbleContext{ConversationID: testConv, ContactName: "Ana Pereira", WindowOpen: true}
	row := func(id int64, kind, snippet string) views.MessageRow {
		return views.MessageRow{ID: id, In: true, Kind: kind, At: testAt, Snippet: snippet, CanReply: true, CanReact: true}
	}
	tests := []struct {
		name string
		msg  store.Message
		want views.MessageRow
	}{
		{
			name: "text with links and markup",
			msg:  inbound(t, 1, "text_links.json", "See https://example.com/menu"),
			want: func() views.MessageRow {
				r := row(1, views.BubbleText, "See https://example.com/menu")
				r.Body = []views.TextPart{
					{Text: "See "},
					{Text: "https://example.com/menu?x=1&y=2", URL: "https://example.com/menu?x=1&y=2"},
					{Text: ". Or ("},
					{Text: "http://example.org/a_(b)", URL: "http://example.org/a_(b)"},
					{Text: ") <script>alert(1)</script>"},
				}
				return r
			}(),
		},
		{
			name: "image with a caption",
			msg:  inbound(t, 2, "image.json", "the cake"),
			want: func() views.MessageRow {
				r := row(2, views.BubbleImage, "the cake")
				r.Media = &views.MediaView{Kind: "image", URL: "/inbox/7/media/2", MIMEType: "image/jpeg"}
				r.Body = []views.TextPart{{Text: "<img src=x onerror=alert(1)> the cake"}}
				return r
			}(),
		},
		{
			name: "voice message",
			msg:  inbound(t, 3, "voice.json", "Voice message"),
			want: func() views.MessageRow {
				r := row(3, views.BubbleAudio, "Voice message")
				r.Media = &views.MediaView{Kind: "audio", URL: "/inbox/7/media/3", MIMEType: "audio/ogg; codecs=opus", Voice: true}
				return r
			}(),
		},
		{
			name: "video",
			msg:  inbound(t, 4, "video.json", "Unboxing"),
			want: func() views.MessageRow {
				r := row(4, views.BubbleVideo, "Unboxing")
				r.Media = &views.MediaView{Kind: "video", URL: "/inbox/7/media/4", MIMEType: "video/mp4"}
				r.Body = []views.TextPart{{Text: "Unboxing"}}
				return r
			}(),
		},
		{
			name: "document, size not known yet",
			msg:  inbound(t, 5, "document.json", "My invoice"),
			want: func() views.MessageRow {
				r := row(5, views.BubbleDocument, "My invoice")
				r.Media = &views.MediaView{Kind: "document", URL: "/inbox/7/media/5", MIMEType: "application/pdf",
					Filename: "invoice-2025.pdf", SizeURL: "/inbox/7/media/5/size"}
				r.Body = []views.TextPart{{Text: "My invoice"}}
				return r
			}(),
		},
		{
			name: "document, size known",
			msg: func() store.Message {
				m := inbound(t, 5, "document.json", "My invoice")
				m.MediaSize = 2_345_678
				return m
			}(),
			want: func() views.MessageRow {
				r := row(5, views.BubbleDocument, "My invoice")
				r.Media = &views.MediaView{Kind: "document", URL: "/inbox/7/media/5", MIMEType: "application/pdf",
					Filename: "invoice-2025.pdf", Size: "2.3 MB"}
				r.Body = []views.TextPart{{Text: "My invoice"}}
				return r
			}(),
		},
		{
			name: "animated sticker",
			msg:  inbound(t, 6, "sticker.json", "Sticker"),
			want: func() views.MessageRow {
				r := row(6, views.BubbleSticker, "Sticker")
				r.Media = &views.MediaView{Kind: "sticker", URL: "/inbox/7/media/6", MIMEType: "image/webp", Animated: true}
				return r
			}(),
		},
		{
			name: "location",
			msg:  inbound(t, 7, "location.json", "Location: Praça do Comércio"),
			want: func() views.MessageRow {
				r := row(7, views.BubbleLocation, "Location: Praça do Comércio")
				r.Location = &views.LocationView{Name: "Praça do Comércio <b>", Address: "1100-148 Lisboa", Coordinates: "38.7076, -9.1365",
					MapURL: "https://www.openstreetmap.org/?mlat=38.7076&mlon=-9.1365#map=17/38.7076/-9.1365", URL: "https://www.visitlisboa.com/"}
				return r
			}(),
		},
		{
			name: "contacts",
			msg:  inbound(t, 8, "contacts.json", "Shared 2 contact(s)"),
			want: func() views.MessageRow {
				r := row(8, views.BubbleContacts, "Shared 2 contact(s)")
				r.Contacts = []views.ContactCard{
					{Name: "Rui <i>Costa</i>", Organization: "Pastelaria Belém Baker", Phones: []string{"+351 912 345 678 (cell)"}, Emails: []string{"rui@example.com"}},
					{Name: "Ana Lima", Phones: []string{"+5511912345678"}},
				}
				return r
			}(),
		},
		{
			name: "forwarded text",
			msg:  inbound(t, 9, "forwarded.json", "Look at this deal"),
			want: func() views.MessageRow {
				r := row(9, views.BubbleText, "Look at this deal")
				r.Forwarded = true
				r.Body = []views.TextPart{{Text: "Look at this deal"}}
				return r
			}(),
		},
		{
			name: "template quick reply button",
			msg:  inbound(t, 10, "button.json", "Stop promotions"),
			want: func() views.MessageRow {
				r := row(10, views.BubbleChoice, "Stop promotions")
				r.Choice = &views.ChoiceView{Source: "Quick reply", Title: "Stop promotions"}
				r.Quote = &views.QuoteView{Author: "Reply", Snippet: "The original message is not available."}
				return r
			}(),
		},
		{
			name: "interactive button reply",
			msg:  inbound(t, 11, "button_reply.json", "Yes please"),
			want: func() views.MessageRow {
				r := row(11, views.BubbleChoice, "Yes please")
				r.Choice = &views.ChoiceView{Source: "Button", Title: "Yes please"}
				r.Quote = &views.QuoteView{Author: "Reply", Snippet: "The original message is not available."}
				return r
			}(),
		},
		{
			name: "list reply",
			msg:  inbound(t, 12, "list_reply.json", "9:00"),
			want: func() views.MessageRow {
				r := row(12, views.BubbleChoice, "9:00")
				r.Choice = &views.ChoiceView{Source: "List", Title: "9:00", Description: "Tomorrow morning"}
				return r
			}(),
		},
		{
			name: "flow reply",
			msg:  inbound(t, 13, "flow_reply.json", "flow"),
			want: func() views.MessageRow {
				r := row(13, views.BubbleChoice, "flow")
				r.Choice = &views.ChoiceView{Source: "Form", Title: "Form sent", Description: "Sent"}
				return r
			}(),
		},
		{
			name: "order",
			msg:  inbound(t, 14, "order.json", "Order: 7 item(s)"),
			want: func() views.MessageRow {
				r := row(14, views.BubbleOrder, "Order: 7 item(s)")
				r.Order = &views.OrderView{Note: "Pickup at 5pm", Total: "EUR 26.79", Items: []views.OrderLine{
					{Product: "pastel-de-nata", Quantity: 6, UnitPrice: "EUR 1.30", LineTotal: "EUR 7.80"},
					{Product: "bolo-rei", Quantity: 1, UnitPrice: "EUR 18.99", LineTotal: "EUR 18.99"},
				}}
				return r
			}(),
		},
		{
			name: "text from an ad",
			msg:  inbound(t, 15, "referral.json", "Hi, I saw your ad"),
			want: func() views.MessageRow {
				r := row(15, views.BubbleText, "Hi, I saw your ad")
				r.Referral = &views.ReferralView{Source: "ad", Headline: "Fresh pastries daily", Body: "Order before 10am", SourceURL: "https://fb.me/ad123"}
				r.Body = []views.TextPart{{Text: "Hi, I saw your ad"}}
				return r
			}(),
		},
		{
			name: "system message",
			msg:  inbound(t, 16, "system.json", "User A changed from 15557654321 to 15557654322"),
			want: views.MessageRow{ID: 16, In: true, Kind: views.BubbleSystem, At: testAt, Snippet: "User A changed from 15557654321 to 15557654322",
				System: "User A changed from 15557654321 to 15557654322"},
		},
		{
			name: "unsupported, with Meta's reason",
			msg:  inbound(t, 17, "unsupported.json", "Unsupported message: Message type unknown"),
			want: views.MessageRow{ID: 17, In: true, Kind: views.BubbleUnsupported, At: testAt, Snippet: "Unsupported message: Message type unknown",
				CanReply: true, Unsupported: "WhatsApp could not pass this message on to wadesk (the customer may have sent a kind of message the WhatsApp Business Platform does not support). Ask the customer to send it another way. WhatsApp says: Message type unknown: Message type is currently not supported."},
		},
		{
			name: "payload wadesk cannot read: the stored text",
			msg:  store.Message{ID: 18, ConversationID: testConv, WAMID: "wamid.X", Direction: "in", Type: "text", Text: "Hello <b>there</b>", Payload: "{}", Timestamp: testAt},
			want: func() views.MessageRow {
				r := row(18, views.BubbleText, "Hello <b>there</b>")
				r.Body = []views.TextPart{{Text: "Hello <b>there</b>"}}
				return r
			}(),
		},
		{
			name: "unknown type without text",
			msg:  store.Message{ID: 19, ConversationID: testConv, WAMID: "wamid.Y", Direction: "in", Type: "ephemeral", Payload: storedPayload(t, `{"type":"ephemeral"}`), Timestamp: testAt},
			want: views.MessageRow{ID: 19, In: true, Kind: views.BubbleUnsupported, At: testAt, Snippet: "Ephemeral message", CanReply: true,
				Unsupported: "This ephemeral message cannot be shown in wadesk."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := messageBubbles([]store.Message{tt.msg}, open)
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1", len(rows))
			}
			diff(t, tt.name, rows[0], tt.want)
		})
	}
}

func TestMessageBubblesOutboundKinds(t *testing.T) {
	bc := bubbleContext{ConversationID: testConv, ContactName: "Ana", WindowOpen: true}
	row := func(id int64, kind, status, snippet string) views.MessageRow {
		return views.MessageRow{ID: id, Kind: kind, At: testAt, Status: status, Snippet: snippet, CanReply: true}
	}
	tests := []struct {
		name string
		msg  store.Message
		want views.MessageRow
	}{
		{
			name: "text",
			msg:  outbound(t, 1, "wamid.O1", "read", providers.OutboundMessage{Text: &providers.Text{Body: "Menu: https://example.com/m"}}, "Menu: https://example.com/m"),
			want: func() views.MessageRow {
				r := row(1, views.BubbleText, "read", "Menu: https://example.com/m")
				r.Body = []views.TextPart{{Text: "Menu: "}, {Text: "https://example.com/m", URL: "https://example.com/m"}}
				return r
			}(),
		},
		{
			name: "uploaded image, still sending",
			msg:  outbound(t, 2, "", "sending", providers.OutboundMessage{Media: &providers.Media{Kind: providers.KindImage, ID: "m9", Caption: "Our cakes"}}, "Our cakes"),
			want: views.MessageRow{ID: 2, Kind: views.BubbleImage, At: testAt, Status: "sending", Snippet: "Our cakes",
				Media: &views.MediaView{Kind: "image", URL: "/inbox/7/media/2"}, Body: []views.TextPart{{Text: "Our cakes"}}},
		},
		{
			name: "document by link",
			msg: outbound(t, 3, "wamid.O3", "delivered", providers.OutboundMessage{Media: &providers.Media{Kind: providers.KindDocument,
				Link: "https://example.com/price-list.pdf", Filename: "price-list.pdf"}}, "price-list.pdf"),
			want: func() views.MessageRow {
				r := row(3, views.BubbleDocument, "delivered", "price-list.pdf")
				r.Media = &views.MediaView{Kind: "document", Link: "https://example.com/price-list.pdf", Filename: "price-list.pdf"}
				return r
			}(),
		},
		{
			name: "template with its filled text stored",
			msg: outbound(t, 4, "wamid.O4", "sent", providers.OutboundMessage{Template: &providers.TemplateMessage{Name: "order_ready", Language: "en_US",
				Components: []providers.TemplateParams{{Type: "body", Parameters: []providers.TemplateParameter{{Type: "text", Text: "Ana"}}}}}},
				"Hi Ana, your order is ready."),
			want: func() views.MessageRow {
				r := row(4, views.BubbleTemplate, "sent", "Hi Ana, your order is ready.")
				r.Template = &views.TemplateView{Name: "order_ready", Language: "en_US"}
				r.Body = []views.TextPart{{Text: "Hi Ana, your order is ready."}}
				return r
			}(),
		},
		{
			name: "template without its text: the values",
			msg: outbound(t, 5, "wamid.O5", "sent", providers.OutboundMessage{Template: &providers.TemplateMessage{Name: "order_ready", Language: "en_US",
				Components: []providers.TemplateParams{
					{Type: "header", Parameters: []providers.TemplateParameter{{Type: "image", Media: &providers.Media{Kind: providers.KindImage, Link: "https://example.com/x.jpg"}}}},
					{Type: "body", Parameters: []providers.TemplateParameter{{Type: "text", Text: "Ana"},
						{Type: "currency", Currency: &providers.Currency{FallbackValue: "€12.50", Code: "EUR", Amount1000: 12500}}}},
				}}}, "order_ready"),
			want: func() views.MessageRow {
				r := row(5, views.BubbleTemplate, "sent", "order_ready")
				r.Template = &views.TemplateView{Name: "order_ready", Language: "en_US", Params: []string{"Photo", "Ana", "€12.50"}}
				return r
			}(),
		},
		{
			name: "reply buttons",
			msg: outbound(t, 6, "wamid.O6", "delivered", providers.OutboundMessage{Interactive: &providers.Interactive{Type: providers.InteractiveButton,
				Header: &providers.InteractiveHeader{Type: "text", Text: "Delivery"}, Body: "When?", Footer: "Bakery",
				Buttons: []providers.ReplyButton{{ID: "am", Title: "Morning"}, {ID: "pm", Title: "Afternoon"}}}}, "When?"),
			want: func() views.MessageRow {
				r := row(6, views.BubbleInteractive, "delivered", "When?")
				r.Interactive = &views.InteractiveView{Header: "Delivery", Footer: "Bakery", Buttons: []string{"Morning", "Afternoon"}}
				r.Body = []views.TextPart{{Text: "When?"}}
				return r
			}(),
		},
		{
			name: "list",
			msg: outbound(t, 7, "wamid.O7", "sent", providers.OutboundMessage{Interactive: &providers.Interactive{Type: providers.InteractiveList,
				Body: "Pick a slot", ListButton: "Slots", Sections: []providers.Section{{Title: "Tomorrow",
					Rows: []providers.ListRow{{ID: "9", Title: "9:00", Description: "Morning"}, {ID: "14", Title: "14:00"}}}}}}, "Pick a slot"),
			want: func() views.MessageRow {
				r := row(7, views.BubbleInteractive, "sent", "Pick a slot")
				r.Interactive = &views.InteractiveView{ListButton: "Slots", Sections: []views.ListSectionView{{Title: "Tomorrow",
					Rows: []views.ListRowView{{Title: "9:00", Description: "Morning"}, {Title: "14:00"}}}}}
				r.Body = []views.TextPart{{Text: "Pick a slot"}}
				return r
			}(),
		},
		{
			name: "link button",
			msg: outbound(t, 8, "wamid.O8", "sent", providers.OutboundMessage{Interactive: &providers.Interactive{Type: providers.InteractiveCTAURL,
				Body: "Track it", CTA: &providers.CTAURL{DisplayText: "Track", URL: "https://example.com/t/1"}}}, "Track it"),
			want: func() views.MessageRow {
				r := row(8, views.BubbleInteractive, "sent", "Track it")
				r.Interactive = &views.InteractiveView{CTA: &views.LinkView{Label: "Track", URL: "https://example.com/t/1"}}
				r.Body = []views.TextPart{{Text: "Track it"}}
				return r
			}(),
		},
		{
			name: "location",
			msg:  outbound(t, 9, "wamid.O9", "sent", providers.OutboundMessage{Location: &providers.Location{Latitude: 1.5, Longitude: 2, Name: "Shop"}}, "Shop"),
			want: func() views.MessageRow {
				r := row(9, views.BubbleLocation, "sent", "Shop")
				r.Location = &views.LocationView{Name: "Shop", Coordinates: "1.5, 2", MapURL: "https://www.openstreetmap.org/?mlat=1.5&mlon=2#map=17/1.5/2"}
				return r
			}(),
		},
		{
			name: "contacts",
			msg: outbound(t, 10, "wamid.O10", "sent", providers.OutboundMessage{Contacts: []providers.Contact{{Name: providers.ContactName{FormattedName: "Shop"},
				Phones: []providers.ContactPhone{{Phone: "+1 555 0100"}}}}}, "Shop"),
			want: func() views.MessageRow {
				r := row(10, views.BubbleContacts, "sent", "Shop")
				r.Contacts = []views.ContactCard{{Name: "Shop", Phones: []string{"+1 555 0100"}}}
				return r
			}(),
		},
		{
			name: "failed by the provider when sending: wadesk's reason",
			msg: func() store.Message {
				m := outbound(t, 11, "", "failed", providers.OutboundMessage{Text: &providers.Text{Body: "late"}}, "late")
				m.FailureReason, m.FailureCode = "More than 24 hours have passed since the customer's last message, so only a template message can be sent.", 131047
				return m
			}(),
			want: views.MessageRow{ID: 11, Kind: views.BubbleText, At: testAt, Status: "failed", Snippet: "late", Body: []views.TextPart{{Text: "late"}},
				Failure: "More than 24 hours have passed since the customer's last message, so only a template message can be sent."},
		},
		{
			name: "failed later by a status webhook: Meta's code in plain words",
			msg: func() store.Message {
				m := outbound(t, 12, "wamid.O12", "failed", providers.OutboundMessage{Text: &providers.Text{Body: "hello"}}, "hello")
				m.StatusError = store.StatusError{Code: 131026, Title: "Message undeliverable"}
				return m
			}(),
			want: views.MessageRow{ID: 12, Kind: views.BubbleText, At: testAt, Status: "failed", Snippet: "hello", CanReply: true,
				Body:    []views.TextPart{{Text: "hello"}},
				Failure: "The message could not be delivered. The number may not be on WhatsApp, or the customer may need to update WhatsApp or accept its latest terms."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := messageBubbles([]store.Message{tt.msg}, bc)
			if len(rows) != 1 {
				t.Fatalf("%d rows, want 1", len(rows))
			}
			diff(t, tt.name, rows[0], tt.want)
		})
	}
}

func TestMessageBubblesReactionsAndQuotes(t *testing.T) {
	first := outbound(t, 1, "wamid.OUT1", "read", providers.OutboundMessage{Text: &providers.Text{Body: "Your cake is ready"}}, "Your cake is ready")
	customerLove := inbound(t, 2, "reaction.json", "Reacted ❤️")
	reply := inbound(t, 3, "reply.json", "Yes, that one")
	agentThumb := outbound(t, 4, "wamid.OUT4", "sent", providers.OutboundMessage{Reaction: &providers.Reaction{MessageID: "wamid.RPL1", Emoji: "👍"}}, "👍")
	agentReply := outbound(t, 5, "wamid.OUT5", "sent", providers.OutboundMessage{ReplyTo: "wamid.RPL1", Text: &providers.Text{Body: "Great"}}, "Great")
	customerRemoved := inbound(t, 6, "reaction_removed.json", "Removed a reaction")
	agentPray := outbound(t, 7, "wamid.OUT7", "sent", providers.OutboundMessage{Reaction: &providers.Reaction{MessageID: "wamid.RPL1", Emoji: "🙏"}}, "🙏")
	failedReaction := outbound(t, 8, "", "failed", providers.OutboundMessage{Reaction: &providers.Reaction{MessageID: "wamid.RPL1", Emoji: "😂"}}, "😂")
	failedReaction.FailureReason = "Too many messages were sent to this customer in a short time."
	earlierReaction := outbound(t, 9, "wamid.OUT9", "sent", providers.OutboundMessage{Reaction: &providers.Reaction{MessageID: "wamid.OLD", Emoji: "😮"}}, "😮")
	quoteOld := outbound(t, 10, "wamid.OUT10", "sent", providers.OutboundMessage{ReplyTo: "wamid.OLD", Text: &providers.Text{Body: "About that"}}, "About that")

	msgs := []store.Message{first, customerLove, reply}
	if got := wamidsToLookUp(msgs); len(got) != 0 {
		t.Errorf("nothing to look up while all is on the page, got %v", got)
	}
	bc := bubbleContext{ConversationID: testConv, ContactName: "Ana", WindowOpen: true}
	rows := messageBubbles(msgs, bc)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2: a reaction is no bubble of its own", len(rows))
	}
	diff(t, "customer's reaction on the business's message", rows[0].Reactions, []views.ReactionView{{Emoji: "❤️"}})
	diff(t, "quote of a message on the page", rows[1].Quote, &views.QuoteView{TargetID: 1, Author: "You", Snippet: "Your cake is ready"})
	if rows[0].CanReact || !rows[0].CanReply || !rows[1].CanReact {
		t.Errorf("actions: business message react=%v reply=%v, customer message react=%v", rows[0].CanReact, rows[0].CanReply, rows[1].CanReact)
	}

	// Later: the customer removes their reaction, the agent reacts twice
	// (the latest counts), one reaction fails, one is on an earlier message.
	msgs = []store.Message{first, customerLove, reply, agentThumb, agentReply, customerRemoved, agentPray, failedReaction, earlierReaction, quoteOld}
	if got := wamidsToLookUp(msgs); !reflect.DeepEqual(got, []string{"wamid.OLD"}) {
		t.Errorf("wamids to look up = %v, want [wamid.OLD]", got)
	}
	bc.Earlier = map[string]store.Message{"wamid.OLD": {ID: 99, WAMID: "wamid.OLD", Direction: "in", Type: "image", Text: ""}}
	rows = messageBubbles(msgs, bc)
	var ids []int64
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	diff(t, "bubbles", ids, []int64{1, 3, 5, 8, 9, 10})
	if len(rows[0].Reactions) != 0 {
		t.Errorf("removed reaction still shown: %+v", rows[0].Reactions)
	}
	diff(t, "agent's latest reaction", rows[1].Reactions, []views.ReactionView{{Emoji: "🙏", ByBusiness: true}})
	if rows[1].MyReaction != "🙏" {
		t.Errorf("MyReaction = %q", rows[1].MyReaction)
	}
	diff(t, "outbound reply quotes the customer", rows[2].Quote, &views.QuoteView{TargetID: 3, Author: "Ana", Snippet: "Yes, that one"})
	diff(t, "failed reaction shown on its own", rows[3], views.MessageRow{ID: 8, Kind: views.BubbleReaction, At: testAt, Status: "failed", Snippet: "😂",
		Reaction: &views.LoneReaction{Emoji: "😂", Target: "Yes, that one"}, Failure: "Too many messages were sent to this customer in a short time."})
	diff(t, "reaction to an earlier message", rows[4].Reaction, &views.LoneReaction{Emoji: "😮", Target: "Photo"})
	diff(t, "quote of an earlier message: no link", rows[5].Quote, &views.QuoteView{Author: "Ana", Snippet: "Photo"})
}

func TestMessageBubblesActionsFollowTheWindow(t *testing.T) {
	msgs := []store.Message{inbound(t, 1, "image.json", "the cake")}
	rows := messageBubbles(msgs, bubbleContext{ConversationID: testConv})
	if rows[0].CanReply || rows[0].CanReact {
		t.Error("reply and react offered while the customer service window is closed")
	}
	msgs[0].WAMID = ""
	rows = messageBubbles(msgs, bubbleContext{ConversationID: testConv, WindowOpen: true})
	if rows[0].CanReply || rows[0].CanReact {
		t.Error("reply and react offered on a message WhatsApp does not know")
	}
}

func TestLinkify(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []views.TextPart
	}{
		{"", nil},
		{"no links here", []views.TextPart{{Text: "no links here"}}},
		{"https://a.example", []views.TextPart{{Text: "https://a.example", URL: "https://a.example"}}},
		{"go to HTTPS://A.example/x!", []views.TextPart{{Text: "go to "}, {Text: "HTTPS://A.example/x", URL: "https://A.example/x"}, {Text: "!"}}},
		{"javascript:alert(1) and ftp://x.example", []views.TextPart{{Text: "javascript:alert(1) and ftp://x.example"}}},
		{"xhttps://evil.example", []views.TextPart{{Text: "xhttps://evil.example"}}},
		{"http:// nothing", []views.TextPart{{Text: "http:// nothing"}}},
		{`"https://q.example/a"`, []views.TextPart{{Text: `"`}, {Text: "https://q.example/a", URL: "https://q.example/a"}, {Text: `"`}}},
		{"[https://b.example/]", []views.TextPart{{Text: "["}, {Text: "https://b.example/", URL: "https://b.example/"}, {Text: "]"}}},
		{"two: http://1.example, http://2.example.", []views.TextPart{{Text: "two: "}, {Text: "http://1.example", URL: "http://1.example"},
			{Text: ", "}, {Text: "http://2.example", URL: "http://2.example"}, {Text: "."}}},
	} {
		got := linkify(tt.in)
		diff(t, tt.in, got, tt.want)
		var joined strings.Builder
		for _, p := range got {
			joined.WriteString(p.Text)
		}
		if joined.String() != tt.in {
			t.Errorf("linkify(%q) lost text: %q", tt.in, joined.String())
		}
	}
}

func TestOrderTotalsAndMoney(t *testing.T) {
	o := orderView(`{"type":"order","order":{"catalog_id":"c","text":"no nuts","product_items":[
		{"product_retailer_id":"a","quantity":3,"item_price":0.1,"currency":"usd"},
		{"product_retailer_id":"b","quantity":2,"item_price":1500,"currency":"JPY"},
		{"product_retailer_id":"c","quantity":1,"item_price":0.7,"currency":"USD"}]}}`)
	if o.Total != "JPY 3000 + USD 1.00" {
		t.Errorf("total = %q", o.Total)
	}
	if len(o.Items) != 3 || o.Items[0].LineTotal != "USD 0.30" || o.Items[1].UnitPrice != "JPY 1500" || o.Note != "no nuts" {
		t.Errorf("lines = %+v", o)
	}
	if o.Problem == "" {
		t.Errorf("a cart in two currencies has no single total, and the bubble should say so")
	}
	if bad := orderView(`{"type":"order","order":`); bad.Problem == "" || bad.Total != "—" {
		t.Errorf("unreadable order = %+v", bad)
	}
	if got := humanSize(999); got != "999 bytes" {
		t.Errorf("humanSize(999) = %q", got)
	}
	if got := humanSize(15_400); got != "15 kB" {
		t.Errorf("humanSize(15400) = %q", got)
	}
}

// storedPayload is a Cloud API message object as wadesk stores it: in the
// provider-neutral form that ingest writes and migration 0021's conversion
// rewrites old messages to.
func storedPayload(t *testing.T, meta string) string {
	t.Helper()
	m, err := cloudapi.ParseMessage([]byte(meta))
	if err != nil {
		t.Fatalf("parse %s: %v", meta, err)
	}
	p, err := providers.EncodeInbound(m)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
