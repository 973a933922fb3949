package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The agent has the conversation open and is typing a reply when WhatsApp
// refuses a message for the closed window (131047): the open page turns
// its composer into the template button by itself, and what the agent had
// typed stays on the page, read-only, to copy.
func TestInboxOpenPageFollowsTheWindowClosing(t *testing.T) {
	s, agent, _ := composeStart(t, "Do you still have rye bread?")
	const draft = "We have two loaves left, shall I keep one for you?"
	run(t, agent, "the agent starts typing and the page is marked",
		chromedp.SendKeys(byTestID("composer-input"), draft, chromedp.ByQuery),
		chromedp.Evaluate(`window.__samePage = true`, nil),
	)

	// A day passes at WhatsApp. Another tab of the agent's (a request from
	// the page, which stays as it is) sends a free-form message: wadesk's
	// clock still says the window is open, WhatsApp fails it with 131047.
	simAdvance(t, s, "25h")
	convPath := strings.TrimPrefix(location(t, agent), s.URL)
	if res := pageFetch(t, agent, convPath+"/messages", `new URLSearchParams({text: "Are you still there?"})`); res.Status >= 400 {
		t.Fatalf("the free-form reply was refused at once: status %d", res.Status)
	}

	run(t, agent, "the composer switches to templates without a reload",
		chromedp.WaitVisible(byTestID("composer-closed"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("composer-template-open"), chromedp.ByQuery),
		chromedp.WaitNotPresent(byTestID("window-countdown"), chromedp.ByQuery),
	)
	var same bool
	run(t, agent, "still the same page", chromedp.Evaluate(`window.__samePage === true`, &same))
	if !same {
		t.Fatal("the page was reloaded")
	}
	if got := textOf(t, agent, byTestID("composer-closed")); !strings.Contains(got, "WhatsApp says the 24-hour window with this customer has closed") ||
		!strings.Contains(got, "Your message was not sent. Here it is, to copy") {
		t.Errorf("closed composer says %q", got)
	}
	var kept string
	var readOnly bool
	run(t, agent, "the typed reply is kept read-only",
		chromedp.Value(byTestID("composer-draft"), &kept, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="composer-draft"]').readOnly`, &readOnly),
	)
	if kept != draft || !readOnly {
		t.Errorf("kept draft = %q (read-only %v), want %q read-only", kept, readOnly, draft)
	}
	for _, gone := range []string{"composer-input", "composer-interactive-open", "composer-attach-open"} {
		if n := countOf(t, agent, byTestID(gone)); n != 0 {
			t.Errorf("%s is still offered with the window closed", gone)
		}
	}
	run(t, agent, "the refused message shows as failed",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"]')).some(m => m.textContent.includes("Are you still there?") && !!m.querySelector('[data-testid="ticks"][data-status="failed"]'))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
}

// When the countdown runs out the composer asks the server again, sending
// the reply box along: here the server's clock still gives the window
// (the page's countdown was made to end early), so the reply box comes
// back with what was typed in it.
func TestInboxCountdownEndAsksForTheComposerKeepingTheReply(t *testing.T) {
	_, agent, _ := composeStart(t, "Are you open on Sunday?")
	const draft = "Yes, from nine to one."
	run(t, agent, "type, then end the countdown",
		chromedp.SendKeys(byTestID("composer-input"), draft, chromedp.ByQuery),
		chromedp.Evaluate(`window.__samePage = true;
			document.querySelector('[data-testid="composer-area"]').dataset.before = "1";
			document.querySelector('[data-testid="window-countdown"]').setAttribute("data-countdown", new Date(Date.now() + 1500).toISOString());
			true`, nil),
		chromedp.WaitVisible(`[data-testid="window-countdown"]`, chromedp.ByQuery),
		// The area is swapped for the server's: the marker goes.
		chromedp.Poll(`(() => { const a = document.querySelector('[data-testid="composer-area"]'); return !!a && !a.dataset.before; })()`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
	)
	var kept string
	var same bool
	run(t, agent, "read the reply box",
		chromedp.Value(byTestID("composer-input"), &kept, chromedp.ByQuery),
		chromedp.Evaluate(`window.__samePage === true`, &same),
	)
	if !same {
		t.Fatal("the page was reloaded")
	}
	if kept != draft {
		t.Errorf("reply box = %q after the composer came back, want %q", kept, draft)
	}
}

// The window closed (WhatsApp refused a message with 131047) and the agent
// is filling in a template when the customer writes again: the open page
// turns the closed composer back into the reply box by itself, with the
// unsent reply back in it, and the template being filled in stays open
// with its values.
func TestInboxOpenPageFollowsTheWindowOpeningAgain(t *testing.T) {
	s, agent, phone := composeStart(t, "Is the cake ready?")
	const draft = "It is, come by whenever you like."
	run(t, agent, "the agent starts typing and the page is marked",
		chromedp.SendKeys(byTestID("composer-input"), draft, chromedp.ByQuery),
		chromedp.Evaluate(`window.__samePage = true`, nil),
	)
	simAdvance(t, s, "25h")
	convPath := strings.TrimPrefix(location(t, agent), s.URL)
	if res := pageFetch(t, agent, convPath+"/messages", `new URLSearchParams({text: "Are you still there?"})`); res.Status >= 400 {
		t.Fatalf("the free-form reply was refused at once: status %d", res.Status)
	}
	run(t, agent, "the composer closes without a reload",
		chromedp.WaitVisible(byTestID("composer-closed"), chromedp.ByQuery),
		chromedp.WaitNotPresent(byTestID("window-countdown"), chromedp.ByQuery),
	)
	run(t, agent, "the agent fills in order_ready",
		chromedp.Click(byTestID("composer-template-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-choice-order_ready-en_US"), chromedp.ByQuery),
		chromedp.Click(byTestID("template-choice-order_ready-en_US")+` input`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-value-body_1"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("template-value-body_1"), "Sheena", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("template-value-body_2"), "#2044", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="composer-area"]').dataset.before = "1"; true`, nil),
	)

	customerWrites(t, phone, "Sorry, I was out. Still there?")
	run(t, agent, "the reply box comes back without a reload",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes("Sorry, I was out"))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.WaitNotPresent(byTestID("composer-closed"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("window-countdown"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("composer-interactive-open"), chromedp.ByQuery),
	)
	var same, templateOpen bool
	var reply, v1, v2, countdown string
	run(t, agent, "read the composer",
		chromedp.Evaluate(`window.__samePage === true`, &same),
		chromedp.Value(byTestID("composer-input"), &reply, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="composer-template"]').open`, &templateOpen),
		chromedp.Value(byTestID("template-value-body_1"), &v1, chromedp.ByQuery),
		chromedp.Value(byTestID("template-value-body_2"), &v2, chromedp.ByQuery),
		chromedp.Text(byTestID("window-countdown"), &countdown, chromedp.ByQuery),
	)
	if !same {
		t.Fatal("the page was reloaded")
	}
	if reply != draft {
		t.Errorf("reply box = %q, want the unsent reply %q", reply, draft)
	}
	if !templateOpen || v1 != "Sheena" || v2 != "#2044" {
		t.Errorf("template panel open %v with values %q, %q; want it open with Sheena, #2044", templateOpen, v1, v2)
	}
	if !strings.HasSuffix(countdown, "left") {
		t.Errorf("countdown says %q", countdown)
	}

	// The window is open now: another message from the customer does not
	// fetch the composer again, so nothing typed in it is disturbed.
	run(t, agent, "mark the composer",
		chromedp.Evaluate(`document.querySelector('[data-testid="composer-area"]').dataset.marked = "1"; true`, nil))
	customerWrites(t, phone, "Shall I come now?")
	var marked bool
	run(t, agent, "the composer stays as it is",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes("Shall I come now?"))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Sleep(time.Second),
		chromedp.Evaluate(`document.querySelector('[data-testid="composer-area"]').dataset.marked === "1"`, &marked),
	)
	if !marked {
		t.Error("a message within the open window fetched the composer again")
	}
}
