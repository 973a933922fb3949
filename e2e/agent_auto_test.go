package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wadesk/wadesk/hours"
)

// Issue 19: business hours and automatic replies, set up by an admin and
// met by simulator customers.

// oldWebhook delivers, signed as Meta would, a customer's text message
// sent at sentAt: a webhook a provider retries after an outage.
func oldWebhook(t *testing.T, s *server, channelID, from, name, wamid, text string, sentAt time.Time) {
	t.Helper()
	contact := hookContact{WaID: from}
	contact.Profile.Name = name
	msg := hookMessage{From: from, ID: wamid, Timestamp: strconv.FormatInt(sentAt.Unix(), 10), Type: "text"}
	msg.Text.Body = text
	env := hookEnvelope{Object: "whatsapp_business_account", Entry: []hookEntry{{ID: simOwnedWABA,
		Changes: []hookChange{{Field: "messages", Value: hookValue{MessagingProduct: "whatsapp",
			Metadata: hookMetadata{DisplayPhoneNumber: "15550001111", PhoneNumberID: simUsable},
			Contacts: []hookContact{contact}, Messages: []hookMessage{msg}}}}}}}
	body, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/webhooks/"+channelID, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", signature(simAppSecret, body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the old webhook was answered %s", res.Status)
	}
}

// automaticIn is the automatic marks of the open conversation's messages.
func automaticIn(t *testing.T, ctx context.Context) []string {
	t.Helper()
	var marks []string
	run(t, ctx, "automatic marks", chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid="message-automatic"]')).map(m => m.textContent.trim())`, &marks))
	return marks
}

func TestAutomaticRepliesAndBusinessHours(t *testing.T) {
	// The clock business hours are judged by is pinned (and moved below)
	// through a file the program reads: a Wednesday evening in Lisbon,
	// after hours. How old a customer's message is stays real time.
	clock := filepath.Join(t.TempDir(), "hours-now")
	setClock := func(at string) {
		t.Helper()
		if err := os.WriteFile(clock, []byte(at), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	setClock("2026-12-09T21:00:00Z") // 21:00 in Lisbon (UTC+0 in December)
	s := startDemoEnv(t, []string{hours.TestClockEnv + "=" + clock})
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	var channelURL string
	run(t, agent, "channel page", chromedp.Location(&channelURL))
	channelID := channelURL[strings.LastIndex(channelURL, "/")+1:]

	run(t, agent, "a Sales department", chromedp.Navigate(s.URL+"/settings/departments"),
		chromedp.WaitVisible(byTestID("department-form"), chromedp.ByQuery),
		chromedp.SendKeys(`[data-testid="department-form"] input[name="name"]`, "Sales", chromedp.ByQuery),
		chromedp.Click(byTestID("department-create"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("departments-table"), chromedp.ByQuery))

	// Business hours: every day 09:00–18:00 in Lisbon; at the pinned
	// 21:00 the channel is outside them.
	const zone = "Europe/Lisbon"
	run(t, agent, "the channel's automatic replies", chromedp.Navigate(channelURL),
		chromedp.WaitVisible(byTestID("channel-auto-replies"), chromedp.ByQuery),
		chromedp.Click(byTestID("channel-auto-replies"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("hours-form"), chromedp.ByQuery))
	// The away message needs business hours first: refused in words.
	run(t, agent, "away message without hours",
		chromedp.Click(byTestID("away-on"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("away-text"), "We're closed now; we answer from 9:00.", chromedp.ByQuery),
		chromedp.Click(byTestID("auto-replies-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-away_text"), chromedp.ByQuery))
	var kept string
	run(t, agent, "the text is kept", chromedp.Value(byTestID("away-text"), &kept, chromedp.ByQuery))
	if kept != "We're closed now; we answer from 9:00." {
		t.Errorf("after the refusal the away text is %q", kept)
	}
	actions := []chromedp.Action{chromedp.SetValue(byTestID("hours-zone"), zone, chromedp.ByQuery)}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		actions = append(actions,
			chromedp.Evaluate(`document.querySelector('[data-testid="hours-open-`+d+`"]').checked = true`, nil),
			chromedp.SetValue(byTestID("hours-from-"+d), "09:00", chromedp.ByQuery),
			chromedp.SetValue(byTestID("hours-to-"+d), "18:00", chromedp.ByQuery))
	}
	actions = append(actions, chromedp.Evaluate(`window.beforeHours = true`, nil), chromedp.Click(byTestID("hours-save"), chromedp.ByQuery))
	run(t, agent, "save the hours", actions...)
	pollAcrossLoads(t, agent, "hours saved", `!window.beforeHours && document.readyState === "complete" && !!document.querySelector('[data-testid="hours-now"]') && document.querySelector('[data-testid="hours-from-wed"]').value === "09:00"`)
	if got := textOf(t, agent, byTestID("hours-now")); !strings.Contains(got, "Closed") {
		t.Errorf("at 21:00 the page says %q", got)
	}
	run(t, agent, "switch the away message and the rules on",
		chromedp.Evaluate(`document.querySelector('[data-testid="away-on"]').checked = true; document.querySelector('[data-testid="rules-on"]').checked = true`, nil),
		chromedp.SetValue(byTestID("away-text"), "We're closed now; we answer from 9:00.", chromedp.ByQuery),
		// Marks this page, so that the wait below knows the saved page
		// (which has no mark) from the one the form was sent from.
		chromedp.Evaluate(`window.beforeSave = true`, nil),
		chromedp.Click(byTestID("auto-replies-save"), chromedp.ByQuery))
	pollAcrossLoads(t, agent, "replies saved", `!window.beforeSave && document.readyState === "complete" && document.querySelector('[data-testid="away-on"]').checked && document.querySelector('[data-testid="rules-on"]').checked && !document.querySelector('[data-testid="error-summary"]')`)

	// A keyword rule: "menu" → a list of four, and the Sales department.
	run(t, agent, "add a rule",
		chromedp.SetValue(byTestID("rule-match"), "contains", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("rule-phrase"), "menu", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("rule-reply"), "What would you like to see?", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("rule-options"), "Breads\nCakes\nCoffee\nCatering", chromedp.ByQuery),
		chromedp.SetValue(byTestID("rule-department"), labelValue(t, agent, "Sales"), chromedp.ByQuery),
		chromedp.Click(byTestID("rule-create"), chromedp.ByQuery))
	pollAcrossLoads(t, agent, "rule listed", `document.readyState === "complete" && document.querySelectorAll('[data-testid="rule"]').length === 1`)
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, vp.name, vp.at())
		checkAccessible(t, agent, "hours and automatic replies ("+vp.name+")")
		checkNoSideScroll(t, agent, "hours and automatic replies ("+vp.name+")")
	}
	run(t, agent, "desktop", desktopWidth.at())

	// A customer asks for the menu outside hours: the away message, then
	// the list of four, both marked automatic; the conversation goes to Sales.
	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, "Hi! Can I see the MENU?")
	run(t, phone, "the customer gets the away message and a list of four",
		chromedp.Poll(`(() => { const ms = Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"], [data-testid="message"]')).filter(m => m.dataset.kind && m.dataset.kind.startsWith("interactive-list"));
			const m = ms[ms.length - 1];
			return !!m && m.querySelectorAll('[data-testid="list-row"]').length === 4 && document.body.textContent.includes("We're closed now"); })()`, nil,
			chromedp.WithPollingTimeout(20*time.Second)))
	openFirstConversation(t, agent, s)
	pollAcrossLoads(t, agent, "two automatic messages", `document.querySelectorAll('[data-testid="message-automatic"]').length === 2`)
	if got := strings.Join(automaticIn(t, agent), " | "); got != "Automatic away message | Automatic reply" {
		t.Errorf("automatic marks: %s", got)
	}
	if n := countOf(t, agent, byTestID("outside-hours")); n != 1 {
		t.Error("the conversation does not say the channel is outside business hours")
	}
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, vp.name, vp.at())
		checkAccessible(t, agent, "conversation with automatic replies ("+vp.name+")")
		checkNoSideScroll(t, agent, "conversation with automatic replies ("+vp.name+")")
	}
	run(t, agent, "desktop", desktopWidth.at())
	run(t, agent, "the Sales list", chromedp.Navigate(s.URL+"/inbox?dept="+labelValueAt(t, agent, s, "Sales")),
		chromedp.WaitVisible(byTestID("inbox-list"), chromedp.ByQuery))
	if names := listNames(t, agent); len(names) != 1 {
		t.Errorf("the Sales list shows %v; the rule should have moved the conversation there", names)
	}

	// The same evening again: the rule answers, the away message does not.
	customerWrites(t, phone, "and the menu for cakes?")
	openFirstConversation(t, agent, s)
	pollAcrossLoads(t, agent, "the second rule reply", `document.querySelectorAll('[data-testid="message-automatic"]').length === 3`)
	if got := strings.Join(automaticIn(t, agent), " | "); got != "Automatic away message | Automatic reply | Automatic reply" {
		t.Errorf("after a second message the automatic marks are: %s", got)
	}

	// A webhook retried after an outage, two hours late: no automatic reply.
	oldWebhook(t, s, channelID, "351910000009", "Old Ana", "wamid.retried-old-1", "menu please", time.Now().Add(-2*time.Hour))
	// Then the same customer writes now: answered (which also shows the
	// worker got past the old message, handled first).
	customerTexts(t, s, "351910000009", "Old Ana", "menu?")
	openConversation(t, agent, s, "Old Ana")
	pollAcrossLoads(t, agent, "the new message answered", `document.querySelectorAll('[data-testid="message-automatic"]').length >= 2`)
	if got := strings.Join(automaticIn(t, agent), " | "); got != "Automatic away message | Automatic reply" {
		t.Errorf("the retried old message was answered too: %s", got)
	}

	// The next morning at 10:00, inside hours: no away message.
	setClock("2026-12-10T10:00:00Z")
	run(t, agent, "back to the hours", chromedp.Navigate(s.URL+"/channels/"+channelID+"/auto-replies"),
		chromedp.WaitVisible(byTestID("hours-form"), chromedp.ByQuery))
	if got := textOf(t, agent, byTestID("hours-now")); !strings.Contains(got, "Open") {
		t.Errorf("at 10:00 the page says %q", got)
	}
	customerTexts(t, s, "351910000010", "Bea Open", "The menu, please")
	openConversation(t, agent, s, "Bea Open")
	pollAcrossLoads(t, agent, "the rule answers", `document.querySelectorAll('[data-testid="message-automatic"]').length >= 1`)
	if got := strings.Join(automaticIn(t, agent), " | "); got != "Automatic reply" {
		t.Errorf("inside business hours the automatic messages are: %s", got)
	}
	if n := countOf(t, agent, byTestID("outside-hours")); n != 0 {
		t.Error("inside business hours the conversation says it is outside them")
	}
}

// labelValueAt is the value of the named department in the inbox's filter.
func labelValueAt(t *testing.T, ctx context.Context, s *server, name string) string {
	t.Helper()
	run(t, ctx, "inbox", chromedp.Navigate(s.URL+"/inbox"), chromedp.WaitVisible(byTestID("inbox-list"), chromedp.ByQuery))
	return labelValue(t, ctx, name)
}
