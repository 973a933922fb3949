package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// composeStart runs the demo, connects its number, has the customer write
// from the simulator's phone and opens the conversation in the agent's
// browser. It returns the agent's and the phone's browser.
func composeStart(t *testing.T, firstMessage string) (*server, context.Context, context.Context) {
	t.Helper()
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, firstMessage)
	openFirstConversation(t, agent, s)
	run(t, agent, "the window is open",
		chromedp.WaitVisible(`[data-testid="message"][data-direction="in"]`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("window-countdown"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
	)
	return s, agent, phone
}

// simAdvance moves the simulator's clock forward.
func simAdvance(t *testing.T, s *server, d string) {
	t.Helper()
	res, err := http.Post(s.SimURL+"/_sim/clock/advance", "application/json", strings.NewReader(`{"duration":"`+d+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("advance the simulator's clock: %s", res.Status)
	}
}

// simSent lists what the simulator accepted from the business number.
func simSent(t *testing.T, s *server) []struct {
	Type   string `json:"type"`
	Status string `json:"status"`
	Body   string `json:"body"`
} {
	t.Helper()
	res, err := http.Get(s.SimURL + "/_sim/messages?phone_number_id=" + simUsable)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Data []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Body   string `json:"body"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Data
}

// forgedResult is the answer to a request the test made from the page.
type forgedResult struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// pageFetch posts from the agent's page with its cookies (same origin, as
// a hand-made request from the browser's console would be) and returns the
// answer. body is a JavaScript expression for fetch's body.
func pageFetch(t *testing.T, ctx context.Context, path, body string) forgedResult {
	t.Helper()
	var raw string
	run(t, ctx, "post "+path,
		chromedp.Evaluate(fmt.Sprintf(`window.__forged = null;
			fetch(%s, {method: "POST", body: %s}).then(async r => { window.__forged = {status: r.status, body: await r.text()}; });
			true`, jsString(path), body), nil),
		chromedp.Poll(`window.__forged && JSON.stringify(window.__forged)`, &raw, chromedp.WithPollingTimeout(20*time.Second)),
	)
	var res forgedResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatalf("answer to %s: %v (%q)", path, err, raw)
	}
	return res
}

func countOf(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	var n int
	run(t, ctx, "count "+sel, chromedp.Evaluate(`document.querySelectorAll(`+jsString(sel)+`).length`, &n))
	return n
}

func TestInboxClosedWindowOffersOnlyTemplates(t *testing.T) {
	s, agent, phone := composeStart(t, "Hi, is my order ready?")
	convURL := location(t, agent)

	// A day passes at WhatsApp: the simulator's clock moves 25 hours on.
	// wadesk's own clock still says the window is open, so the agent may
	// try a free-form reply; WhatsApp accepts the request and then fails
	// the message with 131047, which closes the window in wadesk too.
	simAdvance(t, s, "25h")
	run(t, agent, "agent replies with Enter",
		chromedp.SendKeys(byTestID("composer-input"), "Are you still there?"+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)
	waitComposerClosed(t, agent, convURL, "WhatsApp")
	if got := textOf(t, agent, byTestID("composer-closed")); !strings.Contains(got, "WhatsApp says the 24-hour window with this customer has closed") {
		t.Errorf("closed composer says %q", got)
	}
	run(t, agent, "only the template button is offered",
		chromedp.WaitVisible(byTestID("composer-template-open"), chromedp.ByQuery))
	for _, gone := range []string{"composer-interactive-open", "composer-attach-open", "window-countdown"} {
		if n := countOf(t, agent, byTestID(gone)); n != 0 {
			t.Errorf("%s is still offered with the window closed", gone)
		}
	}
	if got := textOf(t, agent, byTestID("composer-template-open")); got != "Send message template" {
		t.Errorf("template button = %q", got)
	}

	// Forged free-form sends from the page are refused by the server.
	before := len(simSent(t, s))
	outBefore := countOf(t, agent, `[data-testid="message"][data-direction="out"]`)
	convPath := strings.TrimPrefix(convURL, s.URL)
	for _, f := range []struct{ path, body string }{
		{convPath + "/messages", `new URLSearchParams({text: "forged free-form reply"})`},
		{convPath + "/messages/interactive", `new URLSearchParams({body: "Pick one", "options[0].title": "Yes", "options[1].title": "No"})`},
		{convPath + "/messages/media", `(() => { const f = new FormData(); f.append("file", new Blob([new Uint8Array([0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a,0,0,0,13])], {type: "image/png"}), "x.png"); return f; })()`},
	} {
		res := pageFetch(t, agent, f.path, f.body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "WhatsApp says the 24-hour window with this customer has closed") {
			t.Errorf("forged POST %s: status %d; the answer does not say the window is closed", f.path, res.Status)
		}
	}
	run(t, agent, "reload after the forged posts", chromedp.Navigate(convURL), chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery))
	if n := countOf(t, agent, `[data-testid="message"][data-direction="out"]`); n != outBefore {
		t.Errorf("%d outbound messages after the forged posts, want %d: something was queued", n, outBefore)
	}
	if n := len(simSent(t, s)); n != before {
		t.Errorf("the simulator got %d more messages from forged posts", n-before)
	}

	// A template with parameters goes out, {contact_name} filled in.
	run(t, agent, "choose order_ready",
		chromedp.Click(byTestID("composer-template-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-choice-order_ready-en_US"), chromedp.ByQuery),
		chromedp.Click(byTestID("template-choice-order_ready-en_US")+` input`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-value-body_1"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-value-body_2"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("template-fill")+` .badge`); got != "Utility" {
		t.Errorf("category badge = %q", got)
	}
	run(t, agent, "fill in the values",
		chromedp.Click(byTestID("template-value-body_1"), chromedp.ByQuery),
		chromedp.Click(byTestID("insert-{contact_name}"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("template-value-body_2"), "#2044", chromedp.ByQuery),
		chromedp.Poll(`(() => { const p = document.querySelector('#composer-template-preview [data-testid="preview-body"]');
			return !!p && p.textContent.trim() === "Hi Sheena Nelson, your order #2044 is ready for pickup."; })()`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	var typed string
	run(t, agent, "the variable stays a variable in the field", chromedp.Value(byTestID("template-value-body_1"), &typed, chromedp.ByQuery))
	if typed != "{contact_name}" {
		t.Errorf("body_1 = %q, want {contact_name}", typed)
	}
	const filled = "Hi Sheena Nelson, your order #2044 is ready for pickup."
	run(t, agent, "send the template",
		chromedp.Click(byTestID("template-send"), chromedp.ByQuery),
		chromedp.WaitNotPresent(byTestID("template-send"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery),
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"]')).some(m => m.textContent.includes(`+jsString(filled)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	run(t, phone, "the customer gets the template",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"][data-kind="template"]')).some(m => m.textContent.includes(`+jsString(filled)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
}

func TestInboxInteractiveOptionsBecomeAListOrButtons(t *testing.T) {
	_, agent, phone := composeStart(t, "What bread do you have today?")
	openInteractive := func() {
		t.Helper()
		run(t, agent, "open the interactive composer",
			chromedp.WaitVisible(byTestID("composer-interactive-open"), chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('[data-testid="composer-interactive"]').open = true`, nil),
			chromedp.WaitVisible(byTestID("interactive-body"), chromedp.ByQuery),
		)
	}
	fill := func(opts ...string) []chromedp.Action {
		var as []chromedp.Action
		for i, o := range opts {
			as = append(as, chromedp.SendKeys(byTestID(fmt.Sprintf("option-title-%d", i)), o, chromedp.ByQuery))
		}
		return as
	}
	lastBusinessMessage := `Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).pop()`

	// Five options: the form starts with three rows; Add option twice.
	openInteractive()
	run(t, agent, "five options",
		chromedp.SendKeys(byTestID("interactive-body"), "Which bread would you like?", chromedp.ByQuery),
		chromedp.Click(byTestID("interactive-add-option"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("option-title-3"), chromedp.ByQuery),
		chromedp.Click(byTestID("interactive-add-option"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("option-title-4"), chromedp.ByQuery),
	)
	var body string
	run(t, agent, "input kept across Add option", chromedp.Value(byTestID("interactive-body"), &body, chromedp.ByQuery))
	if body != "Which bread would you like?" {
		t.Fatalf("body after Add option = %q", body)
	}
	run(t, agent, "fill and send the list", append(fill("Sourdough", "Rye", "Baguette", "Brioche", "Focaccia"),
		chromedp.SendKeys(byTestID("interactive-button"), "Breads", chromedp.ByQuery),
		chromedp.Click(byTestID("interactive-send"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)...)
	run(t, phone, "the customer gets a list of five",
		chromedp.Poll(`(() => { const m = `+lastBusinessMessage+`; return !!m && m.dataset.kind === "interactive-list" &&
			m.querySelectorAll('[data-testid="list-row"]').length === 5 && m.querySelector('[data-testid="list-open"]').textContent.includes("Breads"); })()`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)

	// Three options: reply buttons.
	openInteractive()
	run(t, agent, "three options", append(fill("Sliced", "Whole", "Half"),
		chromedp.SendKeys(byTestID("interactive-body"), "How should we cut it?", chromedp.ByQuery),
		chromedp.Click(byTestID("interactive-send"), chromedp.ByQuery),
		// The second outbound bubble, on the page the send redirects to.
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"] ~ [data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)...)
	var titles []string
	run(t, phone, "the customer gets three buttons",
		chromedp.Poll(`(() => { const m = `+lastBusinessMessage+`; return !!m && m.dataset.kind === "interactive-button" &&
			m.querySelectorAll('[data-testid="reply-button"]').length === 3; })()`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Evaluate(`Array.from(`+lastBusinessMessage+`.querySelectorAll('[data-testid="reply-button"]')).map(b => b.textContent.trim())`, &titles),
	)
	if strings.Join(titles, ",") != "Sliced,Whole,Half" {
		t.Errorf("buttons = %v", titles)
	}

	// An eleventh option: the form offers no more than ten rows, so the
	// test adds one to the page the way a forged form would; the server
	// refuses it next to the field and keeps everything typed.
	sentBefore := countOf(t, phone, `[data-testid="message"][data-direction="in"]`)
	openInteractive()
	var rows int
	run(t, agent, "eleven options",
		chromedp.SendKeys(byTestID("interactive-body"), "Pick a pastry", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("interactive-button"), "Pastries", chromedp.ByQuery),
		chromedp.Evaluate(`(() => {
			const opts = document.querySelector('[data-testid="interactive-options"]');
			const rows = opts.querySelectorAll('[data-testid="interactive-option"]');
			for (let i = rows.length; i < 11; i++) {
				const row = rows[0].cloneNode(true);
				row.querySelectorAll('input').forEach(inp => {
					inp.name = inp.name.replace(/\[\d+\]/, "[" + i + "]");
					inp.dataset.testid = inp.dataset.testid.replace(/\d+$/, String(i));
					inp.value = "";
				});
				opts.insertBefore(row, opts.querySelector('[data-testid="interactive-add-option"]'));
			}
			const all = opts.querySelectorAll('[data-testid="interactive-option"] input[name$=".title"]');
			all.forEach((inp, i) => { inp.value = "Pastry " + (i + 1); });
			return all.length;
		})()`, &rows),
	)
	if rows != 11 {
		t.Fatalf("%d option rows on the page, want 11", rows)
	}
	run(t, agent, "send eleven",
		chromedp.Click(byTestID("interactive-send"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("composer-error-options[10].title"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("composer-error-options[10].title")); !strings.Contains(got, "at most 10 options") {
		t.Errorf("error on the 11th option = %q", got)
	}
	var kept []string
	run(t, agent, "everything typed is kept",
		chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid="interactive-option"] input[name$=".title"]')).map(i => i.value)`, &kept),
		chromedp.Value(byTestID("interactive-body"), &body, chromedp.ByQuery),
	)
	if len(kept) != 11 || kept[0] != "Pastry 1" || kept[10] != "Pastry 11" || body != "Pick a pastry" {
		t.Errorf("after the refusal: body %q, options %v", body, kept)
	}
	time.Sleep(time.Second) // anything wrongly sent would reach the phone by now
	if n := countOf(t, phone, `[data-testid="message"][data-direction="in"]`); n != sentBefore {
		t.Errorf("the customer got %d more messages after a refused send", n-sentBefore)
	}
}
