package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Issue 19: a snoozed conversation leaves the Open list and comes back on
// the customer's next message; a conversation is transferred to another
// department.
func TestSnoozeUntilTheCustomerWritesAndTransfer(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	run(t, agent, "a Sales department", chromedp.Navigate(s.URL+"/settings/departments"),
		chromedp.WaitVisible(byTestID("department-form"), chromedp.ByQuery),
		chromedp.SendKeys(`[data-testid="department-form"] input[name="name"]`, "Sales", chromedp.ByQuery),
		chromedp.Click(byTestID("department-create"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("departments-table"), chromedp.ByQuery))
	customerTexts(t, s, "351910000001", "Rita Rossi", "I'll send the address later.")
	customerTexts(t, s, "351910000002", "Bruno Costa", "What time do you open?")
	waitConversations(t, agent, s, 2)

	openConversation(t, agent, s, "Rita Rossi")
	run(t, agent, "open snooze and transfer", chromedp.Click(byTestID("conversation-flow-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("snooze-form"), chromedp.ByQuery))
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, vp.name, vp.at())
		checkAccessible(t, agent, "snooze and transfer open ("+vp.name+")")
		checkNoSideScroll(t, agent, "snooze and transfer open ("+vp.name+")")
	}
	run(t, agent, "desktop", desktopWidth.at())
	run(t, agent, "snooze until Rita writes",
		chromedp.SetValue(byTestID("snooze-until"), "message", chromedp.ByQuery),
		chromedp.Click(byTestID("snooze"), chromedp.ByQuery))
	pollAcrossLoads(t, agent, "back on the list without Rita", `document.readyState === "complete" && location.pathname === "/inbox" &&
		Array.from(document.querySelectorAll('[data-testid="conversation"] .conv-name')).map(e => e.textContent).join(",") === "Bruno Costa"`)
	run(t, agent, "the Snoozed tab", chromedp.Click(byTestID("inbox-tab-snoozed"), chromedp.ByQuery))
	pollAcrossLoads(t, agent, "Rita is in Snoozed", `document.readyState === "complete" && location.search.includes("status=snoozed") &&
		Array.from(document.querySelectorAll('[data-testid="conversation"] .conv-name')).map(e => e.textContent).join(",") === "Rita Rossi"`)
	checkAccessible(t, agent, "snoozed list")

	// Rita writes: her conversation is back in the Open list, live.
	run(t, agent, "the Open tab", chromedp.Click(byTestID("inbox-tab-open"), chromedp.ByQuery))
	pollAcrossLoads(t, agent, "open list", `document.readyState === "complete" && !location.search.includes("snoozed") && document.querySelectorAll('[data-testid="conversation"]').length === 1`)
	// The list follows events from the moment its stream is open; the
	// page has just loaded, so give the stream a moment to connect (an
	// event sent before that is not replayed).
	time.Sleep(1500 * time.Millisecond)
	customerTexts(t, s, "351910000001", "Rita Rossi", "Here it is: Rua Augusta 10.")
	waitList(t, agent, "Rita is back", fmt.Sprintf(`!!(`+rowOf+`)`, jsString("Rita Rossi")))
	if names := listNames(t, agent); fmt.Sprint(names) != "[Rita Rossi Bruno Costa]" {
		t.Errorf("after Rita wrote the Open list is %v", names)
	}

	// Transfer Bruno to Sales.
	openConversation(t, agent, s, "Bruno Costa")
	dept := labelValue(t, agent, "Sales")
	run(t, agent, "transfer to Sales", chromedp.Click(byTestID("conversation-flow-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("transfer-form"), chromedp.ByQuery),
		chromedp.SetValue(byTestID("transfer-department"), dept, chromedp.ByQuery),
		chromedp.Click(byTestID("transfer"), chromedp.ByQuery))
	pollAcrossLoads(t, agent, "transferred", `document.readyState === "complete" && document.body.innerText.includes("Bruno Costa was transferred")`)
	run(t, agent, "the Sales list", chromedp.Navigate(s.URL+"/inbox?dept="+dept), chromedp.WaitVisible(byTestID("inbox-list"), chromedp.ByQuery))
	if names := listNames(t, agent); fmt.Sprint(names) != "[Bruno Costa]" {
		t.Errorf("the Sales list is %v", names)
	}
}
