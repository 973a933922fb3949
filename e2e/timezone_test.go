package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTimesInTheChosenZone: the admin sets the console's time zone; every
// time then reads in it, with the full timestamp on hover. An agent who
// chooses their own zone sees that one instead. A template's preview shows
// the time it is now, not a made-up one (the composer's preview is the same
// component).
func TestTimesInTheChosenZone(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	inboxConnect(t, ctx, s)
	ch := strings.TrimPrefix(location(t, ctx), s.URL)
	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, "Are you open now?")

	// Tokyo and São Paulo keep no summer time, so the offsets are fixed.
	tokyo := time.FixedZone("JST", 9*3600)
	saoPaulo := time.FixedZone("-03", -3*3600)
	run(t, ctx, "set the console's zone",
		chromedp.Navigate(s.URL+"/settings/users"),
		chromedp.Click(byTestID("tab-general"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("console-timezone-form"), chromedp.ByQuery),
		chromedp.SetValue(byTestID("timezone-select"), "Asia/Tokyo", chromedp.ByQuery),
		chromedp.Click(byTestID("timezone-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery))

	openFirstConversation(t, ctx, s)
	checkBubbleTime(t, ctx, tokyo, "JST")
	for _, p := range []string{ch, "/settings/users", "/templates", ch + "/templates"} {
		run(t, ctx, "open "+p, chromedp.Navigate(s.URL+p), chromedp.WaitReady("body", chromedp.ByQuery))
		checkTimeElements(t, ctx, p, "JST")
	}

	// A template's preview reads the time now.
	var clock string
	run(t, ctx, "new template", chromedp.Navigate(s.URL+ch+"/templates/new"),
		chromedp.WaitVisible(byTestID("template-submit"), chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector(".phone .wa-time").textContent`, &clock))
	checkClock(t, clock, tokyo, "the template preview")

	// The agent, in a browser of their own, sees the console's zone too.
	agent := newBrowser(t)
	signIn(t, agent, s, "agent@demo.wadesk", demoPassword)
	run(t, agent, "signed in", chromedp.WaitVisible(byTestID("nav-inbox"), chromedp.ByQuery))
	openFirstConversation(t, agent, s)
	checkBubbleTime(t, agent, tokyo, "JST")

	// The agent's own zone wins over the console's.
	run(t, agent, "choose my own zone",
		chromedp.Navigate(s.URL+"/account"),
		chromedp.WaitVisible(byTestID("account-timezone-form"), chromedp.ByQuery),
		chromedp.SetValue(`[data-testid="account-timezone-form"] select`, "America/Sao_Paulo", chromedp.ByQuery),
		chromedp.Click(`[data-testid="account-timezone-form"] [data-testid="timezone-save"]`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery))
	openFirstConversation(t, agent, s)
	checkBubbleTime(t, agent, saoPaulo, "-03")
	// The admin still sees the console's.
	openFirstConversation(t, ctx, s)
	checkBubbleTime(t, ctx, tokyo, "JST")
}

// checkBubbleTime: the customer's message shows the time of day in zone
// and its full timestamp, naming the zone, on hover.
func checkBubbleTime(t *testing.T, ctx context.Context, zone *time.Location, abbr string) {
	t.Helper()
	var shown, title, datetime string
	run(t, ctx, "read the bubble's time",
		chromedp.WaitVisible(`[data-testid="message"][data-direction="in"] time`, chromedp.ByQuery),
		chromedp.Text(`[data-testid="message"][data-direction="in"] time`, &shown, chromedp.ByQuery),
		chromedp.AttributeValue(`[data-testid="message"][data-direction="in"] time`, "title", &title, nil, chromedp.ByQuery),
		chromedp.AttributeValue(`[data-testid="message"][data-direction="in"] time`, "datetime", &datetime, nil, chromedp.ByQuery))
	checkClock(t, shown, zone, "the message's time")
	if !strings.Contains(title, abbr) || !strings.Contains(title, time.Now().In(zone).Format("2006")) {
		t.Errorf("hovering the message's time shows %q; want the full timestamp in %s", title, abbr)
	}
	if _, err := time.Parse(time.RFC3339, datetime); err != nil {
		t.Errorf("the message's <time datetime=%q> is not a timestamp", datetime)
	}
}

// checkClock: shown is the time of day now in zone (give or take a minute).
func checkClock(t *testing.T, shown string, zone *time.Location, what string) {
	t.Helper()
	now := time.Now().In(zone)
	for _, d := range []time.Duration{0, -time.Minute, -2 * time.Minute, time.Minute} {
		if strings.TrimSpace(shown) == now.Add(d).Format("15:04") {
			return
		}
	}
	t.Errorf("%s reads %q; it is %s in %s", what, shown, now.Format("15:04"), zone)
}

// checkTimeElements: every time on the page is a <time> with a machine
// timestamp and a full one on hover, written in the chosen zone.
func checkTimeElements(t *testing.T, ctx context.Context, page, abbr string) {
	t.Helper()
	var m struct {
		Count int      `json:"count"`
		Bad   []string `json:"bad"`
	}
	run(t, ctx, "times on "+page, chromedp.Evaluate(`(() => {
		const bad = [];
		const times = [...document.querySelectorAll("main time")].filter(e => !e.closest("[data-countdown]"));
		for (const e of times) {
			if (!e.getAttribute("datetime") || !(e.title || "").includes(`+jsString(abbr)+`)) bad.push(e.outerHTML.slice(0, 140));
		}
		if (document.querySelector("main").textContent.match(/\d\d:\d\d UTC/)) bad.push("a time in UTC");
		return {count: times.length, bad: bad.slice(0, 5)};
	})()`, &m))
	if m.Count == 0 {
		t.Errorf("%s: no times to check", page)
	}
	for _, b := range m.Bad {
		t.Errorf("%s: %s is not in the chosen zone with its full timestamp on hover", page, b)
	}
}
