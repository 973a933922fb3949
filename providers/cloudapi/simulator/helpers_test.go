package simulator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test fixtures taken from DefaultConfig.
const (
	bizID       = "512300000000001"
	ownedWABA   = "104500000000011"
	clientWABA  = "104500000000022"
	phoneID     = "110200000000101"
	pendingID   = "110200000000102"
	clientPhone = "110200000000201"
	customerID  = "16505551234"
)

// waitTimeout bounds every wait for an asynchronous event. Tests wait for
// events, they never assert how long something took.
const waitTimeout = 10 * time.Second

type testSim struct {
	*Sim
	srv   *httptest.Server
	token string
}

// fastConfig is DefaultConfig with short delays and no random duplicates.
func fastConfig() Config {
	cfg := DefaultConfig()
	cfg.StatusDelay = 2 * time.Millisecond
	cfg.TemplateReviewDelay = 10 * time.Millisecond
	cfg.ReadAfter = 0
	cfg.Webhook.RetryInitial = 5 * time.Millisecond
	cfg.Webhook.RetryMax = 20 * time.Millisecond
	cfg.Webhook.DuplicateProbability = 0
	cfg.Seed = 42
	return cfg
}

func startSim(t *testing.T, mutate func(*Config)) *testSim {
	t.Helper()
	cfg := fastConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	sim, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		srv.Close()
		sim.Close()
	})
	return &testSim{Sim: sim, srv: srv, token: cfg.AccessToken}
}

type apiResult struct {
	status int
	raw    []byte
	body   map[string]any
	header http.Header
}

func (r apiResult) errCode() int {
	e, _ := r.body["error"].(map[string]any)
	if e == nil {
		return 0
	}
	c, _ := e["code"].(float64)
	return int(c)
}

func (r apiResult) errField(name string) any {
	e, _ := r.body["error"].(map[string]any)
	if e == nil {
		return nil
	}
	return e[name]
}

// call performs a Graph request with the simulator's token. body may be nil,
// a []byte/string (sent as is) or any value (sent as JSON).
func (ts *testSim) call(t *testing.T, method, path string, body any) apiResult {
	t.Helper()
	return ts.callToken(t, ts.token, method, path, body)
}

func (ts *testSim) callToken(t *testing.T, token, method, path string, body any) apiResult {
	t.Helper()
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
		contentType = "application/json"
	case string:
		rd = strings.NewReader(b)
		contentType = "application/json"
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("encode request: %v", err)
		}
		rd = bytes.NewReader(enc)
		contentType = "application/json"
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = ts.srv.URL + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return doRequest(t, req)
}

func doRequest(t *testing.T, req *http.Request) apiResult {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	res := apiResult{status: resp.StatusCode, raw: raw, header: resp.Header}
	if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(raw, &res.body); err != nil {
			t.Fatalf("%s %s: decode %q: %v", req.Method, req.URL, raw, err)
		}
	}
	return res
}

// hook is a webhook receiver that answers Meta's handshake and records
// every POST.
type hook struct {
	t           *testing.T
	srv         *httptest.Server
	verifyToken string
	mu          sync.Mutex
	handshakes  []map[string]string
	posts       []received
	statuses    []int // answers to give to the next POSTs (then 200)
	notify      chan struct{}
	handshakeFn func(w http.ResponseWriter, r *http.Request)
}

type received struct {
	raw    []byte
	header http.Header
	body   map[string]any
}

func newHook(t *testing.T, verifyToken string) *hook {
	h := &hook{t: t, verifyToken: verifyToken, notify: make(chan struct{}, 1000)}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		h.mu.Lock()
		h.handshakes = append(h.handshakes, map[string]string{"mode": q.Get("hub.mode"), "token": q.Get("hub.verify_token"), "challenge": q.Get("hub.challenge")})
		fn := h.handshakeFn
		h.mu.Unlock()
		if fn != nil {
			fn(w, r)
			return
		}
		if q.Get("hub.mode") == "subscribe" && q.Get("hub.verify_token") == h.verifyToken {
			_, _ = io.WriteString(w, q.Get("hub.challenge"))
			return
		}
		w.WriteHeader(http.StatusForbidden)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	h.mu.Lock()
	h.posts = append(h.posts, received{raw: raw, header: r.Header.Clone(), body: body})
	status := http.StatusOK
	if len(h.statuses) > 0 {
		status = h.statuses[0]
		h.statuses = h.statuses[1:]
	}
	h.mu.Unlock()
	w.WriteHeader(status)
	h.notify <- struct{}{}
}

func (h *hook) url() string { return h.srv.URL + "/webhook" }

func (h *hook) all() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]received(nil), h.posts...)
}

// waitFor waits until pred holds for the received posts.
func (h *hook) waitFor(what string, pred func([]received) bool) []received {
	h.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		if posts := h.all(); pred(posts) {
			return posts
		}
		select {
		case <-h.notify:
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s; got %d webhooks: %s", what, len(h.all()), dumpPosts(h.all()))
		}
	}
}

func dumpPosts(ps []received) string {
	var b strings.Builder
	for _, p := range ps {
		b.Write(p.raw)
		b.WriteByte('\n')
	}
	return b.String()
}

// subscribe registers the hook for a WABA.
func (ts *testSim) subscribe(t *testing.T, h *hook, waba string) {
	t.Helper()
	res := ts.call(t, "POST", "/v23.0/"+waba+"/subscribed_apps", map[string]string{"override_callback_uri": h.url(), "verify_token": h.verifyToken})
	if res.status != 200 {
		t.Fatalf("subscribe: %d %s", res.status, res.raw)
	}
}

func validSignature(secret string, raw []byte, header string) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(raw)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(header))
}

// webhookChanges flattens entry[].changes[] of received posts.
func webhookChanges(posts []received) []map[string]any {
	var out []map[string]any
	for _, p := range posts {
		entries, _ := p.body["entry"].([]any)
		for _, e := range entries {
			em, _ := e.(map[string]any)
			changes, _ := em["changes"].([]any)
			for _, c := range changes {
				if cm, ok := c.(map[string]any); ok {
					out = append(out, cm)
				}
			}
		}
	}
	return out
}

// statusesOf returns the status webhooks of one message, in arrival order.
func statusesOf(posts []received, wamid string) []map[string]any {
	var out []map[string]any
	for _, c := range webhookChanges(posts) {
		v, _ := c["value"].(map[string]any)
		sts, _ := v["statuses"].([]any)
		for _, s := range sts {
			sm, _ := s.(map[string]any)
			if sm["id"] == wamid {
				out = append(out, sm)
			}
		}
	}
	return out
}

// inboundMessages returns the customer messages of received webhooks.
func inboundMessages(posts []received) []map[string]any {
	var out []map[string]any
	for _, c := range webhookChanges(posts) {
		v, _ := c["value"].(map[string]any)
		msgs, _ := v["messages"].([]any)
		for _, m := range msgs {
			if mm, ok := m.(map[string]any); ok {
				out = append(out, mm)
			}
		}
	}
	return out
}

func (ts *testSim) sendText(t *testing.T, phone, to, text string) apiResult {
	t.Helper()
	return ts.call(t, "POST", "/v23.0/"+phone+"/messages", map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
		"text": map[string]any{"body": text},
	})
}

func messageID(t *testing.T, res apiResult) string {
	t.Helper()
	msgs, _ := res.body["messages"].([]any)
	if len(msgs) != 1 {
		t.Fatalf("send response has no message: %d %s", res.status, res.raw)
	}
	id, _ := msgs[0].(map[string]any)["id"].(string)
	if !strings.HasPrefix(id, "wamid.") {
		t.Fatalf("message id %q is not a wamid", id)
	}
	return id
}

func mustInject(t *testing.T, s *Sim, in Inbound) string {
	t.Helper()
	id, err := s.InjectInbound(in)
	if err != nil {
		t.Fatalf("InjectInbound: %v", err)
	}
	return id
}

// waitUntil polls cond until it holds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
