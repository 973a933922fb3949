package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// openConversation opens, from the inbox as an agent does, the
// conversation whose list row names the customer (name, or a part of it
// that no other row holds): it reloads the inbox until the row is there
// (a customer's first message may still be on its way), clicks it and
// waits for the thread of that customer with its reply area.
func openConversation(t *testing.T, ctx context.Context, s *server, name string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var found bool
		run(t, ctx, "find "+name+" in the inbox",
			chromedp.Navigate(s.URL+"/inbox"),
			chromedp.WaitReady("body", chromedp.ByQuery),
			chromedp.Evaluate(fmt.Sprintf(`(() => { const row = `+rowOf+`; if (!row) return false; row.click(); return true; })()`, jsString(name)), &found),
		)
		if found {
			break
		}
		if time.Now().After(deadline) {
			saveScreenshot(t, ctx)
			t.Fatalf("no conversation with %s appeared in the inbox", name)
		}
		time.Sleep(300 * time.Millisecond)
	}
	pollAcrossLoads(t, ctx, "the conversation with "+name+" open",
		`document.readyState === "complete" && !!document.querySelector('[data-testid="composer-area"]') && ((document.querySelector('[data-testid="thread-name"]') || {}).textContent || "").includes(`+jsString(name)+`)`)
}
