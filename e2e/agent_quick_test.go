package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Issue 19: labels on conversations and quick replies, as an admin and an
// agent use them.

// createLabel adds a label on Settings → Labels.
func createLabel(t *testing.T, ctx context.Context, s *server, name, colour string) {
	t.Helper()
	run(t, ctx, "add the label "+name, chromedp.Navigate(s.URL+"/settings/labels"),
		chromedp.WaitVisible(byTestID("label-form"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("label-name"), name, chromedp.ByQuery),
		chromedp.Click(byTestID("label-colour-"+colour), chromedp.ByQuery),
		chromedp.Click(byTestID("label-create"), chromedp.ByQuery))
	pollAcrossLoads(t, ctx, name+" listed", `document.readyState === "complete" && Array.from(document.querySelectorAll('[data-testid="labels-list"] [data-testid="label-chip"]')).some(e => e.textContent === `+jsString(name)+`)`)
}

// createQuickReply adds a quick reply on /quick-replies.
func createQuickReply(t *testing.T, ctx context.Context, s *server, shortcut, body string, shared bool) {
	t.Helper()
	actions := []chromedp.Action{chromedp.Navigate(s.URL + "/quick-replies"),
		chromedp.WaitVisible(byTestID("quick-reply-form"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("quick-reply-form")+" "+byTestID("quick-reply-shortcut"), shortcut, chromedp.ByQuery),
		chromedp.SendKeys(byTestID("quick-reply-form")+" "+byTestID("quick-reply-body"), body, chromedp.ByQuery)}
	if shared {
		actions = append(actions, chromedp.Click(byTestID("quick-reply-shared"), chromedp.ByQuery))
	}
	actions = append(actions, chromedp.Click(byTestID("quick-reply-form")+" "+byTestID("quick-reply-save"), chromedp.ByQuery))
	run(t, ctx, "add the quick reply /"+shortcut, actions...)
	pollAcrossLoads(t, ctx, "/"+shortcut+" listed", `document.readyState === "complete" && Array.from(document.querySelectorAll('[data-testid="quick-reply-row"] strong')).some(e => e.textContent === `+jsString("/"+shortcut)+`)`)
}

func TestLabelsOnConversations(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	customerTexts(t, s, "351910000001", "Rita Rossi", "I ordered twice, please refund one.")
	customerTexts(t, s, "351910000002", "Bruno Costa", "What time do you open tomorrow?")
	waitConversations(t, agent, s, 2)

	// A name left empty is refused with words, and nothing typed is lost.
	run(t, agent, "add a label without a name", chromedp.Navigate(s.URL+"/settings/labels"),
		chromedp.WaitVisible(byTestID("label-form"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("label-description"), "Customers we owe money", chromedp.ByQuery),
		chromedp.Click(byTestID("label-create"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-name"), chromedp.ByQuery))
	var kept string
	run(t, agent, "the description is kept", chromedp.Value(byTestID("label-description"), &kept, chromedp.ByQuery))
	if kept != "Customers we owe money" {
		t.Errorf("after the refusal the description is %q", kept)
	}
	createLabel(t, agent, s, "Refund", "red")
	createLabel(t, agent, s, "VIP", "amber")
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, "labels page at "+vp.name, vp.at(), chromedp.Navigate(s.URL+"/settings/labels"),
			chromedp.WaitVisible(byTestID("labels-list"), chromedp.ByQuery))
		checkAccessible(t, agent, "labels page ("+vp.name+")")
		checkNoSideScroll(t, agent, "labels page ("+vp.name+")")
	}
	run(t, agent, "desktop", desktopWidth.at())

	// Bulk from the list: tick Rita, put Refund on.
	run(t, agent, "the inbox", chromedp.Navigate(s.URL+"/inbox"), chromedp.WaitVisible(byTestID("inbox-bulk"), chromedp.ByQuery))
	run(t, agent, "tick Rita", chromedp.Evaluate(fmt.Sprintf(`(() => { const row = `+rowOf+`; row.closest(".conv-row").querySelector('[data-testid="conversation-check"]').click(); return true; })()`, jsString("Rita Rossi")), nil))
	run(t, agent, "choose Refund and add it",
		chromedp.SetValue(byTestID("bulk-label"), labelValue(t, agent, "Refund"), chromedp.ByQuery),
		chromedp.Click(byTestID("bulk-label-add"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("label-chip"), chromedp.ByQuery))
	var chips []string
	run(t, agent, "chips on rows", chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid="conversation"]')).map(r =>
		r.querySelector('.conv-name').textContent + ":" + Array.from(r.querySelectorAll('[data-testid="label-chip"]')).map(c => c.textContent).join(","))`, &chips))
	if !strings.Contains(strings.Join(chips, " "), "Rita Rossi:Refund") || strings.Contains(strings.Join(chips, " "), "Bruno Costa:Refund") {
		t.Errorf("after the bulk action the rows show %v", chips)
	}
	checkAccessible(t, agent, "inbox with labels")

	// The list filtered by label.
	run(t, agent, "filter by Refund",
		chromedp.SetValue(byTestID("filter-label"), labelValue(t, agent, "Refund"), chromedp.ByQuery),
		chromedp.Click(byTestID("inbox-search-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("inbox-search-clear"), chromedp.ByQuery))
	if names := listNames(t, agent); fmt.Sprint(names) != "[Rita Rossi]" {
		t.Errorf("filtered by Refund the list shows %v", names)
	}
	run(t, agent, "filter by VIP",
		chromedp.SetValue(byTestID("filter-label"), labelValue(t, agent, "VIP"), chromedp.ByQuery),
		chromedp.Click(byTestID("inbox-search-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("inbox-empty"), chromedp.ByQuery))
	if got := textOf(t, agent, byTestID("inbox-empty-title")); !strings.Contains(got, "VIP") {
		t.Errorf("the empty list says %q; want it to name the label", got)
	}

	// From the conversation: add VIP, take Refund off.
	run(t, agent, "open Rita", chromedp.Navigate(s.URL+"/inbox"), chromedp.WaitVisible(byTestID("conversation"), chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(`(() => { (`+rowOf+`).click(); return true; })()`, jsString("Rita Rossi")), nil),
		chromedp.WaitVisible(byTestID("conversation-labels"), chromedp.ByQuery))
	vip, refund := labelValue(t, agent, "VIP"), ""
	run(t, agent, "Refund's id", chromedp.Evaluate(`document.querySelector('#conversation-labels [data-testid="label-chip"]').dataset.labelId`, &refund))
	run(t, agent, "add VIP",
		chromedp.SetValue(byTestID("conversation-label-select"), vip, chromedp.ByQuery),
		chromedp.Click(byTestID("conversation-label-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(`#conversation-labels [data-label-id="`+vip+`"]`, chromedp.ByQuery))
	if got := chipsIn(t, agent, "#conversation-labels"); got != "Refund,VIP" {
		t.Errorf("the conversation's labels are %q", got)
	}
	run(t, agent, "remove Refund", chromedp.Click(`#conversation-labels [data-testid="label-remove"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#conversation-labels [data-label-id="`+refund+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#conversation-labels [data-label-id="`+vip+`"]`, chromedp.ByQuery))
	if got := chipsIn(t, agent, "#conversation-labels"); got != "VIP" {
		t.Errorf("after removing Refund the conversation's labels are %q", got)
	}
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, vp.name, vp.at())
		checkAccessible(t, agent, "conversation with labels ("+vp.name+")")
		checkNoSideScroll(t, agent, "conversation with labels ("+vp.name+")")
	}
}

// chipsIn is the label chips inside sel, comma-separated.
func chipsIn(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var got string
	run(t, ctx, "chips in "+sel, chromedp.Evaluate(`Array.from(document.querySelectorAll(`+jsString(sel+` [data-testid="label-chip"]`)+`)).map(c => c.textContent).join(",")`, &got))
	return got
}

// labelValue is the option value of a label in the page's first select
// that lists it.
func labelValue(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	var v string
	run(t, ctx, "find the label "+name, chromedp.Evaluate(fmt.Sprintf(`(Array.from(document.querySelectorAll('select option')).find(o => o.textContent.trim() === %s) || {value: ""}).value`, jsString(name)), &v))
	if v == "" {
		t.Fatalf("no option for the label %s", name)
	}
	return v
}

// The first "must show": / and two letters and Enter insert a
// quick reply, with the contact's name filled in.
func TestQuickReplyInsertedFromReplyBox(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	customerTexts(t, s, "351910000001", "Rita Rossi", "Thanks for the cake!")
	waitConversations(t, agent, s, 1)

	// A shortcut with a space is refused in words; the text is kept.
	run(t, agent, "quick replies page", chromedp.Navigate(s.URL+"/quick-replies"),
		chromedp.WaitVisible(byTestID("quick-reply-form"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("quick-reply-shortcut"), "thank you", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("quick-reply-body"), "Kept text", chromedp.ByQuery),
		chromedp.Click(byTestID("quick-reply-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-shortcut"), chromedp.ByQuery))
	var body string
	run(t, agent, "kept", chromedp.Value(byTestID("quick-reply-body"), &body, chromedp.ByQuery))
	if body != "Kept text" {
		t.Errorf("after the refusal the text is %q", body)
	}
	createQuickReply(t, agent, s, "thanks", "You're welcome, {contact_name}! See you soon.", true)
	createQuickReply(t, agent, s, "hours", "We open at 9 every day.", false)
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, "quick replies at "+vp.name, vp.at(), chromedp.Navigate(s.URL+"/quick-replies"),
			chromedp.WaitVisible(byTestID("quick-replies-shared"), chromedp.ByQuery))
		checkAccessible(t, agent, "quick replies page ("+vp.name+")")
		checkNoSideScroll(t, agent, "quick replies page ("+vp.name+")")
	}

	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		t.Run(vp.name, func(t *testing.T) {
			openFirstConversation(t, agent, s)
			run(t, agent, vp.name, vp.at(), chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
				chromedp.Click(byTestID("composer-input"), chromedp.ByQuery),
				chromedp.SendKeys(byTestID("composer-input"), "/th", chromedp.ByQuery))
			poll(t, agent, "the list opens on /thanks", `!document.querySelector('[data-testid="quick-picker"]').hidden &&
				document.getElementById(document.querySelector('[data-testid="composer-input"]').getAttribute("aria-activedescendant")).dataset.shortcut === "thanks"`)
			var shown []string
			run(t, agent, "what the list shows", chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid="quick-option"]')).filter(o => !o.hidden).map(o => o.dataset.shortcut)`, &shown))
			if fmt.Sprint(shown) != "[thanks]" {
				t.Errorf("/th lists %v", shown)
			}
			checkAccessible(t, agent, "quick reply list open ("+vp.name+")")
			checkNoSideScroll(t, agent, "quick reply list open ("+vp.name+")")
			run(t, agent, "Enter inserts it", chromedp.KeyEvent(kb.Enter))
			var got string
			run(t, agent, "the reply box", chromedp.Value(byTestID("composer-input"), &got, chromedp.ByQuery))
			if got != "You're welcome, Rita Rossi! See you soon." {
				t.Fatalf("the reply box holds %q", got)
			}
			poll(t, agent, "the list closed", `document.querySelector('[data-testid="quick-picker"]').hidden`)
			// Escape closes the list without inserting; the arrows move.
			run(t, agent, "type / again", chromedp.KeyEvent(" /"))
			poll(t, agent, "open with both", `Array.from(document.querySelectorAll('[data-testid="quick-option"]')).filter(o => !o.hidden).length === 2`)
			run(t, agent, "arrow down", chromedp.KeyEvent(kb.ArrowDown))
			poll(t, agent, "the second is chosen", `document.getElementById(document.querySelector('[data-testid="composer-input"]').getAttribute("aria-activedescendant")).dataset.shortcut === "thanks"`)
			run(t, agent, "escape", chromedp.KeyEvent(kb.Escape))
			poll(t, agent, "closed by Escape", `document.querySelector('[data-testid="quick-picker"]').hidden`)
			run(t, agent, "remove the slash", chromedp.KeyEvent(kb.Backspace), chromedp.KeyEvent(kb.Backspace))
			run(t, agent, "send", chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(input.ModifierNone)))
			pollAcrossLoads(t, agent, "the reply is in the conversation", `Array.from(document.querySelectorAll('[data-testid="message"]')).some(b => b.textContent.includes("You're welcome, Rita Rossi! See you soon."))`)
		})
	}
}

// pollAcrossLoads evaluates expr until it is true, also while the page
// navigates (a form sent without htmx loads the next page).
func pollAcrossLoads(t *testing.T, ctx context.Context, step, expr string) {
	t.Helper()
	deadline := time.Now().Add(25 * time.Second)
	for {
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(expr, &ok)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			saveScreenshot(t, ctx)
			t.Fatalf("%s: not true after 25 s: %s", step, expr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
