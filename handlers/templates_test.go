package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store/storetest"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/handlers"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/store"
)

const (
	tplPassword = "a-long-template-password"
	tplWABA     = "104500000000011" // the simulator's owned WABA
	tplPhone    = "110200000000101"
)

// tplSite is the HTTP interface on 127.0.0.1 talking to the Graph API
// simulator (also on 127.0.0.1) through the real Cloud API client, with a
// connected channel, an admin and an agent.
type tplSite struct {
	t       *testing.T
	db      *store.DB
	sim     *simulator.Sim
	url     string
	channel store.Channel
	// creates counts template submissions that reached the provider.
	creates atomic.Int64
}

type tplPage struct {
	status   int
	location string
	body     string
}

func startTemplateSite(t *testing.T) *tplSite {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, box := storetest.OpenWithBox(t, dir)
	hash, err := auth.HashPassword(ctx, tplPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.NewUser{
		{Email: "admin@example.com", Name: "Ada Admin", Role: store.RoleAdmin, PasswordHash: hash},
		{Email: "agent@example.com", Name: "Alex Agent", Role: store.RoleAgent, PasswordHash: hash},
	} {
		if _, err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}

	cfg := simulator.DefaultConfig()
	cfg.Seed = 5
	cfg.TemplateReviewDelay = time.Hour // the test decides when
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	site := &tplSite{t: t, db: db, sim: sim}
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/message_templates") {
			site.creates.Add(1)
		}
		sim.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(graph.Close)

	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	// The console's own address is its base URL, so that the simulator can
	// call the webhook URL back when the channel wizard subscribes it.
	ts := httptest.NewUnstartedServer(nil)
	srv, err := handlers.New(handlers.Config{DB: db, Box: box, Logger: logger, BaseURL: &url.URL{Scheme: "http", Host: ts.Listener.Addr().String()},
		Providers: testRegistry(graph.URL)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	site.url = ts.URL

	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Bakery", Provider: string(providers.MetaCloud),
		BusinessID: "512300000000001", WABAID: tplWABA, PhoneNumberID: tplPhone, DisplayPhoneNumber: "+1 555-010-2001",
		VerifiedName: "Flor de Lis Bakery",
		Secrets:      store.ChannelSecrets{AccessToken: cfg.AccessToken, AppSecret: cfg.AppSecret, VerifyToken: "verify-token"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	site.channel = ch
	return site
}

func (s *tplSite) signIn(email string) *http.Client {
	s.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if p := s.post(c, "/login", url.Values{"email": {email}, "password": {tplPassword}}); p.status != http.StatusSeeOther {
		s.t.Fatalf("sign in as %s: status %d", email, p.status)
	}
	return c
}

func (s *tplSite) do(c *http.Client, req *http.Request) tplPage {
	s.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return tplPage{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b)}
}

func (s *tplSite) get(c *http.Client, path string, header ...string) tplPage {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return s.do(c, req)
}

func (s *tplSite) post(c *http.Client, path string, form url.Values) tplPage {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(c, req)
}

func (s *tplSite) path(rest string) string {
	return "/channels/" + strconv.FormatInt(s.channel.ID, 10) + rest
}

// stored returns the channel's stored templates by name and language.
func (s *tplSite) stored() map[string]store.Template {
	s.t.Helper()
	ts, err := s.db.ListTemplates(context.Background(), store.TemplateFilter{ChannelID: s.channel.ID})
	if err != nil {
		s.t.Fatal(err)
	}
	out := map[string]store.Template{}
	for _, t := range ts {
		out[t.Name+"/"+t.Language] = t
	}
	return out
}

// atProvider lists the simulator's templates called name.
func (s *tplSite) atProvider(name string) []providers.Template {
	s.t.Helper()
	srv := httptest.NewServer(s.sim.Handler())
	defer srv.Close()
	client, err := cloudapi.New(cloudapi.Config{BaseURL: srv.URL, Token: simulator.DefaultConfig().AccessToken})
	if err != nil {
		s.t.Fatal(err)
	}
	all, err := client.ListTemplates(context.Background(), tplWABA)
	if err != nil {
		s.t.Fatal(err)
	}
	var out []providers.Template
	for _, t := range all {
		if t.Name == name {
			out = append(out, t)
		}
	}
	return out
}

// orderForm is a template with a header variable, two body variables and
// a website button with a variable.
func orderForm(name string) url.Values {
	return url.Values{
		"name": {name}, "language": {"en_US"}, "category": {"UTILITY"},
		"header_format": {"TEXT"}, "header_text": {"Order {{1}} is ready"}, "header_example": {"#1042"},
		"body":           {"Hi {{1}}, your order {{2}} is ready for pickup."},
		"body_example_1": {"Sheena"}, "body_example_2": {"#1042"},
		"footer":        {"Flor de Lis Bakery"},
		"button_type_0": {"URL"}, "button_text_0": {"Track order"}, "button_url_0": {"https://shop.example/track/{{1}}"},
		"button_example_0": {"1042"}, "button_type_1": {""},
	}
}

func TestTemplateLifecycleOverHTTP(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")

	if p := site.get(site.signIn("agent@example.com"), site.path("/templates")); p.status != http.StatusForbidden {
		t.Errorf("agent opened the templates page: %d", p.status)
	}

	// Sync brings the provider's templates.
	p := site.post(admin, site.path("/templates/sync"), nil)
	if p.status != http.StatusSeeOther || p.location != site.path("/templates") {
		t.Fatalf("sync: %d %s", p.status, p.location)
	}
	if n := len(site.stored()); n != 4 {
		t.Fatalf("%d templates after sync, want the simulator's 4", n)
	}
	p = site.get(admin, site.path("/templates"))
	if p.status != http.StatusOK || !strings.Contains(p.body, "weekend_offer") || !strings.Contains(p.body, "Last synced with Meta") {
		t.Fatalf("templates page: %d", p.status)
	}
	if strings.Contains(p.body, `hx-trigger="every 3s"`) {
		t.Error("the list polls although nothing is pending")
	}
	// Filters.
	if p = site.get(admin, site.path("/templates?category=AUTHENTICATION")); !strings.Contains(p.body, "login_code") || strings.Contains(p.body, "weekend_offer") {
		t.Error("category filter does not filter")
	}

	// The live preview: example inputs arrive out of band when the
	// variables change, and not while the examples are typed.
	form := orderForm("pickup_ready")
	form.Set("body_vars", "0")
	p = site.post(admin, site.path("/templates/preview"), form)
	if p.status != http.StatusOK || !strings.Contains(p.body, `hx-swap-oob="true"`) || !strings.Contains(p.body, `name="body_example_2"`) {
		t.Fatalf("preview with new variables: %d\n%s", p.status, p.body)
	}
	if !strings.Contains(p.body, "Sheena") || !strings.Contains(p.body, "Track order") || strings.Contains(p.body, "<html") {
		t.Error("preview lacks the filled example or the button, or is a full page")
	}
	form.Set("body_vars", "2")
	if p = site.post(admin, site.path("/templates/preview"), form); strings.Contains(p.body, "body-examples") {
		t.Error("preview replaced the example inputs although the variables did not change")
	}

	// A gap in the variables is refused before anything reaches Meta.
	gap := orderForm("gap_check")
	gap.Set("body", "Hi {{1}}, your order {{3}} is ready.")
	p = site.post(admin, site.path("/templates"), gap)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `data-testid="error-body"`) || !strings.Contains(p.body, "{{2}} is missing") {
		t.Fatalf("gap: status %d", p.status)
	}
	if !strings.Contains(p.body, `value="gap_check"`) || !strings.Contains(p.body, "Hi {{1}}, your order {{3}} is ready.") {
		t.Error("the form did not keep what was typed")
	}
	if n := site.creates.Load(); n != 0 {
		t.Fatalf("%d submissions reached the provider", n)
	}

	// "Add a button" only adds a row.
	p = site.post(admin, site.path("/templates"), url.Values{"name": {"x"}, "action": {"add_button"}, "button_type_0": {"QUICK_REPLY"}, "button_text_0": {"Yes"}})
	if p.status != http.StatusOK || !strings.Contains(p.body, `name="button_type_2"`) || site.creates.Load() != 0 {
		t.Errorf("add button: %d", p.status)
	}

	// A valid template is submitted and recorded as pending.
	p = site.post(admin, site.path("/templates"), orderForm("pickup_ready"))
	if p.status != http.StatusSeeOther || p.location != site.path("/templates") {
		t.Fatalf("create: %d %s\n%s", p.status, p.location, p.body)
	}
	saved := site.stored()["pickup_ready/en_US"]
	if saved.Status != "PENDING" || saved.ProviderTemplateID == "" || !strings.Contains(saved.ComponentsJSON, `"body_text":[["Sheena","#1042"]]`) {
		t.Fatalf("stored = %+v", saved)
	}
	prov := site.atProvider("pickup_ready")
	if len(prov) != 1 || prov[0].ID != saved.ProviderTemplateID || prov[0].Status != "PENDING" {
		t.Fatalf("at the provider: %+v", prov)
	}
	p = site.get(admin, site.path("/templates"))
	if !strings.Contains(p.body, `hx-trigger="every 3s"`) || !strings.Contains(p.body, `data-status="PENDING"`) {
		t.Error("the list does not poll while a template is pending")
	}

	// The approval (applied as the webhook processor does) shows in the
	// table's own refresh, which then stops polling.
	site.sim.ReviewPendingTemplates()
	if n, err := site.db.ApplyTemplateStatus(context.Background(), tplWABA, store.TemplateStatusChange{
		TemplateID: saved.ProviderTemplateID, Status: "APPROVED"}); err != nil || n != 1 {
		t.Fatalf("apply status: %d, %v", n, err)
	}
	p = site.get(admin, site.path("/templates"), "HX-Request", "true", "HX-Target", "templates-table")
	if p.status != http.StatusOK || strings.Contains(p.body, "<html") || !strings.HasPrefix(strings.TrimSpace(p.body), `<div id="templates-table"`) {
		t.Fatalf("table refresh: %d\n%.200s", p.status, p.body)
	}
	if !strings.Contains(p.body, `data-status="APPROVED"`) || strings.Contains(p.body, "hx-trigger") {
		t.Error("the refreshed table does not show the approval, or keeps polling")
	}

	// Its page shows what a send needs.
	detail := site.path("/templates/" + strconv.FormatInt(saved.ID, 10))
	p = site.get(admin, detail)
	if p.status != http.StatusOK || !strings.Contains(p.body, "1 header value, 2 text values, 1 value for button 1.") {
		t.Errorf("detail page: %d", p.status)
	}
	if strings.Contains(p.body, `data-testid="template-edit"`) {
		t.Error("an approved template offers editing")
	}
	if p = site.get(admin, detail+"/edit"); p.status != http.StatusSeeOther {
		t.Errorf("editing an approved template: %d", p.status)
	}

	// Duplicate to Spanish.
	p = site.get(admin, detail+"/duplicate?language=es")
	if p.status != http.StatusOK || !strings.Contains(p.body, `<option value="es" selected>`) || !strings.Contains(p.body, "Hi {{1}}, your order {{2}} is ready for pickup.") {
		t.Fatalf("duplicate form: %d", p.status)
	}
	es := orderForm("pickup_ready")
	es.Set("language", "es")
	es.Set("mode", "duplicate")
	if p = site.post(admin, site.path("/templates"), es); p.status != http.StatusSeeOther {
		t.Fatalf("duplicate submit: %d", p.status)
	}
	// The same name and language again: Meta refuses, the form says so.
	p = site.post(admin, site.path("/templates"), es)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `data-testid="error-language"`) ||
		!strings.Contains(p.body, "already exists") || !strings.Contains(p.body, "error code 100") {
		t.Fatalf("duplicate language: %d", p.status)
	}

	// Delete removes every language, at the provider and here.
	p = site.post(admin, detail+"/delete", nil)
	if p.status != http.StatusSeeOther || p.location != site.path("/templates") {
		t.Fatalf("delete: %d %s", p.status, p.location)
	}
	if got := site.stored(); len(got) != 4 {
		t.Errorf("after delete %d templates stored, want the 4 others", len(got))
	}
	if prov := site.atProvider("pickup_ready"); len(prov) != 0 {
		t.Errorf("still at the provider: %+v", prov)
	}
	if p = site.get(admin, detail); p.status != http.StatusNotFound {
		t.Errorf("deleted template page: %d", p.status)
	}
}

func TestRejectedTemplateIsEditedAndResubmitted(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")
	form := url.Values{"name": {"bread_prize"}, "language": {"en_US"}, "category": {"MARKETING"},
		"body": {"Great news, you have won a loaf for {{1}} today."}, "body_example_1": {"Sheena"}}
	if p := site.post(admin, site.path("/templates"), form); p.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", p.status, p.body)
	}
	site.sim.ReviewPendingTemplates()
	if p := site.post(admin, site.path("/templates/sync"), nil); p.status != http.StatusSeeOther {
		t.Fatalf("sync: %d", p.status)
	}
	tpl := site.stored()["bread_prize/en_US"]
	if tpl.Status != "REJECTED" || tpl.RejectedReason != "SCAM" {
		t.Fatalf("after review: %+v", tpl)
	}
	detail := site.path("/templates/" + strconv.FormatInt(tpl.ID, 10))
	p := site.get(admin, detail)
	if !strings.Contains(p.body, "SCAM: Meta considers the content a possible scam.") || !strings.Contains(p.body, `data-testid="template-edit"`) {
		t.Fatalf("rejected template page lacks its reason or the edit action")
	}
	p = site.get(admin, detail+"/edit")
	if p.status != http.StatusOK || !strings.Contains(p.body, "Meta rejected this template") || !strings.Contains(p.body, "you have won a loaf") {
		t.Fatalf("edit form: %d", p.status)
	}
	bad := url.Values{"category": {"MARKETING"}, "body": {"Fresh loaves for {{2}} are waiting today."}}
	if p = site.post(admin, detail, bad); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "{{1}} is missing") {
		t.Fatalf("edit with a gap: %d", p.status)
	}
	good := url.Values{"category": {"MARKETING"}, "body": {"Hi {{1}}, fresh loaves are waiting for you today."}, "body_example_1": {"Sheena"},
		"name": {"renamed_attempt"}, "language": {"fr"}}
	if p = site.post(admin, detail, good); p.status != http.StatusSeeOther || p.location != detail {
		t.Fatalf("edit: %d %s\n%s", p.status, p.location, p.body)
	}
	tpl = site.stored()["bread_prize/en_US"]
	if tpl.Status != "PENDING" || tpl.RejectedReason != "" || !strings.Contains(tpl.ComponentsJSON, "fresh loaves") {
		t.Errorf("after resubmitting: %+v", tpl)
	}
	prov := site.atProvider("bread_prize")
	if len(prov) != 1 || prov[0].Status != "PENDING" || prov[0].Language != "en_US" || !strings.Contains(prov[0].Components[0].Text, "fresh loaves") {
		t.Fatalf("at the provider: %+v", prov)
	}
	site.sim.ReviewPendingTemplates()
	site.post(admin, site.path("/templates/sync"), nil)
	if st := site.stored()["bread_prize/en_US"].Status; st != "APPROVED" {
		t.Errorf("after the second review: %s", st)
	}
}
