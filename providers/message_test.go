package providers

import (
	"math"
	"strings"
	"testing"
)

func TestOutboundMessageValidate(t *testing.T) {
	to := "15557654321"
	buttons := func(n int) []ReplyButton {
		var bs []ReplyButton
		for i := range n {
			bs = append(bs, ReplyButton{ID: string(rune('a' + i)), Title: "Choice"})
		}
		return bs
	}
	rows := func(n int) []ListRow {
		var rs []ListRow
		for i := range n {
			rs = append(rs, ListRow{ID: strings.Repeat("r", i+1), Title: "Row"})
		}
		return rs
	}
	tests := []struct {
		name string
		m    OutboundMessage
		kind MessageKind
		bad  string // substring of the error; "" means valid
	}{
		{"text", OutboundMessage{To: to, Text: &Text{Body: "hi", PreviewURL: true}}, KindText, ""},
		{"no recipient", OutboundMessage{Text: &Text{Body: "hi"}}, KindText, "recipient"},
		{"empty", OutboundMessage{To: to}, "", "empty"},
		{"two contents", OutboundMessage{To: to, Text: &Text{Body: "hi"}, Location: &Location{}}, KindText, "only one"},
		{"blank text", OutboundMessage{To: to, Text: &Text{Body: "  "}}, KindText, "empty"},
		{"text too long", OutboundMessage{To: to, Text: &Text{Body: strings.Repeat("x", MaxTextBody+1)}}, KindText, "too long"},
		{"image by id", OutboundMessage{To: to, Media: &Media{Kind: KindImage, ID: "1", Caption: "c"}}, KindImage, ""},
		{"document by link", OutboundMessage{To: to, Media: &Media{Kind: KindDocument, Link: "https://x.example/a.pdf", Filename: "a.pdf"}}, KindDocument, ""},
		{"media id and link", OutboundMessage{To: to, Media: &Media{Kind: KindImage, ID: "1", Link: "https://x"}}, KindImage, "either"},
		{"media neither", OutboundMessage{To: to, Media: &Media{Kind: KindVideo}}, KindVideo, "either"},
		{"audio caption", OutboundMessage{To: to, Media: &Media{Kind: KindAudio, ID: "1", Caption: "no"}}, KindAudio, "caption"},
		{"sticker filename", OutboundMessage{To: to, Media: &Media{Kind: KindSticker, ID: "1", Filename: "x"}}, KindSticker, "file name"},
		{"media bad kind", OutboundMessage{To: to, Media: &Media{Kind: "hologram", ID: "1"}}, "hologram", "unknown media"},
		{"template", OutboundMessage{To: to, Template: &TemplateMessage{Name: "order_ready", Language: "en_US",
			Components: []TemplateParams{{Type: "body", Parameters: []TemplateParameter{{Type: "text", Text: "Ana"}}},
				{Type: "button", SubType: "quick_reply", Index: 0, Parameters: []TemplateParameter{{Type: "payload", Payload: "p"}}}}}}, KindTemplate, ""},
		{"template no language", OutboundMessage{To: to, Template: &TemplateMessage{Name: "x"}}, KindTemplate, "language"},
		{"template image param without media", OutboundMessage{To: to, Template: &TemplateMessage{Name: "x", Language: "en",
			Components: []TemplateParams{{Type: "header", Parameters: []TemplateParameter{{Type: "image"}}}}}}, KindTemplate, "no media"},
		{"template button without subtype", OutboundMessage{To: to, Template: &TemplateMessage{Name: "x", Language: "en",
			Components: []TemplateParams{{Type: "button"}}}}, KindTemplate, "button type"},
		{"3 buttons", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveButton, Body: "Pick", Buttons: buttons(3)}}, KindInteractive, ""},
		{"4 buttons", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveButton, Body: "Pick", Buttons: buttons(4)}}, KindInteractive, "1 to 3"},
		{"button title too long", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveButton, Body: "Pick",
			Buttons: []ReplyButton{{ID: "a", Title: strings.Repeat("t", 21)}}}}, KindInteractive, "too long"},
		{"duplicate button ids", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveButton, Body: "Pick",
			Buttons: []ReplyButton{{ID: "a", Title: "A"}, {ID: "a", Title: "B"}}}}, KindInteractive, "same ID"},
		{"buttons without body", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveButton, Buttons: buttons(1)}}, KindInteractive, "empty"},
		{"list of 10", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveList, Body: "Pick", ListButton: "Options",
			Sections: []Section{{Title: "A", Rows: rows(5)}, {Title: "B", Rows: []ListRow{{ID: "x1", Title: "X"}, {ID: "x2", Title: "X"}, {ID: "x3", Title: "X"}, {ID: "x4", Title: "X"}, {ID: "x5", Title: "X"}}}}}}, KindInteractive, ""},
		{"list of 11", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveList, Body: "Pick", ListButton: "Options",
			Sections: []Section{{Rows: rows(11)}}}}, KindInteractive, "1 to 10 rows"},
		{"list without button", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveList, Body: "Pick",
			Sections: []Section{{Rows: rows(1)}}}}, KindInteractive, "label"},
		{"list sections need titles", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveList, Body: "Pick", ListButton: "O",
			Sections: []Section{{Rows: rows(1)}, {Title: "B", Rows: []ListRow{{ID: "z", Title: "Z"}}}}}}, KindInteractive, "title"},
		{"product", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveProduct, CatalogID: "1", ProductRetailerID: "sku"}}, KindInteractive, ""},
		{"product missing sku", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveProduct, CatalogID: "1"}}, KindInteractive, "catalog"},
		{"product list", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveProductList, Body: "See", CatalogID: "1",
			Header: &InteractiveHeader{Type: "text", Text: "Menu"}, Sections: []Section{{Title: "Bread", ProductRetailerIDs: []string{"a", "b"}}}}}, KindInteractive, ""},
		{"product list without header", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveProductList, Body: "See", CatalogID: "1",
			Sections: []Section{{Title: "Bread", ProductRetailerIDs: []string{"a"}}}}}, KindInteractive, "header"},
		{"catalog message", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveCatalogMessage, Body: "Browse"}}, KindInteractive, ""},
		{"cta url", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveCTAURL, Body: "Track",
			CTA: &CTAURL{DisplayText: "Open", URL: "https://x.example"}}}, KindInteractive, ""},
		{"cta url missing", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveCTAURL, Body: "Track"}}, KindInteractive, "label and a URL"},
		{"interactive bad type", OutboundMessage{To: to, Interactive: &Interactive{Type: "carousel", Body: "x"}}, KindInteractive, "unknown interactive"},
		{"header bad type", OutboundMessage{To: to, Interactive: &Interactive{Type: InteractiveButton, Body: "x", Buttons: buttons(1),
			Header: &InteractiveHeader{Type: "gif"}}}, KindInteractive, "header type"},
		{"reaction", OutboundMessage{To: to, Reaction: &Reaction{MessageID: "wamid.1", Emoji: "👍"}}, KindReaction, ""},
		{"reaction removal", OutboundMessage{To: to, Reaction: &Reaction{MessageID: "wamid.1"}}, KindReaction, ""},
		{"reaction without message", OutboundMessage{To: to, Reaction: &Reaction{Emoji: "👍"}}, KindReaction, "reacts to"},
		{"location", OutboundMessage{To: to, Location: &Location{Latitude: 38.7, Longitude: -9.1}}, KindLocation, ""},
		{"location out of range", OutboundMessage{To: to, Location: &Location{Latitude: 91}}, KindLocation, "out of range"},
		{"location NaN", OutboundMessage{To: to, Location: &Location{Latitude: math.NaN()}}, KindLocation, "out of range"},
		{"contacts", OutboundMessage{To: to, Contacts: []Contact{{Name: ContactName{FormattedName: "Ana"}}}}, KindContacts, ""},
		{"contact without name", OutboundMessage{To: to, Contacts: []Contact{{}}}, KindContacts, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if k := tt.m.Kind(); k != tt.kind {
				t.Errorf("Kind() = %q, want %q", k, tt.kind)
			}
			err := tt.m.Validate()
			if tt.bad == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.bad) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.bad)
			}
		})
	}
}
