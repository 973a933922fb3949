package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// inboxConnect signs the demo admin in and connects the simulator's usable
// number, so that the customer phone's messages reach wadesk.
func inboxConnect(t *testing.T, ctx context.Context, s *server) {
	t.Helper()
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery))
	fillCredentials(t, ctx, s, simToken)
	run(t, ctx, "connect",
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
		chromedp.Click(`input[value="`+simUsable+`"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("webhook-url"), chromedp.ByQuery),
	)
}

// customerWrites sends a message from the simulator's phone page.
func customerWrites(t *testing.T, phone context.Context, text string) {
	t.Helper()
	run(t, phone, "customer writes "+text,
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("composer-input"), text, chromedp.ByQuery),
		chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
	)
}

// openFirstConversation reloads the inbox until a conversation is listed,
// then opens it.
func openFirstConversation(t *testing.T, ctx context.Context, s *server) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var n int
		run(t, ctx, "open the inbox",
			chromedp.Navigate(s.URL+"/inbox"),
			chromedp.WaitReady("body", chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelectorAll('[data-testid="conversation"]').length`, &n),
		)
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no conversation appeared in the inbox")
		}
		time.Sleep(200 * time.Millisecond)
	}
	run(t, ctx, "open the conversation",
		chromedp.Click(byTestID("conversation"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery),
	)
}

func TestInboxLiveConversation(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)

	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, "Hi, are you open on Sunday?")
	openFirstConversation(t, agent, s)
	run(t, agent, "first message shown, window open",
		chromedp.WaitVisible(`[data-testid="message"][data-direction="in"]`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("window-countdown"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
		// Marks this page: a reload would lose it.
		chromedp.Evaluate(`window.__sameDocument = true`, nil),
	)

	const second = "And do you deliver to Alfama?"
	customerWrites(t, phone, second)
	run(t, agent, "second message appears without reload",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes(`+jsString(second)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	var same bool
	run(t, agent, "same document", chromedp.Evaluate(`window.__sameDocument === true`, &same))
	if !same {
		t.Fatal("the agent's page reloaded; the message should have arrived by server-sent events")
	}

	const reply = "Yes, 9 to 13. Delivery to Alfama is free!"
	run(t, agent, "agent replies",
		chromedp.SendKeys(byTestID("composer-input"), reply, chromedp.ByQuery),
		chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)
	if got := textOf(t, agent, `[data-testid="message"][data-direction="out"] .msg-text`); got != reply {
		t.Fatalf("agent's bubble = %q, want %q", got, reply)
	}
	// On the phone, the business's messages are the ones coming in.
	run(t, phone, "customer sees the reply",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes(`+jsString(reply)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	run(t, agent, "the agent's ticks go to read",
		chromedp.Poll(`(document.querySelector('[data-testid="message"][data-direction="out"] [data-testid="ticks"]') || {}).dataset?.status === "read"`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
	)
	var class string
	run(t, agent, "ticks class", chromedp.Evaluate(`document.querySelector('[data-testid="message"][data-direction="out"] [data-testid="ticks"]').className`, &class))
	if !strings.Contains(class, "ticks-read") {
		t.Errorf("ticks class = %q, want ticks-read", class)
	}
}

func TestInboxShowsCustomerMarkupAsText(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	const payload = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2"><b>bold</b>`
	customerWrites(t, phone, payload)
	openFirstConversation(t, agent, s)
	run(t, agent, "message shown",
		chromedp.WaitVisible(`[data-testid="message"][data-direction="in"]`, chromedp.ByQuery),
	)
	var got string
	var xss bool
	var injected int
	run(t, agent, "inspect",
		chromedp.Evaluate(`document.querySelector('[data-testid="message"][data-direction="in"] .msg-text').textContent`, &got),
		chromedp.Evaluate(`typeof window.__xss !== "undefined"`, &xss),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="chat"] script, [data-testid="chat"] img, [data-testid="chat"] b').length`, &injected),
	)
	if got != payload {
		t.Errorf("message text = %q, want the markup shown as text %q", got, payload)
	}
	if xss || injected != 0 {
		t.Errorf("customer markup became part of the page: script ran %v, %d injected elements", xss, injected)
	}
	// The conversation list's snippet is escaped too.
	run(t, agent, "list snippet",
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="inbox-list"] script, [data-testid="inbox-list"] img').length`, &injected))
	if injected != 0 {
		t.Errorf("%d elements injected into the conversation list", injected)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
