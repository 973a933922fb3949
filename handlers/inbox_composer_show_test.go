package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

func TestComposerFragmentFollowsTheWindow(t *testing.T) {
	s := startComposeSite(t)
	agent := s.signIn("agent@example.com")
	const typed = "Your cake is <b>ready</b> & waiting"
	q := "?" + url.Values{"text": {typed}}.Encode()

	// Open: the reply box comes back with what was typed, ready to be
	// fetched again when the window closes.
	p := s.getHX(agent, s.path(s.open, "/composer"+q))
	if p.status != http.StatusOK {
		t.Fatalf("open window: status %d", p.status)
	}
	mustContain(t, p, `data-testid="composer-area"`, `data-window="open"`, `data-testid="composer-input"`,
		`hx-get="`+s.path(s.open, "/composer")+`"`, `hx-trigger="sse:window, countdown:expired from:body delay:1s"`,
		`hx-include="#composer-text, #composer-reply-to"`, "Your cake is &lt;b&gt;ready&lt;/b&gt; &amp; waiting</textarea>",
		`data-testid="composer-interactive-open"`)
	mustLack(t, p, `data-testid="composer-closed"`, `hx-swap-oob`, "<b>ready</b>", `<html`)

	// Closed, by WhatsApp's 131047 or by the clock: only templates, the
	// typed text read-only to copy, and the header's countdown taken away.
	for name, conv := range map[string]int64{"closed by WhatsApp": s.closedBy, "expired": s.expired} {
		p := s.getHX(agent, s.path(conv, "/composer"+q))
		if p.status != http.StatusOK {
			t.Fatalf("%s: status %d", name, p.status)
		}
		mustContain(t, p, `data-window="closed"`, `data-testid="composer-closed"`, `data-testid="composer-template-open"`,
			"Send message template", "Your message was not sent. Here it is, to copy:",
			`data-testid="composer-draft">Your cake is &lt;b&gt;ready&lt;/b&gt; &amp; waiting</textarea>`,
			`<span id="window-countdown" hx-swap-oob="delete"></span>`)
		mustLack(t, p, `data-testid="composer-input"`, `data-testid="composer-interactive-open"`, `hx-get="`+s.path(conv, "/composer")+`"`)
		// Nothing typed: no unsent message to show.
		p = s.getHX(agent, s.path(conv, "/composer"))
		mustContain(t, p, `data-testid="composer-closed"`)
		mustLack(t, p, `data-testid="composer-draft"`, "was not sent")
	}
	if p := s.getHX(agent, s.path(s.closedBy, "/composer")); p.status != http.StatusOK {
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
		if p := s.get(agent, fmt.Sprintf("/inbox/%d/composer?text=hi", id)); p.status != http.StatusNotFound {
			t.Errorf("composer of conversation %d: status %d, want 404", id, p.status)
		}
	}
	if p := s.get(agent, fmt.Sprintf("/inbox/%d/composer", s.open)); p.status != http.StatusOK {
		t.Errorf("composer of the agent's own conversation: status %d", p.status)
	}
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if p := s.get(anon, fmt.Sprintf("/inbox/%d/composer", s.open)); p.status != http.StatusSeeOther {
		t.Errorf("signed out: status %d, want a redirect to sign in", p.status)
	}
}
