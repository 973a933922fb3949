package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/store"
)

// Every admin action leaves an audit entry saying who did what to which
// thing, from where, and what changed — and never a secret's value.
func TestAuditTrailRecordsEachAdminAction(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")
	ctx := context.Background()
	sim := simulator.DefaultConfig()
	ch := strconv.FormatInt(site.channel.ID, 10)
	userID := func(email string) string {
		u, err := site.db.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(u.ID, 10)
	}
	departmentID := func(name string) string {
		ds, err := site.db.ListDepartments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Name == name {
				return strconv.FormatInt(d.ID, 10)
			}
		}
		t.Fatalf("no department %s", name)
		return ""
	}
	partnerID := func() string {
		ps, err := site.db.ListPaymentPartners(ctx, site.channel.ID)
		if err != nil || len(ps) == 0 {
			t.Fatalf("payment partners: %v %v", ps, err)
		}
		return strconv.FormatInt(ps[0].ID, 10)
	}
	const (
		newToken    = "EAAWadeskSimulatorAccessToken0000000000000000000000"
		newSecret   = "0badc0de0badc0de0badc0de0badc0de"
		newPassword = "another-long-password-42"
		mailPass    = "smtp-password-never-shown"
	)
	ok := func(p tplPage) {
		t.Helper()
		if p.status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303\n%s", p.status, p.body)
		}
	}

	tests := []struct {
		name   string
		act    func()
		action string
		target string
		// changes are words that must appear in the entry's changes.
		changes []string
	}{
		{"channel created", func() {
			ok(site.post(admin, "/channels/new/provider", url.Values{"provider": {"meta_cloud"}}))
			ok(site.post(admin, "/channels/new/credentials", url.Values{"title": {"Support line"}, "access_token": {sim.AccessToken},
				"business_id": {sim.Businesses[0].ID}, "app_secret": {sim.AppSecret}}))
			ok(site.post(admin, "/channels/new/finish", url.Values{"phone_number_id": {"110200000000201"}}))
		}, "channel.created", "Support line", []string{"110200000000201"}},
		{"channel edited", func() {
			ok(site.post(admin, "/channels/"+ch, url.Values{"title": {"Bakery orders"}, "forward_url": {""}, "alert_emails": {"ops@example.com"}}))
		}, "channel.updated", "Bakery orders", []string{`"Bakery"`, `"Bakery orders"`, "ops@example.com"}},
		{"channel secrets replaced", func() {
			ok(site.post(admin, "/channels/"+ch, url.Values{"title": {"Bakery orders"}, "alert_emails": {"ops@example.com"},
				"access_token": {newToken}, "app_secret": {newSecret}}))
		}, "channel.secrets_replaced", "Bakery orders", []string{"access token replaced", "app secret replaced"}},
		{"verify token replaced", func() {
			ok(site.post(admin, "/channels/"+ch+"/verify-token", nil))
		}, "channel.verify_token_replaced", "Bakery orders", []string{"replaced"}},
		{"forward secret replaced", func() {
			p := site.post(admin, "/channels/"+ch+"/forward-secret", nil)
			if p.status >= 400 {
				t.Fatalf("forward secret: %d", p.status)
			}
		}, "channel.forward_secret_replaced", "Bakery orders", []string{"replaced"}},
		{"channel hidden", func() {
			ok(site.post(admin, "/channels/"+ch+"/visibility", url.Values{"visible": {"0"}}))
		}, "channel.visibility_changed", "Bakery orders", []string{"inbox visible: yes → no"}},
		{"template submitted", func() {
			ok(site.post(admin, site.path("/templates"), orderForm("audit_ready")))
		}, "template.submitted", "audit_ready", []string{"UTILITY", "en_US"}},
		{"template deleted", func() {
			tpl := site.stored()["audit_ready/en_US"]
			ok(site.post(admin, site.path("/templates/"+strconv.FormatInt(tpl.ID, 10)+"/delete"), nil))
		}, "template.deleted", "audit_ready", nil},
		{"department created", func() {
			ok(site.post(admin, "/settings/departments", url.Values{"name": {"Sales"}}))
		}, "department.created", "Sales", nil},
		{"department renamed", func() {
			ok(site.post(admin, "/settings/departments/"+departmentID("Sales"), url.Values{"name": {"Field sales"}}))
		}, "department.renamed", "Field sales", []string{`"Sales"`, `"Field sales"`}},
		{"user created", func() {
			ok(site.post(admin, "/settings/users", url.Values{"name": {"Nia"}, "email": {"nia@example.com"}, "password": {newPassword}, "role": {"agent"}}))
		}, "user.created", "nia@example.com", []string{"agent"}},
		{"role changed", func() {
			ok(site.post(admin, "/settings/users/"+userID("nia@example.com"), url.Values{"name": {"Nia"}, "role": {"admin"},
				"departments": {departmentID("Field sales")}}))
		}, "user.updated", "nia@example.com", []string{`role: "agent" → "admin"`, "departments"}},
		{"password reset", func() {
			ok(site.post(admin, "/settings/users/"+userID("nia@example.com")+"/password", url.Values{"password": {newPassword + "x"}}))
		}, "user.password_reset", "nia@example.com", []string{"password replaced"}},
		{"user disabled", func() {
			ok(site.post(admin, "/settings/users/"+userID("nia@example.com")+"/disable", nil))
		}, "user.disabled", "nia@example.com", nil},
		{"user enabled", func() {
			ok(site.post(admin, "/settings/users/"+userID("nia@example.com")+"/enable", nil))
		}, "user.enabled", "nia@example.com", nil},
		{"department deleted", func() {
			ok(site.post(admin, "/settings/departments/"+departmentID("Field sales")+"/delete", nil))
		}, "department.deleted", "Field sales", nil},
		{"email settings", func() {
			ok(site.post(admin, "/settings/email", url.Values{"host": {"smtp.example.com"}, "port": {"587"}, "tls_mode": {"starttls"},
				"username": {"desk"}, "password": {mailPass}, "from_address": {"desk@example.com"}}))
		}, "settings.email_changed", "Email", []string{"smtp.example.com", "password replaced"}},
		{"business profile changed", func() {
			ok(site.post(admin, site.path("/profile"), profileForm()))
		}, "channel.profile_changed", "Bakery orders", nil},
		{"payment partner added", func() {
			ok(site.post(admin, site.path("/store/partners"), url.Values{"kind": {"stripe"}, "url": {"https://buy.stripe.com/test_abc"}}))
		}, "channel.payment_partner_added", "Bakery orders", []string{"stripe", "https://buy.stripe.com/test_abc"}},
		{"payment partner made default", func() {
			ok(site.post(admin, site.path("/store/partners/"+partnerID()+"/default"), nil))
		}, "channel.payment_partner_default_set", "Bakery orders", []string{"partner id"}},
		{"payment partner removed", func() {
			ok(site.post(admin, site.path("/store/partners/"+partnerID()+"/delete"), nil))
		}, "channel.payment_partner_removed", "Bakery orders", []string{"partner id"}},
		{"default channel", func() {
			ok(site.post(admin, "/channels/"+ch+"/default", nil))
		}, "channel.default_set", "Bakery orders", nil},
		{"channel deleted", func() {
			ok(site.post(admin, "/channels/"+ch+"/delete", url.Values{"confirm": {"Bakery orders"}}))
		}, "channel.deleted", "Bakery orders", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.act()
			es, err := site.db.AuditEntries(ctx, store.AuditFilter{Action: tt.action, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 1 {
				t.Fatalf("no %s entry", tt.action)
			}
			e := es[0]
			if e.Actor != "admin@example.com" || e.ActorID == 0 || e.Source != "127.0.0.1" || e.At.IsZero() {
				t.Errorf("who/where/when: %+v", e)
			}
			if e.TargetName != tt.target {
				t.Errorf("target %q, want %q", e.TargetName, tt.target)
			}
			// The entry as the Settings → Audit log page shows it.
			p := site.get(admin, "/settings/audit?what="+url.QueryEscape(tt.action[:strings.Index(tt.action, ".")+1]))
			if p.status != http.StatusOK {
				t.Fatalf("audit page: %d", p.status)
			}
			row := p.body[strings.Index(p.body, `data-testid="audit-`+strconv.FormatInt(e.ID, 10)+`"`):]
			row = row[:strings.Index(row, "</tr>")]
			row = strings.ReplaceAll(row, "&#34;", `"`)
			for _, want := range append(tt.changes, "admin@example.com", "127.0.0.1") {
				if !strings.Contains(row, want) {
					t.Errorf("the audit page's row lacks %q:\n%s", want, row)
				}
			}
		})
	}

	// No secret value anywhere in the audit trail.
	all, err := site.db.AuditEntries(ctx, store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < len(tests) {
		t.Fatalf("%d entries for %d actions", len(all), len(tests))
	}
	var raw strings.Builder
	for _, e := range all {
		raw.WriteString(e.Action + " " + e.TargetName + " ")
		for k, v := range e.Changes {
			raw.WriteString(k + "=" + strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(toString(v), "\n", " "), "\t", " ")) + " ")
		}
	}
	for _, secret := range []string{newToken, newSecret, newPassword, mailPass, sim.AppSecret} {
		if strings.Contains(raw.String(), secret) {
			t.Errorf("a secret value is in the audit trail: %s", secret)
		}
	}

	// Filters: by family, by who, by dates.
	if p := site.get(admin, "/settings/audit?what=user."); strings.Contains(p.body, "Channel deleted") || !strings.Contains(p.body, "User added") {
		t.Error("the Users filter shows other entries or misses its own")
	}
	if p := site.get(admin, "/settings/audit?who="+userID("agent@example.com")); !strings.Contains(p.body, `data-testid="audit-empty"`) {
		t.Error("the agent did nothing, yet entries are listed for them")
	}
	if p := site.get(admin, "/settings/audit?from=2001-01-01&to=2001-01-02"); !strings.Contains(p.body, `data-testid="audit-empty"`) {
		t.Error("entries listed outside the dates")
	}
	if p := site.get(admin, "/settings/audit?from=yesterday"); !strings.Contains(p.body, "The From date is not a date") {
		t.Error("a bad date is not explained")
	}
	if p := site.get(site.signIn("agent@example.com"), "/settings/audit"); p.status != http.StatusForbidden {
		t.Errorf("an agent opened the audit log: %d", p.status)
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		var b strings.Builder
		for k, v := range x {
			b.WriteString(k + ":" + toString(v) + " ")
		}
		return b.String()
	case []any:
		var b strings.Builder
		for _, v := range x {
			b.WriteString(toString(v) + " ")
		}
		return b.String()
	}
	return ""
}
