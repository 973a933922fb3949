package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/api"
)

// A key is shown once, stored by its hash, and revoked by an admin.
func TestAPIKeysShownOnceAndRevoked(t *testing.T) {
	s := startInboxSite(t)
	ctx := context.Background()
	admin := s.signIn(s.adminMail)
	if p := s.post(admin, "/settings/api-keys", url.Values{"name": {""}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "Give the key a name") || !strings.Contains(p.body, "Choose what the key may do") {
		t.Fatalf("empty form: %d\n%s", p.status, p.body)
	}
	p := s.post(admin, "/settings/api-keys", url.Values{"name": {"Shop backend"}, "scope": {"send", "read"}})
	token := regexp.MustCompile(`data-testid="api-key-value">(wdk_[A-Za-z0-9_-]+)<`).FindStringSubmatch(p.body)
	if p.status != http.StatusOK || token == nil {
		t.Fatalf("create: %d\n%s", p.status, p.body)
	}
	k, err := s.db.APIKeyByHash(ctx, api.HashKey(token[1]))
	if err != nil || k.Name != "Shop backend" || !k.HasScope("send") || !k.HasScope("read") {
		t.Fatalf("stored key %+v %v", k, err)
	}
	var raw int
	s.db.R.QueryRow(`SELECT COUNT(*) FROM api_keys WHERE hash = ? OR prefix = ?`, token[1], token[1]).Scan(&raw)
	if raw != 0 {
		t.Fatal("the key itself is stored")
	}
	list := s.get(admin, "/settings/api-keys")
	if strings.Contains(list.body, token[1]) || !strings.Contains(list.body, k.Prefix+"…") {
		t.Fatalf("the list shows the key again or not its prefix:\n%s", list.body)
	}
	if p := s.post(admin, "/settings/api-keys/"+itoa64(k.ID)+"/revoke", nil); p.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.status)
	}
	if k, _ := s.db.APIKeyByID(ctx, k.ID); k.RevokedAt == nil {
		t.Fatal("not revoked")
	}
	if p := s.get(s.signIn(s.agentEmail), "/settings/api-keys"); p.status != http.StatusForbidden {
		t.Errorf("an agent: %d", p.status)
	}
	// The audit page says in words what was done, and its What filter
	// has the API keys' family.
	audit := s.get(admin, "/settings/audit?what=api_key.")
	if !strings.Contains(audit.body, "API key created") || !strings.Contains(audit.body, "API key revoked") ||
		strings.Contains(audit.body, "api_key.created") || !strings.Contains(audit.body, `<option value="api_key." selected`) {
		t.Errorf("audit page of API keys:\n%s", audit.body)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
