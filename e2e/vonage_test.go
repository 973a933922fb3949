package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/golang-jwt/jwt/v5"

	vonagesim "github.com/wadesk/wadesk/providers/vonage/simulator"
	"github.com/wadesk/wadesk/store"
)

var vonageDashLine = regexp.MustCompile(`simulated Vonage dashboard: (http://\S+)/_dashboard`)

// vonageConnect connects the demo's Vonage number through the wizard with
// the application ID and its private key, and returns the channel's ID.
func vonageConnect(t *testing.T, ctx context.Context, s *server) string {
	t.Helper()
	key, err := os.ReadFile(filepath.Join(s.Data, "vonage-application.key"))
	if err != nil {
		t.Fatalf("the demo wrote no Vonage application key: %v", err)
	}
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "open the wizard",
		chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/channels"),
		chromedp.WaitVisible(byTestID("channel-add"), chromedp.ByQuery),
		chromedp.Click(byTestID("channel-add"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-provider"), chromedp.ByQuery),
	)
	var available bool
	run(t, ctx, "Vonage can be chosen",
		chromedp.Evaluate(`!document.querySelector('input[name="provider"][value="vonage"]').disabled`, &available))
	if !available {
		t.Fatal("Vonage is not offered in the wizard")
	}
	run(t, ctx, "choose Vonage",
		chromedp.Click(`input[name="provider"][value="vonage"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-next"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-credentials"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("wizard-fetch")); got != "Test connection" {
		t.Errorf("the credentials button says %q, want Test connection", got)
	}
	// A private key pasted into the one-line field loses its line breaks;
	// typed here without them (a typed newline would submit the form).
	oneLine := strings.ReplaceAll(strings.TrimSpace(string(key)), "\n", "")
	run(t, ctx, "credentials with the wrong application ID",
		chromedp.SendKeys(`input[name="title"]`, "Thames Bikes WhatsApp", chromedp.ByQuery),
		chromedp.SetValue(`input[name="access_token"]`, oneLine, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="app_secret"]`, vonagesim.DemoSignatureSecret, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="whatsapp_number"]`, "+44 7700 900301", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="waba_id"]`, vonagesim.DemoWABAID, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="app_id"]`, "bbbbbbbb-bbbb-4ccc-8ddd-0123456789ab", chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(`[aria-invalid="true"][name="access_token"]`, chromedp.ByQuery),
	)
	if got := textOf(t, ctx, `#main`); !strings.Contains(got, "Vonage refused the credentials") {
		t.Errorf("refused credentials are not explained: %q", got)
	}
	run(t, ctx, "the right application ID",
		chromedp.SetValue(`input[name="app_id"]`, vonagesim.DemoApplicationID, chromedp.ByQuery),
		chromedp.SetValue(`input[name="access_token"]`, oneLine, chromedp.ByQuery),
		chromedp.SetValue(`input[name="app_secret"]`, vonagesim.DemoSignatureSecret, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("connection-ok"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("number-"+vonagesim.DemoNumber)); !strings.Contains(got, vonagesim.DemoNumber) {
		t.Errorf("Test connection does not show the number: %q", got)
	}
	run(t, ctx, "finish",
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-id"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("flash-success")); !strings.Contains(got, "Vonage's dashboard") {
		t.Errorf("after Finish the page says %q", got)
	}
	return strings.TrimSpace(textOf(t, ctx, byTestID("channel-id")))
}

func TestVonageChannelEndToEnd(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	channelID := vonageConnect(t, agent, s)

	for _, gone := range []string{"channel-profile", "channel-store"} {
		if n := countOf(t, agent, byTestID(gone)); n != 0 {
			t.Errorf("the Vonage channel page offers %s", gone)
		}
	}
	checkAccessible(t, agent, "Vonage channel page")
	hook := strings.TrimSpace(textOf(t, agent, byTestID("webhook-url")))
	if !strings.Contains(hook, "/webhooks/"+channelID) {
		t.Fatalf("webhook URL shown: %q", hook)
	}

	// The admin pastes the URL into the application's inbound and status
	// URLs in Vonage's dashboard.
	m := vonageDashLine.FindStringSubmatch(s.log.String())
	if m == nil {
		t.Fatal("the demo printed no Vonage dashboard")
	}
	run(t, agent, "paste the webhook URL into Vonage's dashboard",
		chromedp.Navigate(m[1]+"/_dashboard"),
		chromedp.WaitVisible(`#inbound_url`, chromedp.ByQuery),
		chromedp.SendKeys(`#number`, vonagesim.DemoNumber, chromedp.ByQuery),
		chromedp.SendKeys(`#inbound_url`, hook, chromedp.ByQuery),
		chromedp.SendKeys(`#status_url`, hook, chromedp.ByQuery),
		chromedp.Click(`button`, chromedp.ByQuery),
		chromedp.WaitReady(`body`, chromedp.ByQuery),
	)

	phone := newBrowser(t)
	run(t, phone, "open the customer phone on the Vonage number", chromedp.Navigate(s.SimURL+"/?n="+vonagesim.DemoPhoneNumberID))
	const text = "Hi, can you fix a flat tyre today?"
	customerWrites(t, phone, text)
	openFirstConversation(t, agent, s)
	run(t, agent, "the message is in the inbox",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes(`+jsString(text)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
	)
	const reply = "Yes, bring it in before 5pm."
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
		if err := db.QueryRow("SELECT COUNT(*) FROM webhook_events WHERE instr(body, CAST('forged-0000' AS BLOB)) > 0").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	body := `{"channel":"whatsapp","message_uuid":"forged-0000-4000-8000-000000000000","to":"` + vonagesim.DemoNumber + `","from":"15550009999","timestamp":"2026-12-07T10:00:00Z","profile":{"name":"Mallory"},"message_type":"text","text":"forged"}`
	wrong, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iat": time.Now().Unix(), "exp": time.Now().Add(time.Minute).Unix()}).SignedString([]byte("not-the-signature-secret"))
	for name, header := range map[string]string{"missing": "", "forged": "Bearer " + wrong, "basic": "Basic " + "YTpi"} {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/webhooks/"+channelID, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s webhook signature: status %d, want 401", name, res.StatusCode)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if after := count(); after != before {
		t.Errorf("%d webhook events stored from forged requests", after-before)
	}
	var forged int
	db.QueryRow("SELECT COUNT(*) FROM messages WHERE wamid LIKE 'forged-%'").Scan(&forged)
	if forged != 0 {
		t.Error("the forged message was stored")
	}
}

// TestVonageTemplateSentOutsideTheWindow: the channel's templates come
// from Vonage's template API at Finish; a day after the customer's last
// message Vonage refuses a free-form reply for the closed window, the
// conversation then offers only templates, and an approved template is
// sent through Vonage with its values.
func TestVonageTemplateSentOutsideTheWindow(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	vonageConnect(t, agent, s)
	hook := strings.TrimSpace(textOf(t, agent, byTestID("webhook-url")))
	m := vonageDashLine.FindStringSubmatch(s.log.String())
	if m == nil {
		t.Fatal("the demo printed no Vonage dashboard")
	}
	res, err := http.PostForm(m[1]+"/_dashboard/webhooks", map[string][]string{"number": {vonagesim.DemoNumber}, "inbound_url": {hook}, "status_url": {hook}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	phone := newBrowser(t)
	run(t, phone, "open the customer phone on the Vonage number", chromedp.Navigate(s.SimURL+"/?n="+vonagesim.DemoPhoneNumberID))
	customerWrites(t, phone, "Is my bike ready?")
	closeWindowByFreeFormReply(t, s, agent, "Vonage")
	sendTemplateFromPanel(t, agent, phone, "order_ready", "#1042", "Hi Sheena Nelson, your order #1042 is ready for pickup.", true)
}

// vonageHookSecret is the Vonage test channel's signature secret.
const vonageHookSecret = "webhook-load-vonage-signature-secret-01"

// vonageHooks: Vonage's inbound-message body for the same messages,
// signed with an HS256 JWT whose payload_hash is the body's SHA-256.
var vonageHooks = hookProvider{name: "Vonage", id: "vonage",
	secrets: store.ChannelSecrets{AccessToken: "vonage-api-secret", AppSecret: vonageHookSecret},
	sign: func(h http.Header, body []byte) {
		sum := sha256.Sum256(body)
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iat": time.Now().Unix(),
			"exp": time.Now().Add(5 * time.Minute).Unix(), "payload_hash": hex.EncodeToString(sum[:])}).SignedString([]byte(vonageHookSecret))
		if err != nil {
			panic(err)
		}
		h.Set("Authorization", "Bearer "+tok)
	},
	body: func(m inboundText) []byte {
		sec, _ := strconv.ParseInt(m.timestamp, 10, 64)
		b, err := json.Marshal(map[string]any{"channel": "whatsapp", "message_uuid": m.wamid, "to": hookPhoneNumberID,
			"from": m.from, "timestamp": time.Unix(sec, 0).UTC().Format(time.RFC3339), "profile": map[string]string{"name": m.name},
			"message_type": "text", "text": m.body})
		if err != nil {
			panic(err)
		}
		return b
	}}
