package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wadesk/wadesk/store"
)

// seedCampaignContacts gives the demo's connected number n customers who
// wrote two days ago, labels them "Regulars" and opts the first one out of
// marketing (the contacts pages that do this are another piece of work;
// the columns are on main). The number is slowed to one message a second
// so that a person can watch the campaign go and pause it. It returns the
// customers' numbers (digits), the opted-out one first.
func seedCampaignContacts(t *testing.T, s *server, n int) []string {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(s.Data, "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	chs, err := db.ListChannels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var channel int64
	for _, c := range chs {
		if c.PhoneNumberID == simUsable {
			channel = c.ID
		}
	}
	if channel == 0 {
		t.Fatal("the demo's number is not connected")
	}
	if err := db.SetChannelThroughput(ctx, channel, 1); err != nil {
		t.Fatal(err)
	}
	label, err := db.CreateLabel(ctx, store.Label{Name: "Regulars", Colour: "green"})
	if err != nil {
		t.Fatal(err)
	}
	var nums []string
	var evs []store.ProcessedEvent
	for i := range n {
		wa := fmt.Sprintf("4477009%05d", i)
		nums = append(nums, wa)
		evs = append(evs, store.ProcessedEvent{ChannelID: channel, Messages: []store.InboundMessage{{WAMID: "wamid.campaign-seed-" + wa,
			Phone: "+" + wa, WaID: wa, ProfileName: fmt.Sprintf("Regular %d", i), Type: "text", Text: "hello", Payload: "{}",
			Timestamp: time.Now().Add(-48 * time.Hour)}}})
	}
	if _, err := db.ApplyProcessedEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	for _, wa := range nums {
		var id int64
		if err := db.R.QueryRow(`SELECT id FROM contacts WHERE wa_id = ?`, wa).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if err := db.AddContactLabel(ctx, label.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.W.Exec(`UPDATE contacts SET marketing_opted_out_at = ?, opt_out_source = 'keyword:STOP' WHERE wa_id = ?`,
		time.Now().UTC().Format("2006-01-02T15:04:05.000000000Z"), nums[0]); err != nil {
		t.Fatal(err)
	}
	return nums
}

// statuses reads each recipient's status on the campaign page, by number.
func statuses(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	var rows []map[string]string
	run(t, ctx, "read the recipients", chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid="recipient-row"]')).map(r => ({
		phone: r.dataset.phone, status: r.querySelector('[data-testid="recipient-status"]').dataset.status}))`, &rows))
	out := map[string]string{}
	for _, r := range rows {
		out[strings.TrimPrefix(r["phone"], "+")] = r["status"]
	}
	return out
}

// waitStatuses waits until ok accepts the page's statuses (the page
// updates itself every two seconds).
func waitStatuses(t *testing.T, ctx context.Context, what string, ok func(map[string]string) bool) map[string]string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		st := statuses(t, ctx)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: recipients are %v", what, st)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func count(st map[string]string, want ...string) int {
	n := 0
	for _, s := range st {
		for _, w := range want {
			if s == w {
				n++
			}
		}
	}
	return n
}

// TestCampaignToALabel: an admin creates a campaign of the demo's
// marketing template to the contacts labelled Regulars, sees who is left
// out, maps the values, previews, sees the estimate and the limit check,
// launches it and watches the ticks arrive from the simulator, pauses and
// resumes it. The opted-out customer is never sent it.
func TestCampaignToALabel(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	inboxConnect(t, ctx, s)
	nums := seedCampaignContacts(t, s, 25)

	run(t, ctx, "open campaigns",
		chromedp.Click(byTestID("nav-campaigns"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("campaigns-empty"), chromedp.ByQuery),
	)
	checkPage(t, ctx, "campaigns, none yet")
	run(t, ctx, "start a campaign without a name",
		chromedp.Click(byTestID("campaign-new"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("campaign-new-form"), chromedp.ByQuery),
		chromedp.Click(byTestID("campaign-create"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-summary"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-name"), chromedp.ByQuery),
	)
	checkPage(t, ctx, "new campaign with errors")
	var templateValue string
	run(t, ctx, "name it and choose the weekend offer",
		chromedp.SendKeys(`input[name="name"]`, "Weekend regulars", chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('select[name="template"] option')).find(o => o.textContent.includes("weekend_offer")).value`, &templateValue),
	)
	run(t, ctx, "create the draft",
		chromedp.SetValue(`select[name="template"]`, templateValue, chromedp.ByQuery),
		chromedp.Click(byTestID("campaign-create"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("audience-form"), chromedp.ByQuery),
	)

	run(t, ctx, "send it to the Regulars",
		chromedp.Click(`[data-testid^="audience-label-"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("audience-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("audience-opted-out"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("audience-recipients")); !strings.Contains(got, "24 recipients") {
		t.Fatalf("audience: %q, want 24 recipients", got)
	}
	if got := textOf(t, ctx, byTestID("audience-opted-out")); !strings.Contains(got, "1 left out") {
		t.Fatalf("opted out: %q", got)
	}

	run(t, ctx, "leave a value unmapped",
		chromedp.Click(byTestID("values-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-summary"), chromedp.ByQuery),
	)
	run(t, ctx, "map the values",
		chromedp.SetValue(byTestID("kind-header_1"), "text", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("value-header_1"), "treats", chromedp.ByQuery),
		chromedp.SetValue(byTestID("kind-body_1"), "name", chromedp.ByQuery),
		chromedp.SetValue(byTestID("kind-body_2"), "text", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("value-body_2"), "BREAD10", chromedp.ByQuery),
		chromedp.SetValue(byTestID("kind-button_0"), "text", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("value-button_0"), "whatsapp", chromedp.ByQuery),
		chromedp.Click(byTestID("values-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("preview"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("preview")); !strings.Contains(got, "Hello Regular 1! Use code BREAD10") {
		t.Fatalf("preview: %q", got)
	}
	run(t, ctx, "see the estimate and the limit check",
		chromedp.ScrollIntoView(byTestID("campaign-check"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("estimate-table"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("estimate-example"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("limit-fits"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("estimate-table")); !strings.Contains(got, "United Kingdom") || !strings.Contains(strings.ToLower(got), "marketing") {
		t.Fatalf("estimate: %q", got)
	}
	checkPage(t, ctx, "campaign draft, ready")

	var campaignURL string
	run(t, ctx, "launch now",
		acceptConfirms(),
		chromedp.Click(byTestID("launch-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("campaign-pause"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("recipients-table"), chromedp.ByQuery),
		chromedp.Location(&campaignURL),
	)
	// Each browser has a time budget (newBrowser): the admin goes on in a
	// new one, signed in again, on the campaign's page.
	ctx = newBrowser(t)
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-campaigns"), chromedp.ByQuery))
	run(t, ctx, "open the campaign", chromedp.Navigate(campaignURL), chromedp.WaitVisible(byTestID("recipients-table"), chromedp.ByQuery))
	// The number sends one a second: the first ticks arrive while the
	// rest wait.
	waitStatuses(t, ctx, "the first message delivered", func(st map[string]string) bool {
		return count(st, "delivered", "read") >= 1
	})
	checkPage(t, ctx, "campaign sending")
	run(t, ctx, "pause",
		chromedp.Click(byTestID("campaign-pause"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("campaign-resume"), chromedp.ByQuery),
	)
	paused := statuses(t, ctx)
	if count(paused, "pending") == 0 {
		t.Fatalf("after pausing nobody waits: %v", paused)
	}
	if got := textOf(t, ctx, byTestID("campaign-state")); got != "Paused" {
		t.Fatalf("state %q, want Paused", got)
	}
	run(t, ctx, "resume",
		chromedp.Click(byTestID("campaign-resume"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("campaign-pause"), chromedp.ByQuery),
	)
	final := waitStatuses(t, ctx, "every message delivered", func(st map[string]string) bool {
		return count(st, "delivered", "read") == 24
	})
	if final[nums[0]] != "skipped" {
		t.Fatalf("the opted-out customer's row is %q, want skipped", final[nums[0]])
	}
	if got := textOf(t, ctx, byTestID("recipient-reason")); !strings.Contains(got, "Opted out of marketing") {
		t.Fatalf("reason: %q", got)
	}
	for _, m := range simSentTo(t, s) {
		if m == nums[0] {
			t.Fatal("the simulator received the campaign for the opted-out customer")
		}
	}
	ctx = newBrowser(t)
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-campaigns"), chromedp.ByQuery))
	run(t, ctx, "the report",
		chromedp.Navigate(s.URL+"/campaigns"),
		chromedp.WaitVisible(byTestID("campaigns-table"), chromedp.ByQuery),
		chromedp.Click(`[data-testid="campaigns-table"] a`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("report-delivered"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("report-delivered")); !strings.Contains(got, "100%") {
		t.Fatalf("delivered: %q", got)
	}
	// What it cost: each message was priced when it was queued (the
	// provider's pricing replaces the estimate when reported).
	if got := textOf(t, ctx, byTestID("campaign-cost-total")); !strings.Contains(got, "for 24 billable messages") {
		t.Fatalf("cost: %q", got)
	}
	var rowCost string
	run(t, ctx, "a recipient's cost", chromedp.Evaluate(`document.querySelector('[data-testid="recipient-row"]:not([data-phone$="`+nums[0]+`"]) [data-testid="recipient-cost"]').textContent.trim()`, &rowCost))
	if rowCost == "" || !strings.ContainsAny(rowCost, "0123456789") {
		t.Fatalf("a recipient's cost: %q", rowCost)
	}
	checkPage(t, ctx, "campaign finished")

	// The customers' conversations say which campaign reached them, so
	// that their replies are read as answers to it.
	run(t, ctx, "open a recipient's conversation",
		chromedp.Click(`[data-testid="recipient-row"] a`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("thread-campaign"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("thread-campaign")); got != "From campaign Weekend regulars" {
		t.Fatalf("conversation header: %q", got)
	}
}

// simSentTo lists the recipients of what the simulator accepted.
func simSentTo(t *testing.T, s *server) []string {
	t.Helper()
	var out []string
	for _, m := range simSentFull(t, s) {
		out = append(out, m.To)
	}
	return out
}

type simMessage struct {
	To   string `json:"to"`
	Type string `json:"type"`
}

// simSentFull lists what the simulator accepted from the demo's number.
func simSentFull(t *testing.T, s *server) []simMessage {
	t.Helper()
	res, err := http.Get(s.SimURL + "/_sim/messages?phone_number_id=" + simUsable)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Data []simMessage `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Data
}
