package simulator

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// postForm submits a phone page form like the page's JavaScript does.
func postForm(t *testing.T, ts *testSim, path string, form url.Values) {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Requested-With", "fetch")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, body)
	}
}

func chatFragment(t *testing.T, ts *testSim, visible bool) string {
	t.Helper()
	v := "0"
	if visible {
		v = "1"
	}
	res := ts.call(t, "GET", "/phone/chat?c="+customerID+"&n="+phoneID+"&visible="+v, nil)
	if res.status != 200 {
		t.Fatalf("chat fragment: %d %s", res.status, res.raw)
	}
	return string(res.raw)
}

func TestPhonePageRenders(t *testing.T) {
	ts := startSim(t, nil)
	res := ts.call(t, "GET", "/", nil)
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d", res.status)
	}
	page := string(res.raw)
	for _, want := range []string{`data-testid="customer-select"`, `data-testid="number-select"`, `data-testid="composer-input"`, `data-testid="composer-send"`,
		`data-testid="share-location"`, `data-testid="send-image"`, `data-testid="place-order"`, `data-testid="new-customer-submit"`,
		"Sheena Nelson", "Flor de Lis Bakery", "<style>", "<script>"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "Flor de Lis Catering") {
		t.Error("the number that cannot receive messages is offered")
	}
	if regexp.MustCompile(`(src|href)="https?://`).FindString(page) != "" {
		t.Error("page loads external assets")
	}
}

func TestPhoneActionsProduceWebhooks(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	base := url.Values{"c": {customerID}, "n": {phoneID}}
	with := func(kv ...string) url.Values {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	postForm(t, ts, "/phone/send", with("text", "Bom dia! Tem pão?"))
	posts := h.waitFor("text", func(ps []received) bool { return len(inboundMessages(ps)) == 1 })
	if m := inboundMessages(posts)[0]; m["text"].(map[string]any)["body"] != "Bom dia! Tem pão?" {
		t.Fatalf("text webhook %v", m)
	}

	// The business answers with reply buttons and a list; the phone shows them.
	btn := ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "to": customerID, "type": "interactive",
		"interactive": map[string]any{"type": "button", "body": map[string]any{"text": "Pickup or delivery?"},
			"action": map[string]any{"buttons": []any{
				map[string]any{"type": "reply", "reply": map[string]any{"id": "pickup", "title": "Pickup"}},
				map[string]any{"type": "reply", "reply": map[string]any{"id": "delivery", "title": "Delivery"}}}}}})
	btnID := messageID(t, btn)
	list := ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "to": customerID, "type": "interactive",
		"interactive": map[string]any{"type": "list", "body": map[string]any{"text": "Which time?"},
			"action": map[string]any{"button": "Times", "sections": []any{map[string]any{"title": "Today", "rows": []any{
				map[string]any{"id": "t17", "title": "17:00", "description": "After work"}}}}}}})
	listID := messageID(t, list)
	tpl := ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "to": customerID, "type": "template",
		"template": map[string]any{"name": "order_ready", "language": map[string]string{"code": "en_US"}, "components": []any{
			map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "text", "text": "Sheena"}, map[string]any{"type": "text", "text": "#1042"}}},
			map[string]any{"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": []any{map[string]any{"type": "payload", "payload": "OMW-1042"}}}}}})
	tplID := messageID(t, tpl)
	frag := chatFragment(t, ts, false)
	for _, want := range []string{`data-reply-id="pickup"`, `data-row-id="t17"`, "Hi Sheena, your order #1042 is ready for pickup.", `data-testid="quick-reply"`} {
		if !strings.Contains(frag, want) {
			t.Errorf("chat lacks %s", want)
		}
	}

	postForm(t, ts, "/phone/reply", with("kind", "button_reply", "id", "pickup", "title", "Pickup", "context", btnID))
	postForm(t, ts, "/phone/reply", with("kind", "list_reply", "id", "t17", "title", "17:00", "description", "After work", "context", listID))
	postForm(t, ts, "/phone/reply", with("kind", "button", "payload", "OMW-1042", "title", "On my way", "context", tplID))
	postForm(t, ts, "/phone/location", with("latitude", "38.7223", "longitude", "-9.1393", "name", "Praça do Comércio", "address", "Lisboa"))
	postForm(t, ts, "/phone/order", with("qty_croissant", "2", "qty_sourdough-loaf", "1", "text", "pickup 5pm"))

	// Image upload through multipart, without a file: the sample photo.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("c", customerID)
	_ = mw.WriteField("n", phoneID)
	_ = mw.WriteField("caption", "this one")
	_ = mw.Close()
	req, _ := http.NewRequest("POST", ts.srv.URL+"/phone/image", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Requested-With", "fetch")
	if resp := doRequest(t, req); resp.status != 204 {
		t.Fatalf("image: %d %s", resp.status, resp.raw)
	}

	posts = h.waitFor("all customer actions", func(ps []received) bool { return len(inboundMessages(ps)) == 7 })
	msgs := inboundMessages(posts)
	for _, p := range posts {
		if !validSignature(ts.cfg.AppSecret, p.raw, p.header.Get("X-Hub-Signature-256")) {
			t.Fatal("unsigned webhook")
		}
	}
	br := msgs[1]
	if br["type"] != "interactive" || br["context"].(map[string]any)["id"] != btnID {
		t.Errorf("button reply %v", br)
	}
	if r := br["interactive"].(map[string]any); r["type"] != "button_reply" || r["button_reply"].(map[string]any)["id"] != "pickup" {
		t.Errorf("button reply %v", r)
	}
	lr := msgs[2]["interactive"].(map[string]any)
	if lr["type"] != "list_reply" || lr["list_reply"].(map[string]any)["description"] != "After work" {
		t.Errorf("list reply %v", lr)
	}
	if b := msgs[3]; b["type"] != "button" || b["button"].(map[string]any)["payload"] != "OMW-1042" || b["context"].(map[string]any)["id"] != tplID {
		t.Errorf("template button %v", b)
	}
	if loc := msgs[4]["location"].(map[string]any); loc["latitude"] != 38.7223 || loc["name"] != "Praça do Comércio" {
		t.Errorf("location %v", loc)
	}
	order := msgs[5]["order"].(map[string]any)
	items := order["product_items"].([]any)
	if order["catalog_id"] != "194800000000001" || len(items) != 2 || order["text"] != "pickup 5pm" {
		t.Errorf("order %v", order)
	}
	for _, it := range items {
		m := it.(map[string]any)
		if m["item_price"] == nil || m["currency"] != "USD" || m["quantity"] == nil {
			t.Errorf("order item %v", m)
		}
	}
	img := msgs[6]["image"].(map[string]any)
	info := ts.call(t, "GET", "/v23.0/"+img["id"].(string), nil)
	if code, data := download(t, info.body["url"].(string), ts.token); code != 200 || len(data) == 0 || img["caption"] != "this one" {
		t.Errorf("image download %d (%v)", code, img)
	}
	for _, m := range msgs {
		if m["timestamp"] == "" || m["from"] != customerID {
			t.Errorf("message lacks from/timestamp: %v", m)
		}
	}
	for _, p := range posts {
		v := webhookChanges([]received{p})[0]["value"].(map[string]any)
		if v["messages"] == nil {
			continue // a status webhook of the business's messages
		}
		c := v["contacts"].([]any)[0].(map[string]any)
		if c["profile"].(map[string]any)["name"] != "Sheena Nelson" || c["wa_id"] != customerID {
			t.Errorf("contacts block %v", c)
		}
	}
}

func TestPhoneReadsWhenVisible(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "hi"})
	id := messageID(t, ts.sendText(t, phoneID, customerID, "hello from the bakery"))
	h.waitFor("delivered", func(ps []received) bool { return len(statusesOf(ps, id)) == 2 })
	chatFragment(t, ts, false)
	chatFragment(t, ts, true)
	posts := h.waitFor("read", func(ps []received) bool { return len(statusesOf(ps, id)) == 3 })
	if sts := statusesOf(posts, id); sts[2]["status"] != "read" {
		t.Fatalf("statuses %v", sts)
	}
	// Unchanged state answers 204 so the page's poll is cheap.
	ts.mu.Lock()
	v := ts.version
	ts.mu.Unlock()
	res := ts.call(t, "GET", "/phone/chat?c="+customerID+"&n="+phoneID+"&visible=1&v="+itoa64(v), nil)
	if res.status != 204 {
		t.Fatalf("unchanged poll: %d", res.status)
	}
}

func itoa64(v int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestPhoneNewCustomer(t *testing.T) {
	ts := startSim(t, nil)
	req, _ := http.NewRequest("POST", ts.srv.URL+"/phone/customer", strings.NewReader(url.Values{"name": {"Ana Lima"}, "phone": {"+55 11 91234-5678"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "c=5511912345678") {
		t.Fatalf("redirect %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	found := false
	for _, c := range ts.Customers() {
		found = found || (c.WaID == "5511912345678" && c.Name == "Ana Lima")
	}
	if !found {
		t.Fatalf("customer not created: %v", ts.Customers())
	}
	if err := ts.AddCustomer(Customer{Name: "x", WaID: "12"}); err == nil {
		t.Fatal("short phone number accepted")
	}
}

func TestControlEndpoints(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	post := func(path string, body any) apiResult {
		return ts.callToken(t, "", "POST", path, body)
	}
	before := ts.Now()
	if res := post("/_sim/clock/advance", map[string]string{"duration": "25h"}); res.status != 200 {
		t.Fatalf("advance: %d %s", res.status, res.raw)
	}
	if ts.Now().Sub(before) < 25*time.Hour {
		t.Fatal("clock did not advance")
	}
	if res := post("/_sim/clock/advance", map[string]string{"duration": "soon"}); res.status != 400 {
		t.Fatalf("bad duration: %d", res.status)
	}
	post("/_sim/token/revoke", nil)
	if res := ts.call(t, "GET", "/v23.0/"+phoneID, nil); res.errCode() != 190 {
		t.Fatalf("after revoke: %s", res.raw)
	}
	post("/_sim/token/restore", nil)
	if res := ts.call(t, "GET", "/v23.0/"+phoneID, nil); res.status != 200 {
		t.Fatalf("after restore: %s", res.raw)
	}
	res := post("/_sim/inbound", map[string]any{"phone_number_id": phoneID, "from": "351912345678", "name": "Rui", "text": "Olá"})
	if res.status != 200 || !strings.HasPrefix(res.body["id"].(string), "wamid.") {
		t.Fatalf("inbound: %d %s", res.status, res.raw)
	}
	h.waitFor("control inbound", func(ps []received) bool { return len(inboundMessages(ps)) == 1 })
	if res := post("/_sim/inbound", map[string]any{"phone_number_id": "1", "from": "351912345678", "text": "x"}); res.status != 404 {
		t.Fatalf("unknown phone: %d", res.status)
	}
	messageID(t, ts.sendText(t, phoneID, "351912345678", "Olá Rui"))
	msgs := ts.callToken(t, "", "GET", "/_sim/messages?phone_number_id="+phoneID, nil)
	data := msgs.body["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["to"] != "351912345678" || !strings.Contains(data[0].(map[string]any)["body"].(string), "Olá Rui") {
		t.Fatalf("messages: %s", msgs.raw)
	}
	cbs := ts.callToken(t, "", "GET", "/_sim/callbacks", nil)
	if !strings.Contains(string(cbs.raw), h.url()) {
		t.Fatalf("callbacks: %s", cbs.raw)
	}
	sum := ts.callToken(t, "", "GET", "/_sim/", nil)
	if sum.body["access_token"] != ts.token || !strings.Contains(string(sum.raw), clientPhone) {
		t.Fatalf("summary: %s", sum.raw)
	}
	// The delivery is logged once the hook's answer is back, which may be
	// just after the hook saw it.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		res := ts.callToken(t, "", "GET", "/_sim/webhooks", nil)
		if data, _ := res.body["data"].([]any); res.status == 200 && len(data) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhooks: %s", res.raw)
		}
	}
}

func TestConfigFromFlags(t *testing.T) {
	env := map[string]string{"WADESK_SIM_TOKEN": "EAAenv", "WADESK_SIM_THROUGHPUT": "20"}
	getenv := func(k string) string { return env[k] }
	cfg, err := ConfigFromFlags([]string{"-addr", "127.0.0.1:9999", "-app-secret", "flag-secret", "-business-id", "123456789012345", "-review-delay", "1s"}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9999" || cfg.AccessToken != "EAAenv" || cfg.AppSecret != "flag-secret" || cfg.Businesses[0].ID != "123456789012345" ||
		cfg.Throughput != 20 || cfg.TemplateReviewDelay != time.Second {
		t.Fatalf("config %+v", cfg)
	}
	for _, args := range [][]string{{"-business-id", "abc"}, {"-nope"}, {"extra"}, {"-token", ""}} {
		if _, err := ConfigFromFlags(args, nil); err == nil {
			t.Errorf("ConfigFromFlags(%v) accepted", args)
		}
	}
	if _, err := ConfigFromFlags(nil, func(k string) string {
		if k == "WADESK_SIM_READ_AFTER" {
			return "soon"
		}
		return ""
	}); err == nil {
		t.Error("bad env duration accepted")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
	}{
		{"no token", func(c *Config) { c.AccessToken = "" }},
		{"duplicate id", func(c *Config) { c.Businesses[0].ClientWABAs[0].ID = ownedWABA }},
		{"non numeric id", func(c *Config) { c.Businesses[0].OwnedWABAs[0].PhoneNumbers[0].ID = "abc" }},
		{"bad customer", func(c *Config) { c.Customers = []Customer{{Name: "x", WaID: "12"}} }},
	}
	for _, tc := range tests {
		cfg := DefaultConfig()
		tc.mutate(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"-addr", "127.0.0.1:0", "-token", "EAArun"}, func(string) string { return "" }, &out)
	}()
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var base string
	waitUntil(t, "banner", func() bool {
		m := re.FindStringSubmatch(out.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	})
	for _, want := range []string{"EAArun", "5ea1c0de5ea1c0de5ea1c0de5ea1c0de", bizID, ownedWABA, clientWABA, phoneID, pendingID, "Customer phone"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %s:\n%s", want, out.String())
		}
	}
	req, _ := http.NewRequest("GET", base+"/v23.0/"+bizID+"/owned_whatsapp_business_accounts", nil)
	req.Header.Set("Authorization", "Bearer EAArun")
	if res := doRequest(t, req); res.status != 200 {
		t.Fatalf("served API: %d %s", res.status, res.raw)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("Run did not stop")
	}
}

func TestLinkParts(t *testing.T) {
	tests := []struct {
		in   string
		want []textPart
	}{
		{"no links here", []textPart{{Text: "no links here"}}},
		{"Pay here: https://buy.stripe.com/abc?client_reference_id=wadesk-7.", []textPart{
			{Text: "Pay here: "}, {Text: "https://buy.stripe.com/abc?client_reference_id=wadesk-7", URL: "https://buy.stripe.com/abc?client_reference_id=wadesk-7"}, {Text: "."}}},
		{"(see http://a.example/x) and https://b.example", []textPart{
			{Text: "(see "}, {Text: "http://a.example/x", URL: "http://a.example/x"}, {Text: ") and "}, {Text: "https://b.example", URL: "https://b.example"}}},
		{"javascript:alert(1) ftp://x.example https://", []textPart{{Text: "javascript:alert(1) ftp://x.example https://"}}},
	}
	for _, tt := range tests {
		got := linkParts(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("linkParts(%q) = %+v, want %+v", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("linkParts(%q) = %+v, want %+v", tt.in, got, tt.want)
				break
			}
		}
	}
}

func TestPhoneShowsLinksAndProductCards(t *testing.T) {
	ts := startSim(t, nil)
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "hi"})
	ts.sendText(t, phoneID, customerID, `Pay here: https://buy.stripe.com/abc?x=1&y=<b> <script>alert(1)</script>`)
	res := ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "to": customerID, "type": "interactive",
		"interactive": map[string]any{"type": "product_list", "header": map[string]any{"type": "text", "text": "Our menu"},
			"body": map[string]any{"text": "Pick what you like"},
			"action": map[string]any{"catalog_id": "194800000000001", "sections": []any{
				map[string]any{"title": "Breads", "product_items": []any{map[string]any{"product_retailer_id": "sourdough-loaf"}}},
				map[string]any{"title": "Sweets", "product_items": []any{map[string]any{"product_retailer_id": "carrot-cake"}, map[string]any{"product_retailer_id": "mystery"}}},
			}}}})
	if res.status != 200 {
		t.Fatalf("product list: %d %s", res.status, res.raw)
	}
	chat := chatFragment(t, ts, true)
	if !strings.Contains(chat, `<a href="https://buy.stripe.com/abc?x=1&amp;y=" target="_blank" rel="noopener noreferrer" data-testid="message-link">`) {
		t.Errorf("the link is not clickable:\n%s", chat)
	}
	if strings.Contains(chat, "<script>alert") || strings.Contains(chat, "<b>") {
		t.Errorf("message markup reached the page:\n%s", chat)
	}
	for _, want := range []string{`data-testid="product-section">Breads<`, `data-testid="product-section">Sweets<`,
		`data-retailer-id="carrot-cake"`, `data-testid="product-qty-sourdough-loaf"`, "Not in the simulator&#39;s catalog"} {
		if !strings.Contains(chat, want) {
			t.Errorf("chat lacks %s:\n%s", want, chat)
		}
	}
	if n := strings.Count(chat, `data-testid="product-card"`); n != 3 {
		t.Errorf("%d product cards, want 3", n)
	}
}

func TestInboundContactCards(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	res := ts.callToken(t, "", "POST", "/_sim/inbound", map[string]any{"phone_number_id": phoneID, "from": "351912345678",
		"contacts": []map[string]string{{"name": "Rui Costa", "phone": "+351 912 000 111"}, {"name": "Ana"}}})
	if res.status != 200 {
		t.Fatalf("inbound contacts: %d %s", res.status, res.raw)
	}
	id := res.body["id"].(string)
	var msg map[string]any
	h.waitFor("contacts webhook", func(ps []received) bool {
		if ms := inboundMessages(ps); len(ms) == 1 {
			msg = ms[0]
			return true
		}
		return false
	})
	cards, _ := msg["contacts"].([]any)
	if msg["type"] != "contacts" || len(cards) != 2 {
		t.Fatalf("message = %v", msg)
	}
	first := cards[0].(map[string]any)
	phones, _ := first["phones"].([]any)
	if first["name"].(map[string]any)["formatted_name"] != "Rui Costa" || len(phones) != 1 ||
		phones[0].(map[string]any)["wa_id"] != "351912000111" {
		t.Errorf("first card = %v", first)
	}
	if _, ok := cards[1].(map[string]any)["phones"]; ok {
		t.Errorf("a card without a phone has phones: %v", cards[1])
	}
	if st, ok := ts.InboundStatus(id); !ok || st == "" {
		t.Errorf("InboundStatus(%s) = %q, %v", id, st, ok)
	}
	if res := ts.callToken(t, "", "POST", "/_sim/inbound", map[string]any{"phone_number_id": phoneID, "from": "351912345678",
		"contacts": []map[string]string{{"phone": "+1"}}}); res.status != 400 {
		t.Errorf("nameless contact: %d %s", res.status, res.raw)
	}
}

// TestPhoneSendsVoiceNoteAndDocument: the customer records a voice note
// (Ogg Opus, flagged as voice) and sends a PDF; both arrive as Meta's
// audio and document webhooks, and download whole.
func TestPhoneSendsVoiceNoteAndDocument(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	form := url.Values{"c": {customerID}, "n": {phoneID}}
	postForm(t, ts, "/phone/voice", form)
	doc := url.Values{"c": {customerID}, "n": {phoneID}, "caption": {"the invoice"}}
	postForm(t, ts, "/phone/document", doc)
	posts := h.waitFor("voice note and document", func(ps []received) bool { return len(inboundMessages(ps)) == 2 })
	msgs := inboundMessages(posts)
	audio, ok := msgs[0]["audio"].(map[string]any)
	if !ok || msgs[0]["type"] != "audio" || audio["voice"] != true || audio["mime_type"] != "audio/ogg" {
		t.Fatalf("voice note webhook: %v", msgs[0])
	}
	info := ts.call(t, "GET", "/v23.0/"+audio["id"].(string), nil)
	code, data := download(t, info.body["url"].(string), ts.token)
	if code != 200 || !bytes.HasPrefix(data, []byte("OggS")) || !bytes.Contains(data[:64], []byte("OpusHead")) {
		t.Fatalf("voice note download: %d, % x", code, data[:min(len(data), 40)])
	}
	// Every Ogg page's checksum is right (a player refuses pages that are not).
	pages := 0
	for p := data; len(p) > 27; pages++ {
		n := 27 + int(p[26])
		body := 0
		for _, l := range p[27:n] {
			body += int(l)
		}
		page := bytes.Clone(p[:n+body])
		want := binary.LittleEndian.Uint32(page[22:])
		binary.LittleEndian.PutUint32(page[22:], 0)
		if oggCRC(page) != want {
			t.Fatalf("page %d: bad checksum", pages)
		}
		p = p[n+body:]
	}
	if pages < 3 {
		t.Errorf("the voice note has %d pages", pages)
	}
	document, ok := msgs[1]["document"].(map[string]any)
	if !ok || document["filename"] != "invoice-2031.pdf" || document["mime_type"] != "application/pdf" || document["caption"] != "the invoice" {
		t.Fatalf("document webhook: %v", msgs[1])
	}
	info = ts.call(t, "GET", "/v23.0/"+document["id"].(string), nil)
	if code, data := download(t, info.body["url"].(string), ts.token); code != 200 || !bytes.HasPrefix(data, []byte("%PDF-1.4")) || !bytes.HasSuffix(data, []byte("%%EOF\n")) {
		t.Errorf("document download: %d %q", code, data)
	}
	if frag := chatFragment(t, ts, false); !strings.Contains(frag, "Voice note") || !strings.Contains(frag, "invoice-2031.pdf") {
		t.Errorf("the phone's chat does not show them: %s", frag)
	}
}
