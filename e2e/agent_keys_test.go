package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Issue 19: keyboard shortcuts listed in a "?" help, an emoji picker in the
// reply box, and the customer seeing "typing…" while the agent types.
func TestKeyboardEmojiAndTyping(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	createQuickReply(t, agent, s, "hours", "We open at 9 every day.", false)
	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, "Hello, are you open?")
	customerTexts(t, s, "351910000002", "Bruno Costa", "Second customer")
	waitConversations(t, agent, s, 2)

	run(t, agent, "the inbox", chromedp.Navigate(s.URL+"/inbox"), chromedp.WaitVisible(byTestID("conversation"), chromedp.ByQuery),
		chromedp.Click("body", chromedp.ByQuery))
	run(t, agent, "? opens the help", chromedp.KeyEvent("?"))
	poll(t, agent, "help open", `document.getElementById("keys-help").open`)
	if got := textOf(t, agent, byTestID("keys-help")); !strings.Contains(got, "Next conversation") || !strings.Contains(got, "Resolve") {
		t.Errorf("the help says %q", got)
	}
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, vp.name, vp.at())
		checkAccessible(t, agent, "keyboard help ("+vp.name+")")
	}
	run(t, agent, "desktop", desktopWidth.at(), chromedp.KeyEvent(kb.Escape))
	poll(t, agent, "help closed", `!document.getElementById("keys-help").open`)

	// j opens the first conversation, then the next.
	run(t, agent, "j", chromedp.KeyEvent("j"))
	pollAcrossLoads(t, agent, "first conversation open", `document.readyState === "complete" && !!document.querySelector('[data-testid="thread"]')`)
	first := textOf(t, agent, byTestID("thread-name"))
	run(t, agent, "focus the page", chromedp.Click(byTestID("thread-name"), chromedp.ByQuery), chromedp.KeyEvent("j"))
	pollAcrossLoads(t, agent, "next conversation open", `document.readyState === "complete" && !!document.querySelector('[data-testid="thread-name"]') && document.querySelector('[data-testid="thread-name"]').textContent !== `+jsString(first))
	run(t, agent, "k goes back", chromedp.Click(byTestID("thread-name"), chromedp.ByQuery), chromedp.KeyEvent("k"))
	pollAcrossLoads(t, agent, "previous conversation open", `document.readyState === "complete" && !!document.querySelector('[data-testid="thread-name"]') && document.querySelector('[data-testid="thread-name"]').textContent === `+jsString(first))

	// Typing a letter in the reply box does not trigger a shortcut.
	openConversation(t, agent, s, "Bruno Costa")
	openConversation(t, agent, s, firstName(t, agent, s))
	run(t, agent, "r focuses the reply box", chromedp.Click(byTestID("thread-name"), chromedp.ByQuery), chromedp.KeyEvent("r"))
	poll(t, agent, "reply box focused", `document.activeElement === document.querySelector('[data-testid="composer-input"]')`)
	run(t, agent, "type e and a", chromedp.KeyEvent("ea"))
	var value string
	run(t, agent, "reply box", chromedp.Value(byTestID("composer-input"), &value, chromedp.ByQuery))
	if value != "ea" {
		t.Errorf("typing e and a in the reply box gave %q", value)
	}
	if n := countOf(t, agent, byTestID("conversation-status")); n != 0 {
		t.Error("typing e in the reply box resolved the conversation")
	}
	// The customer sees "typing…".
	run(t, phone, "the customer sees typing", chromedp.WaitVisible(byTestID("typing"), chromedp.ByQuery))

	// An emoji from the picker, at the caret.
	run(t, agent, "open the emoji picker", chromedp.Click(byTestID("emoji-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("emoji"), chromedp.ByQuery))
	checkAccessible(t, agent, "emoji picker open (desktop)")
	// On a phone the open grid covers the composer's buttons, which axe's
	// target-size rule counts against them: checked closed, and for width open.
	run(t, agent, "phone", phoneWidth.at())
	checkNoSideScroll(t, agent, "emoji picker open (phone)")
	run(t, agent, "close the picker", chromedp.Click(byTestID("emoji-open"), chromedp.ByQuery))
	checkAccessible(t, agent, "reply box with the emoji button (phone)")
	run(t, agent, "desktop", desktopWidth.at(), chromedp.Click(byTestID("emoji-open"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-emoji="👍"]`, chromedp.ByQuery), chromedp.Click(`[data-emoji="👍"]`, chromedp.ByQuery))
	run(t, agent, "reply box", chromedp.Value(byTestID("composer-input"), &value, chromedp.ByQuery))
	if value != "ea👍" {
		t.Errorf("after the emoji the reply box holds %q", value)
	}

	// "/" outside a field opens the quick replies.
	run(t, agent, "clear and leave the reply box", chromedp.Evaluate(`document.querySelector('[data-testid="composer-input"]').value = ""`, nil),
		chromedp.Click(byTestID("thread-name"), chromedp.ByQuery), chromedp.KeyEvent("/"))
	poll(t, agent, "quick replies open", `!document.querySelector('[data-testid="quick-picker"]').hidden && document.activeElement === document.querySelector('[data-testid="composer-input"]')`)

	// a assigns to me, e resolves.
	run(t, agent, "a", chromedp.KeyEvent(kb.Escape), chromedp.Click(byTestID("thread-name"), chromedp.ByQuery), chromedp.KeyEvent("a"))
	pollAcrossLoads(t, agent, "assigned to me", `document.readyState === "complete" && !!document.querySelector('[data-testid="assignee-select"]') && document.querySelector('[data-testid="assignee-select"] option:checked').textContent.includes("(you)")`)
	run(t, agent, "e", chromedp.Click(byTestID("thread-name"), chromedp.ByQuery), chromedp.KeyEvent("e"))
	pollAcrossLoads(t, agent, "resolved", `document.readyState === "complete" && !!document.querySelector('[data-testid="conversation-status"]')`)
}

// firstName is the name of the customer the simulator's phone plays, as
// the inbox lists them.
func firstName(t *testing.T, ctx context.Context, s *server) string {
	t.Helper()
	names := listNames(t, ctx)
	for _, n := range names {
		if n != "Bruno Costa" {
			return n
		}
	}
	t.Fatalf("no other customer than Bruno in %v", names)
	return ""
}
