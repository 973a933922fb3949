package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestEveryPageIsAccessible opens every page a person can reach, with
// content in it (a connected number, a conversation with messages and an
// order, a row in every table: see fillEveryTable), at a laptop's and a
// phone's width, and checks each with axe-core's WCAG A/AA rules and for
// sideways scrolling.
func TestEveryPageIsAccessible(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)

	for _, v := range []viewport{desktopWidth, phoneWidth} {
		run(t, ctx, "sign-in page at "+v.name, v.at(), chromedp.Navigate(s.URL+"/login"),
			chromedp.WaitVisible(byTestID("login"), chromedp.ByQuery))
		checkAccessible(t, ctx, "/login at "+v.name)
		checkNoSideScroll(t, ctx, "/login at "+v.name)
	}
	run(t, ctx, "desktop", desktopWidth.at())
	inboxConnect(t, ctx, s)
	var channelURL string
	run(t, ctx, "channel page", chromedp.Location(&channelURL))
	channel := regexp.MustCompile(`/channels/(\d+)`).FindStringSubmatch(channelURL)
	if channel == nil {
		t.Fatalf("after the wizard the browser is at %s, want a channel page", channelURL)
	}
	ch := "/channels/" + channel[1]
	phone := newBrowser(t)
	fillEveryTable(t, ctx, phone, s, ch)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, "Hello! Do you have sourdough today?")
	createLabel(t, ctx, s, "VIP", "amber")
	createQuickReply(t, ctx, s, "thanks", "Thank you, {contact_name}!", true)
	openFirstConversation(t, ctx, s)
	var conversationURL string
	run(t, ctx, "conversation page", chromedp.Location(&conversationURL))

	pages := []string{
		"/inbox",
		conversationURL[len(s.URL):],
		"/channels",
		"/channels/new",
		ch,
		ch + "/edit",
		ch + "/dead-letters",
		ch + "/profile",
		"/templates",
		ch + "/templates",
		ch + "/templates/new",
		ch + "/templates/1",
		"/campaigns",
		"/campaigns/new",
		"/store",
		"/store/orders",
		ch + "/store",
		ch + "/store/products",
		ch + "/store/products/1/edit",
		ch + "/store/partners",
		"/settings",
		"/settings/general",
		"/settings/users",
		"/settings/users/new",
		"/settings/users/2",
		"/settings/departments",
		"/settings/labels",
		"/quick-replies",
		"/quick-replies/1",
		ch + "/auto-replies",
		"/settings/email",
		"/settings/opt-out",
		"/settings/api-keys",
		"/contacts",
		"/contacts/1",
		"/contacts/1/start?template=2",
		"/contacts/new",
		"/contacts/import",
		"/settings/pricing",
		"/insights",
		"/account",
	}
	for _, v := range []viewport{desktopWidth, phoneWidth} {
		if v == phoneWidth {
			// A browser of its own: each has a time budget (newBrowser).
			ctx = newBrowser(t)
			signIn(t, ctx, s, demoAdmin, demoPassword)
			run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery))
		}
		run(t, ctx, v.name, v.at())
		for _, p := range pages {
			var title string
			run(t, ctx, "open "+p, chromedp.Navigate(s.URL+p), chromedp.WaitReady("body", chromedp.ByQuery),
				chromedp.Sleep(150*time.Millisecond), chromedp.Title(&title))
			if strings.HasPrefix(title, "Page not found") || strings.HasPrefix(title, "Something went wrong") {
				t.Errorf("%s: %q, not the page", p, title)
				continue
			}
			checkAccessible(t, ctx, p+" at "+v.name)
			checkNoSideScroll(t, ctx, p+" at "+v.name)
		}
	}
}
