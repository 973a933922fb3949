package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/language"

	"github.com/wadesk/wadesk/i18n"
)

// TestEveryPageIsAccessible opens every page a person can reach, with
// content in it (a connected number, a conversation with messages and an
// order, a row in every table: see fillEveryTable), at a laptop's and a
// phone's width, and checks each with axe-core's WCAG A/AA rules and for
// sideways scrolling.
func TestEveryPageIsAccessible(t *testing.T) {
	everyPageIsAccessible(t, "", []viewport{desktopWidth, phoneWidth})
}

// TestEveryPageIsAccessibleTranslated is the same sweep in Portuguese
// (Brazil) and Spanish, at a phone's width, where their longer words are
// likeliest to push a page sideways: the language is picked on the
// sign-in page's menu, as a person does, and every page is read in it.
func TestEveryPageIsAccessibleTranslated(t *testing.T) {
	for _, lang := range []string{"pt-BR", "es"} {
		t.Run(lang, func(t *testing.T) {
			everyPageIsAccessible(t, lang, []viewport{phoneWidth})
		})
	}
}

// everyPageIsAccessible sweeps every page at the given widths, in lang
// ("" for the browser's language, English) when lang is set.
func everyPageIsAccessible(t *testing.T, lang string, widths []viewport) {
	s := startDemo(t)
	ctx := newBrowser(t)

	if lang == "" {
		for _, v := range widths {
			run(t, ctx, "sign-in page at "+v.name, v.at(), chromedp.Navigate(s.URL+"/login"),
				chromedp.WaitVisible(byTestID("login"), chromedp.ByQuery))
			checkAccessible(t, ctx, "/login at "+v.name)
			checkNoSideScroll(t, ctx, "/login at "+v.name)
		}
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
	tag := i18n.Source
	if lang != "" {
		tag = language.MustParse(lang)
	}
	notFound, failed := i18n.In(tag, "errors.not_found.title"), i18n.In(tag, "errors.internal.title")
	for _, v := range widths {
		if v == phoneWidth || lang != "" {
			// A browser of its own: each has a time budget (newBrowser).
			ctx = newBrowser(t)
			if lang != "" {
				pickSignInLanguage(t, ctx, s, v, lang)
			}
			signIn(t, ctx, s, demoAdmin, demoPassword)
			run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery))
		}
		run(t, ctx, v.name, v.at())
		for _, p := range pages {
			var title, htmlLang string
			run(t, ctx, "open "+p, chromedp.Navigate(s.URL+p), chromedp.WaitReady("body", chromedp.ByQuery),
				chromedp.Sleep(150*time.Millisecond), chromedp.Title(&title),
				chromedp.Evaluate(`document.documentElement.lang`, &htmlLang))
			if strings.HasPrefix(title, notFound) || strings.HasPrefix(title, failed) {
				t.Errorf("%s: %q, not the page", p, title)
				continue
			}
			if lang != "" && htmlLang != lang {
				t.Errorf("%s: the page is in %q, not in the language picked (%s)", p, htmlLang, lang)
			}
			checkAccessible(t, ctx, p+" at "+v.name)
			checkNoSideScroll(t, ctx, p+" at "+v.name)
		}
	}
}

// pickSignInLanguage opens the sign-in page, picks lang in its language
// menu as a person does, and checks the page that comes back: in that
// language, accessible, not scrolling sideways at v.
func pickSignInLanguage(t *testing.T, ctx context.Context, s *server, v viewport, lang string) {
	t.Helper()
	var htmlLang string
	run(t, ctx, "pick "+lang+" on the sign-in page", v.at(),
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(byTestID("signin-language-form-select"), chromedp.ByQuery),
		chromedp.SetValue(byTestID("signin-language-form-select"), lang, chromedp.ByQuery),
		chromedp.Click(byTestID("signin-language-form-save"), chromedp.ByQuery),
		chromedp.WaitVisible(`html[lang="`+lang+`"] [data-testid="login"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.lang`, &htmlLang))
	if htmlLang != lang {
		t.Fatalf("after picking %s the sign-in page is in %q", lang, htmlLang)
	}
	checkAccessible(t, ctx, "/login in "+lang+" at "+v.name)
	checkNoSideScroll(t, ctx, "/login in "+lang+" at "+v.name)
}
