package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wadesk/wadesk/store"
)

// The demo's Twilio account and WhatsApp sender
// (providers/twilio/simulator.AddDemoNumber).
const (
	twilioAccountSID = "AC7a110000000000000000000000000501"
	twilioAuthToken  = "7a11d3a0a0717e40000000000000cafe"
	twilioSender     = "+14155550501"
	twilioPhoneID    = "110200000000501"
)

var twilioConsoleLine = regexp.MustCompile(`Twilio console: (http://\S+)`)

// twilioSign signs a form webhook as Twilio does, for the forged-request
// checks (written here, apart from the product's code).
func twilioSign(token, u string, p url.Values) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(u))
	for _, k := range keys {
		for _, v := range p[k] {
			mac.Write([]byte(k + v))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// twilioWizard opens the channel wizard and chooses Twilio.
func twilioWizard(t *testing.T, agent context.Context, s *server) {
	t.Helper()
	run(t, agent, "choose Twilio",
		chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/channels/new"),
		chromedp.WaitVisible(byTestID("wizard-step-provider"), chromedp.ByQuery),
		chromedp.Click(`input[name="provider"][value="twilio"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-next"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-credentials"), chromedp.ByQuery),
	)
}

// twilioPasteHooks pastes the channel's webhook URL into the simulated
// Twilio console, for incoming messages and status callbacks, as an admin
// does in Twilio's console.
func twilioPasteHooks(t *testing.T, agent context.Context, console, hook string) {
	t.Helper()
	run(t, agent, "paste the webhook URL into the Twilio console",
		chromedp.Navigate(console),
		chromedp.WaitVisible(byTestID("console-incoming"), chromedp.ByQuery),
		chromedp.SetValue(byTestID("console-incoming"), hook, chromedp.ByQuery),
		chromedp.SetValue(byTestID("console-status"), hook, chromedp.ByQuery),
		chromedp.Click(byTestID("console-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("console-saved"), chromedp.ByQuery),
	)
}

// TestTwilioChannelEndToEnd: a Twilio sender is connected with the
// Account SID, Auth Token and sender; a wrong token is refused in words
// with Twilio's code; the admin pastes the webhook URL into Twilio's
// console; a customer's message comes in signed, the reply goes out and
// is ticked delivered; unsigned or forged webhooks get 401 and nothing is
// stored.
func TestTwilioChannelEndToEnd(t *testing.T) {
	s := startDemo(t)
	m := twilioConsoleLine.FindStringSubmatch(s.log.String())
	if m == nil {
		t.Fatal("the demo did not print the Twilio console's address")
	}
	console := m[1]
	agent := newBrowser(t)
	signIn(t, agent, s, demoAdmin, demoPassword)
	twilioWizard(t, agent, s)
	checkAccessible(t, agent, "Twilio credentials step")
	if got := textOf(t, agent, byTestID("wizard-fetch")); got != "Test connection" {
		t.Errorf("the credentials button says %q, want Test connection", got)
	}
	// A malformed SID is caught before Twilio is asked; a wrong token is
	// refused by Twilio and said so, with Twilio's code.
	run(t, agent, "a malformed Account SID",
		chromedp.SendKeys(`input[name="title"]`, "Bikes WhatsApp", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="account_sid"]`, "AC123", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="app_secret"]`, strings.Repeat("0", 32), chromedp.ByQuery),
		chromedp.SendKeys(`input[name="whatsapp_sender"]`, twilioSender, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(`[aria-invalid="true"][name="account_sid"]`, chromedp.ByQuery),
	)
	run(t, agent, "a wrong Auth Token",
		chromedp.SetValue(`input[name="account_sid"]`, twilioAccountSID, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="app_secret"]`, strings.Repeat("0", 32), chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(`[aria-invalid="true"][name="app_secret"]`, chromedp.ByQuery),
	)
	if got := textOf(t, agent, "#main"); !strings.Contains(got, "Twilio refused these credentials (Twilio error 20003)") {
		t.Errorf("a refused token is not explained: %q", got)
	}
	var title, sender string
	run(t, agent, "what was typed is kept",
		chromedp.Value(`input[name="title"]`, &title, chromedp.ByQuery),
		chromedp.Value(`input[name="whatsapp_sender"]`, &sender, chromedp.ByQuery))
	if title != "Bikes WhatsApp" || sender != twilioSender {
		t.Errorf("after the refusal: title %q, sender %q", title, sender)
	}
	run(t, agent, "the right token, then Test connection",
		chromedp.SendKeys(`input[name="app_secret"]`, twilioAuthToken, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("connection-ok"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("number-"+twilioSender)); !strings.Contains(got, twilioSender) {
		t.Errorf("Test connection does not show the sender: %q", got)
	}
	run(t, agent, "finish",
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-id"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("flash-success")); !strings.Contains(got, "Connection successfully established") || !strings.Contains(got, "paste the webhook URL") {
		t.Errorf("after Finish the page says %q", got)
	}
	checkAccessible(t, agent, "Twilio channel page")
	channelID := strings.TrimSpace(textOf(t, agent, byTestID("channel-id")))
	hook := strings.TrimSpace(textOf(t, agent, byTestID("webhook-url")))
	if !strings.HasSuffix(hook, "/webhooks/"+channelID) {
		t.Fatalf("webhook URL %q", hook)
	}
	if got := textOf(t, agent, byTestID("webhook-help")); !strings.Contains(got, "Status callback URL") {
		t.Errorf("the channel page does not say where to paste the URL: %q", got)
	}
	// Twilio signs with the Auth Token: no generated secret to show or
	// rotate; no profile or commerce settings through Twilio.
	for _, gone := range []string{"channel-profile", "channel-store", "channel-app-id", "verify-token", "rotate-verify-token"} {
		if n := countOf(t, agent, byTestID(gone)); n != 0 {
			t.Errorf("the Twilio channel page offers %s", gone)
		}
	}

	// The admin pastes the URL into Twilio's console for both webhooks.
	twilioPasteHooks(t, agent, console, hook)

	phone := newBrowser(t)
	run(t, phone, "open the customer phone on the Twilio number", chromedp.Navigate(s.SimURL+"/?n="+twilioPhoneID))
	const text = "Hi! Can I rent two bikes tomorrow morning?"
	customerWrites(t, phone, text)
	openFirstConversation(t, agent, s)
	run(t, agent, "the message is in the inbox",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes(`+jsString(text)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
	)
	// What wadesk cannot send through Twilio is not offered: no file or
	// button panels; the template panel lists Twilio's approved content.
	for _, gone := range []string{"composer-attach", "composer-interactive"} {
		if n := countOf(t, agent, byTestID(gone)); n != 0 {
			t.Errorf("the composer of a Twilio conversation offers %s", gone)
		}
	}
	run(t, agent, "open the template panel",
		chromedp.Click(byTestID("composer-template-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-choice-order_ready-en_US"), chromedp.ByQuery))
	run(t, agent, "close the template panel", chromedp.Click(byTestID("composer-template-open"), chromedp.ByQuery))
	const reply = "Sure, two bikes are booked for 9 am."
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

	// Unsigned, forged (another token) or tampered webhooks: 401, nothing stored.
	db := openDBReadOnly(t, s.Data)
	const forgedEvents = "SELECT COUNT(*) FROM webhook_events WHERE instr(body, CAST('SMf0f0' AS BLOB)) > 0"
	var before int
	db.QueryRow(forgedEvents).Scan(&before)
	form := url.Values{"AccountSid": {twilioAccountSID}, "MessageSid": {"SMf0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"}, "SmsStatus": {"received"},
		"From": {"whatsapp:+15550009999"}, "To": {"whatsapp:" + twilioSender}, "Body": {"forged"}, "NumMedia": {"0"}}
	target := s.URL + "/webhooks/" + channelID
	tampered := url.Values{}
	for k, v := range form {
		tampered[k] = v
	}
	tampered.Set("Body", "tampered")
	for name, c := range map[string]struct {
		body url.Values
		sig  string
	}{
		"unsigned":      {form, ""},
		"another token": {form, twilioSign(strings.Repeat("1", 32), hook, form)},
		"tampered":      {tampered, twilioSign(twilioAuthToken, hook, form)},
		"another URL":   {form, twilioSign(twilioAuthToken, hook+"0", form)},
	} {
		req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(c.body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if c.sig != "" {
			req.Header.Set("X-Twilio-Signature", c.sig)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s webhook: status %d, want 401", name, res.StatusCode)
		}
	}
	time.Sleep(300 * time.Millisecond)
	var after, forged int
	db.QueryRow(forgedEvents).Scan(&after)
	db.QueryRow("SELECT COUNT(*) FROM messages WHERE wamid LIKE 'SMf0f0%'").Scan(&forged)
	if after != before || forged != 0 {
		t.Errorf("forged webhooks stored: %d events, %d messages", after-before, forged)
	}
}

// TestTwilioTemplateSentOutsideTheWindow: the channel's templates come
// from Twilio's Content API with their WhatsApp approval (shown on the
// templates page); a day after the customer's last message Twilio fails a
// free-form reply with 63016, the conversation then offers only
// templates, and the agent picks an approved one with the reply box
// empty, fills its values, sends it by its ContentSid and sees it
// delivered.
func TestTwilioTemplateSentOutsideTheWindow(t *testing.T) {
	s := startDemo(t)
	m := twilioConsoleLine.FindStringSubmatch(s.log.String())
	if m == nil {
		t.Fatal("the demo did not print the Twilio console's address")
	}
	agent := newBrowser(t)
	signIn(t, agent, s, demoAdmin, demoPassword)
	twilioWizard(t, agent, s)
	run(t, agent, "enter the credentials and connect",
		chromedp.SendKeys(`input[name="title"]`, "Bikes WhatsApp", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="account_sid"]`, twilioAccountSID, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="app_secret"]`, twilioAuthToken, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="whatsapp_sender"]`, twilioSender, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("connection-ok"), chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-id"), chromedp.ByQuery),
	)
	hook := strings.TrimSpace(textOf(t, agent, byTestID("webhook-url")))
	run(t, agent, "open the channel's templates",
		chromedp.Click(byTestID("channel-templates"), chromedp.ByQuery),
		chromedp.WaitVisible(`#main`, chromedp.ByQuery))
	if got := textOf(t, agent, "#main"); !strings.Contains(got, "order_ready") || !strings.Contains(got, "weekend_offer") {
		t.Errorf("the Twilio channel's templates page does not list the Content API's templates: %q", got)
	}
	checkAccessible(t, agent, "Twilio channel templates")
	twilioPasteHooks(t, agent, m[1], hook)

	phone := newBrowser(t)
	run(t, phone, "open the customer phone on the Twilio number", chromedp.Navigate(s.SimURL+"/?n="+twilioPhoneID))
	customerWrites(t, phone, "Is my bike ready?")
	closeWindowByFreeFormReply(t, s, agent, "Twilio")
	sendTemplateFromPanel(t, agent, phone, "order_ready", "#1042", "Hi Sheena Nelson, your order #1042 is ready for pickup.", true)
	checkNoSideScroll(t, agent, "Twilio conversation after the template")
}

// hookTwilioToken is the Twilio test channel's Auth Token.
const hookTwilioToken = "0123456789abcdef0123456789abcdef"

// twilioHooks: Twilio's form-encoded inbound message for the same
// messages, signed in X-Twilio-Signature over the URL posted to and every
// parameter, with the channel's Auth Token.
var twilioHooks = hookProvider{name: "Twilio", id: "twilio",
	secrets:       store.ChannelSecrets{AppSecret: hookTwilioToken},
	settings:      map[string]string{"account_sid": twilioHookAccount, "whatsapp_sender": "+" + hookDisplayPhone},
	phoneNumberID: "+" + hookDisplayPhone,
	contentType:   "application/x-www-form-urlencoded",
	signURL: func(h http.Header, u string, body []byte) {
		p, err := url.ParseQuery(string(body))
		if err != nil {
			panic(err)
		}
		h.Set("X-Twilio-Signature", twilioSign(hookTwilioToken, u, p))
	},
	body: func(m inboundText) []byte {
		return []byte(url.Values{"AccountSid": {twilioHookAccount}, "MessageSid": {m.wamid}, "SmsMessageSid": {m.wamid},
			"SmsStatus": {"received"}, "From": {"whatsapp:+" + m.from}, "To": {"whatsapp:+" + hookDisplayPhone},
			"WaId": {m.from}, "ProfileName": {m.name}, "Body": {m.body}, "NumMedia": {"0"}, "NumSegments": {"1"},
			"ApiVersion": {"2010-04-01"}}.Encode())
	},
}

const twilioHookAccount = "AC0123456789abcdef0123456789abcdef"
