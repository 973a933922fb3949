package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// demoAgentUser is the demo's agent.
const demoAgentUser = "agent@demo.wadesk"

// contactsChecks runs axe-core and the sideways-scroll check on the
// current page at a laptop's and a phone's width, and goes back to the
// laptop.
func contactsChecks(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	for _, v := range []viewport{phoneWidth, desktopWidth} {
		run(t, ctx, page+" at "+v.name, v.at(), chromedp.Sleep(100*time.Millisecond))
		checkAccessible(t, ctx, page+" at "+v.name)
		checkNoSideScroll(t, ctx, page+" at "+v.name)
	}
}

// An admin imports a list (the dry run shows the invalid and the repeated
// row first), labels a contact and stops marketing to them; an agent
// starts a conversation with a number that never wrote, with a template,
// and sees it delivered; the customer sends STOP and is answered once.
func TestContactsImportLabelsStartAndStop(t *testing.T) {
	s := startDemo(t)
	admin := newBrowser(t)
	run(t, admin, "desktop", desktopWidth.at())
	inboxConnect(t, admin, s)

	// Import.
	csvPath := filepath.Join(t.TempDir(), "customers.csv")
	if err := os.WriteFile(csvPath, []byte("Name,Phone,City\n"+
		"Nuno Costa,+351 912 345 678,Porto\n"+
		"Typo,12345,Faro\n"+
		"Nuno twice,00351912345678,Braga\n"+
		"Vera Novak,+44 7911 123456,London\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, admin, "open the contacts",
		chromedp.Click(byTestID("nav-contacts"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("contacts-import"), chromedp.ByQuery),
		chromedp.Click(byTestID("contacts-import"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("import-file"), chromedp.ByQuery),
	)
	contactsChecks(t, admin, "/contacts/import")
	run(t, admin, "upload the file",
		chromedp.SetUploadFiles(byTestID("import-file"), []string{csvPath}, chromedp.ByQuery),
		chromedp.Click(byTestID("import-upload"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("import-check"), chromedp.ByQuery),
		chromedp.Click(byTestID("import-check"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("import-report"), chromedp.ByQuery),
	)
	invalid, dups := textOf(t, admin, byTestID("import-invalid")), textOf(t, admin, byTestID("import-duplicates"))
	if !strings.Contains(invalid, "Line 3") || !strings.Contains(invalid, "12345") {
		t.Errorf("the dry run's invalid rows = %q, want line 3 (12345)", invalid)
	}
	if !strings.Contains(dups, "Line 4") || !strings.Contains(dups, "line 2") {
		t.Errorf("the dry run's repeated rows = %q, want line 4, same as line 2", dups)
	}
	contactsChecks(t, admin, "the import's dry run")
	run(t, admin, "import",
		chromedp.Click(byTestID("import-run"), chromedp.ByQuery),
		// The list after the import carries its flash; waiting for the
		// table alone could catch the page being left.
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("contacts-table"), chromedp.ByQuery),
	)
	if got := textOf(t, admin, byTestID("flash-success")); !strings.Contains(got, "2 new contacts") {
		t.Errorf("after the import: %q", got)
	}

	// A contact page with a label and an opt-out.
	run(t, admin, "search and open Nuno",
		chromedp.SendKeys(byTestID("contacts-q"), "Nuno", chromedp.ByQuery),
		chromedp.Click(byTestID("contacts-apply"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("contact-link"), chromedp.ByQuery),
		chromedp.Click(byTestID("contact-link"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("contact-details"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("label-new-name"), "VIP", chromedp.ByQuery),
		chromedp.SetValue(byTestID("label-new-colour"), "green", chromedp.ByQuery),
		chromedp.Click(byTestID("label-create"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("label-chip"), chromedp.ByQuery),
		chromedp.Click(byTestID("contact-opt-out-button"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("contact-opt-back-in"), chromedp.ByQuery),
	)
	if got := textOf(t, admin, byTestID("contact-attributes")); !strings.Contains(got, "city") || !strings.Contains(got, "Porto") {
		t.Errorf("attributes = %q", got)
	}
	if got := textOf(t, admin, byTestID("contact-opt-out")); !strings.Contains(got, "Opted out") || !strings.Contains(got, "recorded by an agent") {
		t.Errorf("opt-out = %q", got)
	}
	contactsChecks(t, admin, "a contact page")

	// The agent starts a conversation with a number that never wrote.
	agent := newBrowser(t)
	signIn(t, agent, s, demoAgentUser, demoPassword)
	run(t, agent, "start a conversation",
		chromedp.WaitVisible(byTestID("nav-contacts"), chromedp.ByQuery),
		chromedp.Click(byTestID("nav-contacts"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("contact-new"), chromedp.ByQuery),
		chromedp.Click(byTestID("contact-new"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("contact-new-phone"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("contact-new-phone"), "12", chromedp.ByQuery),
		chromedp.Click(byTestID("contact-new-continue"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-phone"), chromedp.ByQuery),
	)
	contactsChecks(t, agent, "the new-conversation form with an error")
	run(t, agent, "a number with its country code",
		chromedp.Clear(byTestID("contact-new-phone"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("contact-new-phone"), "+55 11 98765-4321", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("contact-new-name"), "João", chromedp.ByQuery),
		chromedp.Click(byTestID("contact-new-continue"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("start-template"), chromedp.ByQuery),
	)
	var orderReady string
	run(t, agent, "find order_ready", chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid="start-template"] option')).find(o => o.textContent.startsWith("order_ready")).value`, &orderReady))
	run(t, agent, "choose order_ready",
		chromedp.SetValue(byTestID("start-template"), orderReady, chromedp.ByQuery),
		chromedp.Click(byTestID("start-next"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("start-field-body_1"), chromedp.ByQuery),
	)
	contactsChecks(t, agent, "the start form")
	var fields []string
	run(t, agent, "the template's fields", chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid^="start-field-"]')).map(e => e.dataset.testid)`, &fields))
	for i, f := range fields {
		run(t, agent, "fill "+f, chromedp.SendKeys(byTestID(f), []string{"João", "#3001", "x"}[min(i, 2)], chromedp.ByQuery))
	}
	run(t, agent, "send",
		chromedp.Click(byTestID("start-send"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)
	if loc := location(t, agent); !regexp.MustCompile(`/inbox/\d+$`).MatchString(loc) {
		t.Fatalf("after sending the agent is at %s, want the conversation", loc)
	}
	run(t, agent, "the simulator delivers it",
		chromedp.Poll(`["delivered", "read"].includes((document.querySelector('[data-testid="message"][data-direction="out"] [data-testid="ticks"]') || {}).dataset?.status)`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
	)

	// The customer sends STOP: opted out, answered once.
	phone := newBrowser(t)
	run(t, phone, "open João's phone", chromedp.Navigate(s.SimURL+"/?c=5511987654321"),
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes("#3001"))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)))
	const confirmation = "You will not get marketing messages from us any more"
	countConfirmations := `Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).filter(m => m.textContent.includes(` + jsString(confirmation) + `)).length`
	customerWrites(t, phone, "Stop")
	run(t, phone, "the customer is told once",
		chromedp.Poll(countConfirmations+` === 1`, nil, chromedp.WithPollingTimeout(30*time.Second)))
	customerWrites(t, phone, "STOP")
	run(t, agent, "the agent sees both STOPs",
		chromedp.Poll(`document.querySelectorAll('[data-testid="message"][data-direction="in"]').length >= 2`, nil, chromedp.WithPollingTimeout(30*time.Second)))
	var outCount int
	run(t, agent, "reload the conversation", chromedp.Reload(), chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"]')).filter(m => m.textContent.includes(`+jsString(confirmation)+`)).length`, &outCount))
	if outCount != 1 {
		t.Errorf("%d confirmations in the conversation after two STOPs, want 1", outCount)
	}
	run(t, admin, "João is opted out",
		chromedp.Navigate(s.URL+"/contacts?consent=opted_out&q=98765"),
		chromedp.WaitVisible(byTestID("contact-link"), chromedp.ByQuery),
		chromedp.Click(byTestID("contact-link"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("contact-opt-out"), chromedp.ByQuery),
	)
	if got := textOf(t, admin, byTestID("contact-opt-out")); !strings.Contains(got, "they sent “Stop”") && !strings.Contains(got, "they sent “STOP”") {
		t.Errorf("João's opt-out = %q, want the keyword", got)
	}
}

// An admin creates an API key in Settings (shown once), a system sends a
// template with it twice under one Idempotency-Key (one message reaches
// the customer), and after the key is revoked it is refused.
func TestAPIKeyFromSettingsSendsThroughTheAPI(t *testing.T) {
	s := startDemo(t)
	admin := newBrowser(t)
	run(t, admin, "desktop", desktopWidth.at())
	inboxConnect(t, admin, s)
	run(t, admin, "create a key",
		chromedp.Navigate(s.URL+"/settings/api-keys"),
		chromedp.WaitVisible(byTestID("api-key-name"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("api-key-name"), "Shop backend", chromedp.ByQuery),
		chromedp.Click(byTestID("api-key-read"), chromedp.ByQuery),
		chromedp.Click(byTestID("api-key-create"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("api-key-value"), chromedp.ByQuery),
	)
	contactsChecks(t, admin, "the new API key")
	key := textOf(t, admin, byTestID("api-key-value"))
	call := func(method, path, body, idem string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		if idem != "" {
			req.Header.Set("Idempotency-Key", idem)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s %s set a cookie", method, path)
		}
		return res.StatusCode, string(b)
	}
	body := `{"to": "+55 11 98765-4321", "template": {"name": "order_ready", "language": "en_US", "variables": ["João", "#4001"]}}`
	st1, b1 := call("POST", "/api/v1/messages", body, "order-4001")
	st2, b2 := call("POST", "/api/v1/messages", body, "order-4001")
	if st1 != http.StatusAccepted || st2 != st1 || b1 != b2 {
		t.Fatalf("sends: %d %s / %d %s", st1, b1, st2, b2)
	}
	var m struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal([]byte(b1), &m)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, b := call("GET", fmt.Sprintf("/api/v1/messages/%d", m.ID), "", "")
		if st == http.StatusOK && (strings.Contains(b, `"status":"delivered"`) || strings.Contains(b, `"status":"read"`)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the message was not delivered: %d %s", st, b)
		}
		time.Sleep(200 * time.Millisecond)
	}
	n := 0
	for _, sent := range simSent(t, s) {
		if strings.Contains(sent.Body, "#4001") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the simulator got the template %d times, want once", n)
	}
	run(t, admin, "revoke the key",
		chromedp.Navigate(s.URL+"/settings/api-keys"),
		chromedp.WaitVisible(byTestID("api-key-revoke"), chromedp.ByQuery),
		chromedp.Click(byTestID("api-key-revoke"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("api-key-revoked"), chromedp.ByQuery),
	)
	if st, b := call("GET", "/api/v1/contacts", "", ""); st != http.StatusUnauthorized || !strings.Contains(b, `"code":"unauthorized"`) {
		t.Fatalf("revoked key: %d %s", st, b)
	}
}
