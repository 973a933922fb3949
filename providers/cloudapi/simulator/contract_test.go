package simulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"
)

// The contract tests compare the simulator's answers with the examples of
// Meta's published OpenAPI description (../shared/contracts, when present)
// and with this package's own fixtures (testdata/contract, always). Every key
// of an example must be present in the simulator's answer with the same JSON
// type; for arrays, the keys all example elements share are required in
// every element of the answer.

// shapeMismatches lists where got lacks something want has.
func shapeMismatches(want, got any) []string {
	var out []string
	compareShape(want, got, "$", &out)
	return out
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

func compareShape(want, got any, path string, out *[]string) {
	switch w := want.(type) {
	case nil:
		return
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: want an object, got %s", path, jsonKind(got)))
			return
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				*out = append(*out, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			compareShape(w[k], gv, path+"."+k, out)
		}
	case []any:
		if len(w) == 0 {
			return
		}
		g, ok := got.([]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: want an array, got %s", path, jsonKind(got)))
			return
		}
		if len(g) == 0 {
			*out = append(*out, fmt.Sprintf("%s: empty array, the example has elements", path))
			return
		}
		shape := commonShape(w)
		for i, item := range g {
			compareShape(shape, item, fmt.Sprintf("%s[%d]", path, i), out)
		}
	default:
		if got == nil {
			return // Meta sends null for unset optional values.
		}
		if jsonKind(want) != jsonKind(got) {
			*out = append(*out, fmt.Sprintf("%s: want a %s, got %s", path, jsonKind(want), jsonKind(got)))
		}
	}
}

// commonShape is what all elements of an example array share.
func commonShape(items []any) any {
	var maps []map[string]any
	var arrays [][]any
	kinds := map[string]bool{}
	for _, it := range items {
		if it == nil {
			continue
		}
		kinds[jsonKind(it)] = true
		switch v := it.(type) {
		case map[string]any:
			maps = append(maps, v)
		case []any:
			arrays = append(arrays, v)
		}
	}
	if len(kinds) != 1 {
		return nil
	}
	switch {
	case len(maps) > 0:
		out := map[string]any{}
		for k := range maps[0] {
			vals := []any{}
			shared := true
			for _, m := range maps {
				v, ok := m[k]
				if !ok {
					shared = false
					break
				}
				vals = append(vals, v)
			}
			if shared {
				out[k] = commonShape(vals)
			}
		}
		return out
	case len(arrays) > 0:
		var all []any
		for _, a := range arrays {
			all = append(all, a...)
		}
		if len(all) == 0 {
			return []any{}
		}
		return []any{commonShape(all)}
	}
	for _, it := range items {
		if it != nil {
			return it
		}
	}
	return nil
}

func TestShapeComparison(t *testing.T) {
	tests := []struct {
		name      string
		want, got string
		problems  int
	}{
		{"equal", `{"a":1,"b":{"c":"x"}}`, `{"a":2,"b":{"c":"y","d":true}}`, 0},
		{"missing nested", `{"a":{"b":1}}`, `{"a":{}}`, 1},
		{"type mismatch", `{"a":"1"}`, `{"a":1}`, 1},
		{"array common keys", `{"d":[{"a":1,"b":2},{"a":3}]}`, `{"d":[{"a":5}]}`, 0},
		{"array element lacks shared key", `{"d":[{"a":1,"b":2},{"a":3,"b":4}]}`, `{"d":[{"a":5},{"a":1,"b":1}]}`, 1},
		{"empty got array", `{"d":[{"a":1}]}`, `{"d":[]}`, 1},
		{"null example value", `{"a":null}`, `{"a":"x"}`, 0},
		{"null answer value", `{"a":"x"}`, `{"a":null}`, 0},
	}
	for _, tc := range tests {
		var w, g any
		_ = json.Unmarshal([]byte(tc.want), &w)
		_ = json.Unmarshal([]byte(tc.got), &g)
		if p := shapeMismatches(w, g); len(p) != tc.problems {
			t.Errorf("%s: problems %v, want %d", tc.name, p, tc.problems)
		}
	}
}

// contractWorld runs one scripted session against a simulator and keeps
// every answer and webhook body by name.
type contractWorld struct {
	bodies map[string]any
}

var (
	worldOnce sync.Once
	world     *contractWorld
	worldErr  string
)

func getWorld(t *testing.T) *contractWorld {
	t.Helper()
	worldOnce.Do(func() {
		ok := t.Run("build_contract_world", func(t *testing.T) { world = buildWorld(t) })
		if !ok {
			worldErr = "building the contract world failed"
		}
	})
	if world == nil {
		t.Fatal(worldErr)
	}
	return world
}

func contractConfig(c *Config) {
	b := &c.Businesses[0]
	owned2 := b.OwnedWABAs[0]
	owned2.ID, owned2.Name, owned2.PhoneNumbers, owned2.Templates = "104500000000055", "Second owned", nil, nil
	b.OwnedWABAs = append(b.OwnedWABAs, owned2)
	client2 := b.ClientWABAs[0]
	client2.ID, client2.Name, client2.PhoneNumbers, client2.Templates = "104500000000066", "Second client", nil, nil
	b.ClientWABAs = append(b.ClientWABAs, client2)
	c.PairBurst = 1000
	c.Throughput = 1000
}

func buildWorld(t *testing.T) *contractWorld {
	ts := startSim(t, contractConfig)
	h := newHook(t, "contract-verify")
	w := &contractWorld{bodies: map[string]any{}}
	keep := func(name string, res apiResult, wantStatus int) {
		t.Helper()
		if res.status != wantStatus {
			t.Fatalf("%s: status %d, want %d: %s", name, res.status, wantStatus, res.raw)
		}
		var v any
		if err := json.Unmarshal(res.raw, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w.bodies[name] = v
	}
	get := func(path string) apiResult { return ts.call(t, "GET", path, nil) }

	keep("subscribe", ts.call(t, "POST", "/v23.0/"+ownedWABA+"/subscribed_apps", map[string]string{"override_callback_uri": h.url(), "verify_token": h.verifyToken}), 200)
	keep("subscribed_apps", get("/v23.0/"+ownedWABA+"/subscribed_apps"), 200)
	keep("owned", get("/v23.0/"+bizID+"/owned_whatsapp_business_accounts?limit=1"), 200)
	keep("client", get("/v23.0/"+bizID+"/client_whatsapp_business_accounts?limit=1"), 200)
	keep("phone_numbers", get("/v23.0/"+ownedWABA+"/phone_numbers?limit=1"), 200)
	keep("phone", get("/v23.0/"+phoneID), 200)
	keep("waba", get("/v23.0/"+ownedWABA), 200)
	keep("profile", get("/v23.0/"+phoneID+"/whatsapp_business_profile"), 200)
	keep("profile_update", ts.call(t, "POST", "/v23.0/"+phoneID+"/whatsapp_business_profile", map[string]any{"messaging_product": "whatsapp", "description": "Updated"}), 200)
	keep("commerce", get("/v23.0/"+phoneID+"/whatsapp_commerce_settings"), 200)
	keep("commerce_update", ts.call(t, "POST", "/v23.0/"+phoneID+"/whatsapp_commerce_settings?is_cart_enabled=true&is_catalog_visible=true", nil), 200)
	keep("templates", get("/v23.0/"+ownedWABA+"/message_templates"), 200)
	keep("template", get("/v23.0/700100000000002"), 200)
	keep("template_create", ts.call(t, "POST", "/v23.0/"+ownedWABA+"/message_templates", map[string]any{
		"name": "contract_promo", "language": "en_US", "category": "MARKETING",
		"components": []any{map[string]any{"type": "BODY", "text": "Fresh bread is here, come and try it."}},
	}), 200)
	keep("template_edit", ts.call(t, "POST", "/v23.0/700100000000001", map[string]any{"components": []any{
		map[string]any{"type": "BODY", "text": "Welcome! Your number works."}}}), 200)

	data := pngBytes(t)
	up := uploadMediaResult(t, ts, phoneID, "p.png", "image/png", data)
	keep("media_upload", up, 200)
	mediaID := up.body["id"].(string)
	keep("media_info", get("/v23.0/"+mediaID), 200)

	// Conversation and webhooks.
	textID := mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Name: "Sheena Nelson", Text: "Olá, tem pão?"})
	send := ts.sendText(t, phoneID, "+1 650 555 1234", "Temos!")
	keep("send", send, 200)
	keep("mark_read", ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": textID}), 200)
	sendTo := func(body map[string]any) string {
		body["messaging_product"] = "whatsapp"
		body["to"] = customerID
		return messageID(t, ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", body))
	}
	btn := sendTo(map[string]any{"type": "interactive", "interactive": map[string]any{"type": "button", "body": map[string]any{"text": "Pickup?"},
		"action": map[string]any{"buttons": []any{map[string]any{"type": "reply", "reply": map[string]any{"id": "pickup", "title": "Pickup"}}}}}})
	list := sendTo(map[string]any{"type": "interactive", "interactive": map[string]any{"type": "list", "body": map[string]any{"text": "When?"},
		"action": map[string]any{"button": "Times", "sections": []any{map[string]any{"rows": []any{map[string]any{"id": "t17", "title": "17:00", "description": "Evening"}}}}}}})
	tpl := sendTo(map[string]any{"type": "template", "template": map[string]any{"name": "order_ready", "language": map[string]string{"code": "en_US"},
		"components": []any{map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "text", "text": "Sheena"}, map[string]any{"type": "text", "text": "#1"}}}}}})
	ids := map[string]string{"wh_text": textID}
	inject := func(name string, in Inbound) {
		in.PhoneNumberID, in.From, in.Name = phoneID, customerID, "Sheena Nelson"
		ids[name] = mustInject(t, ts.Sim, in)
	}
	inject("wh_button_reply", Inbound{ContextID: btn, ButtonReply: &Reply{ID: "pickup", Title: "Pickup"}})
	inject("wh_list_reply", Inbound{ContextID: list, ListReply: &Reply{ID: "t17", Title: "17:00", Description: "Evening"}})
	inject("wh_button", Inbound{ContextID: tpl, Button: &ButtonPress{Payload: "OMW", Text: "On my way"}})
	inject("wh_location", Inbound{Location: &Location{Latitude: 38.72, Longitude: -9.13, Name: "Praça", Address: "Lisboa", URL: "https://example.org/p"}})
	inject("wh_image", Inbound{Image: &Image{Data: data, Caption: "this"}})
	inject("wh_order", Inbound{Order: &Order{Items: []OrderItem{{ProductRetailerID: "croissant", Quantity: 2}}}})
	inject("wh_reaction", Inbound{Reaction: &Reaction{MessageID: btn, Emoji: "❤️"}})
	failed := messageID(t, ts.sendText(t, phoneID, "5511977770000", "never wrote to us"))

	posts := h.waitFor("contract webhooks", func(ps []received) bool {
		gotIDs := map[string]bool{}
		for _, m := range inboundMessages(ps) {
			gotIDs[m["id"].(string)] = true
		}
		for _, id := range ids {
			if !gotIDs[id] {
				return false
			}
		}
		templateUpdate := false
		for _, c := range webhookChanges(ps) {
			templateUpdate = templateUpdate || c["field"] == "message_template_status_update"
		}
		return templateUpdate && len(statusesOf(ps, failed)) == 1 && len(statusesOf(ps, tpl)) >= 1
	})
	for _, p := range posts {
		var body any
		_ = json.Unmarshal(p.raw, &body)
		for _, c := range webhookChanges([]received{p}) {
			v, _ := c["value"].(map[string]any)
			if c["field"] == "message_template_status_update" {
				w.bodies["wh_template_status"] = body
				continue
			}
			if msgs, _ := v["messages"].([]any); len(msgs) == 1 {
				id := msgs[0].(map[string]any)["id"]
				for name, want := range ids {
					if want == id {
						w.bodies[name] = body
					}
				}
			}
			if sts, _ := v["statuses"].([]any); len(sts) == 1 {
				st := sts[0].(map[string]any)
				if st["id"] == failed {
					w.bodies["wh_failed_status"] = body
				}
				if st["id"] == tpl && st["status"] == "sent" {
					w.bodies["wh_status"] = body
				}
			}
		}
	}

	keep("media_delete", ts.call(t, "DELETE", "/v23.0/"+mediaID, nil), 200)
	keep("template_delete", ts.call(t, "DELETE", "/v23.0/"+ownedWABA+"/message_templates?name=contract_promo", nil), 200)
	keep("error_unknown", get("/v23.0/999999999999999"), 400)
	ts.RevokeToken()
	keep("error_revoked", get("/v23.0/"+bizID+"/owned_whatsapp_business_accounts"), 401)
	ts.RestoreToken()
	keep("unsubscribe", ts.call(t, "DELETE", "/v23.0/"+ownedWABA+"/subscribed_apps", nil), 200)
	return w
}

func (w *contractWorld) body(t *testing.T, name string) any {
	t.Helper()
	b, ok := w.bodies[name]
	if !ok {
		t.Fatalf("the contract session produced no %q", name)
	}
	return b
}

func TestContractFixtures(t *testing.T) {
	w := getWorld(t)
	tests := []struct{ fixture, produced string }{
		{"owned_wabas.json", "owned"},
		{"client_wabas.json", "client"},
		{"phone_numbers.json", "phone_numbers"},
		{"phone_number.json", "phone"},
		{"waba.json", "waba"},
		{"subscribed_apps_post.json", "subscribe"},
		{"subscribed_apps_get.json", "subscribed_apps"},
		{"success.json", "unsubscribe"},
		{"business_profile.json", "profile"},
		{"success.json", "profile_update"},
		{"commerce_settings.json", "commerce"},
		{"success.json", "commerce_update"},
		{"templates_list.json", "templates"},
		{"template_get.json", "template"},
		{"template_create.json", "template_create"},
		{"success.json", "template_edit"},
		{"success.json", "template_delete"},
		{"send_message.json", "send"},
		{"success.json", "mark_read"},
		{"media_upload.json", "media_upload"},
		{"media_info.json", "media_info"},
		{"success.json", "media_delete"},
		{"error_revoked.json", "error_revoked"},
		{"error_unknown_object.json", "error_unknown"},
		{"webhook_text.json", "wh_text"},
		{"webhook_image.json", "wh_image"},
		{"webhook_location.json", "wh_location"},
		{"webhook_button_reply.json", "wh_button_reply"},
		{"webhook_list_reply.json", "wh_list_reply"},
		{"webhook_button.json", "wh_button"},
		{"webhook_order.json", "wh_order"},
		{"webhook_reaction.json", "wh_reaction"},
		{"webhook_status.json", "wh_status"},
		{"webhook_failed_status.json", "wh_failed_status"},
		{"webhook_template_status.json", "wh_template_status"},
	}
	for _, tc := range tests {
		t.Run(tc.produced, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "contract", tc.fixture))
			if err != nil {
				t.Fatal(err)
			}
			var want any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%s: %v", tc.fixture, err)
			}
			if p := shapeMismatches(want, w.body(t, tc.produced)); len(p) > 0 {
				t.Errorf("%s vs %s:\n  %s", tc.produced, tc.fixture, strings.Join(p, "\n  "))
			}
		})
	}
}

// Meta's OpenAPI description.

const specRelPath = "../shared/contracts/meta/business-messaging-api_v23.0.yaml"

func loadSpec(t *testing.T) map[string]any {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the package: cannot locate ../shared/contracts")
		}
		dir = parent
	}
	path := filepath.Join(dir, filepath.FromSlash(specRelPath))
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("Meta's OpenAPI contract is not available at %s (no ../shared next to the repository); testdata/contract fixtures are checked by TestContractFixtures", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	norm, _ := toJSONValue(doc).(map[string]any)
	if norm == nil {
		t.Fatalf("%s is not a YAML mapping", path)
	}
	return norm
}

// toJSONValue turns decoded YAML into the types encoding/json produces.
func toJSONValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, vv := range x {
			out[k] = toJSONValue(vv)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, vv := range x {
			out[fmt.Sprint(k)] = toJSONValue(vv)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = toJSONValue(vv)
		}
		return out
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case float32:
		return float64(x)
	}
	return v
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// specExamples returns an operation's examples for a response status or,
// with status "request", for the request body.
func specExamples(spec map[string]any, path, method, status string) map[string]any {
	var content any
	if status == "request" {
		content = dig(spec, "paths", path, method, "requestBody", "content", "application/json")
	} else {
		content = dig(spec, "paths", path, method, "responses", status, "content", "application/json")
	}
	out := map[string]any{}
	if exs, ok := dig(content, "examples").(map[string]any); ok {
		for name, ex := range exs {
			if v := dig(ex, "value"); v != nil {
				out[name] = v
			}
		}
	}
	if ex := dig(content, "example"); ex != nil {
		out["example"] = ex
	}
	return out
}

func TestContractMetaSpecResponses(t *testing.T) {
	spec := loadSpec(t)
	w := getWorld(t)
	unwrapProfile := func(v any) any {
		// The spec example nests the profile in business_profile; Meta's
		// reference and live API answer the fields directly in data[0].
		inner := dig(v, "data")
		arr, _ := inner.([]any)
		if len(arr) == 0 {
			return v
		}
		return map[string]any{"data": []any{dig(arr[0], "business_profile")}}
	}
	tests := []struct {
		path, method, status string
		examples             []string
		produced             string
		transform            func(any) any
	}{
		{"/{Version}/{Business-ID}/owned_whatsapp_business_accounts", "get", "200", []string{"multiple_accounts", "single_account"}, "owned", nil},
		{"/{Version}/{Business-ID}/owned_whatsapp_business_accounts", "get", "401", []string{"example"}, "error_revoked", nil},
		{"/{Version}/{Business-ID}/owned_whatsapp_business_accounts", "get", "400", []string{"example"}, "error_unknown", nil},
		{"/{Version}/{Business-ID}/client_whatsapp_business_accounts", "get", "200", []string{"multiple_accounts", "single_account"}, "client", nil},
		{"/{Version}/{WABA-ID}/phone_numbers", "get", "200", []string{"multiple_phone_numbers", "single_phone_number"}, "phone_numbers", nil},
		{"/{Version}/{Phone-Number-ID}", "get", "200", []string{"default_response", "with_name_status", "with_verification_status", "comprehensive_response"}, "phone", nil},
		{"/{Version}/{WABA-ID}", "get", "200", []string{"verified_account", "basic_account"}, "waba", nil},
		{"/{Version}/{WABA-ID}/subscribed_apps", "get", "200", []string{"multiple_subscriptions"}, "subscribed_apps", nil},
		{"/{Version}/{WABA-ID}/subscribed_apps", "post", "200", []string{"custom_callback_success", "basic_subscription_success"}, "subscribe", nil},
		{"/{Version}/{WABA-ID}/subscribed_apps", "delete", "200", []string{"unsubscribe_success"}, "unsubscribe", nil},
		{"/{Version}/{Phone-Number-ID}/whatsapp_business_profile", "get", "200", []string{"business_profile_details"}, "profile", unwrapProfile},
		{"/{Version}/{Phone-Number-ID}/whatsapp_business_profile", "post", "200", []string{"profile_update_success"}, "profile_update", nil},
		{"/{Version}/{Phone-Number-ID}/whatsapp_commerce_settings", "get", "200", []string{"Example response"}, "commerce", nil},
		{"/{Version}/{Phone-Number-ID}/whatsapp_commerce_settings", "post", "200", []string{"Example response"}, "commerce_update", nil},
		{"/{Version}/{WABA-ID}/message_templates", "get", "200", []string{"Example response"}, "templates", nil},
		{"/{Version}/{WABA-ID}/message_templates", "post", "200", []string{"Example response", "Create Flow Template Message by ID"}, "template_create", nil},
		{"/{Version}/{WABA-ID}/message_templates", "delete", "200", []string{"Example response"}, "template_delete", nil},
		{"/{Version}/{TEMPLATE_ID}", "get", "200", []string{"Example response"}, "template", nil},
		{"/{Version}/{TEMPLATE_ID}", "post", "200", []string{"Example response"}, "template_edit", nil},
		{"/{Version}/{Phone-Number-ID}/messages", "post", "200", []string{"Example response", "Send Text Message", "Send Reply Button", "Send Message Template Text"}, "send", nil},
		{"/{Version}/{Phone-Number-ID}/messages", "post", "200", []string{"Send typing indicator and read receipt"}, "mark_read", nil},
		{"/{Version}/{Phone-Number-ID}/media", "post", "200", []string{"Upload Image JSON"}, "media_upload", nil},
		{"/{Version}/{Media-ID}", "get", "200", []string{"Retrieve Media URL"}, "media_info", nil},
		{"/{Version}/{Media-ID}", "delete", "200", []string{"Delete Media"}, "media_delete", nil},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path+" "+tc.status+" "+tc.produced, func(t *testing.T) {
			exs := specExamples(spec, tc.path, tc.method, tc.status)
			if len(exs) == 0 {
				t.Fatalf("the spec has no examples for %s %s %s", tc.method, tc.path, tc.status)
			}
			got := w.body(t, tc.produced)
			for _, name := range tc.examples {
				want, ok := exs[name]
				if !ok {
					t.Fatalf("example %q not in the spec (have %v)", name, keysOf(exs))
				}
				if tc.transform != nil {
					want = tc.transform(want)
				}
				if p := shapeMismatches(want, got); len(p) > 0 {
					t.Errorf("example %q:\n  %s", name, strings.Join(p, "\n  "))
				}
			}
		})
	}
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestContractMetaSpecWebhooks(t *testing.T) {
	spec := loadSpec(t)
	w := getWorld(t)
	exs := specExamples(spec, "/whatsapp/webhooks", "post", "request")
	tests := []struct{ example, produced string }{
		{"Text Message", "wh_text"},
		{"Reaction Message", "wh_reaction"},
		{"Image Message", "wh_image"},
		{"Location Message", "wh_location"},
		{"Button Message", "wh_button"},
		{"Interactive List Reply Message", "wh_list_reply"},
		{"Interactive Button Reply Message", "wh_button_reply"},
		{"Order Message", "wh_order"},
	}
	for _, tc := range tests {
		t.Run(tc.example, func(t *testing.T) {
			want, ok := exs[tc.example]
			if !ok {
				t.Fatalf("webhook example %q not in the spec (have %v)", tc.example, keysOf(exs))
			}
			if p := shapeMismatches(want, w.body(t, tc.produced)); len(p) > 0 {
				t.Errorf("%s:\n  %s", tc.example, strings.Join(p, "\n  "))
			}
		})
	}
}

// TestContractMetaSpecSendExamples sends every documented request example of
// POST /messages (placeholders filled in) and expects Meta's answer: 200 for
// everything except templates that do not exist in the simulator (132001).
func TestContractMetaSpecSendExamples(t *testing.T) {
	spec := loadSpec(t)
	exs := specExamples(spec, "/{Version}/{Phone-Number-ID}/messages", "post", "request")
	if len(exs) < 20 {
		t.Fatalf("only %d send examples in the spec", len(exs))
	}
	ts := startSim(t, contractConfig)
	inbound := mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "hi"})
	media := uploadMedia(t, ts, phoneID, "p.png", "image/png", pngBytes(t))
	var fill func(key string, v any) any
	fill = func(key string, v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, vv := range x {
				out[k] = fill(k, vv)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, vv := range x {
				out[i] = fill(key, vv)
			}
			return out
		case string:
			switch {
			case key == "message_id":
				return inbound
			case strings.Contains(x, "Recipient"):
				return customerID
			case strings.HasPrefix(x, "<") && strings.HasSuffix(x, "OBJECT_ID>"):
				return media
			case strings.Contains(x, "http(s)://") || strings.HasPrefix(x, "<http"):
				return "https://example.com/media/file"
			}
		}
		return v
	}
	names := keysOf(exs)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			body := fill("", exs[name]).(map[string]any)
			res := ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", body)
			isTemplate := body["template"] != nil
			known := isTemplate && dig(body, "template", "name") == "hello_world"
			switch {
			case isTemplate && !known:
				if res.errCode() != 132001 {
					t.Fatalf("template %v: want 132001 (not in the simulator), got %d %s", dig(body, "template", "name"), res.status, res.raw)
				}
			case res.status != 200:
				t.Fatalf("want 200, got %d %s", res.status, res.raw)
			case body["status"] == "read":
				if res.body["success"] != true {
					t.Fatalf("read receipt answer %s", res.raw)
				}
			default:
				messageID(t, res)
			}
		})
	}
}
