package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestOrdersNameTheirProducts: a customer orders from the catalog; the
// inbox list, the chat bubble, the order card and the orders page name the
// products as the catalog does, not by their codes.
func TestOrdersNameTheirProducts(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	inboxConnect(t, ctx, s)
	ch := strings.TrimPrefix(location(t, ctx), s.URL)
	phone := newBrowser(t)
	fillEveryTable(t, ctx, phone, s, ch) // the catalog's products, then an order of 2 loaves and a croissant

	run(t, ctx, "orders page", chromedp.Navigate(s.URL+"/store/orders"), chromedp.WaitVisible(byTestID("orders-table"), chromedp.ByQuery))
	checkNames(t, textOf(t, ctx, byTestID("orders-table")), "the orders page")

	openFirstConversation(t, ctx, s)
	snippet := textOf(t, ctx, `[data-testid="conversation"] .conv-snippet`)
	if want := "Order: 2 × Sourdough loaf, 1 × Butter croissant"; snippet != want {
		t.Errorf("the inbox list says %q; want %q", snippet, want)
	}
	run(t, ctx, "the order's bubble", chromedp.WaitVisible(`[data-testid="message"][data-direction="in"] .msg-order`, chromedp.ByQuery))
	checkNames(t, textOf(t, ctx, `[data-testid="message"][data-direction="in"] .msg-order`), "the chat bubble")
	run(t, ctx, "the order card", chromedp.WaitVisible(byTestID("order-card"), chromedp.ByQuery))
	checkNames(t, textOf(t, ctx, byTestID("order-card")), "the order card")
}

func checkNames(t *testing.T, text, where string) {
	t.Helper()
	for _, want := range []string{"Sourdough loaf", "Butter croissant"} {
		if !strings.Contains(text, want) {
			t.Errorf("%s does not name %q: %q", where, want, text)
		}
	}
	for _, code := range []string{"sourdough-loaf", "croissant,"} {
		if strings.Contains(text, code) {
			t.Errorf("%s shows the product code %q: %q", where, code, text)
		}
	}
}
