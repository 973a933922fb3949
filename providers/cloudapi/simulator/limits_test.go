package simulator

import (
	"testing"
)

func helloTo(ts *testSim, t *testing.T, to string) apiResult {
	return ts.call(t, "POST", "/v23.0/"+phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "to": to, "type": "template",
		"template": map[string]any{"name": "hello_world", "language": map[string]string{"code": "en_US"}}})
}

// TestLimiterRefusesNewCustomersOverThePortfolioLimit: with a limit of 2,
// a third new customer is refused (131048) while reached customers and
// replies inside an open window still go; the business_capability_update
// webhook says the new limit; 24 hours later the places are free again.
func TestLimiterRefusesNewCustomersOverThePortfolioLimit(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	if res := ts.call(t, "POST", "/_sim/limits", map[string]any{"business_id": bizID, "limit": 2}); res.status != 200 {
		t.Fatalf("set limit: %d %s", res.status, res.raw)
	}
	h.waitFor("business_capability_update", func(ps []received) bool {
		for _, c := range webhookChanges(ps) {
			if c["field"] == "business_capability_update" {
				v, _ := c["value"].(map[string]any)
				return v["max_daily_conversations_per_business"] == float64(2)
			}
		}
		return false
	})
	for _, to := range []string{"16505550001", "16505550002", "16505550001"} {
		if res := helloTo(ts, t, to); res.status != 200 {
			t.Fatalf("template to %s: %d %s", to, res.status, res.raw)
		}
	}
	if res := helloTo(ts, t, "16505550003"); res.status != 400 || res.errCode() != 131048 {
		t.Fatalf("third new customer: %d %s, want 131048", res.status, res.raw)
	}
	// A customer who wrote has an open window: a reply and a template go.
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: "16505550004", Text: "hi"})
	if res := ts.sendText(t, phoneID, "16505550004", "hello"); res.status != 200 {
		t.Fatalf("reply inside the window: %d %s", res.status, res.raw)
	}
	if res := helloTo(ts, t, "16505550004"); res.status != 200 {
		t.Fatalf("template inside the window: %d %s", res.status, res.raw)
	}
	uses := ts.PortfolioUses()
	if len(uses) == 0 || uses[0].Limit != 2 || uses[0].Reached != 2 {
		t.Errorf("uses = %+v", uses)
	}
	ts.AdvanceClock(24*60*60*1e9 + 1)
	if res := helloTo(ts, t, "16505550003"); res.status != 200 {
		t.Fatalf("a day later: %d %s", res.status, res.raw)
	}
}

func TestAccountControls(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	if res := ts.call(t, "POST", "/_sim/account/payment", map[string]any{"waba_id": ownedWABA, "failing": true}); res.status != 200 {
		t.Fatal(res.status)
	}
	if res := helloTo(ts, t, "16505550001"); res.errCode() != 131042 {
		t.Fatalf("payment failing: %s", res.raw)
	}
	ts.call(t, "POST", "/_sim/account/payment", map[string]any{"waba_id": ownedWABA, "failing": false})
	ts.call(t, "POST", "/_sim/account/restrict", map[string]any{"waba_id": ownedWABA, "restriction": "RESTRICTED_BIZ_INITIATED_MESSAGING", "hours": 24})
	if res := helloTo(ts, t, "16505550001"); res.errCode() != 131031 {
		t.Fatalf("restricted: %s", res.raw)
	}
	for _, field := range []string{"account_update"} {
		h.waitFor(field, func(ps []received) bool {
			for _, c := range webhookChanges(ps) {
				if c["field"] == field {
					return true
				}
			}
			return false
		})
	}
	if res := ts.call(t, "POST", "/_sim/templates/pause", map[string]any{"waba_id": ownedWABA, "name": "hello_world", "language": "en_US", "title": "FIRST_PAUSE"}); res.status != 200 {
		t.Fatalf("pause: %s", res.raw)
	}
	h.waitFor("PAUSED with other_info", func(ps []received) bool {
		for _, c := range webhookChanges(ps) {
			v, _ := c["value"].(map[string]any)
			if c["field"] == "message_template_status_update" && v["event"] == "PAUSED" && v["other_info"] != nil {
				return true
			}
		}
		return false
	})
	if res := ts.call(t, "POST", "/_sim/quality", map[string]any{"phone_number_id": phoneID, "event": "DOWNGRADE", "quality": "YELLOW"}); res.status != 200 {
		t.Fatalf("quality: %s", res.raw)
	}
	h.waitFor("phone_number_quality_update", func(ps []received) bool {
		for _, c := range webhookChanges(ps) {
			if c["field"] == "phone_number_quality_update" {
				return true
			}
		}
		return false
	})
	res := ts.call(t, "GET", "/v23.0/"+phoneID+"?fields=quality_rating,whatsapp_business_manager_messaging_limit", nil)
	if res.body["quality_rating"] != "YELLOW" || res.body["whatsapp_business_manager_messaging_limit"] == nil {
		t.Errorf("number = %s", res.raw)
	}
}
