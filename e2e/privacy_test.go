package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// An admin finds a customer on Settings → Privacy, is stopped by a wrong
// confirmation (the field says why and keeps focus reachable), then erases
// them; the page works at 390 px without sideways scrolling.
func TestPrivacyPageErasesACustomer(t *testing.T) {
	s := startServer(t, createUser("admin", "ada@example.com", "Ada Admin"))
	channelID := createHookChannel(t, s.Data)
	m := newInboundText("wamid.privacy", 3) // customer 03, +15550100003
	status, err := postHook(context.Background(), http.DefaultClient, s.URL+"/webhooks/"+strconv.FormatInt(channelID, 10), m.payload())
	if err != nil || status != 200 {
		t.Fatalf("webhook: %d %v", status, err)
	}
	ctx := newBrowser(t)
	signIn(t, ctx, s, "ada@example.com", password)
	run(t, ctx, "open Settings → Privacy",
		chromedp.WaitVisible(byTestID("nav-settings"), chromedp.ByQuery),
		chromedp.Click(byTestID("nav-settings"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("tab-privacy"), chromedp.ByQuery),
		chromedp.Click(byTestID("tab-privacy"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("privacy-q"), chromedp.ByQuery),
	)
	// The message is processed after its acknowledgement: search until found.
	run(t, ctx, "search the customer's number",
		chromedp.SendKeys(byTestID("privacy-q"), "0100003\n", chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="privacy-none"], [data-testid^="privacy-contact-"]`, chromedp.ByQuery),
	)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var found bool
		run(t, ctx, "look", chromedp.Evaluate(`!!document.querySelector('[data-testid^="privacy-contact-"]')`, &found))
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the customer never appeared")
		}
		time.Sleep(300 * time.Millisecond)
		run(t, ctx, "search again", chromedp.Reload(),
			chromedp.WaitVisible(`[data-testid="privacy-none"], [data-testid^="privacy-contact-"]`, chromedp.ByQuery))
	}
	if card := textOf(t, ctx, `[data-testid^="privacy-contact-"]`); !strings.Contains(card, "Customer 03") || !strings.Contains(card, "1 message") {
		t.Fatalf("contact card: %q", card)
	}
	var href string
	run(t, ctx, "the export link", chromedp.AttributeValue(byTestID("privacy-export"), "href", &href, nil, chromedp.ByQuery))
	if !strings.HasSuffix(href, "/export") {
		t.Errorf("export link %q", href)
	}

	run(t, ctx, "type a wrong number and press Erase",
		chromedp.SendKeys(byTestID("privacy-confirm"), "+1 555 000 0000", chromedp.ByQuery),
		chromedp.Click(byTestID("privacy-erase"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("privacy-erase-error"), chromedp.ByQuery),
	)
	var invalid, describedBy, errID string
	run(t, ctx, "the field says it is wrong",
		chromedp.AttributeValue(byTestID("privacy-confirm"), "aria-invalid", &invalid, nil, chromedp.ByQuery),
		chromedp.AttributeValue(byTestID("privacy-confirm"), "aria-describedby", &describedBy, nil, chromedp.ByQuery),
		chromedp.AttributeValue(byTestID("privacy-erase-error"), "id", &errID, nil, chromedp.ByQuery),
	)
	if invalid != "true" || describedBy != errID {
		t.Errorf("aria-invalid=%q aria-describedby=%q error id %q", invalid, describedBy, errID)
	}
	var labelled bool
	run(t, ctx, "the confirmation has a label", chromedp.Evaluate(
		`(() => { const i = document.querySelector('[data-testid="privacy-confirm"]'); return i.labels.length === 1 && i.labels[0].textContent.includes('+15550100003'); })()`, &labelled))
	if !labelled {
		t.Error("the confirmation field's label does not name the number")
	}

	var wide bool
	run(t, ctx, "at 390 px nothing scrolls sideways",
		emulation.SetDeviceMetricsOverride(390, 844, 2, true),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &wide),
	)
	if wide {
		t.Error("the privacy page scrolls sideways at 390 px")
	}

	run(t, ctx, "type the number and erase",
		chromedp.Clear(byTestID("privacy-confirm"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("privacy-confirm"), "+15550100003", chromedp.ByQuery),
		chromedp.Click(byTestID("privacy-erase"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("privacy-none"), chromedp.ByQuery),
	)
	if flash := textOf(t, ctx, ".flash"); !strings.Contains(flash, "Erased the customer: 1 message") {
		t.Errorf("flash %q", flash)
	}
}
