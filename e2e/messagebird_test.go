package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/golang-jwt/jwt/v5"

	mbsim "github.com/wadesk/wadesk/providers/messagebird/simulator"
	"github.com/wadesk/wadesk/store"
)

// mbConnect connects the demo's MessageBird channel through the wizard:
// access key, channel ID, signing key and number, Test connection (which
// shows the channel), Finish (which subscribes the channel's webhook). It
// returns the wadesk channel's ID.
func mbConnect(t *testing.T, ctx context.Context, s *server) string {
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
	run(t, ctx, "MessageBird can be chosen",
		chromedp.Evaluate(`!document.querySelector('input[name="provider"][value="messagebird"]').disabled`, &available))
	if !available {
		t.Fatal("MessageBird is not offered in the wizard")
	}
	run(t, ctx, "choose MessageBird",
		chromedp.Click(`input[name="provider"][value="messagebird"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-next"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-credentials"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("wizard-fetch")); got != "Test connection" {
		t.Errorf("the credentials button says %q, want Test connection", got)
	}
	// A wrong access key is refused by MessageBird and said so on the field;
	// what was typed stays.
	run(t, ctx, "a wrong access key",
		chromedp.SendKeys(`input[name="title"]`, "Tulip Bikes WhatsApp", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="access_token"]`, "live_notTheRightKey123", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="channel_id"]`, mbsim.DemoChannelID, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="app_secret"]`, mbsim.DemoSigningKey, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="number"]`, mbsim.DemoNumber, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="template_namespace"]`, mbsim.DemoNamespace, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(`[aria-invalid="true"][name="access_token"]`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, `#main`); !strings.Contains(got, "MessageBird refused the access key") {
		t.Errorf("a refused key is not explained: %q", got)
	}
	var channel string
	run(t, ctx, "the channel ID is kept", chromedp.Value(`input[name="channel_id"]`, &channel, chromedp.ByQuery))
	if channel != mbsim.DemoChannelID {
		t.Errorf("channel ID after the refusal = %q", channel)
	}
	run(t, ctx, "the right key",
		chromedp.SendKeys(`input[name="access_token"]`, mbsim.DemoAccessKey, chromedp.ByQuery),
	)
	// Secret fields keep what was entered only when left empty; type the
	// signing key again if the form cleared it.
	var signing string
	run(t, ctx, "signing key", chromedp.Value(`input[name="app_secret"]`, &signing, chromedp.ByQuery))
	if signing == "" {
		run(t, ctx, "type the signing key again", chromedp.SendKeys(`input[name="app_secret"]`, mbsim.DemoSigningKey, chromedp.ByQuery))
	}
	run(t, ctx, "Test connection",
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("connection-ok"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("number-"+mbsim.DemoChannelID)); !strings.Contains(got, "31205550401") && !strings.Contains(got, mbsim.DemoChannelID) {
		t.Errorf("Test connection does not show the channel: %q", got)
	}
	run(t, ctx, "finish",
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-id"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("flash-success")); !strings.Contains(got, "Connection successfully established") || !strings.Contains(got, "MessageBird") {
		t.Errorf("after Finish the page says %q", got)
	}
	return strings.TrimSpace(textOf(t, ctx, byTestID("channel-id")))
}

// mbSign makes a MessageBird-Signature-JWT the way MessageBird does, for
// forging tests.
func mbSign(t *testing.T, key, url string, body []byte) string {
	t.Helper()
	uh, ph := sha256.Sum256([]byte(url)), sha256.Sum256(body)
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "MessageBird", "nbf": now.Unix(),
		"exp": now.Add(time.Minute).Unix(), "jti": "forged", "url_hash": hex.EncodeToString(uh[:]),
		"payload_hash": hex.EncodeToString(ph[:])}).SignedString([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestMessageBirdChannelEndToEnd(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	channelID := mbConnect(t, agent, s)

	// What the Conversations API cannot do is not offered.
	for _, gone := range []string{"channel-profile", "channel-store", "channel-app-id"} {
		if n := countOf(t, agent, byTestID(gone)); n != 0 {
			t.Errorf("the MessageBird channel page offers %s", gone)
		}
	}
	hook := strings.TrimSpace(textOf(t, agent, byTestID("webhook-url")))

	// The customer writes to the MessageBird number from the phone page.
	phone := newBrowser(t)
	run(t, phone, "open the customer phone on the MessageBird number", chromedp.Navigate(s.SimURL+"/?n="+mbsim.DemoPhoneNumberID))
	const text = "Goedemorgen! Is mijn fiets al klaar?"
	customerWrites(t, phone, text)
	openFirstConversation(t, agent, s)
	run(t, agent, "the message is in the inbox",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes(`+jsString(text)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
	)
	// The Conversations API takes no uploaded files and no buttons or
	// lists: the composer does not offer them; templates stay.
	for _, gone := range []string{"composer-attach", "composer-interactive"} {
		if n := countOf(t, agent, byTestID(gone)); n != 0 {
			t.Errorf("the composer of a MessageBird conversation offers %s", gone)
		}
	}
	if n := countOf(t, agent, byTestID("composer-template")); n != 1 {
		t.Error("the composer of a MessageBird conversation does not offer templates")
	}
	const reply = "Ja, u kunt hem vanmiddag ophalen."
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

	// Forged or missing signatures: 401, nothing stored.
	db := openDBReadOnly(t, s.Data)
	count := func() int {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM webhook_events WHERE instr(body, CAST('mb-forged' AS BLOB)) > 0").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	body := []byte(`{"type":"message.created","contact":{"msisdn":15550009999,"displayName":"Mallory"},"message":{"id":"mb-forged","channelId":"` +
		mbsim.DemoChannelID + `","platform":"whatsapp","from":"+15550009999","to":"+31205550401","direction":"received","status":"received","type":"text","content":{"text":"forged"},"createdDatetime":"2026-12-07T10:00:00Z"}}`)
	for name, token := range map[string]string{
		"missing":                 "",
		"signed with another key": mbSign(t, "not-the-signing-key", hook, body),
		"signed for another URL":  mbSign(t, mbsim.DemoSigningKey, hook+"?x=1", body),
		"not a JWT":               "forged.token.value",
		"signed for another body": mbSign(t, mbsim.DemoSigningKey, hook, []byte(`{}`)),
	} {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/webhooks/"+channelID, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("MessageBird-Signature-JWT", token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, res.StatusCode)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if after := count(); after != before {
		t.Errorf("%d webhook events stored from forged requests", after-before)
	}
	var forged int
	db.QueryRow("SELECT COUNT(*) FROM messages WHERE wamid = 'mb-forged'").Scan(&forged)
	if forged != 0 {
		t.Error("the forged message was stored")
	}
}

// TestMessageBirdClosedWindowTurnsComposerToTemplates: a day after the
// customer last wrote, WhatsApp refuses a free-form reply sent through
// MessageBird, and the conversation then offers only templates.
// TestMessageBirdTemplateSentOutsideTheWindow: MessageBird's API cannot
// list templates, so the admin declares the approved one on the channel's
// templates page (which says why); a day after the customer's last message
// MessageBird refuses a free-form reply, the conversation offers only
// templates, and the agent picks the declared one with an empty reply
// box, fills its values, sends it as an HSM and sees it delivered.
func TestMessageBirdTemplateSentOutsideTheWindow(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	channelID := mbConnect(t, agent, s)

	tplOpenNew(t, agent, s, channelID)
	if got := textOf(t, agent, byTestID("template-declare-help")); !strings.Contains(got, "MessageBird") {
		t.Errorf("the declare form does not say what it is for: %q", got)
	}
	run(t, agent, "declare the template approved in MessageBird",
		chromedp.SendKeys(`input[name="name"]`, "order_ready", chromedp.ByQuery),
		chromedp.Click(byTestID("category-UTILITY"), chromedp.ByQuery),
		chromedp.SendKeys(`textarea[name="body"]`, "Hi {{1}}, your order {{2}} is ready for pickup.", chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="body_example_2"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="body_example_1"]`, "Sheena", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="body_example_2"]`, "#1042", chromedp.ByQuery),
	)
	checkAccessible(t, agent, "MessageBird declare-a-template form")
	run(t, agent, "declare",
		chromedp.Click(byTestID("template-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
		chromedp.WaitVisible(tplRowStatus("order_ready", "en_US", "APPROVED"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("templates-declared")); !strings.Contains(got, "cannot list WhatsApp templates") {
		t.Errorf("the templates page does not explain declared templates: %q", got)
	}
	if n := countOf(t, agent, byTestID("templates-sync")); n != 0 {
		t.Error("the MessageBird templates page offers a sync MessageBird cannot do")
	}
	checkAccessible(t, agent, "MessageBird templates page")
	checkNoSideScroll(t, agent, "MessageBird templates page")

	phone := newBrowser(t)
	run(t, phone, "open the customer phone on the MessageBird number", chromedp.Navigate(s.SimURL+"/?n="+mbsim.DemoPhoneNumberID))
	customerWrites(t, phone, "Can you fix a flat tyre tomorrow?")
	closeWindowByFreeFormReply(t, s, agent, "MessageBird")
	run(t, phone, "the customer did not get the refused reply",
		chromedp.Sleep(500*time.Millisecond))
	var got bool
	run(t, phone, "look", chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid="message"]')).some(m => m.textContent.includes("Still there?"))`, &got))
	if got {
		t.Error("the customer received a free-form message outside the window")
	}
	sendTemplateFromPanel(t, agent, phone, "order_ready", "#1042", "Hi Sheena Nelson, your order #1042 is ready for pickup.", true)
}

// hookMBSigningKey is the MessageBird test channel's signing key.
const hookMBSigningKey = "mb-webhook-load-signing-key-0123456789"

// messagebirdHooks: MessageBird's message.created body, authenticated by a
// MessageBird-Signature-JWT over the URL posted to and the body.
var messagebirdHooks = hookProvider{name: "MessageBird", id: "messagebird",
	secrets: store.ChannelSecrets{AccessToken: "live_mbwebhookloadkey", AppSecret: hookMBSigningKey},
	signURL: func(h http.Header, url string, body []byte) {
		uh, ph := sha256.Sum256([]byte(url)), sha256.Sum256(body)
		now := time.Now()
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": "MessageBird", "nbf": now.Unix(),
			"exp": now.Add(time.Minute).Unix(), "url_hash": hex.EncodeToString(uh[:]),
			"payload_hash": hex.EncodeToString(ph[:])}).SignedString([]byte(hookMBSigningKey))
		if err != nil {
			panic(err)
		}
		h.Set("MessageBird-Signature-JWT", tok)
	},
	body: func(m inboundText) []byte {
		sec, _ := strconv.ParseInt(m.timestamp, 10, 64)
		at := time.Unix(sec, 0).UTC().Format(time.RFC3339)
		b, err := json.Marshal(map[string]any{
			"type":    "message.created",
			"contact": map[string]any{"msisdn": json.Number(m.from), "displayName": m.name},
			"message": map[string]any{"id": m.wamid, "channelId": hookPhoneNumberID, "platform": "whatsapp",
				"from": "+" + m.from, "to": "+" + hookDisplayPhone, "direction": "received", "status": "received",
				"type": "text", "content": map[string]any{"text": m.body}, "createdDatetime": at, "updatedDatetime": at},
		})
		if err != nil {
			panic(err)
		}
		return b
	},
}
