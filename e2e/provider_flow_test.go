package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The steps every provider's end-to-end tests take the same way, as a
// person does them.

// closeWindowByFreeFormReply opens the first conversation, lets a day pass
// on the WhatsApp side, has the agent try a free-form reply, and waits
// until the provider's refusal for the closed window turns the
// conversation (reloaded as a person would) to templates only.
func closeWindowByFreeFormReply(t *testing.T, s *server, agent context.Context, provider string) {
	t.Helper()
	openFirstConversation(t, agent, s)
	convURL := location(t, agent)
	simAdvance(t, s, "25h")
	run(t, agent, "agent tries a free-form reply",
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("composer-input"), "Still there?", chromedp.ByQuery),
		chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)
	waitComposerClosed(t, agent, convURL, provider)
}

// waitComposerClosed reloads the conversation at convURL, as a person
// would, until it offers templates only; who refused the free-form
// message names the failure.
func waitComposerClosed(t *testing.T, agent context.Context, convURL, who string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var closed bool
		run(t, agent, "reload",
			chromedp.Navigate(convURL),
			chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery),
			chromedp.Evaluate(`!!document.querySelector('[data-testid="composer-closed"]') && !document.querySelector('[data-testid="composer-input"]')`, &closed),
		)
		if closed {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s refused the free-form reply for the closed window, the free-form composer is still offered", who)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// sendTemplateFromPanel has the agent open the template panel with the
// reply box empty, pick the template called name (en_US), fill its first
// body value with the contact's name and its second (when not "") with
// second, and send it; the filled text must then show in the thread and on
// the customer's phone, and, with delivered, be ticked delivered.
func sendTemplateFromPanel(t *testing.T, agent, phone context.Context, name, second, filled string, delivered bool) {
	t.Helper()
	choice := byTestID("template-choice-" + name + "-en_US")
	run(t, agent, "pick the template "+name,
		chromedp.Click(byTestID("composer-template-open"), chromedp.ByQuery),
		chromedp.WaitVisible(choice, chromedp.ByQuery),
		chromedp.Click(choice+` input`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-value-body_1"), chromedp.ByQuery),
		chromedp.Click(byTestID("template-value-body_1"), chromedp.ByQuery),
		chromedp.Click(byTestID("insert-{contact_name}"), chromedp.ByQuery),
	)
	if second != "" {
		run(t, agent, "fill the second value", chromedp.SendKeys(byTestID("template-value-body_2"), second, chromedp.ByQuery))
	}
	run(t, agent, "send the template",
		chromedp.Click(byTestID("template-send"), chromedp.ByQuery),
		chromedp.WaitNotPresent(byTestID("template-send"), chromedp.ByQuery),
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"]')).some(m => m.textContent.includes(`+jsString(filled)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	run(t, phone, "the customer gets the template",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"][data-kind="template"]')).some(m => m.textContent.includes(`+jsString(filled)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	if delivered {
		run(t, agent, "the template is ticked delivered",
			chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"]')).some(m => m.textContent.includes(`+jsString(filled)+`) && ["delivered", "read"].includes((m.querySelector('[data-testid="ticks"]') || {dataset: {}}).dataset.status))`, nil,
				chromedp.WithPollingTimeout(30*time.Second)),
		)
	}
}
