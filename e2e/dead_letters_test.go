package e2e

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wadesk/wadesk/store"
)

// keepDeadLetter journals body for a channel of the running server's data
// directory and marks it dead at once, the way a wadesk that could not
// store it did. It returns the event's id.
func keepDeadLetter(t *testing.T, dir string, channelID int64, body []byte, reason string) int64 {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids, err := db.AppendWebhookEvents(ctx, []store.NewWebhookEvent{{ChannelID: channelID, Body: body, ReceivedAt: time.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{EventID: ids[0], ChannelID: channelID, Dead: reason}}); err != nil {
		t.Fatal(err)
	}
	return ids[0]
}

// TestDeadLettersAreAnnouncedAndReprocessed: an admin is told on every
// page that webhooks were kept as dead letters, opens them, reprocesses
// one, and its message lands in the inbox; the alert then goes away.
func TestDeadLettersAreAnnouncedAndReprocessed(t *testing.T) {
	s := startServer(t, createUser("admin", "ada@example.com", "Ada Admin"))
	channelID := createHookChannel(t, s.Data)
	m := newInboundText("wamid.dead", 1)
	event := keepDeadLetter(t, s.Data, channelID, m.payload(), "wadesk could not store this event: database or disk is full")
	ctx := newBrowser(t)
	signIn(t, ctx, s, "ada@example.com", password)
	run(t, ctx, "see the alert", chromedp.WaitVisible(byTestID("admin-alert"), chromedp.ByQuery))
	if got := textOf(t, ctx, byTestID("admin-alert")); !strings.Contains(got, "1 webhook could not be read") {
		t.Fatalf("alert says %q", got)
	}
	page := s.URL + "/channels/" + strconv.FormatInt(channelID, 10) + "/dead-letters"
	id := strconv.FormatInt(event, 10)
	run(t, ctx, "open the dead letters and reprocess one",
		chromedp.Navigate(page),
		chromedp.WaitVisible(byTestID("dead-letter-"+id), chromedp.ByQuery),
		chromedp.Click(byTestID("dead-letter-reprocess-"+id), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("flash-success")); !strings.Contains(got, "being processed again") {
		t.Fatalf("flash says %q", got)
	}
	run(t, ctx, "the message reaches the inbox",
		chromedp.Navigate(s.URL+"/inbox"),
		chromedp.Poll(`(() => { if (!document.body.textContent.includes(`+jsString(m.name)+`)) { location.reload(); return false } return true })()`,
			nil, chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(time.Second)),
	)
	var alerts int
	run(t, ctx, "the alert is gone", chromedp.Evaluate(`document.querySelectorAll('[data-testid="admin-alert"]').length`, &alerts))
	if alerts != 0 {
		t.Errorf("%d admin alerts still shown after reprocessing", alerts)
	}
	run(t, ctx, "the list is empty", chromedp.Navigate(page), chromedp.WaitVisible(byTestID("dead-letters-empty"), chromedp.ByQuery))
}
