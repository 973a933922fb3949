package views_test

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/wadesk/wadesk/views"
)

type goqueryS = goquery.Selection

func goqueryHTML(s *goquery.Selection) string {
	h, _ := goquery.OuterHtml(s)
	return h
}

func TestBubblesRenderCustomerContentAsText(t *testing.T) {
	at := time.Date(2025, 7, 1, 12, 30, 0, 0, time.UTC)
	const evil = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`
	thread := views.ThreadView{ID: 7, WindowOpen: true, Messages: []views.MessageRow{
		{ID: 1, In: true, Kind: views.BubbleText, At: at, CanReply: true, CanReact: true, Snippet: "see",
			Body: []views.TextPart{{Text: "see "}, {Text: "https://example.com/a?b=1", URL: "https://example.com/a?b=1"}, {Text: " " + evil}}},
		{ID: 2, In: true, Kind: views.BubbleImage, At: at, Media: &views.MediaView{Kind: "image", URL: "/inbox/7/media/2"},
			Body: []views.TextPart{{Text: evil}}},
		{ID: 3, In: true, Kind: views.BubbleLocation, At: at, Location: &views.LocationView{Name: evil, Address: evil, Coordinates: "1, 2",
			MapURL: "https://www.openstreetmap.org/?mlat=1&mlon=2"}},
		{ID: 4, In: true, Kind: views.BubbleContacts, At: at, Contacts: []views.ContactCard{{Name: evil, Phones: []string{evil}}}},
		{ID: 5, In: false, Kind: views.BubbleText, At: at, Status: "failed", Body: []views.TextPart{{Text: "late"}},
			Quote: &views.QuoteView{TargetID: 1, Author: "Ana", Snippet: evil}, Failure: "More than 24 hours have passed."},
		{ID: 6, In: true, Kind: views.BubbleSystem, At: at, System: evil},
		{ID: 7, In: true, Kind: views.BubbleOrder, At: at, Order: &views.OrderView{Total: "9.00 EUR", Note: evil,
			Items: []views.OrderLine{{Product: evil, Quantity: 3, UnitPrice: "3.00 EUR", LineTotal: "9.00 EUR"}}},
			Reactions: []views.ReactionView{{Emoji: "❤️"}, {Emoji: "👍", ByBusiness: true}}, MyReaction: "👍", CanReact: true},
	}}
	doc, html := render(t, views.ThreadMessages(thread))
	if strings.Contains(html, "<script>") || strings.Contains(html, "<img src=x") || doc.Find("[onerror]").Length() != 0 {
		t.Fatalf("customer markup reached the page as markup:\n%s", html)
	}
	if n := doc.Find("img").Length(); n != 1 {
		t.Errorf("%d images, want only the photo", n)
	}
	first := doc.Find(`[data-message-id="1"] .msg-text`)
	if got, want := first.Text(), "see https://example.com/a?b=1 "+evil; got != want {
		t.Errorf("text content = %q, want %q", got, want)
	}
	link := first.Find("a")
	if href, _ := link.Attr("href"); href != "https://example.com/a?b=1" || link.AttrOr("rel", "") != "noopener noreferrer nofollow" ||
		link.AttrOr("target", "") != "_blank" {
		t.Errorf("link = %s", goqueryHTML(link))
	}
	img := doc.Find(`[data-message-id="2"] img`)
	if img.AttrOr("src", "") != "/inbox/7/media/2" || img.AttrOr("loading", "") != "lazy" {
		t.Errorf("image = %s", goqueryHTML(img))
	}
	if got := doc.Find(`[data-message-id="3"] [data-testid="location-name"]`).Text(); got != evil {
		t.Errorf("location name = %q", got)
	}
	if got := doc.Find(`[data-message-id="4"] [data-testid="contact-name"]`).Text(); got != evil {
		t.Errorf("contact name = %q", got)
	}
	quote := doc.Find(`[data-message-id="5"] [data-testid="message-quote"]`)
	if quote.AttrOr("href", "") != "#msg-1" || !strings.Contains(quote.Text(), evil) {
		t.Errorf("quote = %s", goqueryHTML(quote))
	}
	if got := doc.Find(`[data-message-id="5"] [data-testid="message-failure"]`).Text(); got != "More than 24 hours have passed." {
		t.Errorf("failure = %q", got)
	}
	if got := doc.Find(`[data-message-id="5"] [data-testid="ticks"]`).AttrOr("data-status", ""); got != "failed" {
		t.Errorf("ticks status = %q", got)
	}
	if got := strings.TrimSpace(doc.Find(`[data-message-id="6"]`).Text()); got != evil {
		t.Errorf("system message = %q", got)
	}
	if doc.Find(`[data-message-id="7"] [data-testid="order-item"]`).Length() != 1 || doc.Find(`[data-testid="order-total"]`).Text() != "9.00 EUR" {
		t.Errorf("order not rendered: %s", goqueryHTML(doc.Find(`[data-message-id="7"]`)))
	}
	var reactions []string
	doc.Find(`[data-message-id="7"] [data-testid="reaction"]`).Each(func(_ int, s *goqueryS) {
		reactions = append(reactions, s.AttrOr("data-by", "")+" "+s.Text())
	})
	if strings.Join(reactions, ",") != "customer ❤️,business 👍" {
		t.Errorf("reactions = %v", reactions)
	}
	form := doc.Find(`[data-message-id="7"] form`)
	if form.AttrOr("action", "") != "/inbox/7/messages/7/reaction" || form.AttrOr("method", "") != "post" {
		t.Errorf("reaction form = %s", goqueryHTML(form))
	}
	if form.Find(`[aria-pressed="true"]`).AttrOr("value", "") != "👍" || form.Find(`[data-testid="react-remove"]`).Length() != 1 {
		t.Errorf("the agent's current reaction is not marked: %s", goqueryHTML(form))
	}
	reply := doc.Find(`[data-message-id="1"] [data-testid="reply-button"]`)
	if reply.AttrOr("data-reply-to", "") != "1" || reply.AttrOr("data-reply-snippet", "") != "see" {
		t.Errorf("reply button = %s", goqueryHTML(reply))
	}
	if doc.Find(`[data-message-id="2"] [data-testid="reply-button"]`).Length() != 0 {
		t.Error("reply offered on a message that does not allow it")
	}
}
