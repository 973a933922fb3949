package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The must-show of the store: a customer sends an order from the
// simulator's phone, the agent sees the cart and its total, sends the
// payment link in one click, and the customer's phone shows the link.
func TestStoreOrderToPaymentLink(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)

	// The admin sets up the store of the new channel: catalog and
	// currency, products from a CSV file, a Stripe payment link.
	run(t, agent, "open the store settings",
		chromedp.Click(byTestID("channel-store"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("store-settings-form"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("store-catalog-id"), "194800000000001", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("store-currency"), "usd", chromedp.ByQuery),
		chromedp.Click(byTestID("store-settings-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	csv := filepath.Join(t.TempDir(), "products.csv")
	if err := os.WriteFile(csv, []byte("retailer_id,name,price,currency,image_url,in_stock\n"+
		"sourdough-loaf,Sourdough loaf,8.50,USD,,yes\n"+
		"croissant,Butter croissant,3.25,USD,,yes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, agent, "import the products",
		chromedp.Click(byTestID("tab-store-products"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("product-import-form"), chromedp.ByQuery),
		chromedp.SetUploadFiles(byTestID("product-import-file"), []string{csv}, chromedp.ByQuery),
		chromedp.Click(byTestID("product-import-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("product-sourdough-loaf"), chromedp.ByQuery),
	)
	const stripe = "https://buy.stripe.com/test_bakery"
	run(t, agent, "add the payment partner",
		chromedp.Click(byTestID("tab-store-partners"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("partner-form"), chromedp.ByQuery),
		chromedp.Click(byTestID("partner-kind-stripe"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("partner-url"), stripe, chromedp.ByQuery),
		chromedp.Click(byTestID("partner-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("partner-default"), chromedp.ByQuery),
	)

	// The customer orders two loaves and a croissant from the catalog.
	phone := newBrowser(t)
	run(t, phone, "customer places an order",
		chromedp.Navigate(s.SimURL+"/"),
		chromedp.WaitVisible(byTestID("catalog-open"), chromedp.ByQuery),
		chromedp.Click(byTestID("catalog-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("catalog-qty-sourdough-loaf"), chromedp.ByQuery),
		chromedp.SetValue(byTestID("catalog-qty-sourdough-loaf"), "2", chromedp.ByQuery),
		chromedp.SetValue(byTestID("catalog-qty-croissant"), "1", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("order-note"), "Pickup at 5pm", chromedp.ByQuery),
		chromedp.Click(byTestID("place-order"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("message-order"), chromedp.ByQuery),
	)

	// The agent sees the cart: lines, quantities, names and the total.
	openFirstConversation(t, agent, s)
	run(t, agent, "the order shows in the conversation",
		chromedp.WaitVisible(`[data-testid="order-card"][data-status="new"]`, chromedp.ByQuery),
	)
	card := textOf(t, agent, byTestID("order-card"))
	for _, want := range []string{"2 ×", "Sourdough loaf", "USD 17.00", "1 ×", "Butter croissant", "USD 3.25", "Pickup at 5pm", "New"} {
		if !strings.Contains(card, want) {
			t.Errorf("the order card lacks %q:\n%s", want, card)
		}
	}
	if total := textOf(t, agent, `[data-testid="order-card"] [data-testid="order-total"]`); total != "USD 20.25" {
		t.Errorf("total = %q, want USD 20.25", total)
	}

	// One click sends the link.
	run(t, agent, "send the payment link",
		chromedp.Click(byTestID("order-send-link"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="order-card"][data-status="link_sent"]`, chromedp.ByQuery),
	)
	link := textOf(t, agent, byTestID("order-payment-link"))
	if !strings.HasPrefix(link, stripe+"?client_reference_id=wadesk-") {
		t.Fatalf("payment link = %q", link)
	}
	run(t, agent, "the link is in the chat",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"]')).some(m => m.textContent.includes(`+jsString(link)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)

	// The customer's phone shows it, as a link they can open.
	run(t, phone, "the customer receives the link",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"] [data-testid="message-link"]')).some(a => a.href === `+jsString(link)+`)`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
	)
	var text string
	run(t, phone, "read the message", chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"] [data-testid="message-text"]')).map(m => m.textContent).join("\n")`, &text))
	if !strings.Contains(text, "USD 20.25") || !strings.Contains(text, "Pay here: "+link) {
		t.Errorf("the customer's message reads %q", text)
	}
}
