package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestCustomerWithoutPhoneNumberIsShownAndAnswered: a customer who adopted
// a WhatsApp username writes, and the webhook carries only the
// business-scoped user ID (no wa_id, no from). The agent sees the
// conversation under the customer's name, replies, and the reply reaches
// the customer (sent to the BSUID).
func TestCustomerWithoutPhoneNumberIsShownAndAnswered(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": "351912340077", "name": "Inês Username",
		"username": "@ines", "text": "Olá! Do you have the blue one?"})
	openFirstConversation(t, agent, s)
	run(t, agent, "the message is shown",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes("Do you have the blue one?"))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Poll(`document.body.textContent.includes("Inês Username")`, nil, chromedp.WithPollingTimeout(5*time.Second)),
	)
	const reply = "Yes, in every size."
	run(t, agent, "agent replies",
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("composer-input"), reply, chromedp.ByQuery),
		chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got bool
		for _, m := range simSent(t, s) {
			if strings.Contains(m.Body, reply) {
				got = true
				if !strings.Contains(m.Body, `"recipient":"US.`) || strings.Contains(m.Body, `"to":`) {
					t.Errorf("the reply went out as %s; it should be addressed to the BSUID with recipient", m.Body)
				}
			}
		}
		if got {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the simulator never received the reply; it got %+v", simSent(t, s))
		}
		time.Sleep(200 * time.Millisecond)
	}
	run(t, agent, "the reply is delivered",
		chromedp.Poll(`["delivered","read"].includes((document.querySelector('[data-testid="message"][data-direction="out"] [data-testid="ticks"]') || {}).dataset?.status)`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
	)
}
