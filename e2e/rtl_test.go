package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestRightToLeftMirrorsTheLayout checks the inbox written right to left
// with the direction forced on an English page, so the layout's mirroring
// is checked apart from any translation (TestJourneyInPortugueseAndArabic
// walks the Arabic console itself): the sidebar moves to the right,
// the customer's bubbles to the right and the agent's to the left, nothing
// scrolls sideways on a phone.
func TestRightToLeftMirrorsTheLayout(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, "مرحبا، هل أنتم مفتوحون يوم الأحد؟")
	openFirstConversation(t, agent, s)
	run(t, agent, "agent replies",
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("composer-input"), "Yes, from 9 to 13.", chromedp.ByQuery),
		chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)
	run(t, agent, "the reply is delivered (a message still sending is drawn faded)",
		chromedp.Poll(`["delivered","read"].includes((document.querySelector('[data-testid="message"][data-direction="out"] [data-testid="ticks"]') || {}).dataset?.status)`, nil,
			chromedp.WithPollingTimeout(30*time.Second)))
	const rtl = `document.documentElement.dir = "rtl"`
	centre := func(sel string) string {
		return `(() => { const r = document.querySelector(` + jsString(sel) + `).getBoundingClientRect(); return r.left + r.width / 2; })()`
	}
	var sidebar, main, in, out float64
	run(t, agent, "right to left at desktop width", desktopWidth.at(), chromedp.Evaluate(rtl, nil),
		chromedp.Evaluate(centre(".app-sidebar"), &sidebar), chromedp.Evaluate(centre(".app-main"), &main),
		chromedp.Evaluate(centre(`[data-testid="message"][data-direction="in"] .msg-text`), &in),
		chromedp.Evaluate(centre(`[data-testid="message"][data-direction="out"] .msg-text`), &out))
	if sidebar <= main {
		t.Errorf("sidebar centre %.0f is not right of the main column %.0f", sidebar, main)
	}
	if in <= out {
		t.Errorf("customer's bubble centre %.0f is not right of the agent's %.0f", in, out)
	}
	// axe is not run here: it reports the bubbles' Reply buttons
	// (button[data-reply-to]) below contrast in either direction, a
	// finding left to the inbox's owners (see the session report).
	run(t, agent, "right to left on a phone", phoneWidth.at(), chromedp.Evaluate(rtl, nil))
	checkNoSideScroll(t, agent, "inbox, right to left, phone")
}
