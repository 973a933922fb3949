package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

var alertAttr = regexp.MustCompile(`data-(unread|latest-name|latest-url|sound|desktop)="([^"]*)"`)

// alertsOf reads /inbox/alerts as the client sees it.
func (s *inboxSite) alertsOf(c *http.Client) map[string]string {
	s.t.Helper()
	p := s.get(c, "/inbox/alerts")
	if p.status != http.StatusOK {
		s.t.Fatalf("GET /inbox/alerts: status %d", p.status)
	}
	out := map[string]string{}
	for _, m := range alertAttr.FindAllStringSubmatch(p.body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// The alerts count and name only conversations the user may see, and each
// user's settings are their own.
func TestInboxAlertsFollowVisibilityAndSettings(t *testing.T) {
	s := startInboxSite(t)
	agent := s.signIn(s.agentEmail)
	admin := s.signIn(s.adminMail)

	if a := s.alertsOf(admin); a["unread"] != "3" || a["latest-name"] != "Olga Open" || a["desktop"] != "false" || a["sound"] != "false" {
		t.Errorf("admin's alerts = %v, want 3 unread, newest Olga Open, both off", a)
	}
	if a := s.alertsOf(agent); a["unread"] != "2" || a["latest-name"] != "Olga Open" {
		t.Errorf("Sales agent's alerts = %v, want 2 unread (not Support's), newest Olga Open", a)
	}

	// Sue (Support) writes again: the admin hears of it, the Sales agent not.
	ch, err := s.db.ConversationFor(context.Background(), store.InboxViewer{Admin: true}, s.support)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: ch.ChannelID, Messages: []store.InboundMessage{{
		WAMID: "wamid.sue-again", Phone: "+15550003", WaID: "15550003", ProfileName: "Sue Support", Type: "text", Text: "Still broken",
		Payload: "{}", Timestamp: time.Now(),
	}}}}); err != nil {
		t.Fatal(err)
	}
	if a := s.alertsOf(admin); a["latest-name"] != "Sue Support" || a["latest-url"] != fmt.Sprintf("/inbox/%d", s.support) {
		t.Errorf("admin's alerts after Sue wrote = %v", a)
	}
	if a := s.alertsOf(agent); a["latest-name"] != "Olga Open" || a["unread"] != "2" {
		t.Errorf("the Sales agent hears of Support's conversation: %v", a)
	}

	// The agent turns alerts on; the admin's stay off.
	if p := s.post(agent, "/account/alerts", url.Values{"sound": {"on"}, "desktop": {"on"}}); p.status != http.StatusSeeOther || p.location != "/account" {
		t.Fatalf("save alerts: status %d, location %q", p.status, p.location)
	}
	if a := s.alertsOf(agent); a["sound"] != "true" || a["desktop"] != "true" {
		t.Errorf("agent's alerts after saving = %v", a)
	}
	if a := s.alertsOf(admin); a["sound"] != "false" || a["desktop"] != "false" {
		t.Errorf("admin's alerts changed with the agent's: %v", a)
	}
	if p := s.post(agent, "/account/alerts", url.Values{"desktop": {"on"}}); p.status != http.StatusSeeOther {
		t.Fatalf("save alerts: status %d", p.status)
	}
	if a := s.alertsOf(agent); a["sound"] != "false" || a["desktop"] != "true" {
		t.Errorf("agent's alerts after turning the sound off = %v", a)
	}
}
