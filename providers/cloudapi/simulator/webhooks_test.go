package simulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSubscribeHandshake(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "s3cret-verify")
	res := ts.call(t, "POST", "/v23.0/"+ownedWABA+"/subscribed_apps", map[string]string{"override_callback_uri": h.url(), "verify_token": "s3cret-verify"})
	if res.status != 200 || res.body["success"] != true {
		t.Fatalf("subscribe: %d %s", res.status, res.raw)
	}
	h.mu.Lock()
	hs := append([]map[string]string(nil), h.handshakes...)
	h.mu.Unlock()
	if len(hs) != 1 || hs[0]["mode"] != "subscribe" || hs[0]["token"] != "s3cret-verify" || hs[0]["challenge"] == "" {
		t.Fatalf("handshake requests: %v", hs)
	}
	var found bool
	for _, cb := range ts.Callbacks() {
		if cb.WABAID == ownedWABA {
			found = cb.Subscribed && cb.Verified && cb.URL == h.url()
		}
	}
	if !found {
		t.Fatalf("callback not registered: %+v", ts.Callbacks())
	}
	got := ts.call(t, "GET", "/v23.0/"+ownedWABA+"/subscribed_apps", nil)
	data := got.body["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["override_callback_uri"] != h.url() {
		t.Fatalf("subscribed_apps: %s", got.raw)
	}
	if res := ts.call(t, "DELETE", "/v23.0/"+ownedWABA+"/subscribed_apps", nil); res.body["success"] != true {
		t.Fatalf("unsubscribe: %s", res.raw)
	}
	if got := ts.call(t, "GET", "/v23.0/"+ownedWABA+"/subscribed_apps", nil); len(got.body["data"].([]any)) != 0 {
		t.Fatalf("still subscribed: %s", got.raw)
	}
}

func TestSubscribeHandshakeFailures(t *testing.T) {
	tests := []struct {
		name        string
		handshake   func(w http.ResponseWriter, r *http.Request)
		verifyToken string
		wantInMsg   string
	}{
		{name: "wrong verify token answers 403", verifyToken: "not-what-the-hook-expects", wantInMsg: "HTTP Status Code = 403"},
		{name: "echoes something else", verifyToken: "tok", handshake: func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("hello"))
		}, wantInMsg: "does not match challenge"},
		{name: "server error", verifyToken: "tok", handshake: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
		}, wantInMsg: "HTTP Status Code = 500"},
		{name: "challenge with trailing newline", verifyToken: "tok", handshake: func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(r.URL.Query().Get("hub.challenge") + "\n"))
		}, wantInMsg: "does not match challenge"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := startSim(t, nil)
			h := newHook(t, "tok")
			h.handshakeFn = tc.handshake
			res := ts.call(t, "POST", "/v23.0/"+ownedWABA+"/subscribed_apps", map[string]string{"override_callback_uri": h.url(), "verify_token": tc.verifyToken})
			if res.status != 400 || res.errCode() != 2200 {
				t.Fatalf("want 2200, got %d %s", res.status, res.raw)
			}
			if msg, _ := res.errField("message").(string); !strings.Contains(msg, tc.wantInMsg) || !strings.HasPrefix(msg, "(#2200) Callback verification failed") {
				t.Fatalf("message %q does not mention %q", msg, tc.wantInMsg)
			}
			for _, cb := range ts.Callbacks() {
				if cb.Subscribed {
					t.Fatalf("subscription registered after failed handshake: %+v", cb)
				}
			}
		})
	}
	ts := startSim(t, nil)
	res := ts.call(t, "POST", "/v23.0/"+ownedWABA+"/subscribed_apps", map[string]string{"override_callback_uri": "http://127.0.0.1:1/nothing", "verify_token": "x"})
	if res.errCode() != 2200 {
		t.Fatalf("unreachable callback: %d %s", res.status, res.raw)
	}
}

func TestInboundWebhookIsSignedAndEscaped(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "verify")
	ts.subscribe(t, h, ownedWABA)
	before := ts.Now().Unix()
	id := mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Name: "Sheena Nelson", Text: "Olá 👋 / até já"})
	posts := h.waitFor("inbound webhook", func(ps []received) bool { return len(inboundMessages(ps)) == 1 })
	p := posts[0]
	if !validSignature(ts.cfg.AppSecret, p.raw, p.header.Get("X-Hub-Signature-256")) {
		t.Fatalf("signature %q does not verify over the raw body", p.header.Get("X-Hub-Signature-256"))
	}
	if ct := p.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{`Ol\u00e1`, `\ud83d\udc4b`, `\/`, `at\u00e9`} {
		if !bytes.Contains(p.raw, []byte(want)) {
			t.Errorf("body lacks %s: %s", want, p.raw)
		}
	}
	for _, b := range p.raw {
		if b >= 0x80 {
			t.Fatalf("body is not pure ASCII: %s", p.raw)
		}
	}
	if p.body["object"] != "whatsapp_business_account" {
		t.Fatalf("object: %s", p.raw)
	}
	entry := p.body["entry"].([]any)[0].(map[string]any)
	change := entry["changes"].([]any)[0].(map[string]any)
	value := change["value"].(map[string]any)
	if entry["id"] != ownedWABA || change["field"] != "messages" {
		t.Fatalf("envelope: %s", p.raw)
	}
	meta := value["metadata"].(map[string]any)
	if meta["phone_number_id"] != phoneID || meta["display_phone_number"] != "15550102001" {
		t.Errorf("metadata: %v", meta)
	}
	contact := value["contacts"].([]any)[0].(map[string]any)
	if contact["wa_id"] != customerID || contact["profile"].(map[string]any)["name"] != "Sheena Nelson" {
		t.Errorf("contacts: %v", contact)
	}
	msg := value["messages"].([]any)[0].(map[string]any)
	if msg["id"] != id || msg["type"] != "text" || msg["from"] != customerID || msg["text"].(map[string]any)["body"] != "Olá 👋 / até já" {
		t.Errorf("message: %v", msg)
	}
	ts0, _ := strconv.ParseInt(msg["timestamp"].(string), 10, 64)
	if ts0 < before || ts0 > ts.Now().Unix() {
		t.Errorf("timestamp %d is not from the simulator clock (%d..)", ts0, before)
	}
	// A wrong secret must not verify: the test's check is meaningful.
	if validSignature("other", p.raw, p.header.Get("X-Hub-Signature-256")) {
		t.Fatal("signature verified with the wrong secret")
	}
}

func TestWebhookTimestampsFollowSimulatorClock(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	ts.AdvanceClock(48 * time.Hour)
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "later"})
	posts := h.waitFor("inbound", func(ps []received) bool { return len(inboundMessages(ps)) == 1 })
	got, _ := strconv.ParseInt(inboundMessages(posts)[0]["timestamp"].(string), 10, 64)
	if got < time.Now().Add(47*time.Hour).Unix() {
		t.Fatalf("timestamp %d ignores the advanced clock", got)
	}
}

func TestWebhookRetry(t *testing.T) {
	ts := startSim(t, nil)
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	h.mu.Lock()
	h.statuses = []int{500, 500}
	h.mu.Unlock()
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "retry me"})
	posts := h.waitFor("third attempt", func(ps []received) bool { return len(ps) >= 3 })
	if len(posts) != 3 {
		t.Fatalf("got %d posts, want 3", len(posts))
	}
	for i, p := range posts[1:] {
		if !bytes.Equal(p.raw, posts[0].raw) || p.header.Get("X-Hub-Signature-256") != posts[0].header.Get("X-Hub-Signature-256") {
			t.Fatalf("retry %d changed the body or signature", i+1)
		}
	}
	var attempts []int
	waitUntil(t, "three logged attempts", func() bool {
		attempts = attempts[:0]
		for _, d := range ts.Deliveries() {
			attempts = append(attempts, d.Status)
		}
		return len(attempts) >= 3
	})
	if len(attempts) != 3 || attempts[0] != 500 || attempts[1] != 500 || attempts[2] != 200 {
		t.Fatalf("delivery log statuses %v", attempts)
	}
	// The customer's message shows as delivered once the business got it.
	waitUntil(t, "customer message marked delivered", func() bool {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		return ts.chats[chatKey{phoneID, customerID}].messages[0].status == "delivered"
	})
}

func TestWebhookOrderAndGiveUp(t *testing.T) {
	ts := startSim(t, func(c *Config) { c.Webhook.MaxAttempts = 2 })
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	h.mu.Lock()
	h.statuses = []int{503, 503}
	h.mu.Unlock()
	for _, text := range []string{"one", "two", "three"} {
		mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: text})
	}
	posts := h.waitFor("two delivered", func(ps []received) bool { return len(ps) >= 4 })
	var texts []string
	for _, m := range inboundMessages(posts) {
		texts = append(texts, m["text"].(map[string]any)["body"].(string))
	}
	if strings.Join(texts, ",") != "one,one,two,three" {
		t.Fatalf("delivery order %v, want one (twice, then given up), two, three", texts)
	}
	waitUntil(t, "one dropped event", func() bool {
		dropped := 0
		for _, d := range ts.Deliveries() {
			if d.Dropped {
				dropped++
			}
		}
		return dropped == 1
	})
}

func TestWebhookDuplicates(t *testing.T) {
	ts := startSim(t, func(c *Config) { c.Webhook.DuplicateProbability = 1 })
	h := newHook(t, "v")
	ts.subscribe(t, h, ownedWABA)
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "dup"})
	posts := h.waitFor("duplicate", func(ps []received) bool { return len(ps) >= 2 })
	if !bytes.Equal(posts[0].raw, posts[1].raw) {
		t.Fatal("duplicate delivery differs from the original")
	}
}

func TestWebhookBatching(t *testing.T) {
	ts := startSim(t, func(c *Config) { c.Webhook.BatchSize = 10 })
	h := newHook(t, "v")
	// Queue events before subscribing would drop them; subscribe first and
	// block delivery with a failing answer so events pile up.
	ts.subscribe(t, h, ownedWABA)
	h.mu.Lock()
	h.statuses = []int{500}
	h.mu.Unlock()
	for i := 0; i < 3; i++ {
		mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "batch " + strconv.Itoa(i)})
	}
	h.waitFor("all three messages", func(ps []received) bool {
		if len(ps) < 2 {
			return false
		}
		seen := map[string]bool{}
		for _, m := range inboundMessages(ps[1:]) {
			seen[m["text"].(map[string]any)["body"].(string)] = true
		}
		return len(seen) == 3
	})
}

func TestEventsWithoutSubscriptionAreDropped(t *testing.T) {
	ts := startSim(t, nil)
	mustInject(t, ts.Sim, Inbound{PhoneNumberID: phoneID, From: customerID, Text: "nobody listens"})
	waitUntil(t, "dropped delivery", func() bool {
		ds := ts.Deliveries()
		return len(ds) == 1 && ds[0].Dropped
	})
}

func TestMarshalMeta(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{name: "ascii", in: map[string]string{"a": "b"}, want: `{"a":"b"}`},
		{name: "latin", in: map[string]string{"t": "Olá"}, want: `{"t":"Ol\u00e1"}`},
		{name: "emoji surrogate pair", in: map[string]string{"t": "👋"}, want: `{"t":"\ud83d\udc4b"}`},
		{name: "slash", in: map[string]string{"u": "https://x.y/z"}, want: `{"u":"https:\/\/x.y\/z"}`},
		{name: "html stays", in: map[string]string{"h": "<a&b>"}, want: `{"h":"<a&b>"}`},
		{name: "backslash before slash", in: map[string]string{"b": `a\/b`}, want: `{"b":"a\\\/b"}`},
		{name: "non-ascii key", in: map[string]int{"ç": 1}, want: `{"\u00e7":1}`},
		{name: "cjk", in: []string{"你好"}, want: `["\u4f60\u597d"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := marshalMeta(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			// It must decode to the same value as the plain encoding.
			var a, b any
			plain, _ := json.Marshal(tc.in)
			_ = json.Unmarshal(plain, &a)
			if err := json.Unmarshal(got, &b); err != nil {
				t.Fatalf("escaped JSON does not decode: %v", err)
			}
			ab, _ := json.Marshal(a)
			bb, _ := json.Marshal(b)
			if !bytes.Equal(ab, bb) {
				t.Fatalf("round trip differs: %s vs %s", ab, bb)
			}
		})
	}
}
