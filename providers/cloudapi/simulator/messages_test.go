package simulator

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

func fixedClock(c *Config) {
	base := time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
	c.Clock = func() time.Time { return base }
}

func TestCustomerServiceWindow(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)

	// Never wrote: free-form fails with 131047 (as a status), templates work.
	res := ts.sendText(t, phoneID, customerID, "hello first")
	if res.status != 200 {
		t.Fatalf("send is accepted like Meta, got %d %s", res.status, res.raw)
	}
	early := messageID(t, res)
	failed := h.waitFor("failed status", func(ps []received) bool { return len(statusesOf(ps, early)) == 1 })
	st := statusesOf(failed, early)[0]
	errs := st["errors"].([]any)
	if st["status"] != "failed" || errs[0].(map[string]any)["code"] != float64(131047) || errs[0].(map[string]any)["title"] != "Re-engagement message" {
		t.Fatalf("status %v", st)
	}

	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "hi"})
	inside := messageID(t, ts.sendText(t, phoneID, customerID, "inside the window"))
	h.waitFor("delivered inside the window", func(ps []received) bool { return len(statusesOf(ps, inside)) == 2 })

	ts.AdvanceClock(24*time.Hour + time.Minute)
	outside := messageID(t, ts.sendText(t, phoneID, customerID, "a day later"))
	posts := h.waitFor("131047", func(ps []received) bool { return len(statusesOf(ps, outside)) == 1 })
	st = statusesOf(posts, outside)[0]
	if st["status"] != "failed" || st["errors"].([]any)[0].(map[string]any)["code"] != float64(131047) {
		t.Fatalf("outside window: %v", st)
	}
	tmpl := ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{
		"messaging_product": "whatsapp", "to": customerID, "type": "template",
		"template": map[string]any{"name": "hello_world", "language": map[string]string{"code": "en_US"}},
	})
	tid := messageID(t, tmpl)
	h.waitFor("template delivered", func(ps []received) bool { return len(statusesOf(ps, tid)) == 2 })
	for _, m := range ts.SentMessages(phoneID) {
		switch m.ID {
		case outside:
			if m.Status != "failed" || m.ErrorCode != 131047 {
				t.Errorf("SentMessages outside: %+v", m)
			}
		case tid:
			if m.Status != "delivered" || m.Category != "utility" || !m.Billable {
				t.Errorf("SentMessages template: %+v", m)
			}
		}
	}
}

func TestThroughputLimit(t *testing.T) {
	ts := startSim(t, func(c *Config) {
		fixedClock(c)
		c.Throughput = 5
		c.PairBurst = 100
	})
	codes := []int{}
	for i := 0; i < 7; i++ {
		to := fmt.Sprintf("1650555%04d", i)
		mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: to, Text: "hi"})
		res := ts.sendText(t, phoneID, to, "reply")
		codes = append(codes, res.errCode())
		if res.errCode() == 130429 {
			if res.status != 400 || res.errField("error_data") == nil {
				t.Fatalf("130429 envelope: %d %s", res.status, res.raw)
			}
		}
	}
	if fmt.Sprint(codes) != "[0 0 0 0 0 130429 130429]" {
		t.Fatalf("error codes %v, want five sends then 130429", codes)
	}
	ts.AdvanceClock(time.Second)
	if res := ts.sendText(t, phoneID, "16505550000", "after a second"); res.status != 200 {
		t.Fatalf("after refill: %d %s", res.status, res.raw)
	}
}

func TestPairRateLimit(t *testing.T) {
	ts := startSim(t, func(c *Config) {
		fixedClock(c)
		c.PairBurst = 2
	})
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "hi"})
	var codes []int
	for i := 0; i < 3; i++ {
		codes = append(codes, ts.sendText(t, phoneID, customerID, "burst").errCode())
	}
	if fmt.Sprint(codes) != "[0 0 131056]" {
		t.Fatalf("codes %v", codes)
	}
	// Another customer is not affected.
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: "5511987654321", Text: "oi"})
	if res := ts.sendText(t, phoneID, "5511987654321", "olá"); res.status != 200 {
		t.Fatalf("other recipient: %s", res.raw)
	}
	ts.AdvanceClock(6 * time.Second)
	if res := ts.sendText(t, phoneID, customerID, "six seconds later"); res.status != 200 {
		t.Fatalf("after 6 s: %s", res.raw)
	}
}

func TestTemplateSendChecks(t *testing.T) {
	ts := startSim(t, nil)
	send := func(tpl map[string]any) apiResult {
		return ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "to": customerID, "type": "template", "template": tpl})
	}
	body := func(params ...string) map[string]any {
		var ps []map[string]any
		for _, p := range params {
			ps = append(ps, map[string]any{"type": "text", "text": p})
		}
		return map[string]any{"type": "body", "parameters": ps}
	}
	lang := map[string]string{"code": "en_US"}
	tests := []struct {
		name       string
		tpl        map[string]any
		wantCode   int
		wantDetail string
	}{
		{name: "unknown name", tpl: map[string]any{"name": "no_such_template", "language": lang}, wantCode: 132001, wantDetail: "template name (no_such_template) does not exist in en_US"},
		{name: "wrong language", tpl: map[string]any{"name": "order_ready", "language": map[string]string{"code": "pt_BR"}}, wantCode: 132001},
		{name: "missing body params", tpl: map[string]any{"name": "order_ready", "language": lang}, wantCode: 132000, wantDetail: "body: number of localizable_params (0) does not match the expected number of params (2)"},
		{name: "too few params", tpl: map[string]any{"name": "order_ready", "language": lang, "components": []any{body("Ana")}}, wantCode: 132000},
		{name: "too many params", tpl: map[string]any{"name": "order_ready", "language": lang, "components": []any{body("Ana", "#1", "x")}}, wantCode: 132000},
		{name: "params on a template without variables", tpl: map[string]any{"name": "hello_world", "language": lang, "components": []any{body("x")}}, wantCode: 132000},
		{name: "ok", tpl: map[string]any{"name": "order_ready", "language": lang, "components": []any{body("Ana", "#1042")}}},
		{name: "marketing with header and url button", tpl: map[string]any{"name": "weekend_offer", "language": lang, "components": []any{
			map[string]any{"type": "header", "parameters": []any{map[string]any{"type": "text", "text": "treats"}}},
			body("Ana", "BREAD10"),
			map[string]any{"type": "button", "sub_type": "url", "index": "0", "parameters": []any{map[string]any{"type": "text", "text": "wa"}}},
		}}},
		{name: "missing url button param", tpl: map[string]any{"name": "weekend_offer", "language": lang, "components": []any{
			map[string]any{"type": "header", "parameters": []any{map[string]any{"type": "text", "text": "treats"}}},
			body("Ana", "BREAD10"),
		}}, wantCode: 132000, wantDetail: "buttons[0] (url)"},
		{name: "authentication", tpl: map[string]any{"name": "login_code", "language": lang, "components": []any{body("123456"),
			map[string]any{"type": "button", "sub_type": "url", "index": 0, "parameters": []any{map[string]any{"type": "text", "text": "123456"}}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := send(tc.tpl)
			if tc.wantCode == 0 {
				if res.status != 200 {
					t.Fatalf("%d %s", res.status, res.raw)
				}
				msgs := res.body["messages"].([]any)
				if msgs[0].(map[string]any)["message_status"] != "accepted" {
					t.Errorf("template send lacks message_status accepted: %s", res.raw)
				}
				return
			}
			if res.status != 400 || res.errCode() != tc.wantCode {
				t.Fatalf("want %d, got %d %s", tc.wantCode, res.status, res.raw)
			}
			details, _ := res.errField("error_data").(map[string]any)["details"].(string)
			if !strings.Contains(details, tc.wantDetail) {
				t.Fatalf("details %q lack %q", details, tc.wantDetail)
			}
		})
	}
}

func TestStatusesCarryPricing(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "hi"})
	service := messageID(t, ts.sendText(t, phoneID, customerID, "free-form reply"))
	marketing := messageID(t, ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{
		"messaging_product": "whatsapp", "to": customerID, "type": "template", "biz_opaque_callback_data": "campaign-7",
		"template": map[string]any{"name": "weekend_offer", "language": map[string]string{"code": "en_US"}, "components": []any{
			map[string]any{"type": "header", "parameters": []any{map[string]any{"type": "text", "text": "treats"}}},
			map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "text", "text": "Sheena"}, map[string]any{"type": "text", "text": "BREAD10"}}},
			map[string]any{"type": "button", "sub_type": "url", "index": "0", "parameters": []any{map[string]any{"type": "text", "text": "wa"}}},
		}},
	}))
	utility := messageID(t, ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{
		"messaging_product": "whatsapp", "to": customerID, "type": "template",
		"template": map[string]any{"name": "hello_world", "language": map[string]string{"code": "en_US"}},
	}))
	h.waitFor("delivered statuses", func(ps []received) bool {
		return len(statusesOf(ps, service)) == 2 && len(statusesOf(ps, marketing)) == 2 && len(statusesOf(ps, utility)) == 2
	})
	ts.ReadByCustomer(phoneID, customerID)
	posts := h.waitFor("read statuses", func(ps []received) bool {
		return len(statusesOf(ps, service)) == 3 && len(statusesOf(ps, marketing)) == 3 && len(statusesOf(ps, utility)) == 3
	})
	tests := []struct {
		id       string
		category string
		billable bool
		ptype    string
	}{
		{service, "service", false, "free_customer_service"},
		{marketing, "marketing", true, "regular"},
		{utility, "utility", false, "free_customer_service"},
	}
	if !ts.Now().Before(serviceBilledFrom) {
		// Since 1 Oct 2026 service replies and utility templates inside
		// the window are billed.
		tests[0].billable, tests[0].ptype = true, "regular"
		tests[2].billable, tests[2].ptype = true, "regular"
	}
	for _, tc := range tests {
		sts := statusesOf(posts, tc.id)
		var order []string
		for _, s := range sts {
			order = append(order, s["status"].(string))
			pr := s["pricing"].(map[string]any)
			if pr["pricing_model"] != "PMP" || pr["category"] != tc.category || pr["billable"] != tc.billable || pr["type"] != tc.ptype {
				t.Errorf("%s %s pricing %v", tc.category, s["status"], pr)
			}
			conv := s["conversation"].(map[string]any)
			if conv["id"] == "" || conv["origin"].(map[string]any)["type"] != tc.category {
				t.Errorf("%s conversation %v", tc.category, conv)
			}
			if s["recipient_id"] != customerID || s["timestamp"] == "" {
				t.Errorf("status fields %v", s)
			}
		}
		if strings.Join(order, ",") != "sent,delivered,read" {
			t.Errorf("%s status order %v", tc.category, order)
		}
		if tc.id == marketing && sts[0]["biz_opaque_callback_data"] != "campaign-7" {
			t.Errorf("biz_opaque_callback_data not echoed: %v", sts[0])
		}
	}
}

func TestReadAfterDelay(t *testing.T) {
	ts := startSim(t, func(c *Config) { c.ReadAfter = 5 * time.Millisecond })
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "hi"})
	id := messageID(t, ts.sendText(t, phoneID, customerID, "will be read"))
	h.waitFor("auto read", func(ps []received) bool {
		sts := statusesOf(ps, id)
		return len(sts) == 3 && sts[2]["status"] == "read"
	})
}

func TestSendMessageTypes(t *testing.T) {
	ts := startSim(t, func(c *Config) { c.PairBurst = 100 })
	inbound := mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "hi"})
	media := uploadMedia(t, ts, phoneID, "photo.png", "image/png", pngBytes(t))
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+1 650-555-1234"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name     string
		body     map[string]any
		wantCode int
	}{
		{name: "text", body: base(map[string]any{"type": "text", "text": map[string]any{"body": "hi", "preview_url": false}})},
		{name: "text without type", body: base(map[string]any{"text": map[string]any{"body": "hi"}})},
		{name: "reply context", body: base(map[string]any{"type": "text", "context": map[string]any{"message_id": inbound}, "text": map[string]any{"body": "re"}})},
		{name: "image by id", body: base(map[string]any{"type": "image", "image": map[string]any{"id": media, "caption": "cap"}})},
		{name: "image by link", body: base(map[string]any{"type": "image", "image": map[string]any{"link": "https://example.com/a.jpg"}})},
		{name: "audio", body: base(map[string]any{"type": "audio", "audio": map[string]any{"link": "https://example.com/a.ogg"}})},
		{name: "video", body: base(map[string]any{"type": "video", "video": map[string]any{"link": "https://example.com/a.mp4", "caption": "v"}})},
		{name: "document", body: base(map[string]any{"type": "document", "document": map[string]any{"link": "https://example.com/a.pdf", "filename": "a.pdf"}})},
		{name: "sticker", body: base(map[string]any{"type": "sticker", "sticker": map[string]any{"link": "https://example.com/a.webp"}})},
		{name: "location", body: base(map[string]any{"type": "location", "location": map[string]any{"latitude": 37.75, "longitude": -122.42, "name": "HQ"}})},
		{name: "location as strings", body: base(map[string]any{"type": "location", "location": map[string]any{"latitude": "37.75", "longitude": "-122.42"}})},
		{name: "contacts", body: base(map[string]any{"type": "contacts", "contacts": []any{map[string]any{"name": map[string]any{"formatted_name": "Ana", "first_name": "Ana"}, "phones": []any{map[string]any{"phone": "+1 555"}}}}})},
		{name: "reaction", body: base(map[string]any{"type": "reaction", "reaction": map[string]any{"message_id": inbound, "emoji": "👍"}})},
		{name: "interactive button", body: base(map[string]any{"type": "interactive", "interactive": map[string]any{"type": "button", "body": map[string]any{"text": "Pick"},
			"action": map[string]any{"buttons": []any{map[string]any{"type": "reply", "reply": map[string]any{"id": "a", "title": "A"}}}}}})},
		{name: "interactive list", body: base(map[string]any{"type": "interactive", "interactive": map[string]any{"type": "list", "body": map[string]any{"text": "Pick"},
			"action": map[string]any{"button": "Options", "sections": []any{map[string]any{"title": "S", "rows": []any{map[string]any{"id": "r1", "title": "Row", "description": "d"}}}}}}})},
		{name: "interactive product", body: base(map[string]any{"type": "interactive", "interactive": map[string]any{"type": "product",
			"action": map[string]any{"catalog_id": "194800000000001", "product_retailer_id": "croissant"}}})},
		{name: "interactive product list", body: base(map[string]any{"type": "interactive", "interactive": map[string]any{"type": "product_list",
			"header": map[string]any{"type": "text", "text": "Menu"}, "body": map[string]any{"text": "Today"},
			"action": map[string]any{"catalog_id": "194800000000001", "sections": []any{map[string]any{"title": "Bread", "product_items": []any{map[string]any{"product_retailer_id": "sourdough-loaf"}}}}}}})},
		{name: "interactive cta url", body: base(map[string]any{"type": "interactive", "interactive": map[string]any{"type": "cta_url", "body": map[string]any{"text": "Open"},
			"action": map[string]any{"name": "cta_url", "parameters": map[string]any{"display_text": "Site", "url": "https://example.com"}}}})},
		{name: "no messaging_product", body: map[string]any{"to": customerID, "type": "text", "text": map[string]any{"body": "x"}}, wantCode: 100},
		{name: "no recipient", body: map[string]any{"messaging_product": "whatsapp", "type": "text", "text": map[string]any{"body": "x"}}, wantCode: 100},
		{name: "empty text", body: base(map[string]any{"type": "text", "text": map[string]any{"body": ""}}), wantCode: 100},
		{name: "unknown type", body: base(map[string]any{"type": "hologram"}), wantCode: 100},
		{name: "unknown media id", body: base(map[string]any{"type": "image", "image": map[string]any{"id": "123456789"}}), wantCode: 100},
		{name: "media id and link", body: base(map[string]any{"type": "image", "image": map[string]any{"id": media, "link": "https://x"}}), wantCode: 100},
		{name: "four buttons", body: base(map[string]any{"type": "interactive", "interactive": map[string]any{"type": "button", "body": map[string]any{"text": "Pick"},
			"action": map[string]any{"buttons": []any{
				map[string]any{"type": "reply", "reply": map[string]any{"id": "a", "title": "A"}}, map[string]any{"type": "reply", "reply": map[string]any{"id": "b", "title": "B"}},
				map[string]any{"type": "reply", "reply": map[string]any{"id": "c", "title": "C"}}, map[string]any{"type": "reply", "reply": map[string]any{"id": "d", "title": "D"}}}}}}), wantCode: 131009},
		{name: "button title too long", body: base(map[string]any{"type": "interactive", "interactive": map[string]any{"type": "button", "body": map[string]any{"text": "Pick"},
			"action": map[string]any{"buttons": []any{map[string]any{"type": "reply", "reply": map[string]any{"id": "a", "title": strings.Repeat("x", 21)}}}}}}), wantCode: 131009},
		{name: "eleven list rows", body: base(map[string]any{"type": "interactive", "interactive": map[string]any{"type": "list", "body": map[string]any{"text": "Pick"},
			"action": map[string]any{"button": "Options", "sections": []any{map[string]any{"rows": rows(11)}}}}}), wantCode: 131009},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", tc.body)
			if tc.wantCode != 0 {
				if res.status != 400 || res.errCode() != tc.wantCode {
					t.Fatalf("want %d, got %d %s", tc.wantCode, res.status, res.raw)
				}
				return
			}
			if res.status != 200 || res.body["messaging_product"] != "whatsapp" {
				t.Fatalf("%d %s", res.status, res.raw)
			}
			c := res.body["contacts"].([]any)[0].(map[string]any)
			if c["input"] != "+1 650-555-1234" || c["wa_id"] != customerID {
				t.Fatalf("contacts %v", c)
			}
			messageID(t, res)
		})
	}
	if res := ts.call(t, "POST", "/v23.0/"+pendingID+"/messages", base(map[string]any{"type": "text", "text": map[string]any{"body": "x"}})); res.errCode() != 133010 {
		t.Fatalf("unregistered number: %d %s", res.status, res.raw)
	}
}

func rows(n int) []any {
	var out []any
	for i := 0; i < n; i++ {
		out = append(out, map[string]any{"id": fmt.Sprint("r", i), "title": fmt.Sprint("Row ", i)})
	}
	return out
}

func TestMarkAsReadAndTyping(t *testing.T) {
	ts := startSim(t, nil)
	first := mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "one"})
	second := mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "two"})
	res := ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": second, "typing_indicator": map[string]string{"type": "text"}})
	if res.status != 200 || res.body["success"] != true {
		t.Fatalf("mark read: %d %s", res.status, res.raw)
	}
	ts.mu.Lock()
	c := ts.chats[chatKey{phoneID, customerID}]
	statuses := []string{c.messages[0].status, c.messages[1].status}
	typing := ts.nowLocked().Before(c.typingUntil)
	ts.mu.Unlock()
	if statuses[0] != "read" || statuses[1] != "read" || !typing {
		t.Fatalf("after read: statuses %v typing %v (first %s)", statuses, typing, first)
	}
	frag := ts.call(t, "GET", "/phone/chat?c="+customerID+"&n="+phoneID, nil)
	if !bytes.Contains(frag.raw, []byte(`data-status="read"`)) || !bytes.Contains(frag.raw, []byte(`data-testid="typing"`)) {
		t.Fatalf("phone does not show blue ticks and typing: %s", frag.raw)
	}
	if res := ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.nope"}); res.status != 400 {
		t.Fatalf("unknown message: %d %s", res.status, res.raw)
	}
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, samplePhoto()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func uploadMedia(t *testing.T, ts *testSim, phone, filename, mimeType string, data []byte) string {
	t.Helper()
	res := uploadMediaResult(t, ts, phone, filename, mimeType, data)
	if res.status != 200 {
		t.Fatalf("upload: %d %s", res.status, res.raw)
	}
	return res.body["id"].(string)
}

func uploadMediaResult(t *testing.T, ts *testSim, phone, filename, mimeType string, data []byte) apiResult {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("messaging_product", "whatsapp")
	_ = mw.WriteField("type", mimeType)
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", ts.srv.URL+"/v23.0/"+phone+"/media", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+ts.token)
	return doRequest(t, req)
}

func download(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestMediaUploadAndDownload(t *testing.T) {
	ts := startSim(t, nil)
	data := pngBytes(t)
	id := uploadMedia(t, ts, phoneID, "p.png", "image/png", data)
	info := ts.call(t, "GET", "/v23.0/"+id, nil)
	if info.status != 200 || info.body["mime_type"] != "image/png" || info.body["file_size"] != fmt.Sprint(len(data)) || info.body["id"] != id || info.body["messaging_product"] != "whatsapp" {
		t.Fatalf("media info: %s", info.raw)
	}
	url := info.body["url"].(string)
	if !strings.HasPrefix(url, ts.srv.URL) {
		t.Fatalf("media url %q is not on the simulator", url)
	}
	if code, got := download(t, url, ts.token); code != 200 || !bytes.Equal(got, data) {
		t.Fatalf("download: %d, %d bytes", code, len(got))
	}
	if code, _ := download(t, url, ""); code != 401 {
		t.Fatalf("download without token: %d", code)
	}
	ts.AdvanceClock(6 * time.Minute)
	if code, _ := download(t, url, ts.token); code != 404 {
		t.Fatalf("expired url: %d", code)
	}
	if res := uploadMediaResult(t, ts, phoneID, "x.exe", "application/x-msdownload", []byte("MZ")); res.status != 400 || res.errCode() != 100 {
		t.Fatalf("unsupported type: %d %s", res.status, res.raw)
	}
	if res := ts.call(t, "DELETE", "/v23.0/"+id, nil); res.body["success"] != true {
		t.Fatalf("delete: %s", res.raw)
	}
	if res := ts.call(t, "GET", "/v23.0/"+id, nil); res.errCode() != 100 {
		t.Fatalf("deleted media still there: %s", res.raw)
	}
}

func TestInboundImageIsDownloadable(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	data := pngBytes(t)
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Image: &Image{Data: data, Caption: "my cake 🎂"}})
	posts := h.waitFor("image", func(ps []received) bool { return len(inboundMessages(ps)) == 1 })
	img := inboundMessages(posts)[0]["image"].(map[string]any)
	if img["mime_type"] != "image/png" || img["caption"] != "my cake 🎂" || img["sha256"] == "" {
		t.Fatalf("image %v", img)
	}
	info := ts.call(t, "GET", "/v23.0/"+img["id"].(string), nil)
	if code, got := download(t, info.body["url"].(string), ts.token); code != 200 || !bytes.Equal(got, data) {
		t.Fatalf("download inbound image: %d", code)
	}
}

// TestPricingForFollowsTheClock: the simulator bills as Meta does on its
// own clock: service replies and in-window utility free before 1 Oct 2026
// and billed from then; nothing billed in an ad's free entry point window.
func TestPricingForFollowsTheClock(t *testing.T) {
	before, after := serviceBilledFrom.Add(-time.Minute), serviceBilledFrom
	utility, marketing := &Template{Category: "UTILITY"}, &Template{Category: "MARKETING"}
	for _, tc := range []struct {
		name                   string
		tmpl                   *Template
		window, entry          bool
		at                     time.Time
		wantBillable           bool
		wantCategory, wantType string
	}{
		{"service before", nil, true, false, before, false, "service", "free_customer_service"},
		{"service after", nil, true, false, after, true, "service", "regular"},
		{"utility in window before", utility, true, false, before, false, "utility", "free_customer_service"},
		{"utility in window after", utility, true, false, after, true, "utility", "regular"},
		{"utility outside before", utility, false, false, before, true, "utility", "regular"},
		{"service in ad window after", nil, true, true, after, false, "service", "free_entry_point"},
		{"marketing in ad window", marketing, false, true, after, false, "marketing", "free_entry_point"},
		{"marketing", marketing, true, false, after, true, "marketing", "regular"},
	} {
		c, b, typ := pricingFor(tc.tmpl, tc.window, tc.entry, tc.at)
		if c != tc.wantCategory || b != tc.wantBillable || typ != tc.wantType {
			t.Errorf("%s: %s %v %s", tc.name, c, b, typ)
		}
	}
}
