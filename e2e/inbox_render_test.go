package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// simInbound has a simulated customer send a message through the
// simulator's control endpoint (content the phone page cannot type).
func simInbound(t *testing.T, s *server, msg map[string]any) {
	t.Helper()
	body, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Post(s.SimURL+"/_sim/inbound", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("simulator inbound: %s %s", res.Status, b)
	}
}

// firstCustomer is the customer the simulator's phone page plays.
func firstCustomer(t *testing.T, s *server) string {
	t.Helper()
	var sum struct {
		Customers []struct{ WaID string }
	}
	getJSON(t, s.SimURL+"/_sim/", &sum)
	if len(sum.Customers) == 0 {
		t.Fatal("the simulator has no customers")
	}
	return sum.Customers[0].WaID
}

func samplePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := range 8 {
		for y := range 6 {
			img.Set(x, y, color.RGBA{R: uint8(30 * x), G: 120, B: uint8(40 * y), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// poll waits until a JavaScript expression is true.
func poll(t *testing.T, ctx context.Context, step, expr string) {
	t.Helper()
	run(t, ctx, step, chromedp.Poll(expr, nil, chromedp.WithPollingTimeout(25*time.Second)))
}

// TestInboxRichMessages: the customer sends a photo, a location and a
// reaction from the simulator's phone; the agent sees the photo inline
// (downloaded through wadesk), the location, and the reaction on the
// message it reacts to; opening the conversation turns the customer's
// ticks blue; the agent reacts and picks a message to reply to.
func TestInboxRichMessages(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)

	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, "Hi! Is this cake available?")
	run(t, phone, "customer sends a photo",
		chromedp.Click(byTestID("image-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("image-caption"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("image-caption"), "This one, please", chromedp.ByQuery),
		chromedp.Click(byTestID("send-image"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("message-image"), chromedp.ByQuery),
	)
	run(t, phone, "customer shares a location",
		chromedp.Click(byTestID("location-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("share-location"), chromedp.ByQuery),
		chromedp.Click(byTestID("share-location"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("message-location"), chromedp.ByQuery),
	)

	openFirstConversation(t, agent, s)
	poll(t, agent, "the photo is shown inline, downloaded through wadesk", `(() => {
		const img = document.querySelector('[data-testid="message"][data-kind="image"] img[data-testid="message-image"]');
		return !!img && img.complete && img.naturalWidth > 0 && new URL(img.src).pathname.startsWith("/inbox/");
	})()`)
	if got := textOf(t, agent, `[data-kind="image"] .msg-text`); got != "This one, please" {
		t.Errorf("caption = %q", got)
	}
	poll(t, agent, "the location is shown", `!!document.querySelector('[data-kind="location"] [data-testid="location-name"]')`)
	if got := textOf(t, agent, `[data-kind="location"] [data-testid="location-name"]`); got != "Praça do Comércio" {
		t.Errorf("location name = %q", got)
	}
	var mapURL string
	run(t, agent, "map link", chromedp.AttributeValue(`[data-kind="location"] [data-testid="location-map"]`, "href", &mapURL, nil, chromedp.ByQuery))
	if want := "https://www.openstreetmap.org/?"; len(mapURL) < len(want) || mapURL[:len(want)] != want {
		t.Errorf("map link = %q", mapURL)
	}

	poll(t, phone, "the customer's ticks turn blue: wadesk marked the messages read",
		`(() => {
			const ticks = Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"] [data-testid="ticks"]'));
			return ticks.length === 3 && ticks.every(t => t.dataset.status === "read");
		})()`)

	const reply = "Yes! We have two left."
	run(t, agent, "agent replies",
		chromedp.SendKeys(byTestID("composer-input"), reply, chromedp.ByQuery),
		chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)
	poll(t, phone, "the reply reaches the customer",
		`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes(`+jsString(reply)+`))`)
	// The phone page redraws its chat every second: find and press the
	// reply's 👍 in one go.
	var reacted bool
	run(t, phone, "customer reacts to the reply", chromedp.Evaluate(`(() => {
		const mine = Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).filter(m => m.textContent.includes(`+jsString(reply)+`));
		const button = mine.length ? mine[mine.length - 1].querySelector('[data-testid="react-button"]') : null;
		if (!button) return false;
		button.click();
		return true;
	})()`, &reacted))
	if !reacted {
		t.Fatal("the phone shows no react button on the reply")
	}
	poll(t, agent, "the reaction appears on the reply, not as a bubble",
		`(document.querySelector('[data-testid="message"][data-direction="out"] [data-testid="reaction"][data-by="customer"]') || {}).textContent === "👍"`)
	var lone int
	run(t, agent, "no reaction bubble", chromedp.Evaluate(`document.querySelectorAll('[data-testid="message"][data-kind="reaction"]').length`, &lone))
	if lone != 0 {
		t.Errorf("%d reactions shown as bubbles of their own", lone)
	}

	run(t, agent, "agent reacts to the customer's first message",
		chromedp.Click(`[data-testid="message"][data-direction="in"][data-kind="text"] [data-testid="react-open"]`, chromedp.ByQuery),
		chromedp.Click(`[data-testid="message"][data-direction="in"][data-kind="text"] [data-testid="react-emoji"][value="❤️"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="in"][data-kind="text"] [data-testid="reaction"][data-by="business"]`, chromedp.ByQuery),
	)
	poll(t, phone, "the customer sees the agent's reaction on their message",
		`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"] [data-testid="reaction"]')).some(r => r.textContent === "❤️")`)

	var imageID string
	run(t, agent, "agent picks the photo to reply to",
		chromedp.AttributeValue(`[data-testid="message"][data-kind="image"]`, "data-message-id", &imageID, nil, chromedp.ByQuery),
		chromedp.Click(`[data-testid="message"][data-kind="image"] [data-testid="reply-button"]`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("composer-replying"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("composer-replying-text")); got != "Replying to: This one, please" {
		t.Errorf("reply banner = %q", got)
	}
	var replyTo string
	run(t, agent, "reply_to is set", chromedp.Value(`#composer-reply-to`, &replyTo, chromedp.ByQuery))
	if replyTo != imageID || imageID == "" {
		t.Errorf("reply_to = %q, want the photo's message %q", replyTo, imageID)
	}
	run(t, agent, "cancel the reply",
		chromedp.Click(byTestID("composer-reply-cancel"), chromedp.ByQuery),
		chromedp.WaitNotVisible(byTestID("composer-replying"), chromedp.ByQuery),
		chromedp.Value(`#composer-reply-to`, &replyTo, chromedp.ByQuery),
	)
	if replyTo != "" {
		t.Errorf("after cancelling, reply_to = %q", replyTo)
	}
}

// TestInboxShowsCustomerMarkupInEveryKindAsText: markup in a caption, a
// location's name and address and a contact's name is shown as text.
func TestInboxShowsCustomerMarkupInEveryKindAsText(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	from := firstCustomer(t, s)
	const evil = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2"><b>bold</b>`
	simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": from, "text": "Look " + evil})
	simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": from,
		"image": map[string]any{"data": samplePNG(t), "mime_type": "image/png", "caption": evil}})
	simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": from,
		"location": map[string]any{"latitude": 38.7076, "longitude": -9.1365, "name": evil, "address": evil}})
	simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": from,
		"contacts": []map[string]string{{"name": evil, "phone": "+351 912 000 111"}}})

	openFirstConversation(t, agent, s)
	poll(t, agent, "all four messages shown", `document.querySelectorAll('[data-testid="message"][data-direction="in"]').length === 4`)
	poll(t, agent, "the photo loaded", `(() => {
		const img = document.querySelector('[data-kind="image"] img[data-testid="message-image"]');
		return !!img && img.complete && img.naturalWidth > 0;
	})()`)
	var xss bool
	var injected int
	run(t, agent, "inspect",
		chromedp.Evaluate(`typeof window.__xss !== "undefined"`, &xss),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="chat"] script, [data-testid="chat"] b, [data-testid="chat"] [onerror], [data-testid="chat"] img:not([data-testid="message-image"])').length`, &injected),
	)
	if xss || injected != 0 {
		t.Errorf("customer markup became part of the page: script ran %v, %d injected elements", xss, injected)
	}
	for _, c := range []struct{ name, sel, want string }{
		{"text", `[data-kind="text"] .msg-text`, "Look " + evil},
		{"caption", `[data-kind="image"] .msg-text`, evil},
		{"location name", `[data-kind="location"] [data-testid="location-name"]`, evil},
		{"location address", `[data-kind="location"] [data-testid="location-address"]`, evil},
		{"contact name", `[data-kind="contacts"] [data-testid="contact-name"]`, evil},
	} {
		var got string
		run(t, agent, c.name, chromedp.Evaluate(`document.querySelector(`+jsString(c.sel)+`).textContent`, &got))
		if got != c.want {
			t.Errorf("%s = %q, want the markup as text %q", c.name, got, c.want)
		}
	}
}
