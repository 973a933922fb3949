package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/window"
)

// durableQueue stores messages as the outbox does, without sending them.
type durableQueue struct{ db *store.DB }

func (q durableQueue) Enqueue(ctx context.Context, conv int64, msg providers.OutboundMessage, opts ...outbox.Option) (store.OutboundMessage, error) {
	return outbox.Enqueue(ctx, q.db, conv, msg, opts...)
}

type site struct {
	t       *testing.T
	db      *store.DB
	url     string
	channel int64
	send    string // a key with both scopes
	read    string // a read-only key
	api     *API
}

func startSite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Bakery", Provider: "meta_cloud", BusinessID: "1", WABAID: "2",
		PhoneNumberID: "4001", DisplayPhoneNumber: "+1 555 4001", Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: "s", VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	for _, tpl := range []providers.Template{
		{ID: "1", Name: "order_ready", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
			Components: []providers.TemplateComponent{{Type: "BODY", Text: "Hi {{1}}, order {{2}} is ready.", ExampleBodyText: [][]string{{"Ana", "#1"}}}}},
		{ID: "2", Name: "weekend_offer", Language: "en_US", Category: "MARKETING", Status: "APPROVED",
			Components: []providers.TemplateComponent{{Type: "BODY", Text: "Hello {{1}}!", ExampleBodyText: [][]string{{"Ana"}}}}},
	} {
		rec, err := templates.Record(tpl)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveTemplate(ctx, ch.ID, rec); err != nil {
			t.Fatal(err)
		}
	}
	s := &site{t: t, db: db, channel: ch.ID}
	s.send = s.key("CRM", ScopeSend, ScopeRead)
	s.read = s.key("Reports", ScopeRead)
	s.api = New(Config{DB: db, Queue: durableQueue{db}, Limit: 100000})
	ts := httptest.NewServer(s.api)
	t.Cleanup(ts.Close)
	s.url = ts.URL
	return s
}

func (s *site) key(name string, scopes ...string) string {
	token, prefix, hash, err := NewKey()
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.db.CreateAPIKey(context.Background(), name, prefix, hash, scopes, 0); err != nil {
		s.t.Fatal(err)
	}
	return token
}

type answer struct {
	status  int
	header  http.Header
	body    string
	problem Problem
}

func (s *site) do(key, method, path, body string, headers ...string) answer {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, header: res.Header, body: string(b)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		if err := json.Unmarshal(b, &a.problem); err != nil {
			s.t.Fatalf("problem document: %v\n%s", err, b)
		}
	}
	if len(res.Header.Values("Set-Cookie")) > 0 {
		s.t.Errorf("%s %s set a cookie", method, path)
	}
	return a
}

func (s *site) outbound() int {
	var n int
	if err := s.db.R.QueryRow(`SELECT COUNT(*) FROM messages WHERE direction = 'out'`).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

func TestIdempotentSendMakesOneMessage(t *testing.T) {
	s := startSite(t)
	body := `{"to": "+351 912 345 678", "template": {"name": "order_ready", "language": "en_US", "variables": ["Nuno", "#3001"]}}`
	first := s.do(s.send, "POST", "/api/v1/messages", body, "Idempotency-Key", "order-3001")
	if first.status != http.StatusAccepted {
		t.Fatalf("first send: %d %s", first.status, first.body)
	}
	again := s.do(s.send, "POST", "/api/v1/messages", body, "Idempotency-Key", "order-3001")
	if again.status != http.StatusAccepted || again.body != first.body || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d %s (first %s)", again.status, again.body, first.body)
	}
	if n := s.outbound(); n != 1 {
		t.Fatalf("%d messages after a retried send, want 1", n)
	}
	var m Message
	json.Unmarshal([]byte(first.body), &m)
	if m.Text != "Hi Nuno, order #3001 is ready." || m.Status != "sending" || m.Type != "template" {
		t.Errorf("message = %+v", m)
	}
	if got := s.do(s.read, "GET", fmt.Sprintf("/api/v1/messages/%d", m.ID), ""); got.status != http.StatusOK || !strings.Contains(got.body, `"status":"sending"`) {
		t.Errorf("status look-up: %d %s", got.status, got.body)
	}
	other := s.do(s.send, "POST", "/api/v1/messages", strings.Replace(body, "3001", "3002", 2), "Idempotency-Key", "order-3001")
	if other.status != http.StatusUnprocessableEntity || other.problem.Code != codeIdemReused {
		t.Fatalf("same key, other request: %d %s", other.status, other.body)
	}
	named := s.do(s.send, "POST", "/api/v1/messages", `{"to": "+351912345678", "template": {"name": "order_ready", "language": "en_US", "variables": {"1": "Nuno", "2": "#3003"}}}`)
	if named.status != http.StatusAccepted || s.outbound() != 2 {
		t.Fatalf("variables by name: %d %s", named.status, named.body)
	}
	missing := s.do(s.send, "POST", "/api/v1/messages", `{"to": "+351912345678", "template": {"name": "order_ready", "language": "en_US", "variables": ["Nuno"]}}`)
	if missing.status != http.StatusUnprocessableEntity || missing.problem.Code != codeValidation || len(missing.problem.Errors) == 0 {
		t.Fatalf("a variable missing: %d %s", missing.status, missing.body)
	}
}

// Free-form outside the window is refused with the console's rule and
// words: a number that never wrote, and a customer who last wrote 25
// hours ago.
func TestFreeFormOutsideTheWindowIsAProblem(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	a := s.do(s.send, "POST", "/api/v1/messages", `{"to": "+351912345678", "text": "Hello"}`)
	_, never := window.CanSendFreeForm(window.Stored(time.Time{}, nil, time.Now()))
	if a.status != http.StatusUnprocessableEntity || a.problem.Code != codeWindowClosed || a.problem.Detail != never ||
		!strings.HasPrefix(a.header.Get("Content-Type"), "application/problem+json") || a.problem.Status != 422 {
		t.Fatalf("never wrote: %d %s", a.status, a.body)
	}
	ap, err := s.db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: s.channel, Messages: []store.InboundMessage{{
		WAMID: "wamid.old", Phone: "+16505551234", WaID: "16505551234", Type: "text", Text: "hi", Payload: "{}", Timestamp: time.Now().Add(-25 * time.Hour)}}}})
	if err != nil || len(ap.NewMessages) != 1 {
		t.Fatal(err)
	}
	a = s.do(s.send, "POST", "/api/v1/messages", `{"to": "+16505551234", "text": "Hello again"}`)
	_, console := outboxReason(t, s, ap.NewMessages[0].ConversationID)
	if a.status != http.StatusUnprocessableEntity || a.problem.Code != codeWindowClosed || a.problem.Detail != console {
		t.Fatalf("25 hours later: %d %s (console says %q)", a.status, a.body, console)
	}
	if n := s.outbound(); n != 0 {
		t.Fatalf("%d messages stored", n)
	}
	// Inside the window it goes.
	if _, err := s.db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: s.channel, Messages: []store.InboundMessage{{
		WAMID: "wamid.new", Phone: "+16505551234", WaID: "16505551234", Type: "text", Text: "hi", Payload: "{}", Timestamp: time.Now()}}}}); err != nil {
		t.Fatal(err)
	}
	if a := s.do(s.send, "POST", "/api/v1/messages", `{"to": "+16505551234", "text": "Hello again"}`); a.status != http.StatusAccepted {
		t.Fatalf("inside the window: %d %s", a.status, a.body)
	}
}

// outboxReason is what the outbox (and so the console) says for a
// free-form message in the conversation.
func outboxReason(t *testing.T, s *site, conv int64) (bool, string) {
	t.Helper()
	_, err := outbox.Enqueue(context.Background(), s.db, conv, providers.OutboundMessage{Text: &providers.Text{Body: "x"}})
	var wc *outbox.WindowClosedError
	if !errorsAs(err, &wc) {
		t.Fatalf("the outbox accepted a free-form message outside the window: %v", err)
	}
	return false, wc.Reason
}

func TestKeysScopesAndRevocation(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	if a := s.do("", "GET", "/api/v1/contacts", ""); a.status != http.StatusUnauthorized || a.problem.Code != codeUnauthorized || a.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no key: %d %s", a.status, a.body)
	}
	if a := s.do("wdk_made-up", "GET", "/api/v1/contacts", ""); a.status != http.StatusUnauthorized {
		t.Fatalf("unknown key: %d", a.status)
	}
	if a := s.do(s.read, "POST", "/api/v1/messages", `{"to":"+351912345678","text":"x"}`); a.status != http.StatusForbidden || a.problem.Code != codeForbidden {
		t.Fatalf("read key sends: %d %s", a.status, a.body)
	}
	if a := s.do(s.read, "GET", "/api/v1/contacts", ""); a.status != http.StatusOK {
		t.Fatalf("read key reads: %d", a.status)
	}
	keys, _ := s.db.ListAPIKeys(ctx)
	var reports store.APIKey
	for _, k := range keys {
		if k.Name == "Reports" {
			reports = k
		}
	}
	if reports.LastUsedAt == nil {
		t.Error("last use not noted")
	}
	if err := s.db.RevokeAPIKey(ctx, reports.ID); err != nil {
		t.Fatal(err)
	}
	if a := s.do(s.read, "GET", "/api/v1/contacts", ""); a.status != http.StatusUnauthorized || a.problem.Code != codeUnauthorized {
		t.Fatalf("revoked key: %d %s", a.status, a.body)
	}
	var audited int
	s.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'api.%'`).Scan(&audited)
	if audited < 4 {
		t.Errorf("%d API calls in the audit trail, want every authenticated call and every refused key", audited)
	}
}

// TestRateLimitIsKeptInTheStore: each key may make Limit requests per
// window; the counts live in the database, so an API started again (or a
// second instance on the same database) does not hand out a fresh
// allowance, a refused request says when to retry, the next window
// starts afresh, and old windows are removed.
func TestRateLimitIsKeptInTheStore(t *testing.T) {
	s := startSite(t)
	now := time.Date(2001, 3, 2, 10, 0, 30, 0, time.UTC) // long past: other tests' windows are later
	clock := func() time.Time { return now }
	call := func(a *API, token string) *http.Response {
		t.Helper()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/api/v1/contacts", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		a.ServeHTTP(rec, req)
		return rec.Result()
	}
	first := New(Config{DB: s.db, Queue: durableQueue{s.db}, Limit: 2, Window: time.Minute, Now: clock})
	if r := call(first, s.send); r.StatusCode != http.StatusOK {
		t.Fatalf("first request: %d", r.StatusCode)
	}
	// wadesk restarts (or another instance answers): the count goes on.
	second := New(Config{DB: s.db, Queue: durableQueue{s.db}, Limit: 2, Window: time.Minute, Now: clock})
	if r := call(second, s.send); r.StatusCode != http.StatusOK {
		t.Fatalf("second request: %d", r.StatusCode)
	}
	r := call(second, s.send)
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "30" {
		t.Fatalf("third request: %d, Retry-After %q; want 429 after 30 s", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if r := call(first, s.send); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the first instance still allows the key: %d", r.StatusCode)
	}
	// Another key has its own allowance.
	if r := call(first, s.read); r.StatusCode != http.StatusOK {
		t.Fatalf("another key: %d", r.StatusCode)
	}
	// Without a key, the address is limited the same way.
	for i, want := range []int{http.StatusUnauthorized, http.StatusUnauthorized, http.StatusTooManyRequests} {
		if r := call(second, ""); r.StatusCode != want {
			t.Fatalf("request %d without a key: %d, want %d", i+1, r.StatusCode, want)
		}
	}
	// The next window starts afresh, and the spent windows are removed.
	now = now.Add(time.Minute)
	if r := call(first, s.send); r.StatusCode != http.StatusOK {
		t.Fatalf("next window: %d", r.StatusCode)
	}
	var windows, old int
	s.db.R.QueryRow(`SELECT COUNT(*), COUNT(*) FILTER (WHERE window_start < ?) FROM api_rate_windows WHERE window_start < '2002'`,
		now.Truncate(time.Minute).Format("2006-01-02T15:04:05.000000000Z")).Scan(&windows, &old)
	if windows != 1 || old != 0 {
		t.Fatalf("%d windows kept, %d of them old; want only the current one", windows, old)
	}
}

func TestContactsThroughTheAPI(t *testing.T) {
	s := startSite(t)
	a := s.do(s.send, "PUT", "/api/v1/contacts/%2B351912345678", `{"name": "Nuno", "attributes": {"city": "Porto"}, "labels": ["VIP", "Wholesale"], "opted_in": true}`)
	if a.status != http.StatusCreated || !strings.Contains(a.body, `"opt_in_source":"api"`) || !strings.Contains(a.body, `"VIP"`) {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	a = s.do(s.send, "PUT", "/api/v1/contacts/351912345678", `{"labels": ["vip"], "marketing_opted_out": true, "attributes": {"city": ""}}`)
	var c Contact
	json.Unmarshal([]byte(a.body), &c)
	if a.status != http.StatusOK || len(c.Labels) != 1 || c.Labels[0] != "VIP" || c.MarketingOptedOutAt == nil || len(c.Attributes) != 0 || c.Name != "Nuno" {
		t.Fatalf("update: %d %s", a.status, a.body)
	}
	if a := s.do(s.send, "PUT", "/api/v1/contacts/12", `{}`); a.status != http.StatusUnprocessableEntity || a.problem.Code != codeInvalidNumber {
		t.Fatalf("bad number: %d %s", a.status, a.body)
	}
	if a := s.do(s.send, "PUT", "/api/v1/contacts/%2B351912345678", `{"attributes": {"Bad Name": "x"}}`); a.status != http.StatusUnprocessableEntity || a.problem.Errors[0].Field != "attributes.Bad Name" {
		t.Fatalf("bad attribute: %d %s", a.status, a.body)
	}
	a = s.do(s.read, "GET", "/api/v1/contacts?label=vip&consent=opted_out", "")
	if a.status != http.StatusOK || !strings.Contains(a.body, `"phone":"+351912345678"`) {
		t.Fatalf("list: %d %s", a.status, a.body)
	}
	// The opted-out contact gets no marketing template, in words.
	m := s.do(s.send, "POST", "/api/v1/messages", `{"to": "+351912345678", "template": {"name": "weekend_offer", "language": "en_US", "variables": ["Nuno"]}}`)
	if m.status != http.StatusUnprocessableEntity || m.problem.Code != "marketing_opted_out" || !strings.Contains(m.problem.Detail, "marketing") {
		t.Fatalf("marketing to an opted-out contact: %d %s", m.status, m.body)
	}
}

// The OpenAPI document lists exactly the routes served, and every answer
// the tests see is one it documents.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	s := startSite(t)
	a := s.do("", "GET", "/api/v1/openapi.json", "")
	var doc struct {
		OpenAPI string                                                   `json:"openapi"`
		Paths   map[string]map[string]struct{ Responses map[string]any } `json:"paths"`
	}
	if a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &doc) != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("document: %d %.200s", a.status, a.body)
	}
	served := map[string]bool{}
	for _, rt := range s.api.routes() {
		served[strings.ToLower(rt.method)+" "+rt.path] = true
		if _, ok := doc.Paths[rt.path][strings.ToLower(rt.method)]; !ok {
			t.Errorf("%s %s is served but not documented", rt.method, rt.path)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !served[method+" "+path] {
				t.Errorf("%s %s is documented but not served", method, path)
			}
		}
	}
	// Answers seen against the document.
	calls := []struct{ key, method, path, body string }{
		{s.send, "POST", "/api/v1/messages", `{"to": "+351912345678", "template": {"name": "order_ready", "language": "en_US", "variables": ["A", "B"]}}`},
		{s.send, "POST", "/api/v1/messages", `{"to": "+351912345678", "text": "hi"}`},
		{s.send, "POST", "/api/v1/messages", `{"to": "+351912345678", "template": {"name": "nope", "language": "en_US"}}`},
		{s.send, "POST", "/api/v1/messages", `not json`},
		{"", "POST", "/api/v1/messages", `{}`},
		{s.read, "POST", "/api/v1/messages", `{}`},
		{s.read, "GET", "/api/v1/messages/1", ""},
		{s.read, "GET", "/api/v1/messages/999", ""},
		{s.read, "GET", "/api/v1/contacts?limit=1", ""},
		{s.read, "GET", "/api/v1/contacts?limit=0", ""},
		{s.send, "PUT", "/api/v1/contacts/%2B351911111111", `{"name": "X"}`},
		{s.send, "PUT", "/api/v1/contacts/%2B351911111111", `{"name": "Y"}`},
		{s.send, "PUT", "/api/v1/contacts/%2B351911111111", `{"nope": 1}`},
	}
	pathOf := regexp.MustCompile(`/\d+$|/%2B\d+$`)
	for _, c := range calls {
		a := s.do(c.key, c.method, c.path, c.body)
		tmpl := strings.SplitN(c.path, "?", 2)[0]
		if strings.HasPrefix(tmpl, "/api/v1/messages/") {
			tmpl = pathOf.ReplaceAllString(tmpl, "/{id}")
		} else if strings.HasPrefix(tmpl, "/api/v1/contacts/") {
			tmpl = pathOf.ReplaceAllString(tmpl, "/{phone}")
		}
		op, ok := doc.Paths[tmpl][strings.ToLower(c.method)]
		if !ok {
			t.Errorf("%s %s: no such operation in the document", c.method, tmpl)
			continue
		}
		if _, ok := op.Responses[fmt.Sprint(a.status)]; !ok {
			t.Errorf("%s %s answered %d, which the document does not list", c.method, c.path, a.status)
		}
		if a.status >= 400 && a.problem.Code == "" {
			t.Errorf("%s %s answered %d without a problem document: %s", c.method, c.path, a.status, a.body)
		}
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
