package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The demo's Cloud API-compatible partner (providers/partner/simulator).
const (
	partnerToken  = "partnerSimulatorToken00000000001"
	partnerHeader = "X-API-Key"
	partnerPhone  = "110200000000401"
	partnerWABA   = "104500000000044"
)

// TestPartnerChannelEndToEnd: a Cloud API-compatible partner is connected
// with an API URL, a token in the partner's own header and the number's
// ID; the admin pastes the webhook URL into the partner's dashboard; a
// customer's message comes in, the reply goes out and is delivered; a
// webhook without the channel's secret is refused and nothing is stored.
func TestPartnerChannelEndToEnd(t *testing.T) {
	s := startDemo(t)
	if s.PartnerAPI == "" || s.PartnerDashboard == "" {
		t.Fatal("the demo did not print the partner simulator's addresses")
	}
	agent := newBrowser(t)
	signIn(t, agent, s, demoAdmin, demoPassword)
	run(t, agent, "choose the partner",
		chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/channels/new"),
		chromedp.WaitVisible(byTestID("wizard-step-provider"), chromedp.ByQuery),
		chromedp.Click(`input[name="provider"][value="cloud_compatible"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-next"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-credentials"), chromedp.ByQuery),
	)
	var header string
	run(t, agent, "the token header starts as Authorization", chromedp.Value(`input[name="token_header"]`, &header, chromedp.ByQuery))
	if header != "Authorization" {
		t.Errorf("token header starts as %q", header)
	}
	// The token sent as a Bearer token is refused by this partner, which
	// wants it in X-API-Key: the page says so and keeps what was typed.
	run(t, agent, "token in the wrong header",
		chromedp.SendKeys(`input[name="title"]`, "Loja WhatsApp", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="api_url"]`, s.PartnerAPI, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="access_token"]`, partnerToken, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="phone_number_id"]`, partnerPhone, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="waba_id"]`, partnerWABA, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(`[aria-invalid="true"][name="access_token"]`, chromedp.ByQuery),
	)
	if got := textOf(t, agent, "#main"); !strings.Contains(got, "refused the token") {
		t.Errorf("the refusal is not explained: %q", got)
	}
	var apiURL string
	run(t, agent, "the API URL is kept", chromedp.Value(`input[name="api_url"]`, &apiURL, chromedp.ByQuery))
	if apiURL != s.PartnerAPI {
		t.Errorf("API URL after the refusal = %q", apiURL)
	}
	// A refused token is not kept (the field asks for it again), so the
	// admin pastes it once more with the partner's header.
	run(t, agent, "the partner's header, then Synchronize",
		chromedp.SetValue(`input[name="token_header"]`, partnerHeader, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="access_token"]`, partnerToken, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("connection-ok"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("number-"+partnerPhone)); !strings.Contains(got, "+55 21 5555-0401") {
		t.Errorf("Synchronize does not show the number: %q", got)
	}
	run(t, agent, "finish",
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-id"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("flash-success")); !strings.Contains(got, "paste the webhook URL") {
		t.Errorf("after Finish the page says %q", got)
	}
	channelID := strings.TrimSpace(textOf(t, agent, byTestID("channel-id")))
	hook := strings.TrimSpace(textOf(t, agent, byTestID("webhook-url")))
	u, err := url.Parse(hook)
	if err != nil || u.Query().Get("token") == "" || !strings.HasSuffix(u.Path, "/webhooks/"+channelID) {
		t.Fatalf("webhook URL %q carries no secret", hook)
	}

	// Until the URL is in the partner's dashboard, nothing arrives; the
	// admin pastes it there.
	run(t, agent, "paste the webhook URL into the partner's dashboard",
		chromedp.Navigate(s.PartnerDashboard),
		chromedp.WaitVisible(byTestID("dashboard-webhook"), chromedp.ByQuery),
		chromedp.SetValue(byTestID("dashboard-webhook"), hook, chromedp.ByQuery),
		chromedp.Click(byTestID("dashboard-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("dashboard-saved"), chromedp.ByQuery),
	)

	phone := newBrowser(t)
	run(t, phone, "open the customer phone on the partner's number", chromedp.Navigate(s.SimURL+"/?n="+partnerPhone))
	const text = "Oi! Vocês têm vasos de barro?"
	customerWrites(t, phone, text)
	openFirstConversation(t, agent, s)
	run(t, agent, "the message is in the inbox",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes(`+jsString(text)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
	)
	const reply = "Temos sim, de vários tamanhos."
	run(t, agent, "agent replies",
		chromedp.SendKeys(byTestID("composer-input"), reply, chromedp.ByQuery),
		chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)
	run(t, phone, "the customer gets the reply",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes(`+jsString(reply)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	run(t, agent, "the reply is ticked delivered",
		chromedp.Poll(`["delivered", "read"].includes((document.querySelector('[data-testid="message"][data-direction="out"] [data-testid="ticks"]') || {dataset: {}}).dataset.status)`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
	)

	// Missing or forged secret: 401, nothing stored.
	db := openDBReadOnly(t, s.Data)
	// Only the forged bodies are counted: the simulator's own webhooks
	// (read receipts, a re-delivery) may arrive meanwhile.
	const forgedEvents = "SELECT COUNT(*) FROM webhook_events WHERE instr(body, CAST('wamid.forged.partner' AS BLOB)) > 0"
	var before int
	db.QueryRow(forgedEvents).Scan(&before)
	body := `{"object":"whatsapp_business_account","entry":[{"id":"` + partnerWABA + `","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"552155550401","phone_number_id":"` + partnerPhone + `"},"contacts":[{"profile":{"name":"Mallory"},"wa_id":"15550009999"}],"messages":[{"from":"15550009999","id":"wamid.forged.partner","timestamp":"1765000000","type":"text","text":{"body":"forged"}}]}}]}]}`
	for name, target := range map[string]string{
		"missing": s.URL + "/webhooks/" + channelID,
		"forged":  s.URL + "/webhooks/" + channelID + "?token=" + url.QueryEscape(u.Query().Get("token")+"x"),
	} {
		res, err := http.Post(target, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s secret: status %d, want 401", name, res.StatusCode)
		}
	}
	time.Sleep(300 * time.Millisecond)
	var after, forged int
	db.QueryRow(forgedEvents).Scan(&after)
	db.QueryRow("SELECT COUNT(*) FROM messages WHERE wamid = 'wamid.forged.partner'").Scan(&forged)
	if after != before || forged != 0 {
		t.Errorf("forged webhooks stored: %d events, %d messages", after-before, forged)
	}
}
