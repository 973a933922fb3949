package cloudapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
)

func TestNewConfig(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New without a token succeeded")
	}
	if _, err := New(Config{Token: "x", BaseURL: "ftp://example"}); err == nil {
		t.Error("New with a non-http base URL succeeded")
	}
	c, err := New(Config{Token: " x "})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.endpoint([]string{"123", "phone_numbers"}, nil); got != "https://graph.facebook.com/v23.0/123/phone_numbers" {
		t.Errorf("default endpoint = %q", got)
	}
	c2, _ := New(Config{Token: "x", BaseURL: "http://127.0.0.1:9/graph/", Version: "v99.0"})
	if got := c2.endpoint([]string{"a/b?c"}, nil); got != "http://127.0.0.1:9/graph/v99.0/a%2Fb%3Fc" {
		t.Errorf("endpoint escaping = %q", got)
	}
	if !c.Capabilities().HasAll(providers.CapSendText, providers.CapTemplates, providers.CapMedia, providers.CapCommerce) {
		t.Error("Cloud API client must report its capabilities")
	}
}

func TestListBusinessAccounts(t *testing.T) {
	g := newFakeGraph(t)
	const biz = "/v23.0/100000000000001"
	g.on("GET", biz+"/owned_whatsapp_business_accounts", "", 200, "owned_wabas_page1.json")
	g.on("GET", biz+"/owned_whatsapp_business_accounts", "T1dORURfUEFHRTI=", 200, "owned_wabas_page2.json")
	g.on("GET", biz+"/client_whatsapp_business_accounts", "", 200, "client_wabas.json")
	g.on("GET", "/v23.0/400000000000001/phone_numbers", "", 200, "phone_numbers_page1.json")
	g.on("GET", "/v23.0/400000000000001/phone_numbers", "UE5fUEFHRTI=", 200, "phone_numbers_page2.json")
	g.on("GET", "/v23.0/400000000000002/phone_numbers", "", 200, "empty_list.json")
	g.on("GET", "/v23.0/400000000000003/phone_numbers", "", 200, "phone_numbers_banned.json")
	g.on("GET", "/v23.0/400000000000009/phone_numbers", "", 200, "phone_numbers_client.json")

	accts, err := g.client(t, goodToken).ListBusinessAccounts(context.Background(), "100000000000001")
	if err != nil {
		t.Fatalf("ListBusinessAccounts: %v", err)
	}
	type want struct {
		id, name  string
		own       providers.Ownership
		currency  string
		numbers   int
		firstNum  string
		usable    bool
		namespace string
	}
	wants := []want{
		{"400000000000001", "Bakery Main", providers.OwnershipOwned, "", 2, "200000000000001", true, "aa11bb22_cc33_dd44_ee55_ff6677889900"},
		{"400000000000002", "Bakery Test Account", providers.OwnershipOwned, "", 0, "", false, "11aa22bb_33cc_44dd_55ee_66ff77889900"},
		{"400000000000003", "Bakery Delivery", providers.OwnershipOwned, "", 1, "200000000000003", false, "99aa88bb_77cc_66dd_55ee_44ff33221100"},
		{"400000000000009", "Client Cafe", providers.OwnershipClient, "EUR", 1, "200000000000009", true, ""},
	}
	if len(accts) != len(wants) {
		t.Fatalf("got %d accounts, want %d: %+v", len(accts), len(wants), accts)
	}
	for i, w := range wants {
		a := accts[i]
		if a.ID != w.id || a.Name != w.name || a.Ownership != w.own || a.Currency != w.currency || a.MessageTemplateNamespace != w.namespace {
			t.Errorf("account %d = %+v, want %+v", i, a, w)
		}
		if len(a.PhoneNumbers) != w.numbers {
			t.Errorf("account %s has %d numbers, want %d", a.ID, len(a.PhoneNumbers), w.numbers)
			continue
		}
		if w.numbers > 0 {
			p := a.PhoneNumbers[0]
			if p.ID != w.firstNum || p.BusinessAccountID != a.ID {
				t.Errorf("account %s first number = %+v", a.ID, p)
			}
			if ok, reason := p.Usable(); ok != w.usable {
				t.Errorf("number %s Usable() = %v (%s), want %v", p.ID, ok, reason, w.usable)
			}
		}
	}
	main := accts[0].PhoneNumbers
	if main[0].DisplayPhoneNumber != "+1 555-010-0200" || main[0].QualityRating != "GREEN" || main[0].MessagingLimitTier != "TIER_1K" ||
		main[0].CodeVerificationStatus != "VERIFIED" || main[0].Status != "CONNECTED" || main[0].VerifiedName != "Bakery Main" {
		t.Errorf("first number decoded wrong: %+v", main[0])
	}
	if main[1].ID != "200000000000002" || main[1].Status != "PENDING" || main[1].AccountMode != "SANDBOX" {
		t.Errorf("second page number decoded wrong: %+v", main[1])
	}
	if accts[3].TimezoneID != "5" || accts[3].Country != "PT" || accts[3].ReviewStatus != "APPROVED" {
		t.Errorf("client account details: %+v", accts[3])
	}

	// Requests: bearer auth, fields, and paging through this server (never graph.facebook.com).
	for _, r := range g.requests() {
		if r.Header.Get("Authorization") != "Bearer "+goodToken {
			t.Errorf("%s %s: Authorization = %q", r.Method, r.Path, r.Header.Get("Authorization"))
		}
		if _, ok := r.Query["access_token"]; ok {
			t.Errorf("%s %s: token sent in the query string", r.Method, r.Path)
		}
	}
	if got := g.last("GET", biz+"/client_whatsapp_business_accounts").Query["fields"]; len(got) != 1 || got[0] != ClientWABAFields {
		t.Errorf("client WABA fields = %v", got)
	}
	pn := g.last("GET", "/v23.0/400000000000001/phone_numbers")
	if pn.Query["fields"][0] != PhoneNumberListFields || pn.Query["after"][0] != "UE5fUEFHRTI=" {
		t.Errorf("phone numbers page 2 query = %v", pn.Query)
	}
	if n := len(g.requests()); n != 8 {
		t.Errorf("made %d requests, want 8 (2 owned pages, 1 client, 5 phone pages)", n)
	}
}

func TestWrongTokenIs190(t *testing.T) {
	g := newFakeGraph(t)
	g.on("GET", "/v23.0/100000000000001/owned_whatsapp_business_accounts", "", 200, "owned_wabas_page1.json")
	_, err := g.client(t, "EAAG-wrong").ListBusinessAccounts(context.Background(), "100000000000001")
	pe, ok := providers.AsError(err)
	if !ok {
		t.Fatalf("error %v is not a provider error", err)
	}
	if pe.Kind != providers.ErrorKindAuth || pe.Code != 190 || pe.Subcode != 463 || pe.HTTPStatus != 401 || pe.TraceID != "ATraceExpired01" {
		t.Errorf("provider error = %+v", pe)
	}
	if pe.Retryable() {
		t.Error("a rejected token is not retryable")
	}
	if !strings.Contains(pe.Plain(), "access token") {
		t.Errorf("Plain() = %q", pe.Plain())
	}
	if !strings.HasPrefix(err.Error(), "cloudapi: list business accounts: ") {
		t.Errorf("error not wrapped with context: %q", err.Error())
	}
	if strings.Contains(err.Error(), "EAAG-wrong") {
		t.Error("the error text contains the token")
	}
}

func TestWrongBusinessID(t *testing.T) {
	g := newFakeGraph(t)
	g.on("GET", "/v23.0/999/owned_whatsapp_business_accounts", "", 400, "error_100_business.json")
	g.on("GET", "/v23.0/abc/owned_whatsapp_business_accounts", "", 400, "error_100_param.json")
	c := g.client(t, goodToken)

	_, err := c.ListBusinessAccounts(context.Background(), "999")
	pe, ok := providers.AsError(err)
	if !ok || pe.Code != 100 || pe.Subcode != 33 || pe.Op != providers.OpListBusinessAccounts {
		t.Fatalf("error = %v", err)
	}
	if !strings.Contains(pe.Plain(), "Business Manager ID") {
		t.Errorf("Plain() = %q, want advice about the Business Manager ID", pe.Plain())
	}

	_, err = c.ListBusinessAccounts(context.Background(), "abc")
	pe, ok = providers.AsError(err)
	if !ok || pe.Kind != providers.ErrorKindInvalidParameter || pe.Details != "Business ID must be numeric" {
		t.Fatalf("error = %#v", pe)
	}
	if !strings.Contains(pe.Plain(), "Business Manager ID") || !strings.Contains(pe.Plain(), "Business ID must be numeric") {
		t.Errorf("Plain() = %q", pe.Plain())
	}
}

func TestNonJSON502(t *testing.T) {
	g := newFakeGraph(t)
	g.on("GET", "/v23.0/200000000000001", "", 502, "<html><body>502 Bad Gateway</body></html>")
	_, err := g.client(t, goodToken).GetPhoneNumber(context.Background(), "200000000000001")
	pe, ok := providers.AsError(err)
	if !ok {
		t.Fatalf("error %v is not a provider error", err)
	}
	if pe.Kind != providers.ErrorKindServer || pe.HTTPStatus != 502 || !pe.Retryable() {
		t.Errorf("error = %+v, want a retryable server error with HTTP 502", pe)
	}
	if !strings.Contains(pe.Message, "502 Bad Gateway") {
		t.Errorf("Message = %q, want the body snippet for logs", pe.Message)
	}
	if !strings.Contains(pe.Plain(), "temporary problem") {
		t.Errorf("Plain() = %q", pe.Plain())
	}
}

func TestNetworkFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := New(Config{BaseURL: "http://" + addr, Token: goodToken})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SendMessage(context.Background(), "200000000000001",
		providers.OutboundMessage{To: "15557654321", Text: &providers.Text{Body: "hi"}})
	pe, ok := providers.AsError(err)
	if !ok {
		t.Fatalf("error %v is not a provider error", err)
	}
	if pe.Kind != providers.ErrorKindNetwork || !pe.Retryable() || pe.HTTPStatus != 0 {
		t.Errorf("error = %+v, want a retryable network error", pe)
	}
	if !strings.Contains(pe.Plain(), "Could not reach the provider") {
		t.Errorf("Plain() = %q", pe.Plain())
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("the dial error is not kept as the cause: %v", err)
	}
}

func TestContextCancelledIsNotANetworkError(t *testing.T) {
	g := newFakeGraph(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := g.client(t, goodToken).GetPhoneNumber(ctx, "200000000000001")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if _, ok := providers.AsError(err); ok {
		t.Error("a cancelled request must not look like a provider failure")
	}
}

func TestGetPhoneNumber(t *testing.T) {
	g := newFakeGraph(t)
	g.on("GET", "/v23.0/200000000000001", "", 200, "phone_number.json")
	p, err := g.client(t, goodToken).GetPhoneNumber(context.Background(), "200000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "200000000000001" || p.NameStatus != "APPROVED" || p.MessagingLimitTier != "TIER_10K" || p.Status != "CONNECTED" {
		t.Errorf("phone number = %+v", p)
	}
	if got := g.last("GET", "/v23.0/200000000000001").Query["fields"]; len(got) != 1 || got[0] != PhoneNumberFields {
		t.Errorf("fields = %v", got)
	}
	if _, err := g.client(t, goodToken).GetPhoneNumber(context.Background(), ""); err == nil {
		t.Error("an empty ID must be refused before any request")
	}
}

func TestPagingGuards(t *testing.T) {
	g := newFakeGraph(t)
	// Always the same cursor: must stop instead of looping.
	g.on("GET", "/v23.0/1/phone_numbers", "*", 200,
		`{"data":[{"id":"1"}],"paging":{"cursors":{"after":"SAME"},"next":"https://graph.facebook.com/v23.0/1/phone_numbers?after=SAME"}}`)
	// A new cursor every time: must stop at MaxPages.
	n := 0
	g.handle("GET", "/v23.0/2/phone_numbers", func(w http.ResponseWriter, r *http.Request) {
		n++
		cur := strings.Repeat("c", n)
		io.WriteString(w, `{"data":[{"id":"`+cur+`"}],"paging":{"cursors":{"after":"`+cur+`"},"next":"https://graph.facebook.com/x?after=`+cur+`"}}`)
	})
	c, err := New(Config{BaseURL: g.srv.URL, Token: goodToken, MaxPages: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListPhoneNumbers(context.Background(), "1"); err == nil || !strings.Contains(err.Error(), "did not advance") {
		t.Errorf("repeating cursor: err = %v", err)
	}
	if _, err := c.ListPhoneNumbers(context.Background(), "2"); err == nil || !strings.Contains(err.Error(), "stopped after 3 pages") {
		t.Errorf("endless listing: err = %v", err)
	}
	if n != 3 {
		t.Errorf("fetched %d pages, want 3", n)
	}
}

func TestSubscriptions(t *testing.T) {
	g := newFakeGraph(t)
	const path = "/v23.0/400000000000001/subscribed_apps"
	g.on("POST", path, "", 200, "subscribe_ok.json")
	g.on("DELETE", path, "", 200, "success.json")
	g.on("GET", path, "", 200, "subscribed_apps.json")
	c := g.client(t, goodToken)
	ctx := context.Background()

	if err := c.SubscribeApp(ctx, "400000000000001", "https://inbox.example.com/webhooks/meta/abc", "verify-me"); err != nil {
		t.Fatalf("SubscribeApp: %v", err)
	}
	r := g.last("POST", path)
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["override_callback_uri"] != "https://inbox.example.com/webhooks/meta/abc" || body["verify_token"] != "verify-me" || len(body) != 2 {
		t.Errorf("subscribe body = %s", r.Body)
	}
	if r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
	}
	if err := c.SubscribeApp(ctx, "400000000000001", "", ""); err != nil {
		t.Fatalf("SubscribeApp without override: %v", err)
	}
	if b := g.last("POST", path).Body; string(b) != "{}" {
		t.Errorf("basic subscribe body = %s, want {}", b)
	}
	if err := c.SubscribeApp(ctx, "400000000000001", "not a url", "x"); err == nil {
		t.Error("a bad callback URL must be refused")
	}
	if err := c.SubscribeApp(ctx, "400000000000001", "https://x.example/hook", ""); err == nil {
		t.Error("a callback URL without verify token must be refused")
	}

	apps, err := c.ListSubscribedApps(ctx, "400000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 2 || apps[0].ID != "500000000000001" || apps[0].Name != "wadesk inbox" ||
		apps[0].OverrideCallbackURL != "https://inbox.example.com/webhooks/meta/abc" || apps[1].OverrideCallbackURL != "" {
		t.Errorf("apps = %+v", apps)
	}
	if err := c.UnsubscribeApp(ctx, "400000000000001"); err != nil {
		t.Fatalf("UnsubscribeApp: %v", err)
	}
	g.last("DELETE", path)

	g2 := newFakeGraph(t)
	g2.on("DELETE", path, "", 200, `{"success":false}`)
	if err := g2.client(t, goodToken).UnsubscribeApp(ctx, "400000000000001"); err == nil {
		t.Error(`{"success":false} must be an error`)
	}
}

func TestBusinessProfile(t *testing.T) {
	g := newFakeGraph(t)
	const path = "/v23.0/200000000000001/whatsapp_business_profile"
	g.on("GET", path, "", 200, "business_profile_flat.json")
	g.on("GET", "/v23.0/200000000000002/whatsapp_business_profile", "", 200, "business_profile_nested.json")
	g.on("POST", path, "", 200, "success.json")
	c := g.client(t, goodToken)
	ctx := context.Background()

	p, err := c.GetBusinessProfile(ctx, "200000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if p.About != "Fresh bread every morning ☀️" || p.Vertical != "RESTAURANT" || len(p.Websites) != 2 ||
		p.Email != "hello@bakery.example" || p.ProfilePictureURL == "" {
		t.Errorf("profile = %+v", p)
	}
	if q := g.last("GET", path).Query["fields"]; q[0] != BusinessProfileFields {
		t.Errorf("fields = %v", q)
	}
	p2, err := c.GetBusinessProfile(ctx, "200000000000002")
	if err != nil {
		t.Fatal(err)
	}
	if p2.About != "Open 7–19" || p2.Vertical != "GROCERY" {
		t.Errorf("nested profile = %+v", p2)
	}

	update := providers.BusinessProfile{About: "New about", Websites: []string{"https://bakery.example/"}, Vertical: "RETAIL",
		ProfilePictureURL: "https://ignored.example"}
	if err := c.UpdateBusinessProfile(ctx, "200000000000001", update); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	json.Unmarshal(g.last("POST", path).Body, &body)
	if body["messaging_product"] != "whatsapp" || body["about"] != "New about" || body["vertical"] != "RETAIL" {
		t.Errorf("update body = %v", body)
	}
	if _, ok := body["profile_picture_url"]; ok {
		t.Error("the read-only picture URL was sent")
	}
	if _, ok := body["address"]; ok {
		t.Error("an empty field was sent")
	}

	before := len(g.requests())
	err = c.UpdateBusinessProfile(ctx, "200000000000001", providers.BusinessProfile{About: strings.Repeat("a", 140)})
	var ve *providers.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error = %v, want a validation error", err)
	}
	if len(g.requests()) != before {
		t.Error("an invalid profile was sent")
	}
}

func TestTemplates(t *testing.T) {
	g := newFakeGraph(t)
	const path = "/v23.0/400000000000001/message_templates"
	g.on("GET", path, "", 200, "templates_page1.json")
	g.on("GET", path, "VFBMX1Ay", 200, "templates_page2.json")
	g.on("POST", path, "", 200, "template_created.json")
	g.on("DELETE", path, "", 200, "success.json")
	c := g.client(t, goodToken)
	ctx := context.Background()

	ts, err := c.ListTemplates(ctx, "400000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 {
		t.Fatalf("got %d templates, want 2 (two pages)", len(ts))
	}
	t0 := ts[0]
	if t0.ID != "600000000000001" || t0.Name != "order_ready" || t0.Status != "APPROVED" || t0.Quality != "GREEN" || len(t0.Components) != 4 {
		t.Errorf("template 0 = %+v", t0)
	}
	if b := t0.Components[3].Buttons; len(b) != 3 || b[1].URL != "https://bakery.example/o/{{1}}" || b[1].Example[0] != "https://bakery.example/o/1042" || b[2].PhoneNumber != "15550100200" {
		t.Errorf("buttons = %+v", b)
	}
	if ex := t0.Components[1].ExampleBodyText; len(ex) != 1 || ex[0][1] != "18:00" {
		t.Errorf("body example = %v", ex)
	}
	if ts[1].RejectedReason != "INCORRECT_CATEGORY" || ts[1].PreviousCategory != "UTILITY" {
		t.Errorf("template 1 = %+v", ts[1])
	}
	if q := g.last("GET", path).Query; q["fields"][0] != TemplateFields {
		t.Errorf("fields = %v", q)
	}

	ref, err := c.CreateTemplate(ctx, "400000000000001", t0)
	if err != nil {
		t.Fatal(err)
	}
	if ref.ID != "600000000000003" || ref.Status != "PENDING" || ref.Category != "UTILITY" {
		t.Errorf("ref = %+v", ref)
	}
	var created map[string]any
	json.Unmarshal(g.last("POST", path).Body, &created)
	for _, k := range []string{"id", "status", "quality_score"} {
		if _, ok := created[k]; ok {
			t.Errorf("create body carries read-only %q", k)
		}
	}
	if created["name"] != "order_ready" || created["category"] != "UTILITY" || created["language"] != "en_US" {
		t.Errorf("create body = %v", created)
	}
	if _, err := c.CreateTemplate(ctx, "400000000000001", providers.Template{Name: "x"}); err == nil {
		t.Error("an incomplete template must be refused")
	}

	if err := c.DeleteTemplate(ctx, "400000000000001", "order_ready", ""); err != nil {
		t.Fatal(err)
	}
	if q := g.last("DELETE", path).Query; q["name"][0] != "order_ready" || q["hsm_id"] != nil {
		t.Errorf("delete query = %v", q)
	}
	if err := c.DeleteTemplate(ctx, "400000000000001", "order_ready", "600000000000001"); err != nil {
		t.Fatal(err)
	}
	if q := g.last("DELETE", path).Query; q["hsm_id"][0] != "600000000000001" {
		t.Errorf("delete query = %v", q)
	}
}

func TestSendMessage(t *testing.T) {
	g := newFakeGraph(t)
	const path = "/v23.0/200000000000001/messages"
	g.on("POST", path, "", 200, "send_response.json")
	g.on("POST", "/v23.0/200000000000002/messages", "", 400, "error_131047.json")
	g.on("POST", "/v23.0/200000000000003/messages", "", 400, "error_130429.json")
	c := g.client(t, goodToken)
	ctx := context.Background()

	res, err := c.SendMessage(ctx, "200000000000001", providers.OutboundMessage{
		To: "+1 555-765-4321", ReplyTo: "wamid.IN1", Text: &providers.Text{Body: "Yes, we do!", PreviewURL: false}})
	if err != nil {
		t.Fatal(err)
	}
	if res.MessageID != "wamid.OUT0000000000000000000001" || res.WaID != "15557654321" || res.Input != "+1 555-765-4321" {
		t.Errorf("result = %+v", res)
	}
	want := `{"messaging_product":"whatsapp","recipient_type":"individual","to":"+1 555-765-4321","type":"text","context":{"message_id":"wamid.IN1"},"text":{"body":"Yes, we do!","preview_url":false}}`
	if got := string(g.last("POST", path).Body); got != want {
		t.Errorf("body =\n%s\nwant\n%s", got, want)
	}

	_, err = c.SendMessage(ctx, "200000000000002", providers.OutboundMessage{To: "1", Text: &providers.Text{Body: "late"}})
	pe, ok := providers.AsError(err)
	if !ok || pe.Kind != providers.ErrorKindWindowClosed || pe.Retryable() || !strings.Contains(pe.Details, "24 hours") {
		t.Errorf("131047: %v", err)
	}
	_, err = c.SendMessage(ctx, "200000000000003", providers.OutboundMessage{To: "1", Text: &providers.Text{Body: "fast"}})
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindThroughput || !pe.Retryable() {
		t.Errorf("130429: %v", err)
	}

	before := len(g.requests())
	_, err = c.SendMessage(ctx, "200000000000001", providers.OutboundMessage{To: "1"})
	var ve *providers.ValidationError
	if !errors.As(err, &ve) || len(g.requests()) != before {
		t.Errorf("an empty message must be refused without a request: %v", err)
	}

	g2 := newFakeGraph(t)
	g2.on("POST", path, "", 200, `{"messaging_product":"whatsapp","messages":[]}`)
	if _, err := g2.client(t, goodToken).SendMessage(ctx, "200000000000001", providers.OutboundMessage{To: "1", Text: &providers.Text{Body: "x"}}); err == nil {
		t.Error("an answer without message ID must be an error")
	}
}

func TestSendMessageBodies(t *testing.T) {
	g := newFakeGraph(t)
	const path = "/v23.0/200000000000001/messages"
	g.on("POST", path, "", 200, "send_response.json")
	c := g.client(t, goodToken)
	tests := []struct {
		name string
		msg  providers.OutboundMessage
		want string
	}{
		{"image by link", providers.OutboundMessage{To: "1", Media: &providers.Media{Kind: providers.KindImage, Link: "https://x.example/a.jpg", Caption: "A"}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"1","type":"image","image":{"link":"https://x.example/a.jpg","caption":"A"}}`},
		{"document by id", providers.OutboundMessage{To: "1", Media: &providers.Media{Kind: providers.KindDocument, ID: "9", Filename: "a.pdf"}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"1","type":"document","document":{"id":"9","filename":"a.pdf"}}`},
		{"reaction removal keeps empty emoji", providers.OutboundMessage{To: "1", Reaction: &providers.Reaction{MessageID: "wamid.X"}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"1","type":"reaction","reaction":{"message_id":"wamid.X","emoji":""}}`},
		{"buttons", providers.OutboundMessage{To: "1", Interactive: &providers.Interactive{Type: providers.InteractiveButton, Body: "Pick up or delivery?",
			Buttons: []providers.ReplyButton{{ID: "pickup", Title: "Pick up"}, {ID: "deliver", Title: "Delivery"}}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"1","type":"interactive","interactive":{"type":"button","body":{"text":"Pick up or delivery?"},"action":{"buttons":[{"type":"reply","reply":{"id":"pickup","title":"Pick up"}},{"type":"reply","reply":{"id":"deliver","title":"Delivery"}}]}}}`},
		{"cta url", providers.OutboundMessage{To: "1", Interactive: &providers.Interactive{Type: providers.InteractiveCTAURL, Body: "Track it",
			CTA: &providers.CTAURL{DisplayText: "Open", URL: "https://x.example/t"}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"1","type":"interactive","interactive":{"type":"cta_url","body":{"text":"Track it"},"action":{"name":"cta_url","parameters":{"display_text":"Open","url":"https://x.example/t"}}}}`},
		{"template with button index 0", providers.OutboundMessage{To: "1", Template: &providers.TemplateMessage{Name: "t", Language: "en",
			Components: []providers.TemplateParams{{Type: "button", SubType: "quick_reply", Index: 0, Parameters: []providers.TemplateParameter{{Type: "payload", Payload: "P"}}}}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"1","type":"template","template":{"name":"t","language":{"code":"en"},"components":[{"type":"button","sub_type":"quick_reply","index":"0","parameters":[{"type":"payload","payload":"P"}]}]}}`},
		{"location", providers.OutboundMessage{To: "1", Location: &providers.Location{Latitude: 38.5, Longitude: -9.25, Name: "Shop"}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"1","type":"location","location":{"latitude":38.5,"longitude":-9.25,"name":"Shop"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.SendMessage(context.Background(), "200000000000001", tt.msg); err != nil {
				t.Fatal(err)
			}
			if got := string(g.last("POST", path).Body); got != tt.want {
				t.Errorf("body =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestMarkRead(t *testing.T) {
	g := newFakeGraph(t)
	const path = "/v23.0/200000000000001/messages"
	g.on("POST", path, "", 200, "success.json")
	c := g.client(t, goodToken)
	if err := c.MarkRead(context.Background(), "200000000000001", "wamid.IN1", false); err != nil {
		t.Fatal(err)
	}
	if got := string(g.last("POST", path).Body); got != `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN1"}` {
		t.Errorf("body = %s", got)
	}
	if err := c.MarkRead(context.Background(), "200000000000001", "wamid.IN1", true); err != nil {
		t.Fatal(err)
	}
	if got := string(g.last("POST", path).Body); got != `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN1","typing_indicator":{"type":"text"}}` {
		t.Errorf("body = %s", got)
	}
	if err := c.MarkRead(context.Background(), "200000000000001", "", false); err == nil {
		t.Error("an empty message ID must be refused")
	}
}

func TestMedia(t *testing.T) {
	g := newFakeGraph(t)
	content := []byte("hello bread")
	var uploaded struct {
		product, mimeType, filename, partType string
		data                                  []byte
	}
	g.handle("POST", "/v23.0/200000000000001/media", func(w http.ResponseWriter, r *http.Request) {
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/form-data" {
			http.Error(w, `{"error":{"message":"not multipart","code":100}}`, 400)
			return
		}
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			switch p.FormName() {
			case "messaging_product":
				uploaded.product = string(b)
			case "type":
				uploaded.mimeType = string(b)
			case "file":
				uploaded.filename, uploaded.partType, uploaded.data = p.FileName(), p.Header.Get("Content-Type"), b
			}
		}
		w.Write(fixture(t, "media_uploaded.json"))
	})
	info := fixture(t, "media_info.json")
	info = bytes.Replace(info, []byte("REPLACED_BY_TEST"), []byte(g.srv.URL+"/media/file/abc?token=1"), 1)
	g.on("GET", "/v23.0/800000000000001", "", 200, string(info))
	g.handle("GET", "/media/file/abc", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(content)
	})
	c := g.client(t, goodToken)
	ctx := context.Background()

	id, err := c.UploadMedia(ctx, "200000000000001", providers.MediaUpload{Filename: `cake "1".jpg`, MIMEType: "image/jpeg", Body: bytes.NewReader(content)})
	if err != nil {
		t.Fatal(err)
	}
	if id != "800000000000001" {
		t.Errorf("id = %q", id)
	}
	if uploaded.product != "whatsapp" || uploaded.mimeType != "image/jpeg" || uploaded.partType != "image/jpeg" ||
		uploaded.filename != "cake _1_.jpg" || !bytes.Equal(uploaded.data, content) {
		t.Errorf("upload = %+v", uploaded)
	}
	if _, err := c.UploadMedia(ctx, "200000000000001", providers.MediaUpload{Body: bytes.NewReader(content)}); err == nil {
		t.Error("an upload without MIME type must be refused")
	}

	mi, err := c.GetMediaURL(ctx, "800000000000001")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	if mi.MIMEType != "image/jpeg" || mi.FileSize != 11 || mi.SHA256 != hex.EncodeToString(sum[:]) || !strings.HasPrefix(mi.URL, g.srv.URL) {
		t.Errorf("media info = %+v", mi)
	}

	var buf bytes.Buffer
	d, err := c.DownloadMedia(ctx, mi.URL, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), content) || d.Size != int64(len(content)) || d.MIMEType != "image/jpeg" {
		t.Errorf("download = %+v %q", d, buf.Bytes())
	}
	if got := g.last("GET", "/media/file/abc").Header.Get("Authorization"); got != "Bearer "+goodToken {
		t.Errorf("download Authorization = %q", got)
	}

	small, _ := New(Config{BaseURL: g.srv.URL, Token: goodToken, MaxDownloadBytes: 5})
	buf.Reset()
	_, err = small.DownloadMedia(ctx, mi.URL, &buf)
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindMedia || !strings.Contains(pe.Message, "5-byte limit") {
		t.Errorf("oversized download: %v", err)
	}
	if _, err := c.DownloadMedia(ctx, "file:///etc/passwd", &buf); err == nil {
		t.Error("a non-web media URL must be refused")
	}
	if _, err := c.DownloadMedia(ctx, g.srv.URL+"/media/missing", &buf); err == nil {
		t.Error("a 404 download must be an error")
	}
}

func TestCommerceSettings(t *testing.T) {
	g := newFakeGraph(t)
	const path = "/v23.0/200000000000001/whatsapp_commerce_settings"
	g.on("GET", path, "", 200, "commerce_settings.json")
	g.on("POST", path, "", 200, "success.json")
	g.on("GET", "/v23.0/200000000000002/whatsapp_commerce_settings", "", 200, "empty_list.json")
	c := g.client(t, goodToken)
	ctx := context.Background()
	s, err := c.GetCommerceSettings(ctx, "200000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if !s.CartEnabled || s.CatalogVisible || s.ID != "700000000000001" {
		t.Errorf("settings = %+v", s)
	}
	if s, err := c.GetCommerceSettings(ctx, "200000000000002"); err != nil || s.CartEnabled || s.CatalogVisible {
		t.Errorf("empty settings = %+v, %v", s, err)
	}
	if err := c.UpdateCommerceSettings(ctx, "200000000000001", providers.CommerceSettings{CartEnabled: false, CatalogVisible: true}); err != nil {
		t.Fatal(err)
	}
	q := g.last("POST", path).Query
	if q["is_cart_enabled"][0] != "false" || q["is_catalog_visible"][0] != "true" {
		t.Errorf("query = %v", q)
	}
}

func TestErrorEnvelopeVariants(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		kind   providers.ErrorKind
		check  func(*providers.Error) bool
	}{
		{"transient rate limit", 429, string(fixture(t, "error_4_transient.json")), providers.ErrorKindRateLimit,
			func(e *providers.Error) bool { return e.Transient && e.Subcode == 2446079 && e.Retryable() }},
		{"error_data as string", 400, `{"error":{"message":"m","code":131009,"error_data":"bad value"}}`, providers.ErrorKindInvalidParameter,
			func(e *providers.Error) bool { return e.Details == "bad value" }},
		{"code as string", 400, `{"error":{"message":"m","code":"131056","is_transient":"true"}}`, providers.ErrorKindPairRate,
			func(e *providers.Error) bool { return e.Code == 131056 && e.Transient }},
		{"user title and message", 403, `{"error":{"message":"m","code":200,"error_subcode":1349174,"error_user_title":"Permission Denied","error_user_msg":"No access"}}`,
			providers.ErrorKindPermission, func(e *providers.Error) bool {
				return e.Title == "Permission Denied" && strings.Contains(e.Plain(), "No access")
			}},
		{"error inside a 200", 200, `{"error":{"message":"m","code":2,"is_transient":true}}`, providers.ErrorKindTemporary,
			func(e *providers.Error) bool { return e.HTTPStatus == 200 }},
		{"empty 500", 500, ``, providers.ErrorKindServer, func(e *providers.Error) bool { return strings.Contains(e.Message, "empty body") }},
		{"plain 404", 404, `not found`, providers.ErrorKindNotFound, func(e *providers.Error) bool { return !e.Retryable() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newFakeGraph(t)
			g.handle("GET", "/v23.0/1", func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			_, err := g.client(t, goodToken).GetPhoneNumber(context.Background(), "1")
			pe, ok := providers.AsError(err)
			if !ok {
				t.Fatalf("error %v is not a provider error", err)
			}
			if pe.Kind != tt.kind || !tt.check(pe) {
				t.Errorf("error = %+v", pe)
			}
		})
	}
}
