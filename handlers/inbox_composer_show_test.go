package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestComposerFragmentFollowsTheWindow(t *testing.T) {
	s := startComposeSite(t)
	agent := s.signIn("agent@example.com")
	const typed = "Your cake is <b>ready</b> & waiting"
	q := "?" + url.Values{"text": {typed}}.Encode()

	// Open: the reply box comes back with what was typed, ready to be
	// fetched again when the window closes.
	p := s.composerHX(agent, s.open, q)
	if p.status != http.StatusOK {
		t.Fatalf("open window: status %d", p.status)
	}
	mustContain(t, p, `data-testid="composer-area"`, `data-window="open"`, `data-testid="composer-input"`,
		`hx-post="`+s.path(s.open, "/composer")+`"`, `hx-trigger="sse:window, countdown:expired from:body delay:1s"`,
		`hx-include="#composer-text, #composer-reply-to, #composer-quick-reply, #composer-template"`, "Your cake is &lt;b&gt;ready&lt;/b&gt; &amp; waiting</textarea>",
		`data-testid="composer-interactive-open"`,
		// The header's countdown starts again (the window may have opened).
		`id="window-countdown" hx-swap-oob="true" class="countdown"`, `data-testid="window-countdown"`)
	mustLack(t, p, `data-testid="composer-closed"`, "<b>ready</b>", `<html`, `data-testid="template-fill"`)

	// Closed, by WhatsApp's 131047 or by the clock: only templates, the
	// typed text read-only to copy (sent back when the composer is fetched
	// again: the window opened, the reply box gets it), and the header's
	// countdown taken away. The closed composer fetches itself again on the
	// stream's "window" event, which the customer's message sends when it
	// opens the window.
	for name, conv := range map[string]int64{"closed by WhatsApp": s.closedBy, "expired": s.expired} {
		p := s.composerHX(agent, conv, q)
		if p.status != http.StatusOK {
			t.Fatalf("%s: status %d", name, p.status)
		}
		mustContain(t, p, `data-window="closed"`, `data-testid="composer-closed"`, `data-testid="composer-template-open"`,
			"Send message template", "Your message was not sent. Here it is, to copy:",
			`id="composer-draft" name="text" readonly`,
			`data-testid="composer-draft">Your cake is &lt;b&gt;ready&lt;/b&gt; &amp; waiting</textarea>`,
			`<span id="window-countdown" hx-swap-oob="true" hidden></span>`,
			`hx-post="`+s.path(conv, "/composer")+`"`, `hx-trigger="sse:window"`,
			`hx-include="#composer-draft, #composer-reply-to, #composer-template"`)
		mustLack(t, p, `data-testid="composer-input"`, `data-testid="composer-interactive-open"`, `countdown:expired`)
		// Nothing typed: no unsent message to show.
		p = s.composerHX(agent, conv, "")
		mustContain(t, p, `data-testid="composer-closed"`)
		mustLack(t, p, `data-testid="composer-draft"`, "was not sent")
	}
	if p := s.composerHX(agent, s.closedBy, ""); p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	} else {
		mustContain(t, p, "WhatsApp says the 24-hour window with this customer has closed")
	}
}

func TestComposerFragmentAccess(t *testing.T) {
	s := startInboxSite(t)
	agent := s.signIn(s.agentEmail)
	// Support's conversation is not the Sales agent's to see: 404, as for
	// one that does not exist.
	for _, id := range []int64{s.support, 99999} {
		if p := s.postHX(agent, fmt.Sprintf("/inbox/%d/composer", id), url.Values{"text": {"hi"}}); p.status != http.StatusNotFound {
			t.Errorf("composer of conversation %d: status %d, want 404", id, p.status)
		}
	}
	if p := s.postHX(agent, fmt.Sprintf("/inbox/%d/composer", s.open), nil); p.status != http.StatusOK {
		t.Errorf("composer of the agent's own conversation: status %d", p.status)
	}
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// Signed out, htmx is told to go to the sign-in page (401 + HX-Redirect).
	if p := s.postHX(anon, fmt.Sprintf("/inbox/%d/composer", s.open), nil); p.status != http.StatusUnauthorized {
		t.Errorf("signed out: status %d, want 401 with a redirect to sign in", p.status)
	}
}

// TestComposerFragmentKeepsTheTemplate: the composer fetched again when the
// window opens or closes keeps the template being filled in, its values and
// the panel that was open.
func TestComposerFragmentKeepsTheTemplate(t *testing.T) {
	s := startComposeSite(t)
	agent := s.signIn("agent@example.com")
	filling := url.Values{"template": {strconv.FormatInt(s.orderReady, 10)}, "body_1": {"Sheena <3"}, "body_2": {"#1042"},
		"reply_to": {"not a message"}}
	with := func(v url.Values, extra ...string) string {
		q := url.Values{}
		for k, vs := range v {
			q[k] = vs
		}
		for i := 0; i+1 < len(extra); i += 2 {
			q.Set(extra[i], extra[i+1])
		}
		return "?" + q.Encode()
	}
	openTemplate := regexp.MustCompile(`<details name="composer-mode" class="composer-mode" data-testid="composer-template" open data-composer-mode="template"`)
	openInteractive := regexp.MustCompile(`data-testid="composer-interactive" open data-composer-mode="interactive"`)
	tests := []struct {
		name         string
		conv         int64
		query        string
		window       string
		values       bool // the template's form with the typed values
		templateOpen bool
		interactive  bool
	}{
		{"window opened, template panel open", s.open, with(filling, "mode", "template"), "open", true, true, false},
		{"window opened, without app.js", s.open, with(filling), "open", true, true, false},
		{"window opened, template panel folded", s.open, with(filling, "mode", ""), "open", true, false, false},
		{"window open, interactive panel open", s.open, with(url.Values{}, "mode", "interactive"), "open", false, false, true},
		{"unknown mode", s.open, with(url.Values{}, "mode", "<script>"), "open", false, false, false},
		{"window closed", s.closedBy, with(filling, "mode", "template"), "closed", true, true, false},
		{"window expired, panel folded", s.expired, with(filling, "mode", ""), "closed", true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.composerHX(agent, tt.conv, tt.query)
			if p.status != http.StatusOK {
				t.Fatalf("status %d", p.status)
			}
			mustContain(t, p, `data-window="`+tt.window+`"`)
			mustLack(t, p, "<script>", "Sheena <3")
			if tt.values {
				mustContain(t, p, `data-testid="template-fill"`, `name="body_1"`, `value="Sheena &lt;3"`, `value="#1042"`)
			} else {
				mustLack(t, p, `data-testid="template-fill"`)
			}
			if got := openTemplate.MatchString(p.body); got != tt.templateOpen {
				t.Errorf("template panel open = %v, want %v", got, tt.templateOpen)
			}
			if got := openInteractive.MatchString(p.body); got != tt.interactive {
				t.Errorf("interactive panel open = %v, want %v", got, tt.interactive)
			}
		})
	}
	// A template of another number is not filled in: the agent is told.
	p := s.composerHX(agent, s.open, with(url.Values{"template": {strconv.FormatInt(s.foreign, 10)}, "body_1": {"x"}}))
	mustContain(t, p, "That template is not an approved template of this number")
	mustLack(t, p, `data-testid="template-fill"`)
}

// composerHX asks for the composer of conversation conv as the page does:
// an htmx POST of what was typed (query is the form, "?"-prefixed or empty).
func (s *composeSite) composerHX(c *http.Client, conv int64, query string) page {
	s.t.Helper()
	form, err := url.ParseQuery(strings.TrimPrefix(query, "?"))
	if err != nil {
		s.t.Fatal(err)
	}
	return s.postHX(c, s.path(conv, "/composer"), form)
}

// TestComposerTemplatePickerFollowsConsent: for a customer who opted out
// of marketing, the marketing templates are listed disabled with the
// reason (tied to each by aria-describedby), utility ones stay choosable;
// a blocked contact gets none; a customer who opted back in gets all.
func TestComposerTemplatePickerFollowsConsent(t *testing.T) {
	s := startComposeSite(t)
	ctx := context.Background()
	agent := s.signIn("agent@example.com")
	var contactID int64
	if err := s.db.R.QueryRow(`SELECT contact_id FROM conversations WHERE id = ?`, s.expired).Scan(&contactID); err != nil {
		t.Fatal(err)
	}
	choice := func(p page, name string) string {
		t.Helper()
		m := regexp.MustCompile(`(?s)<label class="template-choice" data-testid="template-choice-` + name + `-en_US"[^>]*>.*?</label>`).FindString(p.body)
		if m == "" {
			t.Fatalf("no choice %s in\n%s", name, p.body)
		}
		return m
	}
	refusedID := "template-refused-" + strconv.FormatInt(s.expired, 10)

	p := s.composerHX(agent, s.expired, "")
	mustLack(t, p, `data-testid="template-refused"`)
	if c := choice(p, "weekend_offer"); strings.Contains(c, "disabled") {
		t.Fatalf("marketing template disabled without an opt-out: %s", c)
	}

	at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	if err := s.db.SetMarketingOptOut(ctx, contactID, &at, "keyword:STOP"); err != nil {
		t.Fatal(err)
	}
	p = s.composerHX(agent, s.expired, "")
	mustContain(t, p, `id="`+refusedID+`" data-testid="template-refused"`, "asked not to get marketing messages")
	if c := choice(p, "weekend_offer"); !strings.Contains(c, " disabled ") || !strings.Contains(c, `aria-describedby="`+refusedID+`"`) ||
		!strings.Contains(c, "Not for this customer") {
		t.Fatalf("marketing template for an opted-out customer: %s", c)
	}
	if c := choice(p, "order_ready"); strings.Contains(c, "disabled") {
		t.Fatalf("utility template disabled for an opted-out customer: %s", c)
	}
	// Even asked for by its id, the marketing template is not ticked.
	p = s.composerHX(agent, s.expired, "?template="+strconv.FormatInt(s.weekendOffer, 10))
	if c := choice(p, "weekend_offer"); strings.Contains(c, "checked") {
		t.Fatalf("a refused template is ticked: %s", c)
	}

	if _, err := s.db.W.Exec(`UPDATE contacts SET blocked = TRUE WHERE id = ?`, contactID); err != nil {
		t.Fatal(err)
	}
	p = s.composerHX(agent, s.expired, "")
	mustContain(t, p, "This contact is blocked")
	for _, name := range []string{"weekend_offer", "order_ready"} {
		if c := choice(p, name); !strings.Contains(c, " disabled ") {
			t.Fatalf("%s offered to a blocked contact: %s", name, c)
		}
	}
	if _, err := s.db.W.Exec(`UPDATE contacts SET blocked = FALSE WHERE id = ?`, contactID); err != nil {
		t.Fatal(err)
	}
	if err := s.db.SetMarketingOptOut(ctx, contactID, nil, ""); err != nil {
		t.Fatal(err)
	}
	p = s.composerHX(agent, s.expired, "")
	mustLack(t, p, `data-testid="template-refused"`, "Not for this customer")
}
