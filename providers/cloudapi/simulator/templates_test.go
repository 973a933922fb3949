package simulator

import (
	"strings"
	"testing"
	"time"
)

func TestTemplateReviewLifecycle(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	create := func(name, body string, example [][]string) apiResult {
		comp := map[string]any{"type": "BODY", "text": body}
		if example != nil {
			comp["example"] = map[string]any{"body_text": example}
		}
		return ts.call(t, "POST", "/v23.0/"+ownedWABA+"/message_templates", map[string]any{
			"name": name, "language": "pt_BR", "category": "UTILITY",
			"components": []any{comp, map[string]any{"type": "FOOTER", "text": "Flor de Lis"}},
		})
	}
	tests := []struct {
		name       string
		body       string
		example    [][]string
		wantStatus string
		wantReason string
	}{
		{name: "pedido_pronto", body: "Olá {{1}}, seu pedido {{2}} está pronto.", example: [][]string{{"Ana", "#7"}}, wantStatus: "APPROVED", wantReason: "NONE"},
		{name: "please_reject_me", body: "Hello there.", wantStatus: "REJECTED", wantReason: "INVALID_FORMAT"},
		{name: "ends_with_variable", body: "Your code is {{1}}", example: [][]string{{"1"}}, wantStatus: "REJECTED", wantReason: "INVALID_FORMAT"},
		{name: "prize", body: "Congratulations, you have won a prize. Reply to claim.", wantStatus: "REJECTED", wantReason: "SCAM"},
	}
	ids := map[string]string{}
	for _, tc := range tests {
		res := create(tc.name, tc.body, tc.example)
		if res.status != 200 || res.body["status"] != "PENDING" || res.body["category"] != "UTILITY" || res.body["id"] == "" {
			t.Fatalf("create %s: %d %s", tc.name, res.status, res.raw)
		}
		ids[tc.name] = res.body["id"].(string)
	}
	posts := h.waitFor("four reviews", func(ps []received) bool {
		n := 0
		for _, c := range webhookChanges(ps) {
			if c["field"] == "message_template_status_update" {
				n++
			}
		}
		return n == 4
	})
	events := map[string]map[string]any{}
	for _, p := range posts {
		entry := p.body["entry"].([]any)[0].(map[string]any)
		if entry["time"] == nil {
			t.Errorf("template update entry has no time: %s", p.raw)
		}
		for _, c := range webhookChanges([]received{p}) {
			v := c["value"].(map[string]any)
			events[v["message_template_name"].(string)] = v
		}
	}
	for _, tc := range tests {
		ev := events[tc.name]
		if ev["event"] != tc.wantStatus || ev["reason"] != tc.wantReason || ev["message_template_language"] != "pt_BR" {
			t.Errorf("%s: event %v", tc.name, ev)
		}
		if id, _ := ev["message_template_id"].(float64); id == 0 {
			t.Errorf("%s: message_template_id is not a number: %v", tc.name, ev["message_template_id"])
		}
		got := ts.call(t, "GET", "/v23.0/"+ids[tc.name], nil)
		if got.body["status"] != tc.wantStatus || got.body["name"] != tc.name {
			t.Errorf("%s: GET template %s", tc.name, got.raw)
		}
	}

	// The approved template can be sent, the rejected one cannot.
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "oi"})
	send := func(name string) apiResult {
		return ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "to": customerID, "type": "template",
			"template": map[string]any{"name": name, "language": map[string]string{"code": "pt_BR"}, "components": []any{
				map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "text", "text": "Ana"}, map[string]any{"type": "text", "text": "#7"}}}}}})
	}
	if res := send("pedido_pronto"); res.status != 200 {
		t.Fatalf("send approved: %s", res.raw)
	}
	if res := send("prize"); res.errCode() != 132001 {
		t.Fatalf("send rejected: %s", res.raw)
	}

	list := ts.call(t, "GET", "/v23.0/"+ownedWABA+"/message_templates?status=REJECTED&limit=2", nil)
	if d := list.body["data"].([]any); len(d) != 2 || list.body["paging"].(map[string]any)["next"] == nil {
		t.Fatalf("rejected list page: %s", list.raw)
	}
	byName := ts.call(t, "GET", "/v23.0/"+ownedWABA+"/message_templates?name=pedido_pronto&fields=name,status", nil)
	d := byName.body["data"].([]any)
	if len(d) != 1 || d[0].(map[string]any)["components"] != nil || d[0].(map[string]any)["status"] != "APPROVED" {
		t.Fatalf("by name with fields: %s", byName.raw)
	}
	if res := ts.call(t, "DELETE", "/v23.0/"+ownedWABA+"/message_templates?name=pedido_pronto", nil); res.body["success"] != true {
		t.Fatalf("delete: %s", res.raw)
	}
	if res := ts.call(t, "DELETE", "/v23.0/"+ownedWABA+"/message_templates?name=pedido_pronto", nil); res.status != 400 {
		t.Fatalf("delete twice: %s", res.raw)
	}
	if res := send("pedido_pronto"); res.errCode() != 132001 {
		t.Fatalf("send deleted: %s", res.raw)
	}
}

func TestTemplateCreateValidation(t *testing.T) {
	ts := startSim(t, func(c *Config) { c.TemplateReviewDelay = time.Hour })
	body := func(text string) map[string]any { return map[string]any{"type": "BODY", "text": text} }
	tests := []struct {
		name    string
		req     map[string]any
		subcode float64
		inMsg   string
	}{
		{name: "uppercase name", req: map[string]any{"name": "Bad Name", "language": "en_US", "category": "UTILITY", "components": []any{body("x")}}, inMsg: "lowercase"},
		{name: "no name", req: map[string]any{"language": "en_US", "category": "UTILITY", "components": []any{body("x")}}},
		{name: "bad category", req: map[string]any{"name": "a", "language": "en_US", "category": "PROMO", "components": []any{body("x")}}},
		{name: "no body", req: map[string]any{"name": "a", "language": "en_US", "category": "UTILITY", "components": []any{map[string]any{"type": "FOOTER", "text": "f"}}}, inMsg: "BODY"},
		{name: "two bodies", req: map[string]any{"name": "a", "language": "en_US", "category": "UTILITY", "components": []any{body("x"), body("y")}}},
		{name: "variables without example", req: map[string]any{"name": "a", "language": "en_US", "category": "UTILITY", "components": []any{body("Hi {{1}}!")}}, inMsg: "example"},
		{name: "gap in variables", req: map[string]any{"name": "a", "language": "en_US", "category": "UTILITY", "components": []any{
			map[string]any{"type": "BODY", "text": "Hi {{1}} and {{3}}.", "example": map[string]any{"body_text": [][]string{{"a", "b"}}}}}}},
		{name: "footer variable", req: map[string]any{"name": "a", "language": "en_US", "category": "UTILITY", "components": []any{body("x"), map[string]any{"type": "FOOTER", "text": "{{1}}"}}}},
		{name: "long quick reply", req: map[string]any{"name": "a", "language": "en_US", "category": "MARKETING", "components": []any{body("x"),
			map[string]any{"type": "BUTTONS", "buttons": []any{map[string]any{"type": "QUICK_REPLY", "text": strings.Repeat("b", 26)}}}}}},
		{name: "auth without otp", req: map[string]any{"name": "a", "language": "en_US", "category": "AUTHENTICATION", "components": []any{map[string]any{"type": "BODY", "add_security_recommendation": true}}}},
		{name: "duplicate", req: map[string]any{"name": "hello_world", "language": "en_US", "category": "UTILITY", "components": []any{body("x")}}, subcode: 2388024},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := ts.call(t, "POST", "/v23.0/"+ownedWABA+"/message_templates", tc.req)
			if res.status != 400 || res.errCode() != 100 {
				t.Fatalf("want code 100, got %d %s", res.status, res.raw)
			}
			if tc.subcode != 0 && res.errField("error_subcode") != tc.subcode {
				t.Fatalf("subcode %v, want %v", res.errField("error_subcode"), tc.subcode)
			}
			if tc.inMsg != "" && !strings.Contains(string(res.raw), tc.inMsg) {
				t.Fatalf("error does not mention %q: %s", tc.inMsg, res.raw)
			}
		})
	}
	ok := map[string]any{"name": "authentication_code_copy_code_button", "language": "en_US", "category": "AUTHENTICATION", "components": []any{
		map[string]any{"type": "BODY", "add_security_recommendation": true},
		map[string]any{"type": "FOOTER", "code_expiration_minutes": 10},
		map[string]any{"type": "BUTTONS", "buttons": []any{map[string]any{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy Code"}}},
	}}
	res := ts.call(t, "POST", "/v23.0/"+ownedWABA+"/message_templates", ok)
	if res.status != 200 || res.body["category"] != "AUTHENTICATION" {
		t.Fatalf("auth template: %s", res.raw)
	}
	got := ts.call(t, "GET", "/v23.0/"+res.body["id"].(string), nil)
	if !strings.Contains(string(got.raw), "is your verification code") || !strings.Contains(string(got.raw), "This code expires in 10 minutes.") {
		t.Fatalf("auth template texts not generated: %s", got.raw)
	}
	// Editing a pending template is refused; an approved one goes back to review.
	if res := ts.call(t, "POST", "/v23.0/"+res.body["id"].(string), map[string]any{"category": "AUTHENTICATION"}); res.status != 400 {
		t.Fatalf("edit pending: %s", res.raw)
	}
	edit := ts.call(t, "POST", "/v23.0/"+"700100000000002", map[string]any{"components": []any{
		map[string]any{"type": "BODY", "text": "Hi {{1}}, order {{2}} is ready at the counter.", "example": map[string]any{"body_text": [][]string{{"A", "B"}}}}}})
	if edit.status != 200 || edit.body["success"] != true {
		t.Fatalf("edit: %s", edit.raw)
	}
	if got := ts.call(t, "GET", "/v23.0/700100000000002", nil); got.body["status"] != "PENDING" {
		t.Fatalf("edited template status: %s", got.raw)
	}
}
