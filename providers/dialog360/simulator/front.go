// Package simulator is an offline 360dialog: a thin front that speaks
// 360dialog's Messaging API and webhook format over the simulated WhatsApp
// side of package cloudapi/simulator (customers, their phone page,
// conversations, the 24-hour window, limits, receipts, retries and
// duplicates live there, once for every provider).
//
// What the front does, from 360dialog's documentation (see
// ../shared/contracts/README.md):
//   - every call carries D360-API-KEY; a key belongs to one number, so
//     paths have no version and no phone-number ID: POST /messages,
//     POST /media, GET|DELETE /{media-id}, GET /health_status;
//   - templates: GET|POST /v1/configs/templates, DELETE
//     /v1/configs/templates/{name} (the list's "waba_templates" key is from
//     360dialog's examples, not confirmed from its reference);
//   - POST /v1/configs/webhook {url, headers} sets the number's webhook;
//     URLs with "_" or a ":port" are refused; there is no handshake;
//   - webhooks are Meta's envelope unchanged, sent with the configured
//     headers and without Meta's signature; with a signing secret set for
//     the number, x-360dialog-signature carries the hex HMAC-SHA256 of the
//     body (hex is this simulator's choice: the encoding is not confirmed);
//   - a failed delivery is retried (by the WhatsApp side, which hands the
//     front every webhook of the number's account) and may be delivered
//     twice.
//
// It shares no code with the product it tests.
package simulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
)

// Number is one 360dialog channel: a number of the WhatsApp side with its
// API key.
type Number struct {
	APIKey        string
	PhoneNumberID string
	WABAID        string
	// SigningSecret, when set, signs every webhook (x-360dialog-signature).
	SigningSecret string
}

// Config configures a Front.
type Config struct {
	// Sim is the simulated WhatsApp side.
	Sim *wa.Sim
	// SimToken is the WhatsApp side's access token; GraphVersion the
	// version it serves (default v23.0).
	SimToken     string
	GraphVersion string
	Numbers      []Number
	Logger       *slog.Logger
}

// Front is a running 360dialog simulator: serve its Handler.
type Front struct {
	cfg    Config
	log    *slog.Logger
	client *http.Client

	mu       sync.Mutex
	resolve  map[string]string
	byKey    map[string]Number
	hooks    map[string]hook // by phone number ID
	attempts []Attempt
}

type hook struct {
	URL     string
	Headers map[string]string
}

// Attempt is one webhook delivery the front made, for tests.
type Attempt struct {
	PhoneNumberID string
	URL           string
	Status        int
	Error         string
}

// New returns a front for cfg.
func New(cfg Config) (*Front, error) {
	if cfg.Sim == nil || cfg.SimToken == "" {
		return nil, errors.New("dialog360 simulator: Sim and SimToken are required")
	}
	if cfg.GraphVersion == "" {
		cfg.GraphVersion = "v23.0"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	f := &Front{cfg: cfg, log: cfg.Logger, byKey: map[string]Number{}, hooks: map[string]hook{},
		resolve: map[string]string{}}
	for _, n := range cfg.Numbers {
		if n.APIKey == "" || n.PhoneNumberID == "" || n.WABAID == "" {
			return nil, fmt.Errorf("dialog360 simulator: number %+v: APIKey, PhoneNumberID and WABAID are required", n)
		}
		f.byKey[n.APIKey] = n
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	f.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, _, err := net.SplitHostPort(addr); err == nil {
				f.mu.Lock()
				to, ok := f.resolve[host]
				f.mu.Unlock()
				if ok {
					addr = to
				}
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f, nil
}

// SetResolve makes webhook deliveries to host go to addr (host:port), as
// DNS would: 360dialog refuses webhook URLs with a port, so tests and the
// demo give the console a name.
func (f *Front) SetResolve(host, addr string) {
	f.mu.Lock()
	f.resolve[host] = addr
	f.mu.Unlock()
}

// Attempts lists the webhook deliveries made so far.
func (f *Front) Attempts() []Attempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Attempt(nil), f.attempts...)
}

// Webhook returns the webhook set for a number.
func (f *Front) Webhook(phoneNumberID string) (url string, headers map[string]string, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h, ok := f.hooks[phoneNumberID]
	return h.URL, h.Headers, ok
}

// Handler serves 360dialog's API.
func (f *Front) Handler() http.Handler {
	return http.HandlerFunc(f.serve)
}

func (f *Front) serve(w http.ResponseWriter, r *http.Request) {
	n, ok := f.number(r)
	if !ok {
		writeError(w, http.StatusUnauthorized, "Invalid api key")
		return
	}
	path := strings.Trim(r.URL.Path, "/")
	switch {
	case path == "messages" && r.Method == http.MethodPost:
		f.forward(w, r, r.Method, n.PhoneNumberID+"/messages", r.URL.RawQuery)
	case path == "media" && r.Method == http.MethodPost:
		f.forward(w, r, r.Method, n.PhoneNumberID+"/media", r.URL.RawQuery)
	case path == "health_status" && r.Method == http.MethodGet:
		f.healthStatus(w, r, n)
	case path == "v1/configs/webhook" && r.Method == http.MethodPost:
		f.setWebhook(w, r, n)
	case path == "v1/configs/webhook" && r.Method == http.MethodGet:
		u, _, _ := f.Webhook(n.PhoneNumberID)
		writeJSON(w, http.StatusOK, map[string]string{"url": u})
	case path == "v1/configs/templates" && r.Method == http.MethodGet:
		f.listTemplates(w, r, n)
	case path == "v1/configs/templates" && r.Method == http.MethodPost:
		f.forward(w, r, r.Method, n.WABAID+"/message_templates", "")
	case strings.HasPrefix(path, "v1/configs/templates/") && r.Method == http.MethodDelete:
		name := strings.TrimPrefix(path, "v1/configs/templates/")
		f.forward(w, r, r.Method, n.WABAID+"/message_templates", url.Values{"name": {name}}.Encode())
	case strings.HasPrefix(r.URL.Path, "/whatsapp_business/attachments/") && r.Method == http.MethodGet:
		// A media URL whose host was replaced by 360dialog's (as
		// 360dialog asks): served by the WhatsApp side.
		f.call(w, r, r.Method, r.URL.Path, r.URL.RawQuery, nil, "")
	case !strings.Contains(path, "/") && path != "" && (r.Method == http.MethodGet || r.Method == http.MethodDelete):
		f.forward(w, r, r.Method, path, "")
	default:
		writeError(w, http.StatusNotFound, "Not found: "+r.Method+" "+r.URL.Path)
	}
}

// number is the number whose API key the request carries.
func (f *Front) number(r *http.Request) (Number, bool) {
	key := r.Header.Get("D360-API-KEY")
	if key == "" {
		return Number{}, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.byKey[key]
	return n, ok
}

// forward passes a request on to the WhatsApp side's Graph path.
func (f *Front) forward(w http.ResponseWriter, r *http.Request, method, graphPath, rawQuery string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 110<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "body not read")
		return
	}
	f.call(w, r, method, "/"+f.cfg.GraphVersion+"/"+graphPath, rawQuery, body, r.Header.Get("Content-Type"))
}

// call runs one request on the WhatsApp side, in process, and copies its
// answer.
func (f *Front) call(w http.ResponseWriter, r *http.Request, method, path, rawQuery string, body []byte, contentType string) {
	rec := f.do(r.Context(), method, path, rawQuery, body, contentType)
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (f *Front) do(ctx context.Context, method, path, rawQuery string, body []byte, contentType string) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
	req.URL.RawQuery = rawQuery
	req.Host = "graph.facebook.com"
	req.Header.Set("Authorization", "Bearer "+f.cfg.SimToken)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	f.cfg.Sim.Handler().ServeHTTP(rec, req)
	return rec
}

// healthStatus answers GET /health_status with the number's health as the
// WhatsApp side reports it (Meta's health_status object).
func (f *Front) healthStatus(w http.ResponseWriter, r *http.Request, n Number) {
	rec := f.do(r.Context(), http.MethodGet, "/"+f.cfg.GraphVersion+"/"+n.PhoneNumberID, url.Values{"fields": {"health_status"}}.Encode(), nil, "")
	if rec.Code != http.StatusOK {
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		return
	}
	var phone struct {
		HealthStatus json.RawMessage `json:"health_status"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &phone); err != nil || len(phone.HealthStatus) == 0 {
		writeError(w, http.StatusInternalServerError, "health status not available")
		return
	}
	writeJSON(w, http.StatusOK, map[string]json.RawMessage{"health_status": phone.HealthStatus})
}

// listTemplates answers GET /v1/configs/templates from the account's
// templates.
func (f *Front) listTemplates(w http.ResponseWriter, r *http.Request, n Number) {
	rec := f.do(r.Context(), http.MethodGet, "/"+f.cfg.GraphVersion+"/"+n.WABAID+"/message_templates",
		url.Values{"limit": {"1000"}, "fields": {"id,name,language,category,status,rejected_reason,quality_score,components"}}.Encode(), nil, "")
	if rec.Code != http.StatusOK {
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		return
	}
	var page struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
		writeError(w, http.StatusInternalServerError, "templates not available")
		return
	}
	if page.Data == nil {
		page.Data = []json.RawMessage{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(page.Data), "total": len(page.Data), "offset": 0, "limit": 1000,
		"filters": map[string]any{}, "sort": []string{"id"}, "waba_templates": page.Data})
}

// setWebhook answers POST /v1/configs/webhook: the number's webhook URL
// and headers. The WhatsApp side is pointed at this front's relay, which
// passes each delivery on in 360dialog's way.
func (f *Front) setWebhook(w http.ResponseWriter, r *http.Request, n Number) {
	var req struct {
		URL     string            `json:"url"`
		Headers map[string]string `json:"headers"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid JSON body")
		return
	}
	u, err := url.Parse(req.URL)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		writeError(w, http.StatusBadRequest, "url: not a valid URL")
		return
	case u.Port() != "":
		writeError(w, http.StatusBadRequest, "url: a port is not allowed in the webhook URL")
		return
	case strings.Contains(req.URL, "_"):
		writeError(w, http.StatusBadRequest, "url: the character _ is not allowed in the webhook URL")
		return
	}
	f.mu.Lock()
	f.hooks[n.PhoneNumberID] = hook{URL: req.URL, Headers: req.Headers}
	f.mu.Unlock()
	wabaID := n.WABAID
	if err := f.cfg.Sim.SubscribeFront(wabaID, func(ctx context.Context, body []byte) (int, error) {
		return f.pass(ctx, wabaID, body), nil
	}); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	f.log.Info("360dialog webhook set", "phone_number_id", n.PhoneNumberID, "url", req.URL)
	writeJSON(w, http.StatusOK, map[string]string{"url": req.URL})
}

// pass delivers a WABA's webhook from the WhatsApp side to the webhook of
// each of the WABA's 360dialog numbers it concerns, 360dialog's way. The
// WhatsApp side's retries follow the answer.
func (f *Front) pass(ctx context.Context, wabaID string, body []byte) int {
	phones := phonesOf(body)
	f.mu.Lock()
	var targets []Number
	for _, n := range f.byKey {
		if n.WABAID != wabaID {
			continue
		}
		if len(phones) > 0 && !phones[n.PhoneNumberID] {
			continue
		}
		if _, ok := f.hooks[n.PhoneNumberID]; ok {
			targets = append(targets, n)
		}
	}
	f.mu.Unlock()
	status := http.StatusOK
	for _, n := range targets {
		if st := f.deliver(ctx, n, body); st != http.StatusOK {
			status = http.StatusBadGateway
		}
	}
	return status
}

// phonesOf names the numbers a webhook body is about (its changes'
// metadata.phone_number_id); empty for account-wide events.
func phonesOf(body []byte) map[string]bool {
	var env struct {
		Entry []struct {
			Changes []struct {
				Value struct {
					Metadata struct {
						PhoneNumberID string `json:"phone_number_id"`
					} `json:"metadata"`
				} `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	out := map[string]bool{}
	if json.Unmarshal(body, &env) != nil {
		return out
	}
	for _, e := range env.Entry {
		for _, c := range e.Changes {
			if id := c.Value.Metadata.PhoneNumberID; id != "" {
				out[id] = true
			}
		}
	}
	return out
}

// deliver POSTs the body unchanged to the number's webhook, with its
// headers and, when configured, 360dialog's signature.
func (f *Front) deliver(ctx context.Context, n Number, body []byte) int {
	f.mu.Lock()
	h := f.hooks[n.PhoneNumberID]
	f.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "360dialog-webhooks")
	for k, v := range h.Headers {
		req.Header.Set(k, v)
	}
	if n.SigningSecret != "" {
		mac := hmac.New(sha256.New, []byte(n.SigningSecret))
		mac.Write(body)
		req.Header.Set("X-360dialog-Signature", hex.EncodeToString(mac.Sum(nil)))
	}
	a := Attempt{PhoneNumberID: n.PhoneNumberID, URL: h.URL}
	resp, err := f.client.Do(req)
	if err != nil {
		a.Error = err.Error()
	} else {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		a.Status = resp.StatusCode
	}
	f.mu.Lock()
	f.attempts = append(f.attempts, a)
	f.mu.Unlock()
	return a.Status
}

// writeError answers in 360dialog's error shape for its own endpoints.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"meta": map[string]any{"success": false, "http_code": status, "developer_message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
