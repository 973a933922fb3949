package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Campaigns spend money and reach every customer: only admins see them.
// Agents get 403 on every campaign route and no menu entry.
func TestCampaignsAreForAdminsOnly(t *testing.T) {
	site := startTemplateSite(t)
	agent := site.signIn("agent@example.com")
	for _, path := range []string{"/campaigns", "/campaigns/new", "/campaigns/1", "/campaigns/1/progress"} {
		if p := site.get(agent, path); p.status != http.StatusForbidden {
			t.Errorf("agent GET %s: %d, want 403", path, p.status)
		}
	}
	for _, path := range []string{"/campaigns", "/campaigns/1/launch", "/campaigns/1/pause", "/campaigns/1/cancel"} {
		if p := site.post(agent, path, url.Values{"name": {"x"}}); p.status != http.StatusForbidden {
			t.Errorf("agent POST %s: %d, want 403", path, p.status)
		}
	}
	if p := site.get(agent, "/inbox"); strings.Contains(p.body, `data-testid="nav-campaigns"`) {
		t.Error("the agent's menu links to campaigns")
	}

	admin := site.signIn("admin@example.com")
	p := site.get(admin, "/campaigns")
	if p.status != http.StatusOK || !strings.Contains(p.body, `data-testid="campaigns-empty"`) || !strings.Contains(p.body, `data-testid="nav-campaigns"`) {
		t.Fatalf("admin GET /campaigns: %d", p.status)
	}
	p = site.post(admin, "/campaigns", url.Values{"name": {""}, "template": {""}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Give the campaign a name.") {
		t.Fatalf("a campaign without a name: %d", p.status)
	}
	if p := site.get(admin, "/campaigns/999"); p.status != http.StatusNotFound {
		t.Errorf("an unknown campaign: %d, want 404", p.status)
	}
}
