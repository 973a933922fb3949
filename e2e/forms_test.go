package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// formCase is a form a person fills in wrongly: where it is, what they
// type, the button they press and the field that is at fault.
type formCase struct {
	name   string
	page   string
	fill   []chromedp.Action
	submit string // data-testid of the submit button
	field  string // the input's name, listed in the error summary
}

// TestFormErrorsSummaryAndReload: every form that fails shows, at the top,
// a summary that has the keyboard focus and links to each field at fault;
// following a link puts the caret in that field. Reloading afterwards shows
// the form's own page (no 404 at the POST-only action, no second post).
func TestFormErrorsSummaryAndReload(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	inboxConnect(t, ctx, s)

	clear := func(sel string) chromedp.Action {
		return chromedp.Evaluate(`document.querySelector(`+jsString(sel)+`).value = ""`, nil)
	}
	cases := []formCase{
		{name: "business profile with a bad email", page: "/channels/1/profile",
			fill:   []chromedp.Action{clear(byTestID("profile-email")), chromedp.SendKeys(byTestID("profile-email"), "bakery-at-example", chromedp.ByQuery)},
			submit: "profile-save", field: "email"},
		{name: "new template left empty", page: "/channels/1/templates/new",
			submit: "template-submit", field: "name"},
		{name: "new user left empty", page: "/settings/users/new",
			submit: "user-save", field: "email"},
		{name: "channel without a name", page: "/channels/1/edit",
			fill:   []chromedp.Action{clear(`input[name="title"]`)},
			submit: "channel-save", field: "title"},
		{name: "store with a bad catalog", page: "/channels/1/store",
			fill:   []chromedp.Action{chromedp.SendKeys(byTestID("store-catalog-id"), "my catalog", chromedp.ByQuery)},
			submit: "store-settings-save", field: "catalog_id"},
		{name: "payment partner without a link", page: "/channels/1/store/partners",
			fill:   []chromedp.Action{chromedp.Click(byTestID("partner-kind-stripe"), chromedp.ByQuery), chromedp.SendKeys(byTestID("partner-url"), "pay me", chromedp.ByQuery)},
			submit: "partner-save", field: "url"},
		{name: "department without a name", page: "/settings/departments",
			submit: "department-create", field: "name"},
		{name: "password change left empty", page: "/account",
			submit: "account-password-save", field: "current"},
	}
	for _, v := range []viewport{desktopWidth, phoneWidth} {
		if v == phoneWidth {
			// A browser of its own: each has a time budget (newBrowser).
			ctx = newBrowser(t)
			signIn(t, ctx, s, demoAdmin, demoPassword)
			run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery))
		}
		run(t, ctx, v.name, v.at())
		for _, c := range cases {
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				run(t, ctx, "open "+c.page, chromedp.Navigate(s.URL+c.page), chromedp.WaitVisible(byTestID(c.submit), chromedp.ByQuery))
				if len(c.fill) > 0 {
					run(t, ctx, "fill in", c.fill...)
				}
				run(t, ctx, "submit", chromedp.Click(byTestID(c.submit), chromedp.ByQuery),
					chromedp.WaitVisible(`[aria-invalid="true"]`, chromedp.ByQuery))
				if !appears(ctx, `[data-error-summary]`, 5*time.Second) {
					t.Errorf("after the failed submit there is no error summary above the form")
				} else {
					checkSummary(t, ctx, c.field)
				}
				checkReloadShowsTheForm(t, ctx, s, c.page, c.submit)
			})
		}
	}
}

// appears reports whether an element matching sel is visible within d.
func appears(ctx context.Context, sel string, d time.Duration) bool {
	wait, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return chromedp.Run(wait, chromedp.WaitVisible(sel, chromedp.ByQuery)) == nil
}

// checkSummary: the summary is above the field at fault, has the focus, and its link
// for field takes the keyboard to the field.
func checkSummary(t *testing.T, ctx context.Context, field string) {
	t.Helper()
	var st struct {
		Focused  bool    `json:"focused"`
		Top      float64 `json:"top"`
		FieldTop float64 `json:"fieldTop"`
		HasLink  bool    `json:"hasLink"`
		Visible  bool    `json:"visible"`
		LinkText string  `json:"linkText"`
	}
	run(t, ctx, "inspect the summary", chromedp.Evaluate(`(() => {
		const s = document.querySelector("[data-error-summary]");
		const field = document.querySelector('[name="`+field+`"]:not([type=hidden])');
		const r = s.getBoundingClientRect();
		const link = s.querySelector('[data-testid="summary-`+field+`"]');
		return {focused: document.activeElement === s, top: r.top + scrollY,
			fieldTop: field ? field.getBoundingClientRect().top + scrollY : 1e9,
			hasLink: !!link, linkText: link ? link.textContent : "",
			visible: r.top >= 0 && r.bottom <= innerHeight};
	})()`, &st))
	if !st.Focused {
		t.Error("the error summary does not have the focus")
	}
	if !st.Visible {
		t.Error("the error summary is not in view after the submit")
	}
	if st.Top > st.FieldTop {
		t.Errorf("the error summary (at %.0f px) is below the field at fault (%.0f px)", st.Top, st.FieldTop)
	}
	if !st.HasLink {
		var text string
		run(t, ctx, "summary text", chromedp.Text(`[data-error-summary]`, &text, chromedp.ByQuery))
		t.Fatalf("the summary has no link to the %q field: %q", field, text)
	}
	if label, _, _ := strings.Cut(st.LinkText, ":"); strings.Contains(label, "_") {
		t.Errorf("the summary names the field by its code: %q", st.LinkText)
	}
	var focused string
	run(t, ctx, "follow the link",
		chromedp.Click(byTestID("summary-"+field), chromedp.ByQuery),
		chromedp.Evaluate(`document.activeElement ? document.activeElement.name || "" : ""`, &focused))
	if focused != field {
		t.Errorf("following the summary's link focused %q, want the %q field", focused, field)
	}
}

// checkReloadShowsTheForm reloads after a failed submit: the address is the
// form's page and the reload shows it afresh, not a 404 and not the error.
func checkReloadShowsTheForm(t *testing.T, ctx context.Context, s *server, page, submit string) {
	t.Helper()
	if got := strings.TrimPrefix(location(t, ctx), s.URL); got != page {
		t.Errorf("after the failed submit the address is %s, want the form's page %s", got, page)
	}
	var title string
	var summaries int
	run(t, ctx, "reload",
		chromedp.Reload(),
		chromedp.WaitVisible(byTestID(submit), chromedp.ByQuery),
		chromedp.Title(&title),
		chromedp.Evaluate(`document.querySelectorAll("[data-error-summary]").length`, &summaries))
	if strings.Contains(title, "not found") {
		t.Errorf("reloading after the error shows %q", title)
	}
	if summaries != 0 {
		t.Error("reloading posted the form again")
	}
}

// TestInteractiveErrorReloads: the composer's interactive form fails at
// its POST-only action; a reload shows the conversation, not a 404.
func TestInteractiveErrorReloads(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	inboxConnect(t, ctx, s)
	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, "Which breads do you have?")
	openFirstConversation(t, ctx, s)
	conversation := strings.TrimPrefix(location(t, ctx), s.URL)
	run(t, ctx, "send an empty interactive message",
		chromedp.Click(byTestID("composer-interactive-open"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("interactive-send"), chromedp.ByQuery),
		chromedp.Click(byTestID("interactive-send"), chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="interactive-form"] [aria-invalid="true"]`, chromedp.ByQuery),
	)
	if got := strings.TrimPrefix(location(t, ctx), s.URL); got != conversation {
		t.Errorf("after the failed send the address is %s, want the conversation %s", got, conversation)
	}
	var title string
	run(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery), chromedp.Title(&title))
	if strings.Contains(title, "not found") {
		t.Errorf("reloading after the error shows %q", title)
	}
}
