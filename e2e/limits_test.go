package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const (
	sheena = "16505551234"
	joao   = "5511987654321"
)

// closeWindowAtWhatsApp replies free-form in the open conversation after
// WhatsApp's clock passed 24 hours: WhatsApp fails it with 131047 and the
// composer closes, as it would for a person.
func closeWindowAtWhatsApp(t *testing.T, agent context.Context) {
	t.Helper()
	convURL := location(t, agent)
	run(t, agent, "reply after the window ended at WhatsApp",
		chromedp.SendKeys(byTestID("composer-input"), "Are you still there?"+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var closed bool
		run(t, agent, "reload",
			chromedp.Navigate(convURL),
			chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery),
			chromedp.Evaluate(`!!document.querySelector('[data-testid="composer-closed"]')`, &closed),
		)
		if closed {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the window did not close after WhatsApp refused the reply")
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// sendOrderReady sends the order_ready template from the closed composer.
func sendOrderReady(t *testing.T, agent context.Context, order string) {
	t.Helper()
	run(t, agent, "choose order_ready",
		chromedp.Click(byTestID("composer-template-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-choice-order_ready-en_US"), chromedp.ByQuery),
		chromedp.Click(byTestID("template-choice-order_ready-en_US")+` input`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-value-body_2"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("template-value-body_1"), "there", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("template-value-body_2"), order, chromedp.ByQuery),
		chromedp.Click(byTestID("template-send"), chromedp.ByQuery),
	)
}

// TestMessagingLimitRefusesNewCustomersButNotReplies: the portfolio's
// messaging limit is set to one customer on the simulator's health page;
// a template to Sheena (window closed) takes the place, the next template
// to João is refused with the reason and when a place frees, and a reply
// to Sheena once she writes again still goes out.
func TestMessagingLimitRefusesNewCustomersButNotReplies(t *testing.T) {
	s, agent, phone := composeStart(t, "Hi, is my order ready?")
	run(t, phone, "João writes too",
		chromedp.Navigate(s.SimURL+"/?c="+joao+"&n="+simUsable),
	)
	customerWrites(t, phone, "Olá, a encomenda está pronta?")

	// The owner lowers the limit where Meta would: the simulator's page.
	run(t, phone, "set the portfolio's limit to 1 on the simulator's page",
		chromedp.Navigate(s.SimURL+"/"),
		chromedp.Click(byTestID("sim-health-link"), chromedp.ByQuery),
		chromedp.WaitVisible(`#hl`, chromedp.ByQuery),
		chromedp.SetValue(`#hl`, "1", chromedp.ByQuery),
		chromedp.Click(`form[action="/health/limits"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`p.ok`, chromedp.ByQuery),
	)
	checkAccessible(t, phone, "simulator health page")

	// The channel page shows the limit once WhatsApp's webhook arrived.
	var chanURL string
	run(t, agent, "open the channel", chromedp.Navigate(s.URL+"/channels"), chromedp.WaitVisible(byTestID("channels-table"), chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="channels-table"] a[href^="/channels/"]').getAttribute("href")`, &chanURL))
	deadline := time.Now().Add(20 * time.Second)
	for {
		var words string
		run(t, agent, "the gauge", chromedp.Navigate(s.URL+chanURL), chromedp.WaitVisible(byTestID("limit-gauge"), chromedp.ByQuery),
			chromedp.Evaluate(`(document.querySelector('[data-testid="limit-words"]')||{}).textContent||""`, &words))
		if strings.Contains(words, "0 of 1 customer") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the channel page's limit gauge says %q, want 0 of 1", words)
		}
		time.Sleep(300 * time.Millisecond)
	}

	// A day passes at WhatsApp; both windows close as the agent replies.
	simAdvance(t, s, "25h")
	openConversation(t, agent, s, "Sheena")
	closeWindowAtWhatsApp(t, agent)
	openConversation(t, agent, s, "João")
	closeWindowAtWhatsApp(t, agent)

	// Sheena takes the one place.
	openConversation(t, agent, s, "Sheena")
	sendOrderReady(t, agent, "#2044")
	run(t, agent, "the template to Sheena is sent",
		chromedp.WaitNotPresent(byTestID("template-send"), chromedp.ByQuery),
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"]')).some(m => m.textContent.includes("#2044"))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	before := len(simSent(t, s))

	// João would be a new customer: refused, in plain words, at both widths.
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, "at "+vp.name, vp.at())
		openConversation(t, agent, s, "João")
		var notice string
		run(t, agent, "the composer warns before sending",
			chromedp.WaitVisible(byTestID("composer-limit-notice"), chromedp.ByQuery),
			chromedp.Text(byTestID("composer-limit-notice"), &notice, chromedp.ByQuery))
		if !strings.Contains(notice, "messaging limit is reached") {
			t.Errorf("%s: composer notice = %q", vp.name, notice)
		}
		sendOrderReady(t, agent, "#2045")
		var problem string
		run(t, agent, "the template to João is refused",
			chromedp.WaitVisible(byTestID("composer-problem"), chromedp.ByQuery),
			chromedp.Text(byTestID("composer-problem"), &problem, chromedp.ByQuery))
		for _, want := range []string{"Not sent", "messaging limit of 1 customer in 24 hours", "next place frees at", "can still be answered"} {
			if !strings.Contains(problem, want) {
				t.Errorf("%s: refusal %q does not say %q", vp.name, problem, want)
			}
		}
		checkAccessible(t, agent, "refused template ("+vp.name+")")
		checkNoSideScroll(t, agent, "refused template ("+vp.name+")")
	}
	if n := len(simSent(t, s)) - before; n != 0 {
		t.Errorf("%d refused templates reached WhatsApp", n)
	}

	// Sheena writes again: the reply inside her open window goes out.
	run(t, phone, "Sheena writes again", chromedp.Navigate(s.SimURL+"/?c="+sheena+"&n="+simUsable))
	customerWrites(t, phone, "Great, thanks!")
	run(t, agent, "at desktop", desktopWidth.at())
	openConversation(t, agent, s, "Sheena")
	run(t, agent, "the window is open again and the reply goes out",
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("composer-input"), "See you at the shop!"+kb.Enter, chromedp.ByQuery),
	)
	run(t, phone, "Sheena's phone gets the reply",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]')).some(m => m.textContent.includes("See you at the shop!"))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)

	// The channel page shows the full gauge.
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, "channel page at "+vp.name, vp.at(), chromedp.Navigate(s.URL+chanURL),
			chromedp.WaitVisible(byTestID("limit-full"), chromedp.ByQuery))
		if got := textOf(t, agent, byTestID("limit-words")); !strings.Contains(got, "1 of 1 customer") {
			t.Errorf("%s: gauge says %q", vp.name, got)
		}
		checkAccessible(t, agent, "channel page with a full limit ("+vp.name+")")
		checkNoSideScroll(t, agent, "channel page with a full limit ("+vp.name+")")
	}

	// The dashboard shows the same full gauge beside the quality timeline.
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, "Insights at "+vp.name, vp.at(), chromedp.Navigate(s.URL+"/insights"),
			chromedp.WaitVisible(`[data-testid="insight-limits"] [data-testid="limit-full"]`, chromedp.ByQuery),
			chromedp.WaitVisible(byTestID("chart-quality"), chromedp.ByQuery),
			chromedp.WaitVisible(byTestID("quality-timeline-table"), chromedp.ByQuery))
		if got := textOf(t, agent, `[data-testid="insight-limits"] [data-testid="limit-words"]`); !strings.Contains(got, "1 of 1 customer") {
			t.Errorf("%s: the dashboard's gauge says %q", vp.name, got)
		}
		checkAccessible(t, agent, "/insights with a full limit ("+vp.name+")")
		checkNoSideScroll(t, agent, "/insights with a full limit ("+vp.name+")")
	}
}

// TestPausedTemplateIsNotOffered: WhatsApp pauses order_ready (the
// simulator's health page, as Meta would for low quality); the composer's
// picker no longer offers it and the templates page says when it resumes.
func TestPausedTemplateIsNotOffered(t *testing.T) {
	s, agent, phone := composeStart(t, "Hello!")
	convURL := location(t, agent)
	run(t, agent, "order_ready is offered",
		chromedp.Click(byTestID("composer-template-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-choice-order_ready-en_US"), chromedp.ByQuery))

	run(t, phone, "pause order_ready on the simulator's page",
		chromedp.Navigate(s.SimURL+"/health"),
		chromedp.WaitVisible(`#tn`, chromedp.ByQuery),
		chromedp.SetValue(`#tn`, "104500000000011|order_ready|en_US", chromedp.ByQuery),
		chromedp.SetValue(`#tt`, "FIRST_PAUSE", chromedp.ByQuery),
		chromedp.Click(`form[action="/health/pause"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`p.ok`, chromedp.ByQuery),
	)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var offered bool
		run(t, agent, "reload the conversation", chromedp.Navigate(convURL), chromedp.WaitVisible(byTestID("composer-template-open"), chromedp.ByQuery),
			chromedp.Click(byTestID("composer-template-open"), chromedp.ByQuery),
			chromedp.Evaluate(`!!document.querySelector('[data-testid="template-choice-order_ready-en_US"]')`, &offered))
		if !offered {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the paused template is still offered in the composer")
		}
		time.Sleep(300 * time.Millisecond)
	}
	if n := countOf(t, agent, `[data-testid^="template-choice-"]`); n == 0 {
		t.Error("no template offered at all: the other approved templates should stay")
	}

	var chanURL string
	run(t, agent, "open the channel's templates", chromedp.Navigate(s.URL+"/channels"), chromedp.WaitVisible(byTestID("channels-table"), chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('[data-testid="channels-table"] a[href^="/channels/"]').getAttribute("href")`, &chanURL))
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, "templates page at "+vp.name, vp.at(), chromedp.Navigate(s.URL+chanURL+"/templates"),
			chromedp.WaitVisible(byTestID("template-paused-until"), chromedp.ByQuery),
			chromedp.WaitVisible(byTestID("template-health"), chromedp.ByQuery))
		if got := textOf(t, agent, byTestID("template-paused-until")); !strings.Contains(got, "Paused until about") {
			t.Errorf("%s: paused row says %q", vp.name, got)
		}
		checkAccessible(t, agent, "templates page with a paused template ("+vp.name+")")
		checkNoSideScroll(t, agent, "templates page with a paused template ("+vp.name+")")
	}
}

// TestNoPaymentMethodIsSaidInTheComposer: WhatsApp refuses a reply for the
// account's payment method (131042, the simulator's health page); the
// composer then says so in plain words, before the next message.
func TestNoPaymentMethodIsSaidInTheComposer(t *testing.T) {
	s, agent, phone := composeStart(t, "Can I pay by card?")
	convURL := location(t, agent)
	run(t, phone, "the payment method fails on the simulator's page",
		chromedp.Navigate(s.SimURL+"/health"),
		chromedp.WaitVisible(`#pw`, chromedp.ByQuery),
		chromedp.SetValue(`#pw`, "104500000000011", chromedp.ByQuery),
		chromedp.SetValue(`#pf`, "true", chromedp.ByQuery),
		chromedp.Click(`form[action="/health/payment"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`p.ok`, chromedp.ByQuery),
	)
	run(t, agent, "the agent replies",
		chromedp.SendKeys(byTestID("composer-input"), "Yes, any card."+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
	)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var notice string
		run(t, agent, "reload", chromedp.Navigate(convURL), chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery),
			chromedp.Evaluate(`(document.querySelector('[data-testid="composer-limit-notice"]')||{}).textContent||""`, &notice))
		if strings.Contains(notice, "no valid payment method") && strings.Contains(notice, "Billing") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the composer does not say the payment method is missing (notice %q)", notice)
		}
		time.Sleep(300 * time.Millisecond)
	}
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, "at "+vp.name, vp.at(), chromedp.WaitVisible(byTestID("composer-limit-notice"), chromedp.ByQuery),
			// The bubbles fade in; judge the colours once they are there.
			chromedp.Poll(`document.getAnimations().every(a => a.playState !== "running" || (a.effect && a.effect.getTiming().iterations === Infinity))`, nil, chromedp.WithPollingTimeout(10*time.Second)))
		checkAccessible(t, agent, "composer with a payment notice ("+vp.name+")")
		checkNoSideScroll(t, agent, "composer with a payment notice ("+vp.name+")")
	}
}
