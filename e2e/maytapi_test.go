package e2e

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	maytapisim "github.com/wadesk/wadesk/providers/maytapi/simulator"
)

var maytapiPairLine = regexp.MustCompile(`open (http://\S+)/_maytapi/`)

// maytapiSimURL is the Maytapi simulator's address, read from the demo's
// banner.
func maytapiSimURL(t *testing.T, s *server) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := maytapiPairLine.FindStringSubmatch(s.log.String()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatal("the demo printed no Maytapi simulator address")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestMaytapiPairMessageReplyDelivered: an admin connects Maytapi (the
// Unofficial notice shown first), picks the phone, sees its QR code, the
// phone scans it, Finish connects; the customer writes, the agent replies
// and Maytapi's ack ticks the reply delivered. Forged webhooks (no secret,
// a wrong secret) are refused with 401 and nothing is stored.
func TestMaytapiPairMessageReplyDelivered(t *testing.T) {
	s := startDemo(t)
	simURL := maytapiSimURL(t, s)
	agent := newBrowser(t)
	signIn(t, agent, s, demoAdmin, demoPassword)
	run(t, agent, "open the wizard and choose Maytapi",
		chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/channels"),
		chromedp.WaitVisible(byTestID("channel-add"), chromedp.ByQuery),
		chromedp.Click(byTestID("channel-add"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-provider"), chromedp.ByQuery),
		chromedp.Click(`input[name="provider"][value="maytapi"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-next"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-credentials"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, "#wizard"); !strings.Contains(got, "not Meta's WhatsApp Business API") || !strings.Contains(got, "may ban") {
		t.Errorf("the credentials step does not warn that Maytapi is unofficial: %q", got)
	}
	run(t, agent, "a wrong token",
		chromedp.SendKeys(`input[name="title"]`, "Frutería WhatsApp", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="product_id"]`, maytapisim.DemoProductID, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="access_token"]`, "wrong-token", chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(`[aria-invalid="true"][name="access_token"]`, chromedp.ByQuery),
	)
	if got := textOf(t, agent, "#main"); !strings.Contains(got, "Maytapi refused the API token") {
		t.Errorf("a refused token is not explained: %q", got)
	}
	run(t, agent, "the right token lists the phones",
		chromedp.SendKeys(`input[name="access_token"]`, maytapisim.DemoAPIKey, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
		chromedp.Click(`input[name="phone_number_id"][value="`+maytapisim.DemoPhoneID+`"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("pair-qr"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("unofficial-notice")); !strings.Contains(got, "Unofficial") || !strings.Contains(got, "no message templates") {
		t.Errorf("the pairing page's notice is %q", got)
	}
	var qrOK bool
	run(t, agent, "the QR code is an image",
		chromedp.Poll(`(() => { const i = document.querySelector('[data-testid="pair-qr"]'); return i && i.complete && i.naturalWidth > 100 })()`, &qrOK,
			chromedp.WithPollingTimeout(10*time.Second)))
	if got := textOf(t, agent, byTestID("pair-words")); !strings.Contains(got, "QR code") {
		t.Errorf("the status before the scan says %q", got)
	}
	checkAccessible(t, agent, "maytapi pairing page")
	checkNoSideScroll(t, agent, "maytapi pairing page")

	// The phone scans the code (the simulator's Linked devices screen).
	phoneApp := newBrowser(t)
	run(t, phoneApp, "scan the QR code",
		chromedp.Navigate(simURL+"/_maytapi/"+maytapisim.DemoPhoneID),
		chromedp.Click("#scan", chromedp.ByQuery),
		chromedp.WaitVisible("#logout", chromedp.ByQuery),
	)
	run(t, agent, "the page sees the phone logged in and finishes",
		chromedp.WaitVisible(byTestID("pair-finish"), chromedp.ByQuery),
		chromedp.Click(byTestID("pair-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-id"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("flash-success")); !strings.Contains(got, "Maytapi accepted the webhook URL") {
		t.Errorf("after Finish the page says %q", got)
	}
	channelID := strings.TrimSpace(textOf(t, agent, byTestID("channel-id")))

	customer := newBrowser(t)
	run(t, customer, "open the customer phone on the Maytapi number", chromedp.Navigate(s.SimURL+"/?n="+maytapisim.DemoPhoneNumberID))
	const text = "Hola, ¿tenéis fresas hoy?"
	customerWrites(t, customer, text)
	openFirstConversation(t, agent, s)
	run(t, agent, "the message is in the inbox",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes(`+jsString(text)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
	)
	if n := countOf(t, agent, byTestID("composer-template")); n != 0 {
		t.Error("the composer offers templates on a Maytapi channel")
	}
	if got := textOf(t, agent, byTestID("composer-note")); !strings.Contains(got, "no 24-hour window") {
		t.Errorf("the composer's note says %q", got)
	}
	if n := countOf(t, agent, byTestID("window-countdown")+":not([hidden])"); n != 0 {
		t.Error("a Maytapi conversation shows the 24-hour countdown")
	}
	const reply = "¡Sí! Recién llegadas de Huelva."
	run(t, agent, "agent replies",
		chromedp.SendKeys(byTestID("composer-input"), reply, chromedp.ByQuery),
		chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)
	run(t, customer, "the customer gets the reply",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes(`+jsString(reply)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	run(t, agent, "the ack ticks the reply delivered",
		chromedp.Poll(`["delivered", "read"].includes((document.querySelector('[data-testid="message"][data-direction="out"] [data-testid="ticks"]') || {dataset: {}}).dataset.status)`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
	)
	// The customer has the chat open, so the next ack (3) says read.
	run(t, agent, "the ack turns the tick to read",
		chromedp.Poll(`(document.querySelector('[data-testid="message"][data-direction="out"] [data-testid="ticks"]') || {dataset: {}}).dataset.status === "read"`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
	)

	// Maytapi signs nothing: without the channel's secret in the URL a
	// delivery is refused and nothing is stored.
	db := openDBReadOnly(t, s.Data)
	count := func() int {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM webhook_events WHERE instr(body, CAST('forged-msg' AS BLOB)) > 0").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	body := `{"type":"message","product_id":"` + maytapisim.DemoProductID + `","phone_id":` + maytapisim.DemoPhoneID +
		`,"message":{"id":"forged-msg","type":"text","text":"forged","fromMe":false},"user":{"id":"15550009999@c.us","name":"Mallory","phone":"15550009999"},"timestamp":1765000000}`
	for name, query := range map[string]string{"missing": "", "forged": "?token=not-the-secret", "empty": "?token="} {
		res, err := http.Post(s.URL+"/webhooks/"+channelID+query, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s secret: status %d, want 401", name, res.StatusCode)
		}
	}
	if n := count(); n != 0 {
		t.Errorf("%d webhook events stored from forged requests", n)
	}

	// The channel page shows the daily cap gauge (Maytapi's 6,000).
	run(t, agent, "open the channel", chromedp.Navigate(s.URL+"/channels/"+channelID), chromedp.WaitVisible(byTestID("daily-cap-gauge"), chromedp.ByQuery))
	if got := textOf(t, agent, byTestID("daily-cap-words")); !strings.Contains(got, "1 of 6,000 messages sent today") {
		t.Errorf("the gauge says %q", got)
	}
	if n := countOf(t, agent, byTestID("channel-profile")); n != 0 {
		t.Error("a Maytapi channel offers the business profile")
	}

	// Session loss: the phone unlinks the device; the health check marks
	// the channel disconnected with Pair again; pairing again restores it.
	run(t, phoneApp, "the phone logs out",
		chromedp.Navigate(simURL+"/_maytapi/"+maytapisim.DemoPhoneID),
		chromedp.Click("#logout", chromedp.ByQuery),
		chromedp.WaitVisible("#scan", chromedp.ByQuery),
	)
	run(t, agent, "check the channel",
		chromedp.Click(byTestID("channel-check"), chromedp.ByQuery),
	)
	waitFor(t, agent, "the health says the session ended", `(document.querySelector('[data-testid="channel-state-reason"]') || {textContent: ""}).textContent.includes("session has ended")`)
	if got := textOf(t, agent, byTestID("channel-health")); !strings.Contains(got, "session has ended") {
		t.Errorf("after the logout the health says %q", got)
	}
	run(t, agent, "pair again",
		chromedp.Click(byTestID("channel-pair-again"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("pair-qr"), chromedp.ByQuery),
	)
	run(t, phoneApp, "scan again", chromedp.Click("#scan", chromedp.ByQuery), chromedp.WaitVisible("#logout", chromedp.ByQuery))
	run(t, agent, "the page sees the phone back",
		chromedp.WaitVisible(byTestID("pair-done"), chromedp.ByQuery),
		chromedp.Click(byTestID("pair-done"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-check"), chromedp.ByQuery),
		chromedp.Click(byTestID("channel-check"), chromedp.ByQuery),
	)
	waitFor(t, agent, "the channel is connected again", `(document.querySelector('[data-testid="channel-state"]') || {textContent: ""}).textContent.trim().toLowerCase() === "connected"`)
}

// waitFor evaluates js until it is true, across a page load (a form's
// redirect), for up to 15 s.
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(js, &ok)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 15 s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
