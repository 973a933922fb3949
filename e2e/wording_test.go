package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPlainWords: what an admin and an agent read is in plain words.
// Meta's codes (CONNECTED, NOT_VERIFIED, quality GREEN) become words with
// the code kept on hover; a template's fields say what goes in them and
// suggest this customer's name, not the template's example; a sent
// template's bubble shows its buttons; the Users page points to a place
// that exists.
func TestPlainWords(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery))
	fillCredentials(t, ctx, s, simToken)
	run(t, ctx, "numbers listed", chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery))
	checkNoCodes(t, textOf(t, ctx, "#wizard"), "the wizard's numbers")
	if text := textOf(t, ctx, byTestID("number-"+simPending)); !strings.Contains(text, "Number not verified") {
		t.Errorf("the unverified number reads %q; want “Number not verified”", text)
	}
	run(t, ctx, "connect",
		chromedp.Click(`input[value="`+simUsable+`"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-health"), chromedp.ByQuery))
	checkNoCodes(t, textOf(t, ctx, byTestID("channel-health")), "the channel's health")
	var title string
	run(t, ctx, "quality hover", chromedp.AttributeValue(byTestID("channel-quality"), "title", &title, nil, chromedp.ByQuery))
	if got := textOf(t, ctx, byTestID("channel-quality")); got != "High quality" || title != "Meta's code: GREEN" {
		t.Errorf("quality reads %q (hover %q); want “High quality” with Meta's code on hover", got, title)
	}
	run(t, ctx, "channel list", chromedp.Navigate(s.URL+"/channels"), chromedp.WaitVisible(byTestID("channels-table"), chromedp.ByQuery))
	checkNoCodes(t, textOf(t, ctx, byTestID("channels-table")), "the channel list")

	run(t, ctx, "new user", chromedp.Navigate(s.URL+"/settings/users/new"), chromedp.WaitVisible(byTestID("user-form"), chromedp.ByQuery))
	if form := textOf(t, ctx, byTestID("user-form")); strings.Contains(form, "top bar") {
		t.Error("the user form points to a “top bar” the console does not have")
	}

	// João writes; the agent answers with the order_ready template.
	phone := newBrowser(t)
	run(t, phone, "open João's phone", chromedp.Navigate(s.SimURL+"/?c=5511987654321"))
	customerWrites(t, phone, "Is my order ready?")
	openFirstConversation(t, ctx, s)
	conversation := location(t, ctx)
	var templateID string
	run(t, ctx, "the order_ready template",
		chromedp.Click(byTestID("composer-template-open"), chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid^="template-choice-order_ready"] input').value`, &templateID))
	// The picker's own page (what it loads without script).
	run(t, ctx, "open the template form", chromedp.Navigate(conversation+"?template="+templateID),
		chromedp.WaitVisible(byTestID("template-value-body_1"), chromedp.ByQuery))
	var label, placeholder, hint string
	run(t, ctx, "read the name field",
		chromedp.Evaluate(`document.querySelector('[data-testid="template-value-body_1"]').closest("label").firstChild.textContent.trim()`, &label),
		chromedp.AttributeValue(byTestID("template-value-body_1"), "placeholder", &placeholder, nil, chromedp.ByQuery),
		chromedp.Evaluate(`(document.querySelector('[data-testid="template-value-body_1"]').closest("label").querySelector(".field-hint") || {}).textContent || ""`, &hint))
	if strings.Contains(label, "{{") || !strings.Contains(label, "name") {
		t.Errorf("the first field is labelled %q; want what it is (the customer's name)", label)
	}
	if !strings.Contains(placeholder+hint, "João") || strings.Contains(placeholder, "Sheena") {
		t.Errorf("writing to João, the name field suggests %q (hint %q)", placeholder, hint)
	}
	run(t, ctx, "send it",
		chromedp.SendKeys(byTestID("template-value-body_1"), "João", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("template-value-body_2"), "#2001", chromedp.ByQuery),
		chromedp.Click(byTestID("template-send"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"] [data-testid="message-template"]`, chromedp.ByQuery),
		chromedp.Poll(`!!document.querySelector('[data-testid="message"][data-direction="out"] [data-testid="message-buttons"]')`, nil,
			chromedp.WithPollingTimeout(5*time.Second)))
	buttons := textOf(t, ctx, `[data-testid="message"][data-direction="out"] [data-testid="message-buttons"]`)
	for _, b := range []string{"On my way", "Deliver instead"} {
		if !strings.Contains(buttons, b) {
			t.Errorf("the sent template's bubble lacks its button %q: %q", b, buttons)
		}
	}
}

// checkNoCodes fails when text shows one of Meta's status codes.
func checkNoCodes(t *testing.T, text, where string) {
	t.Helper()
	for _, code := range []string{"CONNECTED", "NOT_VERIFIED", "VERIFIED", "GREEN", "YELLOW", "PENDING", "TIER_"} {
		if strings.Contains(text, code) {
			t.Errorf("%s shows Meta's code %s: %q", where, code, text)
		}
	}
}
