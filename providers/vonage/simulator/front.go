// Package simulator is an offline Vonage Messages API: a thin front over
// the simulated WhatsApp side of package cloudapi/simulator (customers,
// their phone page, the 24-hour window, receipts, retries and duplicates
// live there, once for every provider).
//
// What the front does, from Vonage's Messages API specification and
// documentation (see ../shared/contracts/README.md):
//   - POST /v1/messages {channel:"whatsapp", message_type, to, from, …}
//     authenticated with a JWT signed RS256 by the application's private
//     key (application_id claim), or basic auth with the API key and
//     secret; answers 202 {message_uuid}; errors are RFC 7807 problem
//     documents (401, 422 with invalid_parameters, 429);
//   - PATCH /v1/messages/{message_uuid} {"status":"read"} marks an inbound
//     message read (v1.20.0 spec);
//   - GET|POST /v2/whatsapp-manager/wabas/{id}/templates lists and creates
//     templates, DELETE …/templates?name= deletes one by name;
//   - GET /v3/media/{id} serves an inbound file to the same credentials;
//   - inbound-message and message-status webhooks are JSON, one event per
//     request, POSTed to the application's inbound and status URLs with
//     "Authorization: Bearer <JWT>" signed HS256 with the account's
//     signature secret, carrying api_key and payload_hash (SHA-256 of the
//     body) claims; a non-2xx answer is retried by the WhatsApp side.
//
// The webhook URLs are set in Vonage's dashboard, which is
// SetWebhooks here (and POST /_dashboard/webhooks for the demo).
//
// It shares no code with the product it tests.
package simulator

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/providers/simfront"
)

// Number is one Vonage WhatsApp number with the account and application
// that reach it.
type Number struct {
	// Number is the WhatsApp number, E.164 digits.
	Number        string
	PhoneNumberID string
	WABAID        string
	APIKey        string
	APISecret     string
	// SignatureSecret signs webhooks.
	SignatureSecret string
	ApplicationID   string
	PublicKey       *rsa.PublicKey
}

// Config configures a Front.
type Config struct {
	Sim          *wa.Sim
	SimToken     string
	GraphVersion string
	Numbers      []Number
	// PublicURL is the front's own address, for media URLs.
	PublicURL string
	Logger    *slog.Logger
	// HooksFile keeps the webhook URLs set on the dashboard across
	// restarts ("": in memory only).
	HooksFile string
}

// Attempt is one webhook delivery, for tests.
type Attempt struct {
	URL    string
	Kind   string // inbound or status
	Status int
	Error  string
}

// Front is a running Vonage simulator: serve its Handler.
type Front struct {
	cfg    Config
	log    *slog.Logger
	client *http.Client

	mu       sync.Mutex
	resolver *simfront.Resolver
	hooks    map[string][2]string // number → inbound, status URL
	uuidOf   map[string]string    // wamid → message_uuid
	wamidOf  map[string]string    // message_uuid → wamid
	attempts []Attempt
}

// New returns a front for cfg.
func New(cfg Config) (*Front, error) {
	if cfg.Sim == nil || cfg.SimToken == "" {
		return nil, errors.New("vonage simulator: Sim and SimToken are required")
	}
	if cfg.GraphVersion == "" {
		cfg.GraphVersion = "v23.0"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	for _, n := range cfg.Numbers {
		if n.Number == "" || n.PhoneNumberID == "" || n.WABAID == "" || n.SignatureSecret == "" {
			return nil, fmt.Errorf("vonage simulator: number %s: Number, PhoneNumberID, WABAID and SignatureSecret are required", n.Number)
		}
	}
	f := &Front{cfg: cfg, log: cfg.Logger, resolver: simfront.NewResolver(),
		hooks: map[string][2]string{}, uuidOf: map[string]string{}, wamidOf: map[string]string{}}
	f.client = f.resolver.Client(10 * time.Second)
	saved := map[string][2]string{}
	if err := simfront.Load(cfg.HooksFile, &saved); err != nil {
		return nil, fmt.Errorf("vonage simulator: %w", err)
	}
	for num, h := range saved {
		if _, ok := f.byNumber(num); ok {
			if err := f.setWebhooks(num, h[0], h[1]); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

// SetResolve makes webhook deliveries to host go to addr (host:port), as
// DNS would.
func (f *Front) SetResolve(host, addr string) { f.resolver.Set(host, addr) }

// SetPublicURL sets the front's own address (known once it listens).
func (f *Front) SetPublicURL(u string) {
	f.mu.Lock()
	f.cfg.PublicURL = strings.TrimRight(u, "/")
	f.mu.Unlock()
}

// Attempts lists the webhook deliveries made so far.
func (f *Front) Attempts() []Attempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Attempt(nil), f.attempts...)
}

// SetWebhooks sets the inbound and status URLs of the application that
// reaches number (what an admin does in Vonage's dashboard) and points the
// WhatsApp side's webhooks of its account at this front.
func (f *Front) SetWebhooks(number, inboundURL, statusURL string) error {
	if err := f.setWebhooks(number, inboundURL, statusURL); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return simfront.Save(f.cfg.HooksFile, f.hooks)
}

func (f *Front) setWebhooks(number, inboundURL, statusURL string) error {
	n, ok := f.byNumber(number)
	if !ok {
		return fmt.Errorf("vonage simulator: no number %s", number)
	}
	f.mu.Lock()
	f.hooks[n.Number] = [2]string{inboundURL, statusURL}
	f.mu.Unlock()
	return f.cfg.Sim.SubscribeFront(n.WABAID, func(ctx context.Context, body []byte) (int, error) {
		return f.pass(ctx, n.WABAID, body), nil
	})
}

func (f *Front) byNumber(num string) (Number, bool) {
	for _, n := range f.cfg.Numbers {
		if n.Number == strings.TrimPrefix(num, "+") {
			return n, true
		}
	}
	return Number{}, false
}

func (f *Front) byPhoneID(id string) (Number, bool) {
	for _, n := range f.cfg.Numbers {
		if n.PhoneNumberID == id {
			return n, true
		}
	}
	return Number{}, false
}

// Handler serves Vonage's API.
func (f *Front) Handler() http.Handler { return http.HandlerFunc(f.serve) }

func (f *Front) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if path == "/_dashboard" && r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, dashboardPage)
		return
	}
	if path == "/_dashboard/webhooks" && r.Method == http.MethodPost {
		// The demo's stand-in for Vonage's dashboard: form number,
		// inbound_url, status_url.
		if err := f.SetWebhooks(r.FormValue("number"), r.FormValue("inbound_url"), r.FormValue("status_url")); err != nil {
			problem(w, http.StatusNotFound, "not-found", "Not Found", err.Error(), nil)
			return
		}
		if r.Header.Get("Content-Type") == "application/x-www-form-urlencoded" {
			io.WriteString(w, "Saved. Vonage now sends this number's webhooks to these URLs.")
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	accts, ok := f.authenticate(r)
	if !ok {
		problem(w, http.StatusUnauthorized, "unauthorized", "Invalid credentials supplied", "You did not provide correct credentials.", nil)
		return
	}
	switch {
	case path == "/v1/messages" && r.Method == http.MethodPost:
		f.send(w, r, accts)
	case strings.HasPrefix(path, "/v1/messages/") && r.Method == http.MethodPatch:
		f.markRead(w, r, accts, strings.TrimPrefix(path, "/v1/messages/"))
	case strings.HasPrefix(path, "/v2/whatsapp-manager/wabas/") && strings.HasSuffix(path, "/templates"):
		f.templates(w, r, accts, strings.TrimSuffix(strings.TrimPrefix(path, "/v2/whatsapp-manager/wabas/"), "/templates"))
	case strings.HasPrefix(path, "/v3/media/") && r.Method == http.MethodGet:
		f.media(w, r, strings.TrimPrefix(path, "/v3/media/"))
	default:
		problem(w, http.StatusNotFound, "not-found", "Not Found", "No such resource: "+r.Method+" "+path, nil)
	}
}

// dashboardPage stands in for the application page of Vonage's dashboard.
const dashboardPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Vonage simulator: application webhooks</title>
<h1>Application webhooks (Messages)</h1>
<form method="post" action="/_dashboard/webhooks">
<p><label for="number">WhatsApp number</label> <input id="number" name="number" required></p>
<p><label for="inbound_url">Inbound URL</label> <input id="inbound_url" name="inbound_url" size="60" required></p>
<p><label for="status_url">Status URL</label> <input id="status_url" name="status_url" size="60" required></p>
<p><button>Save changes</button></p></form></html>`

// authenticate returns the numbers the request's credentials reach.
func (f *Front) authenticate(r *http.Request) ([]Number, bool) {
	var out []Number
	if user, pass, ok := r.BasicAuth(); ok {
		for _, n := range f.cfg.Numbers {
			if n.APIKey != "" && subtle.ConstantTimeCompare([]byte(user), []byte(n.APIKey)) == 1 &&
				subtle.ConstantTimeCompare([]byte(pass), []byte(n.APISecret)) == 1 {
				out = append(out, n)
			}
		}
		return out, len(out) > 0
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil, false
	}
	claims := jwt.MapClaims{}
	_, _, err := jwt.NewParser().ParseUnverified(tok, claims)
	if err != nil {
		return nil, false
	}
	appID, _ := claims["application_id"].(string)
	for _, n := range f.cfg.Numbers {
		if n.ApplicationID == "" || n.ApplicationID != appID || n.PublicKey == nil {
			continue
		}
		if _, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return n.PublicKey, nil },
			jwt.WithValidMethods([]string{"RS256"}), jwt.WithExpirationRequired()); err == nil {
			out = append(out, n)
		}
	}
	return out, len(out) > 0
}

type invalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// problem answers with an RFC 7807 problem document.
func problem(w http.ResponseWriter, status int, code, title, detail string, params []invalidParam) {
	b := make([]byte, 16)
	rand.Read(b)
	body := map[string]any{"type": "https://developer.vonage.com/api-errors/messages#" + code, "title": title, "detail": detail,
		"instance": hex.EncodeToString(b)}
	if len(params) > 0 {
		body["invalid_parameters"] = params
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

type vMedia struct {
	URL     string `json:"url"`
	Caption string `json:"caption,omitempty"`
	Name    string `json:"name,omitempty"`
}

type vSend struct {
	MessageType string  `json:"message_type"`
	Channel     string  `json:"channel"`
	To          string  `json:"to"`
	From        string  `json:"from"`
	Text        string  `json:"text"`
	Image       *vMedia `json:"image"`
	Audio       *vMedia `json:"audio"`
	Video       *vMedia `json:"video"`
	File        *vMedia `json:"file"`
	Sticker     *vMedia `json:"sticker"`
	Template    *struct {
		Name       string   `json:"name"`
		Parameters []string `json:"parameters"`
	} `json:"template"`
	Custom   map[string]json.RawMessage `json:"custom"`
	WhatsApp *struct {
		Policy string `json:"policy"`
		Locale string `json:"locale"`
	} `json:"whatsapp"`
	Context *struct {
		MessageUUID string `json:"message_uuid"`
	} `json:"context"`
}

// send answers POST /v1/messages: the body is translated to WhatsApp's and
// sent by the WhatsApp side; its refusal comes back as a problem document.
func (f *Front) send(w http.ResponseWriter, r *http.Request, accts []Number) {
	var req vSend
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		problem(w, http.StatusUnprocessableEntity, "1000", "Invalid JSON", "The request body did not contain valid JSON.", nil)
		return
	}
	if req.Channel != "whatsapp" {
		problem(w, http.StatusUnprocessableEntity, "1150", "Invalid params", "The value of one or more parameters is invalid.",
			[]invalidParam{{"channel", "this simulator serves whatsapp only"}})
		return
	}
	var n Number
	found := false
	for _, a := range accts {
		if a.Number == req.From {
			n, found = a, true
		}
	}
	if !found {
		problem(w, http.StatusUnprocessableEntity, "1150", "Invalid params", "The value of one or more parameters is invalid.",
			[]invalidParam{{"from", "not a WhatsApp number of this application"}})
		return
	}
	msg := map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": req.To}
	if req.Context != nil {
		f.mu.Lock()
		wamid := f.wamidOf[req.Context.MessageUUID]
		f.mu.Unlock()
		if wamid != "" {
			msg["context"] = map[string]string{"message_id": wamid}
		}
	}
	mediaOut := func(typ string, m *vMedia) bool {
		if m == nil || m.URL == "" {
			return false
		}
		o := map[string]string{"link": m.URL}
		if m.Caption != "" {
			o["caption"] = m.Caption
		}
		if m.Name != "" {
			o["filename"] = m.Name
		}
		msg["type"], msg[typ] = typ, o
		return true
	}
	ok := true
	switch req.MessageType {
	case "text":
		ok = req.Text != ""
		msg["type"], msg["text"] = "text", map[string]string{"body": req.Text}
	case "image":
		ok = mediaOut("image", req.Image)
	case "audio":
		ok = mediaOut("audio", req.Audio)
	case "video":
		ok = mediaOut("video", req.Video)
	case "file":
		ok = mediaOut("document", req.File)
	case "sticker":
		ok = mediaOut("sticker", req.Sticker)
	case "template":
		if req.Template == nil || req.Template.Name == "" || req.WhatsApp == nil || req.WhatsApp.Locale == "" || req.WhatsApp.Policy != "deterministic" {
			problem(w, http.StatusUnprocessableEntity, "1150", "Invalid params", "The value of one or more parameters is invalid.",
				[]invalidParam{{"whatsapp", "a template needs whatsapp.locale and whatsapp.policy deterministic"}})
			return
		}
		var params []map[string]string
		for _, p := range req.Template.Parameters {
			params = append(params, map[string]string{"type": "text", "text": p})
		}
		t := map[string]any{"name": req.Template.Name, "language": map[string]string{"code": strings.ReplaceAll(req.WhatsApp.Locale, "-", "_"), "policy": "deterministic"}}
		if len(params) > 0 {
			t["components"] = []map[string]any{{"type": "body", "parameters": params}}
		}
		msg["type"], msg["template"] = "template", t
	case "custom":
		var typ string
		if json.Unmarshal(req.Custom["type"], &typ) != nil || typ == "" || req.Custom[typ] == nil {
			ok = false
			break
		}
		msg["type"], msg[typ] = typ, req.Custom[typ]
	default:
		ok = false
	}
	if !ok {
		problem(w, http.StatusUnprocessableEntity, "1150", "Invalid params", "The value of one or more parameters is invalid.",
			[]invalidParam{{"message_type", "missing or invalid content for " + req.MessageType}})
		return
	}
	body, _ := json.Marshal(msg)
	rec := f.do(r.Context(), http.MethodPost, "/"+f.cfg.GraphVersion+"/"+n.PhoneNumberID+"/messages", body)
	var res struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
		Error *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Data    struct {
				Details string `json:"details"`
			} `json:"error_data"`
		} `json:"error"`
	}
	json.Unmarshal(rec.Body.Bytes(), &res)
	if rec.Code/100 != 2 || len(res.Messages) == 0 {
		status, title, detail := rec.Code, "Unprocessable Entity", "The message could not be sent."
		if res.Error != nil {
			detail = res.Error.Message
			if res.Error.Data.Details != "" {
				detail = res.Error.Data.Details
			}
			if res.Error.Code == 131047 {
				// Vonage passes WhatsApp's re-engagement refusal on.
				detail = "Message failed because more than 24 hours have passed since the customer last replied (re-engagement message)."
			}
			if res.Error.Code == 130429 || res.Error.Code == 131056 {
				status, title = http.StatusTooManyRequests, "Throttled"
			}
		}
		if status != http.StatusTooManyRequests {
			status = http.StatusUnprocessableEntity
		}
		problem(w, status, "1300", title, detail, nil)
		return
	}
	uuid := newUUID()
	f.mu.Lock()
	f.uuidOf[res.Messages[0].ID] = uuid
	f.wamidOf[uuid] = res.Messages[0].ID
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	json.NewEncoder(w).Encode(map[string]string{"message_uuid": uuid})
}

// markRead answers PATCH /v1/messages/{uuid} {"status":"read"}.
func (f *Front) markRead(w http.ResponseWriter, r *http.Request, accts []Number, uuid string) {
	var req struct {
		Status string `json:"status"`
	}
	if json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req) != nil || req.Status != "read" {
		problem(w, http.StatusUnprocessableEntity, "1150", "Invalid params", "The value of one or more parameters is invalid.",
			[]invalidParam{{"status", "must be read"}})
		return
	}
	f.mu.Lock()
	wamid := f.wamidOf[uuid]
	f.mu.Unlock()
	if wamid == "" {
		problem(w, http.StatusNotFound, "not-found", "Not Found", "Message with ID "+uuid+" not found", nil)
		return
	}
	body, _ := json.Marshal(map[string]string{"messaging_product": "whatsapp", "status": "read", "message_id": wamid})
	rec := f.do(r.Context(), http.MethodPost, "/"+f.cfg.GraphVersion+"/"+accts[0].PhoneNumberID+"/messages", body)
	if rec.Code/100 != 2 {
		problem(w, http.StatusUnprocessableEntity, "1150", "Invalid params", "The message could not be marked read.", nil)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// templates answers the Template Management API (list, create, delete by
// name) from the account's templates on the WhatsApp side.
func (f *Front) templates(w http.ResponseWriter, r *http.Request, accts []Number, wabaID string) {
	allowed := false
	for _, n := range accts {
		allowed = allowed || n.WABAID == wabaID
	}
	if !allowed {
		problem(w, http.StatusNotFound, "not-found", "Not Found", "WABA "+wabaID+" not found", nil)
		return
	}
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost, http.MethodDelete:
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		target := "/" + f.cfg.GraphVersion + "/" + wabaID + "/message_templates"
		if r.Method == http.MethodDelete {
			target += "?" + url.Values{"name": {r.URL.Query().Get("name")}}.Encode()
			body = nil
		}
		rec := f.do(r.Context(), r.Method, target, body)
		if rec.Code/100 != 2 {
			var e struct {
				Error struct {
					Message string `json:"message"`
					Details string `json:"error_user_msg"`
				} `json:"error"`
			}
			json.Unmarshal(rec.Body.Bytes(), &e)
			detail := e.Error.Details
			if detail == "" {
				detail = e.Error.Message
			}
			problem(w, http.StatusUnprocessableEntity, "invalid-params", "Invalid params", detail, nil)
			return
		}
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(rec.Body.Bytes())
		return
	default:
		problem(w, http.StatusMethodNotAllowed, "method", "Method Not Allowed", r.Method+" is not allowed here", nil)
		return
	}
	q := url.Values{"limit": {"1000"}, "fields": {"id,name,language,category,status,components"}}
	rec := f.do(r.Context(), http.MethodGet, "/"+f.cfg.GraphVersion+"/"+wabaID+"/message_templates?"+q.Encode(), nil)
	var page struct {
		Data []json.RawMessage `json:"data"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &page) != nil {
		problem(w, http.StatusInternalServerError, "internal", "Internal Error", "templates not available", nil)
		return
	}
	if page.Data == nil {
		page.Data = []json.RawMessage{}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"templates": page.Data, "paging": map[string]any{}})
}

// media serves an inbound file: the WhatsApp side's media object, then
// its bytes.
func (f *Front) media(w http.ResponseWriter, r *http.Request, id string) {
	rec := f.do(r.Context(), http.MethodGet, "/"+f.cfg.GraphVersion+"/"+url.PathEscape(id), nil)
	var m struct {
		URL string `json:"url"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &m) != nil || m.URL == "" {
		problem(w, http.StatusNotFound, "not-found", "Not Found", "Media "+id+" not found", nil)
		return
	}
	u, err := url.Parse(m.URL)
	if err != nil {
		problem(w, http.StatusNotFound, "not-found", "Not Found", "Media "+id+" not found", nil)
		return
	}
	rec = f.do(r.Context(), http.MethodGet, u.RequestURI(), nil)
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (f *Front) do(ctx context.Context, method, target string, body []byte) *httptest.ResponseRecorder {
	path, query, _ := strings.Cut(target, "?")
	ct := ""
	if body != nil {
		ct = "application/json"
	}
	return simfront.Backend{Sim: f.cfg.Sim, Token: f.cfg.SimToken}.Do(ctx, method, path, query, body, ct)
}

func newUUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// metaEnvelope is the part of the WhatsApp side's webhook the front reads.
type metaEnvelope struct {
	Entry []struct {
		Changes []struct {
			Field string `json:"field"`
			Value struct {
				Metadata struct {
					PhoneNumberID string `json:"phone_number_id"`
				} `json:"metadata"`
				Contacts []struct {
					Profile struct {
						Name string `json:"name"`
					} `json:"profile"`
					WaID string `json:"wa_id"`
				} `json:"contacts"`
				Messages []map[string]json.RawMessage `json:"messages"`
				Statuses []struct {
					ID          string `json:"id"`
					Status      string `json:"status"`
					Timestamp   string `json:"timestamp"`
					RecipientID string `json:"recipient_id"`
					Errors      []struct {
						Code    int    `json:"code"`
						Title   string `json:"title"`
						Message string `json:"message"`
					} `json:"errors"`
				} `json:"statuses"`
			} `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

// pass turns one Meta webhook from the WhatsApp side into Vonage's
// one-event-per-request webhooks and delivers them; any failure makes the
// WhatsApp side retry the whole batch (so some events arrive twice, as
// Vonage's may).
func (f *Front) pass(ctx context.Context, wabaID string, body []byte) int {
	var env metaEnvelope
	if json.Unmarshal(body, &env) != nil {
		return http.StatusOK
	}
	status := http.StatusOK
	for _, e := range env.Entry {
		for _, c := range e.Changes {
			n, ok := f.byPhoneID(c.Value.Metadata.PhoneNumberID)
			if !ok || n.WABAID != wabaID {
				continue
			}
			f.mu.Lock()
			hooks, set := f.hooks[n.Number]
			f.mu.Unlock()
			if !set {
				continue
			}
			names := map[string]string{}
			for _, ct := range c.Value.Contacts {
				names[ct.WaID] = ct.Profile.Name
			}
			for _, m := range c.Value.Messages {
				ev := f.inbound(n, m, names)
				if ev == nil {
					continue
				}
				if st := f.deliver(ctx, n, hooks[0], "inbound", ev); st/100 != 2 {
					status = http.StatusBadGateway
				}
			}
			for _, s := range c.Value.Statuses {
				ev := map[string]any{"message_uuid": f.uuidFor(s.ID), "to": s.RecipientID, "from": n.Number,
					"timestamp": isoTime(s.Timestamp), "channel": "whatsapp"}
				switch s.Status {
				case "sent":
					ev["status"] = "submitted"
				case "delivered", "read":
					ev["status"] = s.Status
				case "failed":
					ev["status"] = "rejected"
					if len(s.Errors) > 0 {
						ev["error"] = map[string]any{"type": "https://developer.vonage.com/api-errors/messages#1300",
							"title": s.Errors[0].Code, "detail": s.Errors[0].Title + ": " + s.Errors[0].Message, "instance": newUUID()}
					}
				default:
					continue
				}
				if st := f.deliver(ctx, n, hooks[1], "status", ev); st/100 != 2 {
					status = http.StatusBadGateway
				}
			}
		}
	}
	return status
}

// uuidFor is the message_uuid of a WhatsApp message ID, made on first sight.
func (f *Front) uuidFor(wamid string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u, ok := f.uuidOf[wamid]; ok {
		return u
	}
	u := newUUID()
	f.uuidOf[wamid], f.wamidOf[u] = u, wamid
	return u
}

// inbound reshapes one WhatsApp message as Vonage's inbound-message body.
func (f *Front) inbound(n Number, m map[string]json.RawMessage, names map[string]string) map[string]any {
	str := func(k string) string {
		var s string
		json.Unmarshal(m[k], &s)
		return s
	}
	from, typ := str("from"), str("type")
	ev := map[string]any{"channel": "whatsapp", "message_uuid": f.uuidFor(str("id")), "to": n.Number, "from": from,
		"timestamp": isoTime(str("timestamp"))}
	if name := names[from]; name != "" {
		ev["profile"] = map[string]string{"name": name}
	}
	var ctx struct {
		ID   string `json:"id"`
		From string `json:"from"`
	}
	if json.Unmarshal(m["context"], &ctx) == nil && ctx.ID != "" {
		ev["context"] = map[string]string{"message_uuid": f.uuidFor(ctx.ID), "message_from": ctx.From}
	}
	var obj map[string]any
	json.Unmarshal(m[typ], &obj)
	s := func(k string) string { v, _ := obj[k].(string); return v }
	f.mu.Lock()
	base := f.cfg.PublicURL
	f.mu.Unlock()
	switch typ {
	case "text":
		ev["message_type"], ev["text"] = "text", s("body")
	case "image", "audio", "video", "document", "sticker":
		vt := typ
		if typ == "document" {
			vt = "file"
		}
		md := map[string]string{"url": base + "/v3/media/" + url.PathEscape(s("id"))}
		if c := s("caption"); c != "" {
			md["caption"] = c
		}
		if fn := s("filename"); fn != "" {
			md["name"] = fn
		}
		ev["message_type"], ev[vt] = vt, md
	case "interactive":
		var in struct {
			ButtonReply *struct{ ID, Title string } `json:"button_reply"`
			ListReply   *struct {
				ID, Title, Description string
			} `json:"list_reply"`
		}
		json.Unmarshal(m["interactive"], &in)
		switch {
		case in.ButtonReply != nil:
			ev["message_type"], ev["reply"] = "reply", map[string]string{"id": in.ButtonReply.ID, "title": in.ButtonReply.Title}
		case in.ListReply != nil:
			ev["message_type"], ev["reply"] = "reply", map[string]string{"id": in.ListReply.ID, "title": in.ListReply.Title, "description": in.ListReply.Description}
		default:
			ev["message_type"] = "unsupported"
		}
	case "button":
		ev["message_type"], ev["button"] = "button", map[string]string{"text": s("text"), "payload": s("payload")}
	case "location":
		ev["message_type"], ev["location"] = "location", map[string]any{"lat": obj["latitude"], "long": obj["longitude"], "name": obj["name"], "address": obj["address"]}
	case "reaction":
		ev["message_type"] = "reaction"
		ev["context"] = map[string]string{"message_uuid": f.uuidFor(s("message_id"))}
		action := "react"
		if s("emoji") == "" {
			action = "unreact"
		}
		ev["reaction"] = map[string]string{"action": action, "emoji": s("emoji")}
	default:
		ev["message_type"] = "unsupported"
	}
	return ev
}

func isoTime(unix string) string {
	var sec int64
	fmt.Sscan(unix, &sec)
	if sec == 0 {
		return time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return time.Unix(sec, 0).UTC().Format("2006-01-02T15:04:05.000Z")
}

// deliver POSTs one event signed Vonage's way.
func (f *Front) deliver(ctx context.Context, n Number, target, kind string, ev map[string]any) int {
	body, _ := json.Marshal(ev)
	sum := sha256.Sum256(body)
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": newUUID(), "iss": "Vonage",
		"api_key": n.APIKey, "application_id": n.ApplicationID, "payload_hash": hex.EncodeToString(sum[:]),
	}).SignedString([]byte(n.SignatureSecret))
	a := Attempt{URL: target, Kind: kind}
	if err == nil {
		var req *http.Request
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			var resp *http.Response
			resp, err = f.client.Do(req)
			if err == nil {
				io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
				resp.Body.Close()
				a.Status = resp.StatusCode
			}
		}
	}
	if err != nil {
		a.Error = err.Error()
	}
	f.mu.Lock()
	f.attempts = append(f.attempts, a)
	f.mu.Unlock()
	return a.Status
}
