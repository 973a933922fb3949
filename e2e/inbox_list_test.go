package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// customerTexts has the simulator deliver a text message from customer
// from (named name) to the connected number.
func customerTexts(t *testing.T, s *server, from, name, text string) {
	t.Helper()
	simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": from, "name": name, "text": text})
}

// listNames is the names in the inbox list, in order.
func listNames(t *testing.T, ctx context.Context) []string {
	t.Helper()
	var names []string
	run(t, ctx, "read the list", chromedp.Evaluate(
		`Array.from(document.querySelectorAll('[data-testid="conversation"] .conv-name')).map(e => e.textContent)`, &names))
	return names
}

// waitList polls the page (without reloading it) until cond holds.
func waitList(t *testing.T, ctx context.Context, step, cond string) {
	t.Helper()
	run(t, ctx, step, chromedp.Poll(cond, nil, chromedp.WithPollingTimeout(20*time.Second)))
}

const rowOf = `Array.from(document.querySelectorAll('[data-testid="conversation"]')).find(r => r.textContent.includes(%s))`

// TestInboxManageConversation: an agent searches, takes a conversation,
// leaves a note and resolves it, while an admin's open inbox (no
// conversation open) follows every change without reloading.
func TestInboxManageConversation(t *testing.T) {
	s := startDemo(t)
	watcher := newBrowser(t)
	inboxConnect(t, watcher, s) // the demo admin, who stays on /inbox

	customerTexts(t, s, "351910000001", "Rita Rossi", "Do you have gluten-free bread?")
	customerTexts(t, s, "351910000002", "Bruno Costa", "What time do you open tomorrow?")
	deadline := time.Now().Add(20 * time.Second)
	for {
		run(t, watcher, "open the inbox", chromedp.Navigate(s.URL+"/inbox"), chromedp.WaitReady("body", chromedp.ByQuery))
		if len(listNames(t, watcher)) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the two conversations did not arrive: %v", listNames(t, watcher))
		}
		time.Sleep(200 * time.Millisecond)
	}
	run(t, watcher, "mark the document", chromedp.Evaluate(`window.__sameDocument = true`, nil))
	var unread string
	run(t, watcher, "unread total", chromedp.Text(byTestID("inbox-tab-open")+` [data-testid="tab-unread"]`, &unread, chromedp.ByQuery))
	if !strings.HasPrefix(unread, "2") {
		t.Errorf("Open tab unread total = %q, want 2", unread)
	}

	agent := newBrowser(t)
	signIn(t, agent, s, "agent@demo.wadesk", demoPassword)
	run(t, agent, "search",
		chromedp.WaitVisible(byTestID("inbox-search-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("inbox-search-input"), "gluten", chromedp.ByQuery),
		chromedp.Click(byTestID("inbox-search-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("inbox-search-clear"), chromedp.ByQuery),
	)
	if names := listNames(t, agent); fmt.Sprint(names) != "[Rita Rossi]" {
		t.Fatalf("search for gluten lists %v", names)
	}
	run(t, agent, "open the result",
		chromedp.Click(byTestID("conversation"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery),
	)
	if u := location(t, agent); !strings.Contains(u, "q=gluten") {
		t.Errorf("the search was lost on opening the conversation: %s", u)
	}

	run(t, agent, "assign to me",
		chromedp.Click(byTestID("assign-me"), chromedp.ByQuery),
		chromedp.WaitNotPresent(byTestID("assign-me"), chromedp.ByQuery),
	)
	var assignee string
	run(t, agent, "assignee shown", chromedp.Evaluate(
		`document.querySelector('[data-testid="assignee-select"]').selectedOptions[0].textContent`, &assignee))
	if !strings.Contains(assignee, "Demo Agent") {
		t.Errorf("assignee select shows %q", assignee)
	}
	waitList(t, watcher, "the watcher sees the assignee",
		fmt.Sprintf(rowOf, jsString("Rita Rossi"))+`?.querySelector('[data-testid="conversation-assignee"]')?.textContent === "Demo Agent"`)

	const note = "Asked for gluten-free: check with the bakery before replying"
	run(t, agent, "add a note",
		chromedp.Click(byTestID("notes")+" summary", chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("note-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("note-input"), note, chromedp.ByQuery),
		chromedp.Click(byTestID("note-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("note"), chromedp.ByQuery),
	)
	if got := textOf(t, agent, byTestID("note-body")); got != note {
		t.Errorf("note = %q", got)
	}
	if got := textOf(t, agent, byTestID("note-author")); got != "Demo Agent" {
		t.Errorf("note author = %q", got)
	}
	var inChat bool
	run(t, agent, "the note is not a message", chromedp.Evaluate(
		`document.querySelector('[data-testid="chat"]').textContent.includes(`+jsString(note)+`)`, &inChat))
	if inChat {
		t.Error("the note shows in the chat")
	}

	run(t, agent, "resolve",
		chromedp.Click(byTestID("resolve"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("reopen"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("conversation-status"), chromedp.ByQuery),
	)
	waitList(t, watcher, "the resolved conversation leaves the watcher's open list",
		fmt.Sprintf(rowOf, jsString("Rita Rossi"))+` === undefined`)

	// A new customer appears in the watcher's list as they write.
	customerTexts(t, s, "351910000003", "Carla Dias", "Is the shop open on Sunday?")
	waitList(t, watcher, "a new conversation appears live", fmt.Sprintf(rowOf, jsString("Carla Dias"))+` !== undefined`)
	if names := listNames(t, watcher); fmt.Sprint(names) != "[Carla Dias Bruno Costa]" {
		t.Errorf("watcher's list = %v", names)
	}
	var same bool
	run(t, watcher, "same document", chromedp.Evaluate(`window.__sameDocument === true`, &same))
	if !same {
		t.Fatal("the watcher's page reloaded; the list should have changed by server-sent events")
	}
}
