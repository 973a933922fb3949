// Package simulator is an offline Cloud API–compatible partner: Meta's
// Graph API shape behind the partner's own path prefix and token header,
// over the simulated WhatsApp side of package cloudapi/simulator (which
// keeps the customers, their phone page, the window, limits, receipts,
// retries and duplicates for every provider).
//
// No partner publishes a specification (see ../shared/contracts/README.md:
// "Cloud-API-compatible resellers such as Emma / RUM Work: nothing public
// found"), so this front is the documented part only: Meta's paths and
// bodies under {prefix}[/{version}], the token in the partner's header,
// Meta's error envelope, and webhooks in Meta's envelope posted to the URL
// set in the partner's dashboard (a page here), signed with Meta's
// X-Hub-Signature-256 when the partner is configured with an App Secret.
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
	"html/template"
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

// Config configures a Front.
type Config struct {
	Sim      *wa.Sim
	SimToken string
	// Prefix is the partner's path prefix, e.g. "/whatsapp".
	Prefix string
	// Version, when set, must follow the prefix (e.g. "v23.0").
	Version string
	// Header carries Token; "Authorization" means "Bearer <token>".
	Header string
	Token  string
	// PhoneNumberID and WABAID are the partner's number on the WhatsApp side.
	PhoneNumberID string
	WABAID        string
	// AppSecret, when set, signs webhooks like Meta.
	AppSecret string
	Logger    *slog.Logger
}

// Front is a running partner simulator: serve its Handler.
type Front struct {
	cfg    Config
	log    *slog.Logger
	client *http.Client

	mu      sync.Mutex
	hookURL string
	resolve map[string]string
}

// New returns a front for cfg.
func New(cfg Config) (*Front, error) {
	if cfg.Sim == nil || cfg.SimToken == "" || cfg.Token == "" || cfg.PhoneNumberID == "" || cfg.WABAID == "" {
		return nil, errors.New("partner simulator: Sim, SimToken, Token, PhoneNumberID and WABAID are required")
	}
	if cfg.Header == "" {
		cfg.Header = "Authorization"
	}
	cfg.Prefix = "/" + strings.Trim(cfg.Prefix, "/")
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	f := &Front{cfg: cfg, log: cfg.Logger, resolve: map[string]string{}}
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

// SetResolve makes webhook deliveries to host go to addr, as DNS would.
func (f *Front) SetResolve(host, addr string) {
	f.mu.Lock()
	f.resolve[host] = addr
	f.mu.Unlock()
}

// WebhookURL is the URL set in the dashboard ("" when none).
func (f *Front) WebhookURL() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hookURL
}

// Handler serves the partner's API under its prefix and its dashboard.
func (f *Front) Handler() http.Handler { return http.HandlerFunc(f.serve) }

const mediaPath = "/whatsapp_business/attachments/"

func (f *Front) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/dashboard" {
		f.dashboard(w, r)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, f.cfg.Prefix+"/")
	if !ok {
		graphError(w, http.StatusNotFound, "Unknown path components: "+r.URL.Path, 2500)
		return
	}
	if !f.authorized(r) {
		graphError(w, http.StatusUnauthorized, "Invalid OAuth access token - Cannot parse access token", 190)
		return
	}
	if strings.HasPrefix("/"+rest, mediaPath) {
		f.call(w, r, "/"+rest)
		return
	}
	if f.cfg.Version != "" {
		v, after, _ := strings.Cut(rest, "/")
		if v != f.cfg.Version {
			graphError(w, http.StatusBadRequest, "Unknown path components: /"+rest, 2500)
			return
		}
		rest = after
	}
	f.call(w, r, "/v23.0/"+rest)
}

func (f *Front) authorized(r *http.Request) bool {
	got := r.Header.Get(f.cfg.Header)
	if strings.EqualFold(f.cfg.Header, "Authorization") {
		got, _ = strings.CutPrefix(got, "Bearer ")
	}
	return got != "" && hmac.Equal([]byte(got), []byte(f.cfg.Token))
}

// call runs the request on the WhatsApp side, in process, and copies the
// answer; media URLs in it are rewritten to this front's address.
func (f *Front) call(w http.ResponseWriter, r *http.Request, path string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 110<<20))
	if err != nil {
		graphError(w, http.StatusBadRequest, "body not read", 100)
		return
	}
	req := httptest.NewRequestWithContext(r.Context(), r.Method, path, bytes.NewReader(body))
	req.URL.RawQuery = r.URL.RawQuery
	req.Host = "graph.facebook.com"
	req.Header.Set("Authorization", "Bearer "+f.cfg.SimToken)
	if ct := r.Header.Get("Content-Type"); ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	rec := httptest.NewRecorder()
	f.cfg.Sim.Handler().ServeHTTP(rec, req)
	out := rec.Body.Bytes()
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		out = f.rewriteMediaURL(r, out)
	}
	for k, vs := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	w.WriteHeader(rec.Code)
	w.Write(out)
}

// rewriteMediaURL points a media object's "url" at this front, so that
// the partner's token is only ever sent to the partner.
func (f *Front) rewriteMediaURL(r *http.Request, body []byte) []byte {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil || obj["url"] == nil {
		return body
	}
	var raw string
	if json.Unmarshal(obj["url"], &raw) != nil {
		return body
	}
	u, err := url.Parse(raw)
	if err != nil || !strings.HasPrefix(u.Path, mediaPath) {
		return body
	}
	u.Scheme, u.Host, u.Path = "http", r.Host, f.cfg.Prefix+u.Path
	obj["url"], _ = json.Marshal(u.String())
	out, err := json.Marshal(obj)
	if err != nil {
		return body
	}
	return out
}

var dashboardPage = template.Must(template.New("dashboard").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partner dashboard (simulated)</title></head>
<body><main>
<h1>Partner dashboard (simulated)</h1>
<p>Number {{.Phone}}. Webhooks are sent in Meta's format{{if .Signed}}, signed with the App Secret{{end}}.</p>
{{if .Saved}}<p role="status" data-testid="dashboard-saved">Webhook URL saved.</p>{{end}}
{{if .Error}}<p role="alert" data-testid="dashboard-error">{{.Error}}</p>{{end}}
<form method="post" action="/dashboard">
<label for="webhook">Webhook URL</label>
<input id="webhook" name="webhook" type="url" size="80" value="{{.URL}}" data-testid="dashboard-webhook">
<button type="submit" data-testid="dashboard-save">Save</button>
</form>
</main></body></html>`))

// dashboard is where a person pastes wadesk's webhook URL.
func (f *Front) dashboard(w http.ResponseWriter, r *http.Request) {
	data := struct {
		Phone, URL, Error string
		Signed, Saved     bool
	}{Phone: f.cfg.PhoneNumberID, URL: f.WebhookURL(), Signed: f.cfg.AppSecret != ""}
	if r.Method == http.MethodPost {
		raw := strings.TrimSpace(r.PostFormValue("webhook"))
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			data.Error, data.URL = "Enter a full http(s) URL.", raw
		} else if err := f.cfg.Sim.SubscribeFront(f.cfg.WABAID, f.pass); err != nil {
			data.Error = err.Error()
		} else {
			f.mu.Lock()
			f.hookURL = raw
			f.mu.Unlock()
			data.URL, data.Saved = raw, true
			f.log.Info("partner webhook set", "url", raw)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	dashboardPage.Execute(w, data)
}

// pass delivers a webhook body from the WhatsApp side to the dashboard's
// URL, unchanged, signed like Meta when an App Secret is configured.
func (f *Front) pass(ctx context.Context, body []byte) (int, error) {
	target := f.WebhookURL()
	if target == "" {
		return 0, errors.New("no webhook URL in the dashboard")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if f.cfg.AppSecret != "" {
		mac := hmac.New(sha256.New, []byte(f.cfg.AppSecret))
		mac.Write(body)
		req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}

func graphError(w http.ResponseWriter, status int, msg string, code int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "OAuthException", "code": code}})
}
