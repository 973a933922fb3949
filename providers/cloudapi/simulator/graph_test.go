package simulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestOwnedWABAsAuth(t *testing.T) {
	ts := startSim(t, nil)
	path := "/v23.0/" + bizID + "/owned_whatsapp_business_accounts"
	tests := []struct {
		name       string
		token      string
		query      string
		wantStatus int
		wantCode   int
	}{
		{name: "bearer token", token: ts.token, wantStatus: 200},
		{name: "access_token query", query: "?access_token=" + url.QueryEscape(ts.token), wantStatus: 200},
		{name: "wrong token", token: "EAAwrong", wantStatus: 401, wantCode: 190},
		{name: "missing token", wantStatus: 401, wantCode: 104},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := ts.callToken(t, tc.token, "GET", path+tc.query, nil)
			if res.status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", res.status, tc.wantStatus, res.raw)
			}
			if tc.wantCode != 0 {
				if res.errCode() != tc.wantCode {
					t.Fatalf("error code %d, want %d: %s", res.errCode(), tc.wantCode, res.raw)
				}
				if res.errField("type") != "OAuthException" || res.errField("fbtrace_id") == "" {
					t.Fatalf("error envelope incomplete: %s", res.raw)
				}
				if !strings.Contains(res.header.Get("WWW-Authenticate"), "invalid_token") {
					t.Errorf("no WWW-Authenticate header: %v", res.header)
				}
				return
			}
			data, _ := res.body["data"].([]any)
			if len(data) != 1 {
				t.Fatalf("data has %d WABAs, want 1: %s", len(data), res.raw)
			}
			w := data[0].(map[string]any)
			if w["id"] != ownedWABA || w["message_template_namespace"] == nil || w["timezone_id"] != "1" {
				t.Errorf("unexpected WABA %v", w)
			}
		})
	}
}

func TestRevokedTokenFailsHealthChecks(t *testing.T) {
	ts := startSim(t, nil)
	paths := []string{
		"/v23.0/" + phoneID,
		"/v23.0/" + ownedWABA + "/phone_numbers",
		"/v23.0/" + bizID + "/client_whatsapp_business_accounts",
	}
	ts.RevokeToken()
	for _, p := range paths {
		res := ts.call(t, "GET", p, nil)
		if res.status != 401 || res.errCode() != 190 || res.errField("error_subcode") != float64(460) {
			t.Errorf("GET %s after revoke: %d %s", p, res.status, res.raw)
		}
	}
	ts.RestoreToken()
	for _, p := range paths {
		if res := ts.call(t, "GET", p, nil); res.status != 200 {
			t.Errorf("GET %s after restore: %d %s", p, res.status, res.raw)
		}
	}
}

func TestUnknownObject(t *testing.T) {
	ts := startSim(t, nil)
	tests := []struct{ method, path, verb string }{
		{"GET", "/v23.0/999999999999999", "get"},
		{"GET", "/v23.0/999999999999999/phone_numbers", "get"},
		{"POST", "/v23.0/999999999999999/messages", "post"},
		{"DELETE", "/v21.0/999999999999999/subscribed_apps", "delete"},
	}
	for _, tc := range tests {
		res := ts.call(t, tc.method, tc.path, nil)
		if res.status != 400 || res.errCode() != 100 || res.errField("error_subcode") != float64(33) || res.errField("type") != "GraphMethodException" {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, res.status, res.raw)
			continue
		}
		msg, _ := res.errField("message").(string)
		if !strings.HasPrefix(msg, "Unsupported "+tc.verb+" request. Object with ID '999999999999999' does not exist") {
			t.Errorf("%s %s: message %q", tc.method, tc.path, msg)
		}
	}
	if res := ts.call(t, "GET", "/v23.0/"+ownedWABA+"/nonsense_edge", nil); res.status != 400 || res.errCode() != 100 {
		t.Errorf("unknown edge: %d %s", res.status, res.raw)
	}
}

func TestWABAPaging(t *testing.T) {
	ts := startSim(t, func(c *Config) {
		b := &c.Businesses[0]
		extra := b.ClientWABAs[0]
		extra.ID, extra.Name, extra.PhoneNumbers, extra.Templates = "104500000000033", "Second client", nil, nil
		third := extra
		third.ID, third.Name = "104500000000044", "Third client"
		b.ClientWABAs = append(b.ClientWABAs, extra, third)
	})
	var ids []string
	next := "/v23.0/" + bizID + "/client_whatsapp_business_accounts?limit=2"
	pages := 0
	for next != "" {
		res := ts.call(t, "GET", next, nil)
		if res.status != 200 {
			t.Fatalf("GET %s: %d %s", next, res.status, res.raw)
		}
		pages++
		for _, d := range res.body["data"].([]any) {
			w := d.(map[string]any)
			ids = append(ids, w["id"].(string))
			if w["ownership_type"] != "CLIENT_OWNED" || w["currency"] == nil {
				t.Errorf("client WABA lacks default fields: %v", w)
			}
		}
		pg, _ := res.body["paging"].(map[string]any)
		cur, _ := pg["cursors"].(map[string]any)
		if cur["before"] == nil || cur["after"] == nil {
			t.Fatalf("paging without cursors: %s", res.raw)
		}
		next, _ = pg["next"].(string)
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	want := []string{clientWABA, "104500000000033", "104500000000044"}
	if strings.Join(ids, ",") != strings.Join(want, ",") || pages != 2 {
		t.Fatalf("paged ids %v over %d pages, want %v over 2", ids, pages, want)
	}

	// before= walks back.
	first := ts.call(t, "GET", "/v23.0/"+bizID+"/client_whatsapp_business_accounts?limit=1&after="+encodeCursor(clientWABA), nil)
	prev, _ := first.body["paging"].(map[string]any)["previous"].(string)
	if prev == "" {
		t.Fatalf("second page has no previous link: %s", first.raw)
	}
	back := ts.call(t, "GET", prev, nil)
	if d := back.body["data"].([]any); len(d) != 1 || d[0].(map[string]any)["id"] != clientWABA {
		t.Fatalf("previous page: %s", back.raw)
	}
	if res := ts.call(t, "GET", "/v23.0/"+bizID+"/client_whatsapp_business_accounts?after=garbage", nil); res.status != 400 || res.errCode() != 100 {
		t.Fatalf("bad cursor: %d %s", res.status, res.raw)
	}
}

func TestPhoneNumbers(t *testing.T) {
	ts := startSim(t, nil)
	res := ts.call(t, "GET", "/v23.0/"+ownedWABA+"/phone_numbers", nil)
	if res.status != 200 {
		t.Fatalf("list: %d %s", res.status, res.raw)
	}
	data := res.body["data"].([]any)
	if len(data) != 2 {
		t.Fatalf("want 2 numbers: %s", res.raw)
	}
	byID := map[string]map[string]any{}
	for _, d := range data {
		m := d.(map[string]any)
		byID[m["id"].(string)] = m
	}
	usable, pending := byID[phoneID], byID[pendingID]
	if usable["status"] != "CONNECTED" || usable["code_verification_status"] != "VERIFIED" || usable["quality_rating"] != "GREEN" || usable["messaging_limit_tier"] != "TIER_1K" {
		t.Errorf("usable number: %v", usable)
	}
	if pending["status"] != "PENDING" || pending["code_verification_status"] != "NOT_VERIFIED" {
		t.Errorf("pending number: %v", pending)
	}

	tests := []struct {
		name   string
		path   string
		want   []string
		absent []string
	}{
		{name: "fields on list", path: "/v23.0/" + ownedWABA + "/phone_numbers?fields=display_phone_number,status",
			want: []string{"id", "display_phone_number", "status"}, absent: []string{"quality_rating", "verified_name"}},
		{name: "default single", path: "/v23.0/" + phoneID,
			want: []string{"id", "display_phone_number", "verified_name", "quality_rating", "code_verification_status", "name_status"}},
		{name: "health status", path: "/v23.0/" + pendingID + "?fields=health_status,status",
			want: []string{"id", "health_status", "status"}, absent: []string{"verified_name"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := ts.call(t, "GET", tc.path, nil)
			if res.status != 200 {
				t.Fatalf("%d %s", res.status, res.raw)
			}
			obj := res.body
			if d, ok := obj["data"].([]any); ok {
				obj = d[0].(map[string]any)
			}
			for _, k := range tc.want {
				if _, ok := obj[k]; !ok {
					t.Errorf("missing %s in %v", k, obj)
				}
			}
			for _, k := range tc.absent {
				if _, ok := obj[k]; ok {
					t.Errorf("unexpected %s in %v", k, obj)
				}
			}
		})
	}
	hs := ts.call(t, "GET", "/v23.0/"+pendingID+"?fields=health_status", nil).body["health_status"].(map[string]any)
	if hs["can_send_message"] != "BLOCKED" {
		t.Errorf("pending number health: %v", hs)
	}
}

func TestBusinessProfileAndCommerce(t *testing.T) {
	ts := startSim(t, nil)
	res := ts.call(t, "GET", "/v23.0/"+phoneID+"/whatsapp_business_profile", nil)
	p := res.body["data"].([]any)[0].(map[string]any)
	if p["messaging_product"] != "whatsapp" || p["about"] != "Fresh bread every morning 🥐" {
		t.Fatalf("profile: %s", res.raw)
	}
	update := map[string]any{"messaging_product": "whatsapp", "about": "Open 7–19h", "websites": []string{"https://a.example", "https://b.example"}, "vertical": "RETAIL"}
	if res := ts.call(t, "POST", "/v23.0/"+phoneID+"/whatsapp_business_profile", update); res.status != 200 || res.body["success"] != true {
		t.Fatalf("update profile: %d %s", res.status, res.raw)
	}
	res = ts.call(t, "GET", "/v23.0/"+phoneID+"/whatsapp_business_profile?fields=about,vertical", nil)
	p = res.body["data"].([]any)[0].(map[string]any)
	if p["about"] != "Open 7–19h" || p["vertical"] != "RETAIL" || p["email"] != nil {
		t.Fatalf("profile after update with fields: %s", res.raw)
	}
	bad := []map[string]any{
		{"messaging_product": "whatsapp", "vertical": "SPACESHIPS"},
		{"messaging_product": "whatsapp", "websites": []string{"ftp://x", "https://y"}},
		{"about": "no product"},
		{"messaging_product": "whatsapp", "about": strings.Repeat("a", 140)},
	}
	for _, b := range bad {
		if res := ts.call(t, "POST", "/v23.0/"+phoneID+"/whatsapp_business_profile", b); res.status != 400 || res.errCode() != 100 {
			t.Errorf("bad profile %v: %d %s", b, res.status, res.raw)
		}
	}

	res = ts.call(t, "GET", "/v23.0/"+phoneID+"/whatsapp_commerce_settings", nil)
	cs := res.body["data"].([]any)[0].(map[string]any)
	if cs["is_cart_enabled"] != true || cs["id"] == nil {
		t.Fatalf("commerce: %s", res.raw)
	}
	if res := ts.call(t, "POST", "/v23.0/"+phoneID+"/whatsapp_commerce_settings?is_cart_enabled=false", nil); res.status != 200 {
		t.Fatalf("set commerce: %d %s", res.status, res.raw)
	}
	res = ts.call(t, "GET", "/v23.0/"+phoneID+"/whatsapp_commerce_settings", nil)
	if cs := res.body["data"].([]any)[0].(map[string]any); cs["is_cart_enabled"] != false || cs["is_catalog_visible"] != true {
		t.Fatalf("commerce after update: %s", res.raw)
	}
}

func TestFormEncodedRequests(t *testing.T) {
	ts := startSim(t, nil)
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "hi"})
	form := url.Values{"messaging_product": {"whatsapp"}, "to": {customerID}, "type": {"text"}, "text": {`{"body":"form encoded"}`}, "access_token": {ts.token}}
	req, _ := http.NewRequest("POST", ts.srv.URL+"/v23.0/"+phoneID+"/messages", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res := doRequest(t, req)
	if res.status != 200 {
		t.Fatalf("form send: %d %s", res.status, res.raw)
	}
	messageID(t, res)
}
