package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/language"

	"github.com/wadesk/wadesk/i18n"
)

// TestJourneyInPortugueseAndArabic is a shop owner's first day in her own
// language, at a laptop's and a phone's width: she picks the language on
// the sign-in page, signs in, connects her number with the wizard up to
// Finish, opens the first conversation, replies and sends a template. The
// pages speak her language (html lang, the buttons she presses); in
// Arabic everything is mirrored: the sidebar (a top bar on a phone) starts
// on the right, the customer's bubbles sit right and hers left, the send
// button is left of the reply box; nothing scrolls sideways and axe-core
// finds no serious violation. Screenshots of each step are kept in the
// e2e artifacts directory.
func TestJourneyInPortugueseAndArabic(t *testing.T) {
	for _, lang := range []struct {
		tag, customer, reply string
	}{
		{"pt-BR", "Olá, vocês abrem no domingo?", "Sim, das 9h às 13h."},
		{"ar", "مرحبا، هل أنتم مفتوحون يوم الأحد؟", "نعم، من 9 إلى 13."},
	} {
		for _, vp := range []viewport{desktopWidth, phoneWidth} {
			t.Run(lang.tag+"/"+vp.name, func(t *testing.T) {
				journeyIn(t, lang.tag, vp, lang.customer, lang.reply)
			})
		}
	}
}

func journeyIn(t *testing.T, tag string, vp viewport, customerText, replyText string) {
	loc, ok := i18n.Default().Supported(tag)
	if !ok {
		t.Skipf("%s is not in the catalog yet (its message files are merged from the translators' branch)", tag)
	}
	words := func(id string) string {
		t.Helper()
		w := i18n.Default().Localize(loc, id)
		if w == i18n.Default().Localize(i18n.English, id) {
			t.Fatalf("%s: %s is not translated (%q)", tag, id, w)
		}
		return w
	}
	rtl := i18n.DirOf(language.MustParse(tag)) == "rtl"
	s := startDemo(t)
	agent := newBrowser(t)
	run(t, agent, "resize to "+vp.name, vp.at())

	// The sign-in page's language menu, as a person uses it.
	run(t, agent, "pick "+tag+" on the sign-in page",
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(byTestID("signin-language-form-select"), chromedp.ByQuery),
		chromedp.SetValue(byTestID("signin-language-form-select"), tag, chromedp.ByQuery),
		chromedp.Click(byTestID("signin-language-form-save"), chromedp.ByQuery),
		chromedp.WaitVisible(`html[lang="`+tag+`"] `+byTestID("login"), chromedp.ByQuery),
	)
	if got := strings.TrimSpace(textOf(t, agent, byTestID("login-submit"))); got != words("auth.sign_in") {
		t.Errorf("sign-in button reads %q, want %q", got, words("auth.sign_in"))
	}
	checkDirection(t, agent, tag, rtl)
	settle(t, agent)
	keepScreenshot(t, agent, "1-sign-in")
	checkAccessible(t, agent, tag+" sign-in")
	checkNoSideScroll(t, agent, tag+" sign-in")

	signIn(t, agent, s, demoAdmin, demoPassword)
	run(t, agent, "signed in", chromedp.WaitReady(byTestID("nav-channels"), chromedp.ByQuery))
	checkDirection(t, agent, tag, rtl)

	// The wizard up to Finish.
	fillCredentials(t, agent, s, simToken)
	run(t, agent, "the wizard lists the numbers",
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
		chromedp.Click(`input[value="`+simUsable+`"]`, chromedp.ByQuery),
	)
	if got := strings.TrimSpace(textOf(t, agent, byTestID("wizard-finish"))); got != words("channels.finish") {
		t.Errorf("wizard's last button reads %q, want %q", got, words("channels.finish"))
	}
	settle(t, agent)
	keepScreenshot(t, agent, "2-wizard-numbers")
	checkAccessible(t, agent, tag+" wizard, numbers")
	checkNoSideScroll(t, agent, tag+" wizard, numbers")
	run(t, agent, "finish the wizard",
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("webhook-url"), chromedp.ByQuery),
	)
	keepScreenshot(t, agent, "3-channel")

	// A customer writes; she opens the conversation and replies.
	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, customerText)
	openFirstConversation(t, agent, s)
	run(t, agent, "reply",
		chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("composer-input"), replyText, chromedp.ByQuery),
		chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="message"][data-direction="out"]`, chromedp.ByQuery),
		chromedp.Poll(`["delivered","read"].includes((document.querySelector('[data-testid="message"][data-direction="out"] [data-testid="ticks"]') || {}).dataset?.status)`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
	)
	if got := strings.TrimSpace(textOf(t, agent, byTestID("composer-send"))); got != words("inbox_composer.send") {
		t.Errorf("send button reads %q, want %q", got, words("inbox_composer.send"))
	}
	run(t, phone, "the customer gets the reply",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"]')).some(m => m.textContent.includes(`+jsString(replyText)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)))
	// The window's countdown, ticking in the page's script, speaks the
	// reader's language too.
	left := strings.TrimSpace(i18n.Default().Localize(loc, "inbox_thread.remaining_left", "Remaining", ""))
	run(t, agent, "the countdown ticks in "+tag,
		chromedp.Poll(`(document.querySelector('[data-testid="window-countdown"]') || {}).textContent?.includes(`+jsString(left)+`)`, nil,
			chromedp.WithPollingTimeout(10*time.Second)))
	checkDirection(t, agent, tag, rtl)
	checkMirroring(t, agent, vp, rtl)
	settle(t, agent)
	keepScreenshot(t, agent, "4-reply")
	checkAccessible(t, agent, tag+" conversation")
	checkNoSideScroll(t, agent, tag+" conversation")

	// A template, its values filled in.
	run(t, agent, "choose the order_ready template",
		chromedp.Click(byTestID("composer-template-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-choice-order_ready-en_US"), chromedp.ByQuery),
		chromedp.Click(byTestID("template-choice-order_ready-en_US")+` input`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("template-value-body_1"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("template-value-body_1"), "Ana", chromedp.ByQuery),
		chromedp.SendKeys(byTestID("template-value-body_2"), "#2044", chromedp.ByQuery),
	)
	if got := strings.TrimSpace(textOf(t, agent, byTestID("template-fill")+` .badge`)); got != words("words.template_category.utility") {
		t.Errorf("template category reads %q, want %q", got, words("words.template_category.utility"))
	}
	settle(t, agent)
	keepScreenshot(t, agent, "5-template")
	checkAccessible(t, agent, tag+" template form")
	checkNoSideScroll(t, agent, tag+" template form")
	const filled = "Hi Ana, your order #2044 is ready for pickup."
	run(t, agent, "send the template",
		chromedp.Click(byTestID("template-send"), chromedp.ByQuery),
		chromedp.WaitNotPresent(byTestID("template-send"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery),
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"]')).some(m => m.textContent.includes(`+jsString(filled)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
	)
	run(t, phone, "the customer gets the template",
		chromedp.Poll(`Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"][data-kind="template"]')).some(m => m.textContent.includes(`+jsString(filled)+`))`, nil,
			chromedp.WithPollingTimeout(20*time.Second)))
	checkDirection(t, agent, tag, rtl)
	checkMirroring(t, agent, vp, rtl)
	keepScreenshot(t, agent, "6-template-sent")
	checkNoSideScroll(t, agent, tag+" conversation after the template")
}

// checkDirection fails unless the page declares the language and its
// direction.
func checkDirection(t *testing.T, ctx context.Context, tag string, rtl bool) {
	t.Helper()
	var lang, dir string
	run(t, ctx, "read lang and dir",
		chromedp.Evaluate(`document.documentElement.lang`, &lang),
		chromedp.Evaluate(`document.documentElement.dir`, &dir))
	want := "ltr"
	if rtl {
		want = "rtl"
	}
	if lang != tag || dir != want {
		t.Errorf("page has lang=%q dir=%q, want lang=%q dir=%q", lang, dir, tag, want)
	}
}

// checkMirroring measures where the conversation page's parts landed: in
// a right-to-left language the sidebar (at a phone's width, the top bar's
// brand) starts on the right, the customer's bubbles are right of the
// agent's and the send button left of the reply box; left to right, the
// other way round. Nothing may stick out on the left either (a
// right-to-left page overflows there).
func checkMirroring(t *testing.T, ctx context.Context, vp viewport, rtl bool) {
	t.Helper()
	var m struct {
		Viewport float64  `json:"viewport"`
		Sidebar  float64  `json:"sidebar"`
		Main     float64  `json:"main"`
		Brand    float64  `json:"brand"`
		In       float64  `json:"in"`
		Out      float64  `json:"out"`
		Input    float64  `json:"input"`
		Send     float64  `json:"send"`
		Left     []string `json:"left"`
	}
	run(t, ctx, "measure the layout", chromedp.Evaluate(`(() => {
		const c = sel => { const e = document.querySelector(sel); if (!e) return -1; const r = e.getBoundingClientRect(); return r.left + r.width / 2; };
		const left = [];
		for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && r.left < -1 && left.length < 5 && el.checkVisibility({visibilityProperty: true, opacityProperty: true})) {
				left.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + " left=" + Math.round(r.left));
			}
		}
		return {
			viewport: document.documentElement.clientWidth,
			sidebar: c(".app-sidebar"), main: c(".app-main"), brand: c(".app-sidebar .brand"),
			in: c('[data-testid="message"][data-direction="in"] .msg-text'),
			out: c('[data-testid="message"][data-direction="out"] .msg-text'),
			input: c('[data-testid="composer-input"]'), send: c('[data-testid="composer-send"]'),
			left,
		};
	})()`, &m))
	// before(a, b): a comes first in reading order.
	before := func(a, b float64) bool {
		if rtl {
			return a > b
		}
		return a < b
	}
	side := "left"
	if rtl {
		side = "right"
	}
	if vp == desktopWidth {
		if !before(m.Sidebar, m.Main) {
			t.Errorf("%s: sidebar centre %.0f is not on the %s of the main column %.0f", vp.name, m.Sidebar, side, m.Main)
		}
	} else if !before(m.Brand, m.Viewport/2) {
		t.Errorf("%s: the top bar's brand (centre %.0f of %.0f) is not on the %s", vp.name, m.Brand, m.Viewport, side)
	}
	if m.In < 0 || m.Out < 0 || !before(m.In, m.Out) {
		t.Errorf("%s: customer's bubble centre %.0f is not on the %s of the agent's %.0f", vp.name, m.In, side, m.Out)
	}
	if m.Input < 0 || m.Send < 0 || !before(m.Input, m.Send) {
		t.Errorf("%s: the reply box (centre %.0f) does not come before the send button (%.0f) from the %s", vp.name, m.Input, m.Send, side)
	}
	if len(m.Left) > 0 {
		t.Errorf("%s: parts stick out on the left of the page: %s", vp.name, strings.Join(m.Left, ", "))
	}
}

// keepScreenshot saves a PNG of what the person sees at a step (the
// viewport: a full-page capture of a right-to-left page is taken from the
// wrong edge) into the e2e artifacts directory, named after the test and
// the step.
func keepScreenshot(t *testing.T, ctx context.Context, step string) {
	t.Helper()
	dir, err := artifactsDir()
	if err != nil {
		t.Fatalf("screenshot %s: %v", step, err)
	}
	var png []byte
	run(t, ctx, "screenshot "+step, chromedp.CaptureScreenshot(&png))
	name := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"-"+step+".png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		t.Fatalf("screenshot %s: %v", step, err)
	}
}

// settle waits until no htmx request is in flight and no animation runs
// (a page being refreshed is drawn faded, a new bubble fades in): neither
// a person nor axe-core should judge the colours half way.
func settle(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, "wait for the page to settle",
		chromedp.Poll(`!document.querySelector(".htmx-request") &&
			document.getAnimations().every(a => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity)`, nil,
			chromedp.WithPollingTimeout(20*time.Second)))
}
