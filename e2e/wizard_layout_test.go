package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWizardProviderStepIsCompact: step 1 of the wizard on a laptop and a
// phone. The price details read as lines of text (not a word per line),
// Continue is in view without scrolling, and the providers that cannot be
// picked yet look secondary and come after the ones that can.
func TestWizardProviderStepIsCompact(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery))
	for _, v := range []viewport{desktopWidth, phoneWidth} {
		t.Run(v.name, func(t *testing.T) {
			var m struct {
				Height         float64  `json:"height"`
				ContinueTop    float64  `json:"continueTop"`
				ContinueBottom float64  `json:"continueBottom"`
				NarrowDetails  []string `json:"narrowDetails"`
				AvailableEnd   float64  `json:"availableEnd"`
				DisabledStart  float64  `json:"disabledStart"`
				SameLook       []string `json:"sameLook"`
			}
			run(t, ctx, "open step 1", v.at(), chromedp.Navigate(s.URL+"/channels/new"),
				chromedp.WaitVisible(byTestID("wizard-next"), chromedp.ByQuery),
				chromedp.Evaluate(`(() => {
					const cont = document.querySelector('[data-testid="wizard-next"]').getBoundingClientRect();
					const cards = [...document.querySelectorAll('#wizard .choice')];
					const avail = cards.filter(c => !c.querySelector("input").disabled);
					const off = cards.filter(c => c.querySelector("input").disabled);
					const narrow = [];
					for (const dd of document.querySelectorAll('#wizard .choice dd')) {
						const w = dd.getBoundingClientRect().width;
						if (w < 160) narrow.push(dd.textContent.slice(0, 30) + " (" + Math.round(w) + " px)");
					}
					const look = c => { const st = getComputedStyle(c); return st.borderTopStyle + " " + st.backgroundColor; };
					const sameLook = avail.length ? off.filter(c => look(c) === look(avail[0])).map(c => c.dataset.testid) : [];
					return {height: document.documentElement.scrollHeight, continueTop: cont.top, continueBottom: cont.bottom,
						narrowDetails: narrow.slice(0, 5),
						availableEnd: Math.max(0, ...avail.map(c => c.getBoundingClientRect().bottom)),
						disabledStart: Math.min(1e9, ...off.map(c => c.getBoundingClientRect().top)), sameLook};
				})()`, &m))
			if m.ContinueTop < 0 || m.ContinueBottom > float64(v.height) {
				t.Errorf("Continue is at %.0f–%.0f px in a %d px high window: not in view without scrolling", m.ContinueTop, m.ContinueBottom, v.height)
			}
			if len(m.NarrowDetails) > 0 {
				t.Errorf("provider price details are squeezed into narrow columns: %s", strings.Join(m.NarrowDetails, "; "))
			}
			if v == desktopWidth && m.Height > 2*float64(v.height) {
				t.Errorf("step 1 is %.0f px tall on a %d px high laptop screen", m.Height, v.height)
			}
			if m.DisabledStart < m.AvailableEnd {
				t.Errorf("a provider that cannot be picked (top %.0f) comes before one that can (bottom %.0f)", m.DisabledStart, m.AvailableEnd)
			}
			if len(m.SameLook) > 0 {
				t.Errorf("providers not available yet look like available ones: %v", m.SameLook)
			}
			checkAccessible(t, ctx, "wizard step 1 at "+v.name)
			checkNoSideScroll(t, ctx, "wizard step 1 at "+v.name)
		})
	}
}

// TestWizardRejectedTokenIsNotKept: after Meta refuses the token (190),
// the field asks for a new one; it does not offer to keep the bad one, and
// sending the form without a token says a token is needed.
func TestWizardRejectedTokenIsNotKept(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery))
	fillCredentials(t, ctx, s, "EAAwrongwrongwrongwrongwrongwrongwrong")
	run(t, ctx, "error shown", chromedp.WaitVisible(byTestID("error-access_token"), chromedp.ByQuery))
	if msg := textOf(t, ctx, byTestID("error-access_token")); !strings.Contains(msg, "rejected or has expired") {
		t.Fatalf("token error = %q", msg)
	}
	var saved int
	var required bool
	run(t, ctx, "inspect the token field",
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="token-saved"]').length`, &saved),
		chromedp.Evaluate(`document.querySelector('input[name="access_token"]').required`, &required))
	if saved != 0 {
		t.Errorf("after the token was rejected the page still says %q", textOf(t, ctx, byTestID("token-saved")))
	}
	if !required {
		t.Error("the rejected token's field is not required: leaving it empty would reuse the bad token")
	}
	run(t, ctx, "send again without a token",
		chromedp.Click(byTestID("wizard-fetch"), chromedp.ByQuery),
		chromedp.Poll(`(document.querySelector('[data-testid="error-access_token"]') || {}).textContent?.includes("Paste the system user access token")`, nil))
}
