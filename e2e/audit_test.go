package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// An admin changes something, opens Settings → Audit log from the tabs,
// finds the change with who, where and what, narrows the list with the
// keyboard, and reads it on a phone without sideways scrolling.
func TestAuditLogPage(t *testing.T) {
	s := startServer(t, createUser("admin", "ada@example.com", "Ada Admin"))
	ctx := newBrowser(t)
	signIn(t, ctx, s, "ada@example.com", password)
	run(t, ctx, "add a department",
		chromedp.WaitVisible(byTestID("nav-settings"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/settings/departments"),
		chromedp.SendKeys(`[data-testid="department-form"] input[name="name"]`, "Sales", chromedp.ByQuery),
		chromedp.Click(byTestID("department-create"), chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
	)
	run(t, ctx, "add a user",
		chromedp.Navigate(s.URL+"/settings/users/new"),
		chromedp.SendKeys(`input[name="name"]`, "Nia", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="email"]`, "nia@example.com", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="password"]`, password, chromedp.ByQuery),
		chromedp.Submit(`input[name="email"]`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("users-table"), chromedp.ByQuery),
	)
	run(t, ctx, "open the audit log from the settings tabs",
		chromedp.Click(byTestID("tab-audit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("audit-table"), chromedp.ByQuery),
	)
	table := textOf(t, ctx, byTestID("audit-table"))
	for _, want := range []string{"Department created", "Sales", "User added", "nia@example.com", "ada@example.com", "from 127.0.0.1", "role: agent"} {
		if !strings.Contains(table, want) {
			t.Errorf("the audit log lacks %q:\n%s", want, table)
		}
	}
	var current string
	run(t, ctx, "the tab says where we are",
		chromedp.AttributeValue(byTestID("tab-audit"), "aria-current", &current, nil, chromedp.ByQuery))
	if current != "page" {
		t.Errorf("audit tab aria-current = %q", current)
	}

	// Keyboard only: focus What, choose Departments, submit with Enter.
	run(t, ctx, "filter by departments with the keyboard",
		chromedp.Focus(byTestID("audit-what"), chromedp.ByQuery),
		chromedp.SetValue(byTestID("audit-what"), "department.", chromedp.ByQuery),
		chromedp.Focus(byTestID("audit-from"), chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		// The filtered page offers to clear the filters.
		chromedp.WaitVisible(byTestID("audit-clear"), chromedp.ByQuery),
	)
	if u := location(t, ctx); !strings.Contains(u, "what=department.") {
		t.Fatalf("filter did not apply: %s", u)
	}
	table = textOf(t, ctx, byTestID("audit-table"))
	if !strings.Contains(table, "Department created") || strings.Contains(table, "User added") {
		t.Errorf("filtered list:\n%s", table)
	}

	// Every filter has a visible label.
	var unlabelled int
	run(t, ctx, "count unlabelled filters", chromedp.Evaluate(
		`[...document.querySelectorAll('[data-testid="audit-filters"] select, [data-testid="audit-filters"] input')].filter(e => !e.closest('label') || !e.closest('label').textContent.trim()).length`,
		&unlabelled))
	if unlabelled != 0 {
		t.Errorf("%d filters without a label", unlabelled)
	}

	// A phone: 390 px wide, nothing scrolls sideways.
	var wide bool
	run(t, ctx, "narrow the window to 390 px",
		emulation.SetDeviceMetricsOverride(390, 844, 2, true),
		chromedp.Navigate(s.URL+"/settings/audit"),
		chromedp.WaitVisible(byTestID("audit-table"), chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &wide),
	)
	if wide {
		t.Error("the audit log scrolls sideways at 390 px")
	}
}
