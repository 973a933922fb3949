package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// The inbox list and its alerts as an agent meets them in their first hour
// (issue 13, items 9 and 13).

// waitConversations reloads the inbox until n conversations are listed.
func waitConversations(t *testing.T, ctx context.Context, s *server, n int) {
	t.Helper()
	for i := 0; ; i++ {
		run(t, ctx, "open the inbox", chromedp.Navigate(s.URL+"/inbox"), chromedp.WaitReady("body", chromedp.ByQuery))
		if len(listNames(t, ctx)) == n {
			return
		}
		if i == 100 {
			t.Fatalf("%d conversations did not arrive: %v", n, listNames(t, ctx))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Item 13: no empty "choose a conversation" pane, the Search button on the
// search row, no empty filter row with a single channel, search results
// that mark the words and open at the message found, and an empty list
// that says which filter left it empty.
func TestInboxListSearchAndFilters(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	customerTexts(t, s, "351910000001", "Rita Rossi", "Do you have Gluten-free bread on Saturdays?")
	for _, text := range chitchat(14) {
		customerTexts(t, s, "351910000001", "Rita Rossi", text)
	}
	customerTexts(t, s, "351910000002", "Bruno Costa", "What time do you open tomorrow?")
	waitConversations(t, agent, s, 2)

	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		t.Run(vp.name, func(t *testing.T) {
			run(t, agent, "the inbox", vp.at(), chromedp.Navigate(s.URL+"/inbox"), chromedp.WaitVisible(byTestID("inbox-list"), chromedp.ByQuery))
			var wasted bool
			run(t, agent, "no empty conversation pane", chromedp.Evaluate(`!!document.querySelector(".thread") ||
				document.body.innerText.includes("Choose a conversation")`, &wasted))
			if wasted {
				t.Error("with no conversation open the inbox still shows an empty conversation pane")
			}
			list, inbox := boxOf(t, agent, byTestID("inbox-list")), boxOf(t, agent, byTestID("inbox"))
			if list.Width < inbox.Width-4 {
				t.Errorf("the list is %.0f px of the inbox's %.0f px; the rest is empty", list.Width, inbox.Width)
			}
			input, button := boxOf(t, agent, byTestID("inbox-search-input")), boxOf(t, agent, byTestID("inbox-search-submit"))
			if button.Top >= input.Bottom || button.Bottom <= input.Top || button.Left < input.Right {
				t.Errorf("the Search button (%+v) is not beside the search box (%+v)", button, input)
			}
			if n := countOf(t, agent, byTestID("filter-channel")) + countOf(t, agent, byTestID("inbox-search-filters")); n != 0 {
				t.Error("with a single channel the inbox shows a channel filter or an empty filter row")
			}
			checkAccessible(t, agent, "inbox ("+vp.name+")")
			checkNoSideScroll(t, agent, "inbox ("+vp.name+")")
		})
	}

	run(t, agent, "search", desktopWidth.at(), chromedp.Navigate(s.URL+"/inbox"),
		chromedp.WaitVisible(byTestID("inbox-search-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("inbox-search-input"), "gluten", chromedp.ByQuery),
		chromedp.Click(byTestID("inbox-search-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("inbox-search-clear"), chromedp.ByQuery))
	if names := listNames(t, agent); fmt.Sprint(names) != "[Rita Rossi]" {
		t.Fatalf("search for gluten lists %v", names)
	}
	var marked []string
	run(t, agent, "the result shows the message found", chromedp.Evaluate(
		`Array.from(document.querySelectorAll('[data-testid="conversation-found"] mark')).map(m => m.textContent)`, &marked))
	if fmt.Sprint(marked) != "[Gluten]" {
		t.Errorf("marked words in the result = %v, want [Gluten]", marked)
	}
	checkAccessible(t, agent, "inbox search results")
	run(t, agent, "open the result",
		chromedp.Click(byTestID("conversation"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery))
	u := location(t, agent)
	i := strings.LastIndex(u, "#msg-")
	if i < 0 {
		t.Fatalf("the result opened %s, not at the message found", u)
	}
	found := u[i:]
	poll(t, agent, "the message found is in view", `(() => { const el = document.querySelector(`+jsString(found)+`),
		c = document.getElementById("chat"); if (!el) return false;
		const r = el.getBoundingClientRect(), b = c.getBoundingClientRect();
		return r.top >= b.top - 1 && r.bottom <= b.bottom + 1; })()`)
	if got := textOf(t, agent, found+` mark`); got != "Gluten" {
		t.Errorf("the message found marks %q", got)
	}
	if sc := chatScrollOf(t, agent); sc.fromBottom() < 50 {
		t.Error("the conversation opened at its newest message, not at the one the search found")
	}
	checkAccessible(t, agent, "conversation opened from a search")

	// Each empty list says which filter left it empty.
	titles := map[string]string{}
	for _, c := range []struct{ query, want string }{
		{"q=croissantz", "Nothing found for “croissantz”"},
		{"scope=mine", "Nothing is assigned to you"},
		{"status=resolved", "No resolved conversations"},
		{"scope=mine&q=bread", "Nothing found for “bread”"},
	} {
		run(t, agent, "the list for "+c.query, chromedp.Navigate(s.URL+"/inbox?"+c.query),
			chromedp.WaitVisible(byTestID("inbox-empty"), chromedp.ByQuery))
		got := textOf(t, agent, byTestID("inbox-empty-title"))
		if got != c.want {
			t.Errorf("empty list for %s says %q, want %q", c.query, got, c.want)
		}
		if other, dup := titles[got]; dup {
			t.Errorf("the empty lists for %s and %s say the same", other, c.query)
		}
		titles[got] = c.query
	}
	run(t, agent, "phone", phoneWidth.at())
	checkAccessible(t, agent, "empty inbox list (phone)")
}

// Item 9: the unread count in the tab's title and icon, a tone and a
// desktop notification when a customer writes, turned on per user on the
// account page (the browser's permission is asked on the click).
func TestNewMessageAlerts(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	// Chromium lets a test answer its permission prompt beforehand.
	run(t, agent, "the browser allows notifications",
		browser.GrantPermissions([]browser.PermissionType{browser.PermissionTypeNotifications}).WithOrigin(s.URL))

	run(t, agent, "turn the alerts on",
		chromedp.Navigate(s.URL+"/account"),
		chromedp.WaitVisible(byTestID("alerts-desktop"), chromedp.ByQuery),
		chromedp.Click(byTestID("alerts-desktop"), chromedp.ByQuery),
		chromedp.Click(byTestID("alerts-sound"), chromedp.ByQuery))
	poll(t, agent, "the page says the browser allows them",
		`document.querySelector('[data-testid="alerts-status"]').textContent.includes("allows notifications")`)
	run(t, agent, "save",
		chromedp.Click(byTestID("alerts-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("alerts-saved"), chromedp.ByQuery))
	checkAccessible(t, agent, "account page")
	var on []bool
	run(t, agent, "kept after a reload", chromedp.Navigate(s.URL+"/account"),
		chromedp.WaitVisible(byTestID("alerts-desktop"), chromedp.ByQuery),
		chromedp.Evaluate(`[document.querySelector('[data-testid="alerts-desktop"]').checked, document.querySelector('[data-testid="alerts-sound"]').checked]`, &on))
	if fmt.Sprint(on) != "[true true]" {
		t.Errorf("after saving, desktop and sound are %v", on)
	}

	// The agent waits on the inbox, having clicked in it once (browsers let
	// a page play sound only after that).
	run(t, agent, "the inbox", chromedp.Navigate(s.URL+"/inbox"),
		chromedp.WaitVisible(byTestID("inbox-search-input"), chromedp.ByQuery),
		chromedp.Click(byTestID("inbox-search-input"), chromedp.ByQuery))
	poll(t, agent, "the alerts are read", `!!document.querySelector('#inbox-alerts [data-alerts]')`)
	run(t, agent, "watch notifications and tones", chromedp.Evaluate(`(() => {
		window.__notes = [];
		window.__tones = 0;
		const Real = window.Notification;
		window.Notification = class extends Real {
			constructor(title, options) {
				window.__notes.push({title, body: options && options.body});
				super(title, options);
			}
		};
		const osc = AudioContext.prototype.createOscillator;
		AudioContext.prototype.createOscillator = function () { window.__tones++; return osc.call(this); };
		return true;
	})()`, nil))
	var title string
	run(t, agent, "title", chromedp.Title(&title))
	if title != "Inbox · wadesk" {
		t.Errorf("title before any message = %q", title)
	}

	customerTexts(t, s, "351910000001", "Rita Rossi", "Do you have gluten-free bread?")
	poll(t, agent, "the title counts the unread conversation", `document.title === "(1) Inbox · wadesk"`)
	poll(t, agent, "the icon shows it", `(() => { const l = document.querySelector("link[rel~='icon']");
		return l.dataset.badge === "1" && l.href.startsWith("data:image/png"); })()`)
	poll(t, agent, "a desktop notification", `window.__notes.length === 1 &&
		window.__notes[0].title === "New message from Rita Rossi" && window.__notes[0].body === "Do you have gluten-free bread?"`)
	poll(t, agent, "a tone", `window.__tones > 0`)

	customerTexts(t, s, "351910000002", "Bruno Costa", "What time do you open tomorrow?")
	poll(t, agent, "two unread conversations", `document.title === "(2) Inbox · wadesk" && window.__notes.length === 2`)

	// Other pages show the count too; reading a conversation lowers it.
	run(t, agent, "the account page", chromedp.Navigate(s.URL+"/account"), chromedp.WaitVisible(byTestID("alerts-form"), chromedp.ByQuery))
	poll(t, agent, "the count on another page", `document.title === "(2) Your account · wadesk"`)
	openFirstConversation(t, agent, s)
	poll(t, agent, "one left unread", `/^\(1\) .* · Inbox · wadesk$/.test(document.title)`)

	// The settings are the user's own: the demo agent has not turned them on.
	other := newBrowser(t)
	signIn(t, other, s, "agent@demo.wadesk", demoPassword)
	run(t, other, "the agent's inbox", chromedp.WaitVisible(byTestID("inbox-search-input"), chromedp.ByQuery))
	poll(t, other, "the agent's alerts are off", `(() => { const a = document.querySelector('#inbox-alerts [data-alerts]');
		return !!a && a.dataset.desktop === "false" && a.dataset.sound === "false"; })()`)
}
