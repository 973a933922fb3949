package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	d360sim "github.com/wadesk/wadesk/providers/dialog360/simulator"
)

// The demo's 360dialog number (providers/dialog360/simulator.AddDemoNumber).
const (
	d360APIKey = "d360SimulatorApiKey000000000001"
	d360Phone  = "110200000000301"
)

// d360Connect connects the demo's 360dialog number through the wizard:
// API key, Test connection (which shows the number), Finish. It returns
// the channel's ID.
func d360Connect(t *testing.T, ctx context.Context, s *server) string {
	t.Helper()
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "open the wizard",
		chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/channels"),
		chromedp.WaitVisible(byTestID("channel-add"), chromedp.ByQuery),
		chromedp.Click(byTestID("channel-add"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-provider"), chromedp.ByQuery),
	)
	var available bool
	run(t, ctx, "360dialog can be chosen",
		chromedp.Evaluate(`!document.querySelector('input[name="provider"][value="360dialog"]').disabled`, &available))
	if !available {
		t.Fatal("360dialog is not offered in the wizard")
	}
	run(t, ctx, "choose 360dialog",
		chromedp.Click(`input[name="provider"][value="360dialog"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-next"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-credentials"), chromedp.ByQuery),
	)
	if n := countOf(t, ctx, `input[name="business_id"]`); n != 0 {
		t.Error("the 360dialog step asks for a Meta Business Manager ID")
	}
	if got := textOf(t, ctx, byTestID("wizard-fetch")); got != "Test connection" {
		t.Errorf("the credentials button says %q, want Test connection", got)
	}
	// A wrong key is refused by 360dialog and said so on the field.
	run(t, ctx, "a wrong key",
		chromedp.SendKeys(`input[name="title"]`, "Café WhatsApp", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="access_token"]`, "not-the-right-key-123", chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(`[aria-invalid="true"][name="access_token"]`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, `#main`); !strings.Contains(got, "360dialog refused the API key") {
		t.Errorf("a refused key is not explained: %q", got)
	}
	var title string
	run(t, ctx, "the title is kept", chromedp.Value(`input[name="title"]`, &title, chromedp.ByQuery))
	if title != "Café WhatsApp" {
		t.Errorf("title after the refusal = %q", title)
	}
	run(t, ctx, "the right key",
		chromedp.SendKeys(`input[name="access_token"]`, d360APIKey, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("connection-ok"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("number-"+d360Phone)); !strings.Contains(got, d360Phone) {
		t.Errorf("Test connection does not show the number behind the key: %q", got)
	}
	run(t, ctx, "finish",
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-id"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("flash-success")); !strings.Contains(got, "360dialog accepted the webhook URL") {
		t.Errorf("after Finish the page says %q", got)
	}
	return strings.TrimSpace(textOf(t, ctx, byTestID("channel-id")))
}

func TestDialog360ChannelEndToEnd(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	channelID := d360Connect(t, agent, s)

	// What 360dialog cannot do is not offered; the webhook secret is shown.
	for _, gone := range []string{"channel-profile", "channel-store", "channel-app-id"} {
		if n := countOf(t, agent, byTestID(gone)); n != 0 {
			t.Errorf("the 360dialog channel page offers %s", gone)
		}
	}
	if got := textOf(t, agent, `label[for="verify-token"]`); got != "Webhook secret" {
		t.Errorf("the secret is labelled %q", got)
	}
	secret := strings.TrimSpace(textOf(t, agent, byTestID("verify-token")))
	if len(secret) < 22 { // 128 bits in base64url
		t.Errorf("webhook secret %q is shorter than 128 bits", secret)
	}
	hook := strings.TrimSpace(textOf(t, agent, byTestID("webhook-url")))
	if strings.Contains(hook, "_") || strings.Contains(strings.TrimPrefix(hook, "http://"), ":") {
		t.Errorf("webhook URL %q has a _ or a port", hook)
	}

	// The edit page asks only for what 360dialog has.
	run(t, agent, "open the edit page",
		chromedp.Click(byTestID("channel-edit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-save"), chromedp.ByQuery),
	)
	if n := countOf(t, agent, `input[name="app_id"]`); n != 0 {
		t.Error("the 360dialog edit page asks for a Meta App ID")
	}
	if got := textOf(t, agent, "#main form"); !strings.Contains(got, "New 360dialog API key") || !strings.Contains(got, "New Webhook signing secret") {
		t.Errorf("the edit page's credentials are not 360dialog's: %q", got)
	}
	run(t, agent, "back to the channel", chromedp.Navigate(s.URL+"/channels/"+channelID), chromedp.WaitVisible(byTestID("channel-id"), chromedp.ByQuery))

	// The customer writes to the 360dialog number from the phone page.
	phone := newBrowser(t)
	run(t, phone, "open the customer phone on the 360dialog number", chromedp.Navigate(s.SimURL+"/?n="+d360Phone))
	const text = "Bom dia! Têm pastéis de nata hoje?"
	customerWrites(t, phone, text)
	openFirstConversation(t, agent, s)
	run(t, agent, "the message is in the inbox",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes(`+jsString(text)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
	)
	const reply = "Bom dia! Sim, acabados de sair do forno."
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

	// Forged or missing authentication: 401, nothing stored.
	db := openDBReadOnly(t, s.Data)
	// Only the forged bodies are counted: the simulator's own webhooks
	// (read receipts, a re-delivery) may arrive meanwhile.
	count := func() int {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM webhook_events WHERE instr(body, CAST('wamid.forged' AS BLOB)) > 0").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	body := `{"object":"whatsapp_business_account","entry":[{"id":"104500000000033","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"351215550301","phone_number_id":"` + d360Phone + `"},"contacts":[{"profile":{"name":"Mallory"},"wa_id":"15550009999"}],"messages":[{"from":"15550009999","id":"wamid.forged","timestamp":"1765000000","type":"text","text":{"body":"forged"}}]}}]}]}`
	for name, header := range map[string]string{"missing": "", "forged": "not-" + secret, "Meta's signature instead": ""} {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/webhooks/"+channelID, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if header != "" {
			req.Header.Set("X-Wadesk-Webhook-Token", header)
		}
		if name == "Meta's signature instead" {
			req.Header.Set("X-Hub-Signature-256", "sha256="+strings.Repeat("0", 64))
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s webhook authentication: status %d, want 401", name, res.StatusCode)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if after := count(); after != before {
		t.Errorf("%d webhook events stored from forged requests", after-before)
	}
	var forged int
	db.QueryRow("SELECT COUNT(*) FROM messages WHERE wamid = 'wamid.forged'").Scan(&forged)
	if forged != 0 {
		t.Error("the forged message was stored")
	}

	// The secret is rotated: 360dialog gets the new one at once, so the
	// customer's next message arrives, and the old one is refused.
	run(t, agent, "make a new webhook secret",
		chromedp.Navigate(s.URL+"/channels/"+channelID),
		chromedp.WaitVisible(byTestID("rotate-verify-token"), chromedp.ByQuery),
		chromedp.Evaluate(`window.confirm = () => true`, nil),
		chromedp.Click(byTestID("rotate-verify-token"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("flash-success")); !strings.Contains(got, "New webhook secret made") {
		t.Fatalf("after rotating the page says %q", got)
	}
	if fresh := strings.TrimSpace(textOf(t, agent, byTestID("verify-token"))); fresh == secret || len(fresh) < 22 {
		t.Fatalf("the secret did not change: %q", fresh)
	}
	const again = "E para levar, também?"
	customerWrites(t, phone, again)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var n int
		db.QueryRow("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND text = ?", again).Scan(&n)
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("after the rotation the customer's message did not arrive")
		}
		time.Sleep(100 * time.Millisecond)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/webhooks/"+channelID, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Wadesk-Webhook-Token", secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old secret after rotation: status %d, want 401", res.StatusCode)
	}
}

// TestDialog360TemplateApprovedAndSentOutsideTheWindow: on a 360dialog
// channel a template is created, 360dialog's approval arrives by webhook,
// and once the customer's 24-hour window has closed the agent sends it.
func TestDialog360TemplateApprovedAndSentOutsideTheWindow(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	channelID := d360Connect(t, agent, s)

	phone := newBrowser(t)
	run(t, phone, "open the customer phone on the 360dialog number", chromedp.Navigate(s.SimURL+"/?n="+d360Phone))
	customerWrites(t, phone, "Can I book a table for tonight?")

	tplOpenNew(t, agent, s, channelID)
	const name = "table_ready"
	run(t, agent, "fill in the template",
		chromedp.SendKeys(`input[name="name"]`, name, chromedp.ByQuery),
		chromedp.Click(byTestID("category-UTILITY"), chromedp.ByQuery),
		chromedp.SendKeys(`textarea[name="body"]`, "Hi {{1}}, your table is ready.", chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="body_example_1"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="body_example_1"]`, "Sheena", chromedp.ByQuery),
		chromedp.Click(byTestID("template-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(tplRowStatus(name, "en_US", "PENDING"), chromedp.ByQuery),
	)
	// The WhatsApp side decides; 360dialog passes the status webhook on.
	tplReview(t, s)
	wait, cancel := context.WithTimeout(agent, 45*time.Second)
	defer cancel()
	if err := chromedp.Run(wait, chromedp.WaitVisible(tplRowStatus(name, "en_US", "APPROVED"), chromedp.ByQuery)); err != nil {
		t.Fatalf("the approval did not arrive: %v", err)
	}

	// A day passes: the first free-form reply is refused by WhatsApp
	// (131047) and the conversation offers only templates.
	closeWindowByFreeFormReply(t, s, agent, "360dialog")
	sendTemplateFromPanel(t, agent, phone, name, "", "Hi Sheena Nelson, your table is ready.", false)
}

// TestDialog360WizardExplainsAWebhookURLWithAPort: 360dialog refuses
// webhook URLs with a port (or "_"). A console whose public URL has one
// says so at Finish, with how to fix it, and asks 360dialog for nothing.
func TestDialog360WizardExplainsAWebhookURLWithAPort(t *testing.T) {
	// The WhatsApp side and 360dialog's front, in this process.
	cfg := simulator.DefaultConfig()
	number := d360sim.AddDemoNumber(&cfg)
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	front, err := d360sim.New(d360sim.Config{Sim: sim, SimToken: cfg.AccessToken, Numbers: []d360sim.Number{number}})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(front.Handler())
	t.Cleanup(api.Close)

	// The console's public URL is its listen address, port and all.
	s := startProgram(t, []string{"serve", "--addr", "127.0.0.1:0", "--360dialog-url", api.URL},
		createUser("admin", "admin@example.com", "Ada Admin"))
	ctx := newBrowser(t)
	signIn(t, ctx, s, "admin@example.com", password)
	run(t, ctx, "wizard: 360dialog, key, Test connection, Finish",
		chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/channels/new"),
		chromedp.WaitVisible(byTestID("wizard-step-provider"), chromedp.ByQuery),
		chromedp.Click(`input[name="provider"][value="360dialog"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-next"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-credentials"), chromedp.ByQuery),
		chromedp.SendKeys(`input[name="title"]`, "Café", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="access_token"]`, number.APIKey, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-problem"), chromedp.ByQuery),
	)
	got := textOf(t, ctx, byTestID("wizard-problem"))
	for _, want := range []string{"does not deliver webhooks to an address with a port", "--base-url"} {
		if !strings.Contains(got, want) {
			t.Errorf("the problem %q does not say %q", got, want)
		}
	}
	if u, _, ok := front.Webhook(number.PhoneNumberID); ok {
		t.Errorf("360dialog was asked to deliver to %s", u)
	}
	run(t, ctx, "the channel is not listed", chromedp.Navigate(s.URL+"/channels"), chromedp.WaitReady("body", chromedp.ByQuery))
	if n := countOf(t, ctx, `[data-testid="channels-table"] tbody tr`); n != 0 {
		t.Errorf("%d channels listed after the refused Finish", n)
	}
}
