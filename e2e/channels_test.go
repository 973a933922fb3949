package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	_ "github.com/mattn/go-sqlite3"
)

// The demo's simulated Meta world (providers/cloudapi/simulator.DefaultConfig).
const (
	simToken      = "EAAWadeskSimulatorAccessToken0000000000000000000000"
	simAppSecret  = "5ea1c0de5ea1c0de5ea1c0de5ea1c0de"
	simBusinessID = "512300000000001"
	simOwnedWABA  = "104500000000011"
	simUsable     = "110200000000101"
	simPending    = "110200000000102"
	demoAdmin     = "admin@demo.wadesk"
	// demoBaseURL is the demo console's public (webhook) URL: a name
	// without a port, which the simulators resolve to the console.
	demoBaseURL  = "http://wadesk-demo.localhost"
	demoPassword = "demo-password"
)

// fillCredentials walks the wizard to the credentials step and submits them.
func fillCredentials(t *testing.T, ctx context.Context, s *server, token string) {
	t.Helper()
	run(t, ctx, "open the wizard",
		chromedp.Navigate(s.URL+"/channels"),
		chromedp.WaitVisible(byTestID("channel-add"), chromedp.ByQuery),
		chromedp.Click(byTestID("channel-add"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-provider"), chromedp.ByQuery),
	)
	// Every provider the users name can be chosen: none is left as
	// "Not available yet".
	var choosable []string
	var unavailable int
	run(t, ctx, "list the providers",
		chromedp.Evaluate(`Array.from(document.querySelectorAll('input[name="provider"]:not(:disabled)')).map(i => i.value).sort()`, &choosable),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="provider-unavailable"]').length`, &unavailable))
	if want := "360dialog cloud_compatible maytapi messagebird meta_cloud twilio vonage"; strings.Join(choosable, " ") != want || unavailable != 0 {
		t.Errorf("providers to choose = %v (%d unavailable), want %s", choosable, unavailable, want)
	}
	run(t, ctx, "choose Meta Cloud API",
		chromedp.Click(`input[name="provider"][value="meta_cloud"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-next"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-credentials"), chromedp.ByQuery),
		chromedp.SendKeys(`input[name="title"]`, "Bakery WhatsApp", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="access_token"]`, token, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="business_id"]`, simBusinessID, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="app_secret"]`, simAppSecret, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
	)
}

func TestChannelWizardConnectsANumber(t *testing.T) {
	s := startDemo(t)
	if s.SimURL == "" {
		t.Fatal("the demo did not print the simulator's address")
	}
	ctx := newBrowser(t)
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery))
	fillCredentials(t, ctx, s, simToken)
	run(t, ctx, "numbers listed", chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery))

	var pendingDisabled, clientShown bool
	run(t, ctx, "inspect numbers",
		chromedp.Evaluate(`document.querySelector('input[value="`+simPending+`"]').disabled`, &pendingDisabled),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid^="waba-"]').length > 1`, &clientShown),
	)
	if !pendingDisabled {
		t.Error("a number that is not verified can be picked")
	}
	if !clientShown {
		t.Error("client (shared) WhatsApp Business Accounts are not listed")
	}
	if note := textOf(t, ctx, byTestID("number-"+simPending)); !strings.Contains(note, "not") {
		t.Errorf("unusable number shows no reason: %q", note)
	}

	// A reload keeps the wizard where it was.
	run(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery))

	run(t, ctx, "pick and finish",
		chromedp.Click(`input[value="`+simUsable+`"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("webhook-url"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("flash-success")); !strings.Contains(got, "Connection successfully established") {
		t.Fatalf("after Finish the page says %q", got)
	}
	hook := textOf(t, ctx, byTestID("webhook-url"))
	verify := textOf(t, ctx, byTestID("verify-token"))
	if !strings.HasPrefix(hook, demoBaseURL+"/webhooks/") || len(verify) < 22 {
		t.Errorf("webhook URL %q, verify token %q", hook, verify)
	}

	// The simulator holds the callback and verified it with the handshake.
	var cbs struct {
		Data []struct {
			WABAID      string `json:"waba_id"`
			CallbackURL string `json:"callback_url"`
			VerifyToken string `json:"verify_token"`
			Verified    bool   `json:"verified"`
		} `json:"data"`
	}
	getJSON(t, s.SimURL+"/_sim/callbacks", &cbs)
	found := false
	for _, cb := range cbs.Data {
		if cb.WABAID == simOwnedWABA {
			found = true
			if cb.CallbackURL != hook || !cb.Verified || cb.VerifyToken != verify {
				t.Errorf("simulator callback = %+v; want %s verified with the shown token", cb, hook)
			}
		}
	}
	if !found {
		t.Fatalf("the simulator has no callback for WABA %s: %+v", simOwnedWABA, cbs.Data)
	}

	// The channel is listed, connected and default.
	run(t, ctx, "channel list", chromedp.Navigate(s.URL+"/channels"), chromedp.WaitVisible(byTestID("channels-table"), chromedp.ByQuery))
	row := textOf(t, ctx, byTestID("channels-table"))
	for _, want := range []string{"Bakery WhatsApp", "Connected", "Default", "High quality"} {
		if !strings.Contains(row, want) {
			t.Errorf("channel list lacks %q: %q", want, row)
		}
	}

	// Secrets are not in plaintext anywhere in the database files.
	var raw []byte
	for _, f := range []string{"wadesk.db", "wadesk.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(s.Data, f))
		raw = append(raw, b...)
	}
	if len(raw) == 0 {
		t.Fatal("database files not found")
	}
	for _, secret := range []string{simToken, simAppSecret, verify} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("secret %.12s… is stored in plaintext", secret)
		}
	}
}

func TestChannelWizardWrongTokenKeepsTheForm(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery))
	fillCredentials(t, ctx, s, "EAAwrongwrongwrongwrongwrongwrongwrong")
	run(t, ctx, "error shown", chromedp.WaitVisible(byTestID("error-access_token"), chromedp.ByQuery))
	msg := textOf(t, ctx, byTestID("error-access_token"))
	if !strings.Contains(msg, "rejected or has expired") || !strings.Contains(msg, "190") {
		t.Errorf("token error = %q; want plain words with code 190", msg)
	}
	var title, business, token string
	run(t, ctx, "read fields",
		chromedp.Value(`input[name="title"]`, &title, chromedp.ByQuery),
		chromedp.Value(`input[name="business_id"]`, &business, chromedp.ByQuery),
		chromedp.Value(`input[name="access_token"]`, &token, chromedp.ByQuery),
	)
	if title != "Bakery WhatsApp" || business != simBusinessID {
		t.Errorf("fields after the error: title %q business %q; want them kept", title, business)
	}
	if token != "" {
		t.Error("the token was echoed back into the page")
	}
	// Correcting only the token is enough: the app secret was kept.
	run(t, ctx, "retry with the right token",
		chromedp.SendKeys(`input[name="access_token"]`, simToken, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
	)
	// Abandoning leaves no channel behind.
	run(t, ctx, "cancel",
		chromedp.Evaluate(`window.confirm = () => true`, nil),
		chromedp.Click(byTestID("wizard-cancel"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channels-empty"), chromedp.ByQuery),
	)
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// TestCustomerMessageReachesWadesk: a message typed on the simulator's
// customer phone is delivered to the channel's webhook, signed like Meta;
// wadesk verifies the signature, journals and processes it.
func TestCustomerMessageReachesWadesk(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery))
	fillCredentials(t, ctx, s, simToken)
	run(t, ctx, "connect",
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
		chromedp.Click(`input[value="`+simUsable+`"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("webhook-url"), chromedp.ByQuery),
	)
	const text = "Olá! Do you have sourdough today? 🥖"
	run(t, ctx, "customer writes",
		chromedp.Navigate(s.SimURL+"/"),
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("composer-input"), text, chromedp.ByQuery),
		chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
	)
	db := openDBReadOnly(t, s.Data)
	deadline := time.Now().Add(20 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		if err := db.QueryRow("SELECT text FROM messages WHERE direction = 'in' ORDER BY id DESC LIMIT 1").Scan(&got); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got != text {
		t.Fatalf("latest inbound message = %q, want %q", got, text)
	}
	var dead int
	db.QueryRow("SELECT COUNT(*) FROM webhook_events WHERE state = 'dead'").Scan(&dead)
	if dead != 0 {
		t.Errorf("%d dead letters", dead)
	}
	run(t, ctx, "channel page shows the webhook",
		chromedp.Navigate(s.URL+"/channels/1"),
		chromedp.WaitVisible(byTestID("last-webhook"), chromedp.ByQuery),
	)
	if lw := textOf(t, ctx, byTestID("last-webhook")); lw == "never" {
		t.Error("the channel page says no webhook was received")
	}
}

// openDBReadOnly opens a running wadesk's database for checks, read-only.
func openDBReadOnly(t *testing.T, dataDir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dataDir, "wadesk.db")+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
