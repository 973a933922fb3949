package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const password = "correct horse battery"

func createUser(role, email, name string) []string {
	return []string{"user", "create", "--email", email, "--password", password, "--role", role, "--name", name}
}

// signIn fills the login form and submits it.
func signIn(t *testing.T, ctx context.Context, s *server, email, pw string) {
	t.Helper()
	run(t, ctx, "sign in as "+email,
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(byTestID("login"), chromedp.ByQuery),
		chromedp.SendKeys(`input[name="email"]`, email, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, pw, chromedp.ByQuery),
		// Mark this page, so the wait below knows when the answer replaced it.
		chromedp.Evaluate(`window.__wdSignInPending = true`, nil),
		chromedp.Click(byTestID("login-submit"), chromedp.ByQuery),
	)
	// Wait for the answer (the next page, the second step, or the form
	// with its errors): a test that navigates on at once would cancel the
	// sign-in in flight.
	deadline := time.Now().Add(20 * time.Second)
	for {
		// An evaluation while the page is being replaced may fail; that
		// counts as still waiting.
		waiting := true
		err := chromedp.Run(ctx, chromedp.Evaluate(
			`window.__wdSignInPending === true || document.readyState !== 'complete'`, &waiting))
		if err == nil && !waiting {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("signing in as %s got no answer within 20 s", email)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// setupCodeLine is where wadesk prints the first-run setup code.
var setupCodeLine = regexp.MustCompile(`first-run setup code: (\S+)`)

func TestFirstRunSetupCreatesTheAdmin(t *testing.T) {
	s := startServer(t)
	ctx := newBrowser(t)
	run(t, ctx, "open the console",
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(byTestID("setup"), chromedp.ByQuery),
	)
	if !strings.HasSuffix(location(t, ctx), "/setup") {
		t.Fatalf("fresh install opened %s, want the setup page", location(t, ctx))
	}
	code := setupCodeLine.FindStringSubmatch(s.log.String())
	if code == nil {
		t.Fatalf("wadesk printed no setup code:\n%s", s.log.String())
	}
	run(t, ctx, "submit mismatched passwords",
		chromedp.SendKeys(`input[name="code"]`, code[1], chromedp.ByQuery),
		chromedp.SendKeys(`input[name="name"]`, "Ada Lovelace", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="email"]`, "ada@example.com", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, password, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="confirm"]`, "something else entirely", chromedp.ByQuery),
		chromedp.Click(byTestID("setup-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-confirm"), chromedp.ByQuery),
	)
	var name string
	run(t, ctx, "read kept name", chromedp.Value(`input[name="name"]`, &name, chromedp.ByQuery))
	if name != "Ada Lovelace" {
		t.Errorf("name after a failed submit = %q, want it kept", name)
	}
	run(t, ctx, "fix and submit",
		chromedp.SendKeys(`input[name="password"]`, password, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="confirm"]`, password, chromedp.ByQuery),
		chromedp.Click(byTestID("setup-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("flash-success")); !strings.Contains(got, "Ada Lovelace") {
		t.Errorf("welcome message = %q", got)
	}
	if got := textOf(t, ctx, byTestID("nav-account")); got != "Ada Lovelace" {
		t.Errorf("signed-in name = %q", got)
	}
	run(t, ctx, "admin sees settings", chromedp.WaitVisible(byTestID("nav-settings"), chromedp.ByQuery))

	// The setup page is closed now.
	run(t, ctx, "revisit setup",
		chromedp.Navigate(s.URL+"/setup"),
		chromedp.WaitReady("body", chromedp.ByQuery),
	)
	if strings.HasSuffix(location(t, ctx), "/setup") {
		t.Error("the setup page is still reachable after setup")
	}
}

func TestLoginWithWrongPasswordShowsAnError(t *testing.T) {
	s := startServer(t, createUser("admin", "boss@example.com", "Boss"))
	ctx := newBrowser(t)
	signIn(t, ctx, s, "boss@example.com", "not the password")
	run(t, ctx, "see the error", chromedp.WaitVisible(byTestID("form-error"), chromedp.ByQuery))
	if got := textOf(t, ctx, byTestID("form-error")); !strings.Contains(got, "email or password is not right") {
		t.Errorf("error = %q", got)
	}
	var email, pw string
	run(t, ctx, "read fields",
		chromedp.Value(`input[name="email"]`, &email, chromedp.ByQuery),
		chromedp.Value(`input[name="password"]`, &pw, chromedp.ByQuery),
	)
	if email != "boss@example.com" || pw != "" {
		t.Errorf("after a failed login email=%q password=%q; want the email kept and the password empty", email, pw)
	}
}

func TestLoginWorks(t *testing.T) {
	s := startServer(t, createUser("admin", "boss@example.com", "Boss"))
	ctx := newBrowser(t)
	run(t, ctx, "open a private page first", chromedp.Navigate(s.URL+"/settings/users"), chromedp.WaitVisible(byTestID("login"), chromedp.ByQuery))
	run(t, ctx, "sign in",
		chromedp.SendKeys(`input[name="email"]`, "boss@example.com", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, password, chromedp.ByQuery),
		chromedp.Click(byTestID("login-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("users-table"), chromedp.ByQuery),
	)
	if !strings.HasSuffix(location(t, ctx), "/settings/users") {
		t.Errorf("after sign-in the browser is at %s, want the page it asked for", location(t, ctx))
	}
}

func TestAgentCannotOpenAdminPages(t *testing.T) {
	s := startServer(t, createUser("admin", "boss@example.com", "Boss"), createUser("agent", "ann@example.com", "Ann"))
	ctx := newBrowser(t)
	signIn(t, ctx, s, "ann@example.com", password)
	run(t, ctx, "agent lands in the inbox", chromedp.WaitVisible(byTestID("inbox-empty"), chromedp.ByQuery))
	var settingsLinks int
	run(t, ctx, "count admin links", chromedp.Evaluate(`document.querySelectorAll('[data-testid="nav-settings"],[data-testid="nav-channels"]').length`, &settingsLinks))
	if settingsLinks != 0 {
		t.Error("an agent sees admin navigation")
	}
	for _, path := range []string{"/settings/users", "/settings/departments", "/channels"} {
		run(t, ctx, "open "+path,
			chromedp.Navigate(s.URL+path),
			chromedp.WaitVisible(byTestID("error-page-403"), chromedp.ByQuery),
		)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	s := startServer(t, createUser("admin", "boss@example.com", "Boss"))
	ctx := newBrowser(t)
	signIn(t, ctx, s, "boss@example.com", password)
	run(t, ctx, "open users",
		chromedp.WaitVisible(byTestID("inbox-empty"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/settings/users"),
		chromedp.WaitVisible(byTestID("users-table"), chromedp.ByQuery),
		chromedp.Click(byTestID("logout"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("login"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("flash-info")); !strings.Contains(got, "signed out") {
		t.Errorf("after logout the page says %q", got)
	}
	// The back button must not show the private page again.
	run(t, ctx, "go back",
		chromedp.NavigateBack(),
		chromedp.WaitReady("body", chromedp.ByQuery),
	)
	var tables int
	run(t, ctx, "look for private content", chromedp.Evaluate(`document.querySelectorAll('[data-testid="users-table"]').length`, &tables))
	if tables != 0 {
		t.Fatalf("the back button showed the users page after logout (at %s)", location(t, ctx))
	}
	run(t, ctx, "private page sends to login",
		chromedp.Navigate(s.URL+"/inbox"),
		chromedp.WaitVisible(byTestID("login"), chromedp.ByQuery),
	)
}

func TestAdminManagesDepartmentsAndUsers(t *testing.T) {
	s := startServer(t, createUser("admin", "boss@example.com", "Boss"))
	ctx := newBrowser(t)
	signIn(t, ctx, s, "boss@example.com", password)
	run(t, ctx, "add a department",
		chromedp.WaitVisible(byTestID("nav-settings"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/settings/departments"),
		chromedp.SendKeys(`[data-testid="department-form"] input[name="name"]`, "Sales", chromedp.ByQuery),
		chromedp.Click(byTestID("department-create"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	run(t, ctx, "a duplicate name is refused",
		chromedp.SendKeys(`[data-testid="department-form"] input[name="name"]`, "sales", chromedp.ByQuery),
		chromedp.Click(byTestID("department-create"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-name"), chromedp.ByQuery),
	)
	run(t, ctx, "add an agent in Sales",
		chromedp.Navigate(s.URL+"/settings/users/new"),
		chromedp.WaitVisible(byTestID("user-form"), chromedp.ByQuery),
		chromedp.SendKeys(`input[name="name"]`, "Ann Agent", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="email"]`, "ann@example.com", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, "short", chromedp.ByQuery),
		chromedp.Click(`input[name="departments"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("user-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-password"), chromedp.ByQuery),
	)
	var checked bool
	run(t, ctx, "department choice kept", chromedp.Evaluate(`document.querySelector('input[name="departments"]').checked`, &checked))
	if !checked {
		t.Error("the department choice was lost on a failed submit")
	}
	run(t, ctx, "fix the password",
		chromedp.SendKeys(`input[name="password"]`, password, chromedp.ByQuery),
		chromedp.Click(byTestID("user-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("users-table"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("users-table")); !strings.Contains(got, "Ann Agent") || !strings.Contains(got, "Sales") {
		t.Errorf("users table = %q", got)
	}

	// The new agent can sign in in another browser.
	other := newBrowser(t)
	signIn(t, other, s, "ann@example.com", password)
	run(t, other, "agent inbox", chromedp.WaitVisible(byTestID("inbox-empty"), chromedp.ByQuery))
}
