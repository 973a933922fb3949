// Package simulator is an offline Twilio for WhatsApp: a thin front that
// speaks Twilio's REST API 2010-04-01 (Accounts and Messages resources,
// inbound media) and its webhook format over the simulated WhatsApp side
// of package cloudapi/simulator (customers, their phone page, the 24-hour
// window, receipts, retries and duplicates live there, once for every
// provider).
//
// What the front does, from ../shared/contracts/twilio/twilio_api_v2010.yaml
// and ../shared/contracts/README.md:
//
//   - HTTP basic authentication with the Account SID and Auth Token, or an
//     API key SID and secret; a refusal is 401 with Twilio's error 20003;
//
//   - GET /2010-04-01/Accounts/{AccountSid}.json: the account;
//
//   - POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded,
//     From and To as whatsapp:+E164, Body and/or MediaUrl, optional
//     StatusCallback: 201 with the Message resource (status "queued");
//     an unknown From is 400 with error 63007, a malformed To 400 with 21211;
//
//   - GET …/Messages/{MessageSid}/Media/{MediaSid}: an inbound file, with
//     basic authentication;
//
//   - webhooks: an inbound message (SmsStatus=received, MediaUrl0…) to the
//     sender's "incoming messages" URL, status callbacks (MessageStatus
//     sent, delivered, read, failed or undelivered with ErrorCode; 63016
//     for a free-form message outside the 24-hour window) to the message's
//     StatusCallback or the sender's status callback URL, form-encoded and
//     signed in X-Twilio-Signature with the Auth Token; a failed delivery
//     is retried by the WhatsApp side, which may also deliver twice;
//
//   - the URLs are set by a person on the console page (/console), as in
//     Twilio's console: Twilio has no API for a WhatsApp sender's webhooks.
//
//   - the Content API's templates and their WhatsApp approval (content.go),
//     and sends with ContentSid and ContentVariables.
//
// Not simulated: Messaging Services.
// WhatsApp-specific webhook parameter names (WaId, ProfileName) follow
// Twilio's documentation and are not confirmed by the contracts.
//
// It shares no code with the product it tests.
package simulator

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/providers/simfront"
)

// Number is one Twilio WhatsApp sender: a number of the WhatsApp side
// reached through a Twilio account.
type Number struct {
	AccountSID string
	AuthToken  string
	// APIKeySID and APIKeySecret, when set, are also accepted.
	APIKeySID    string
	APIKeySecret string
	// Sender is the number as +E164.
	Sender        string
	PhoneNumberID string
	WABAID        string
	FriendlyName  string
}

// Config configures a Front.
type Config struct {
	Sim          *wa.Sim
	SimToken     string
	GraphVersion string
	Numbers      []Number
	Logger       *slog.Logger
	// HooksFile keeps the webhook URLs set on the console across
	// restarts ("": in memory only).
	HooksFile string
}

// Front is a running Twilio simulator: serve its Handler.
type Front struct {
	cfg    Config
	log    *slog.Logger
	client *http.Client

	mu       sync.Mutex
	resolver *simfront.Resolver
	seq      int
	hooks    map[string]Hooks    // by sender
	sids     map[string]string   // wamid -> message SID
	wamids   map[string]string   // message SID -> wamid
	callback map[string]string   // message SID -> StatusCallback
	media    map[string]string   // media SID -> WhatsApp-side media ID
	contents map[string]*created // Content SID -> content made here
	attempts []Attempt
}

// Hooks are a sender's webhook URLs as set in the console.
type Hooks struct {
	Incoming, Status string
}

// Attempt is one webhook delivery, for tests.
type Attempt struct {
	URL    string
	Params url.Values
	Status int
	Error  string
}

// New returns a front for cfg.
func New(cfg Config) (*Front, error) {
	if cfg.Sim == nil || cfg.SimToken == "" {
		return nil, errors.New("twilio simulator: Sim and SimToken are required")
	}
	if cfg.GraphVersion == "" {
		cfg.GraphVersion = "v23.0"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	f := &Front{cfg: cfg, log: cfg.Logger, resolver: simfront.NewResolver(),
		hooks: map[string]Hooks{}, sids: map[string]string{}, wamids: map[string]string{},
		callback: map[string]string{}, media: map[string]string{}, contents: map[string]*created{}}
	f.client = f.resolver.Client(10 * time.Second)
	if err := simfront.Load(cfg.HooksFile, &f.hooks); err != nil {
		return nil, fmt.Errorf("twilio simulator: %w", err)
	}
	wabas := map[string]bool{}
	for _, n := range cfg.Numbers {
		if !strings.HasPrefix(n.AccountSID, "AC") || n.AuthToken == "" || !strings.HasPrefix(n.Sender, "+") || n.PhoneNumberID == "" || n.WABAID == "" {
			return nil, fmt.Errorf("twilio simulator: number %+v: AccountSID, AuthToken, Sender (+E164), PhoneNumberID and WABAID are required", n)
		}
		wabas[n.WABAID] = true
	}
	for id := range wabas {
		if err := cfg.Sim.SubscribeFront(id, func(ctx context.Context, body []byte) (int, error) {
			return f.pass(ctx, body), nil
		}); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// SetResolve makes webhook deliveries to host go to addr (host:port), as
// DNS would, for the demo's console name.
func (f *Front) SetResolve(host, addr string) { f.resolver.Set(host, addr) }

// SetHooks sets a sender's webhook URLs, as a person does in the console.
func (f *Front) SetHooks(sender string, h Hooks) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hooks[sender] = h
	if err := simfront.Save(f.cfg.HooksFile, f.hooks); err != nil {
		f.log.Warn("twilio simulator: the console's webhook URLs were not kept for a restart", "err", err)
	}
}

// Hooks returns a sender's webhook URLs.
func (f *Front) Hooks(sender string) Hooks {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hooks[sender]
}

// Attempts lists the webhook deliveries made so far.
func (f *Front) Attempts() []Attempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Attempt(nil), f.attempts...)
}

// Handler serves Twilio's API and the console page.
func (f *Front) Handler() http.Handler { return http.HandlerFunc(f.serve) }

func (f *Front) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/console" {
		f.console(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/v1/") {
		f.serveContent(w, r)
		return
	}
	const prefix = "/2010-04-01/Accounts/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, prefix)
	sid, rest, _ := strings.Cut(rest, "/")
	sid = strings.TrimSuffix(sid, ".json")
	nums := f.authorized(r, sid)
	if len(nums) == 0 {
		writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	switch {
	case rest == "" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"sid": sid, "friendly_name": nums[0].FriendlyName, "status": "active",
			"type": "Full", "auth_token": "", "uri": prefix + sid + ".json"})
	case rest == "Messages.json" && r.Method == http.MethodPost:
		f.send(w, r, sid, nums)
	case strings.HasPrefix(rest, "Messages/") && strings.Contains(rest, "/Media/") && r.Method == http.MethodGet:
		f.serveMedia(w, r, rest)
	default:
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
	}
}

// authorized returns the account's numbers when the request's basic
// authentication is the account's (Auth Token or API key).
func (f *Front) authorized(r *http.Request, accountSID string) []Number {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return nil
	}
	var out []Number
	for _, n := range f.cfg.Numbers {
		if n.AccountSID != accountSID {
			continue
		}
		tokenOK := user == n.AccountSID && subtle.ConstantTimeCompare([]byte(pass), []byte(n.AuthToken)) == 1
		keyOK := n.APIKeySID != "" && user == n.APIKeySID && subtle.ConstantTimeCompare([]byte(pass), []byte(n.APIKeySecret)) == 1
		if tokenOK || keyOK {
			out = append(out, n)
		}
	}
	return out
}

func (f *Front) newSID(prefix string) string {
	f.seq++
	return fmt.Sprintf("%s%016x%016x", prefix, 0x7a11, f.seq)
}

// send creates a Message: the WhatsApp side sends it.
func (f *Front) send(w http.ResponseWriter, r *http.Request, accountSID string, nums []Number) {
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 20001, "the body is not form-encoded")
		return
	}
	from, to := r.PostForm.Get("From"), r.PostForm.Get("To")
	var n *Number
	for i := range nums {
		if from == "whatsapp:"+nums[i].Sender {
			n = &nums[i]
		}
	}
	if n == nil {
		writeError(w, http.StatusBadRequest, 63007, "Twilio could not find a Channel with the specified From address")
		return
	}
	waID := strings.TrimPrefix(to, "whatsapp:+")
	if !strings.HasPrefix(to, "whatsapp:+") || waID == "" || strings.Trim(waID, "0123456789") != "" {
		writeError(w, http.StatusBadRequest, 21211, "The 'To' number "+to+" is not a valid phone number.")
		return
	}
	body, mediaURL := r.PostForm.Get("Body"), r.PostForm.Get("MediaUrl")
	msg := map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": waID}
	switch {
	case r.PostForm.Get("ContentSid") != "":
		res, ok := f.find(r, accountSID, nums, r.PostForm.Get("ContentSid"))
		if !ok {
			writeError(w, http.StatusBadRequest, 21655, "The ContentSid is Invalid")
			return
		}
		if code, text := contentMessage(res, r.PostForm.Get("ContentVariables"), msg); code != 0 {
			writeError(w, http.StatusBadRequest, code, text)
			return
		}
	case mediaURL != "":
		kind := "document"
		switch strings.ToLower(mediaURL[strings.LastIndex(mediaURL, ".")+1:]) {
		case "jpg", "jpeg", "png":
			kind = "image"
		case "mp4":
			kind = "video"
		case "ogg", "mp3", "amr":
			kind = "audio"
		}
		media := map[string]any{"link": mediaURL}
		if body != "" && kind != "audio" {
			media["caption"] = body
		}
		msg["type"], msg[kind] = kind, media
	case body != "":
		msg["type"], msg["text"] = "text", map[string]any{"body": body}
	default:
		writeError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	raw, _ := json.Marshal(msg)
	rec := f.do(r.Context(), http.MethodPost, "/"+f.cfg.GraphVersion+"/"+n.PhoneNumberID+"/messages", "", raw, "application/json")
	var ans struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &ans)
	if rec.Code != http.StatusOK || len(ans.Messages) == 0 {
		switch ans.Error.Code {
		case 131047:
			writeError(w, http.StatusBadRequest, 63016, "Failed to send freeform message because you are outside the allowed window.")
		case 130429, 131056:
			writeError(w, http.StatusTooManyRequests, 63018, "Rate limit exceeded for this WhatsApp sender")
		default:
			writeError(w, http.StatusBadRequest, 63013, "WhatsApp refused the message: "+ans.Error.Message)
		}
		return
	}
	f.mu.Lock()
	sid := f.newSID("SM")
	if mediaURL != "" {
		sid = "MM" + sid[2:]
	}
	f.sids[ans.Messages[0].ID], f.wamids[sid] = sid, ans.Messages[0].ID
	if cb := r.PostForm.Get("StatusCallback"); cb != "" {
		f.callback[sid] = cb
	}
	f.mu.Unlock()
	now := time.Now().UTC().Format(time.RFC1123Z)
	numMedia := "0"
	if mediaURL != "" {
		numMedia = "1"
	}
	writeJSON(w, http.StatusCreated, map[string]any{"sid": sid, "account_sid": accountSID, "api_version": "2010-04-01",
		"body": body, "from": from, "to": to, "status": "queued", "direction": "outbound-api", "num_media": numMedia,
		"num_segments": "1", "date_created": now, "date_updated": now, "date_sent": nil, "error_code": nil, "error_message": nil,
		"price": nil, "price_unit": "USD", "uri": "/2010-04-01/Accounts/" + accountSID + "/Messages/" + sid + ".json"})
}

// serveMedia serves an inbound file from the WhatsApp side.
func (f *Front) serveMedia(w http.ResponseWriter, r *http.Request, rest string) {
	mediaSID := strings.TrimSuffix(rest[strings.LastIndex(rest, "/")+1:], ".json")
	f.mu.Lock()
	id, ok := f.media[mediaSID]
	f.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	rec := f.do(r.Context(), http.MethodGet, "/"+f.cfg.GraphVersion+"/"+id, "", nil, "")
	var info struct {
		URL string `json:"url"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &info) != nil {
		writeError(w, http.StatusNotFound, 20404, "The media is gone")
		return
	}
	u, err := url.Parse(info.URL)
	if err != nil {
		writeError(w, http.StatusNotFound, 20404, "The media is gone")
		return
	}
	rec = f.do(r.Context(), http.MethodGet, u.Path, u.RawQuery, nil, "")
	for _, k := range []string{"Content-Type", "Content-Length"} {
		if v := rec.Header().Get(k); v != "" {
			w.Header().Set(k, v)
		}
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (f *Front) do(ctx context.Context, method, path, rawQuery string, body []byte, contentType string) *httptest.ResponseRecorder {
	return simfront.Backend{Sim: f.cfg.Sim, Token: f.cfg.SimToken}.Do(ctx, method, path, rawQuery, body, contentType)
}

// envelope is the part of Meta's webhook the front reads.
type envelope struct {
	Entry []struct {
		Changes []struct {
			Value struct {
				Metadata struct {
					PhoneNumberID string `json:"phone_number_id"`
				} `json:"metadata"`
				Contacts []struct {
					WaID    string `json:"wa_id"`
					Profile struct {
						Name string `json:"name"`
					} `json:"profile"`
				} `json:"contacts"`
				Messages []map[string]json.RawMessage `json:"messages"`
				Statuses []struct {
					ID          string `json:"id"`
					Status      string `json:"status"`
					RecipientID string `json:"recipient_id"`
					Errors      []struct {
						Code  int    `json:"code"`
						Title string `json:"title"`
					} `json:"errors"`
				} `json:"statuses"`
			} `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type delivery struct {
	url    string
	token  string
	params url.Values
}

// pass turns one webhook of the WhatsApp side into Twilio's webhooks and
// delivers them; any failure makes the WhatsApp side retry the whole body.
func (f *Front) pass(ctx context.Context, body []byte) int {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return http.StatusOK // nothing Twilio would forward
	}
	var out []delivery
	for _, e := range env.Entry {
		for _, c := range e.Changes {
			n, ok := f.numberOf(c.Value.Metadata.PhoneNumberID)
			if !ok {
				continue
			}
			hooks := f.Hooks(n.Sender)
			profile := map[string]string{}
			for _, ct := range c.Value.Contacts {
				profile[ct.WaID] = ct.Profile.Name
			}
			for _, m := range c.Value.Messages {
				if p := f.inboundParams(n, m, profile); p != nil && hooks.Incoming != "" {
					out = append(out, delivery{url: hooks.Incoming, token: n.AuthToken, params: p})
				}
			}
			for _, s := range c.Value.Statuses {
				f.mu.Lock()
				sid, ok := f.sids[s.ID]
				cb := f.callback[sid]
				f.mu.Unlock()
				if !ok {
					continue
				}
				if cb == "" {
					cb = hooks.Status
				}
				if cb == "" {
					continue
				}
				p := url.Values{"AccountSid": {n.AccountSID}, "ApiVersion": {"2010-04-01"}, "ChannelPrefix": {"whatsapp"},
					"MessageSid": {sid}, "SmsSid": {sid}, "From": {"whatsapp:" + n.Sender}, "To": {"whatsapp:+" + s.RecipientID}}
				st := s.Status
				if st == "failed" {
					code := "63032"
					if len(s.Errors) > 0 && s.Errors[0].Code == 131047 {
						code = "63016"
						p.Set("ErrorMessage", "Failed to send freeform message because you are outside the allowed window.")
					} else {
						st = "undelivered"
					}
					p.Set("ErrorCode", code)
				}
				p.Set("MessageStatus", st)
				p.Set("SmsStatus", st)
				out = append(out, delivery{url: cb, token: n.AuthToken, params: p})
			}
		}
	}
	status := http.StatusOK
	for _, d := range out {
		if st := f.deliver(ctx, d); st != http.StatusOK && st != http.StatusNoContent {
			status = http.StatusBadGateway
		}
	}
	return status
}

func (f *Front) numberOf(phoneNumberID string) (Number, bool) {
	for _, n := range f.cfg.Numbers {
		if n.PhoneNumberID == phoneNumberID {
			return n, true
		}
	}
	return Number{}, false
}

// inboundParams are Twilio's parameters for one inbound message; the same
// WhatsApp message always gets the same MessageSid.
func (f *Front) inboundParams(n Number, m map[string]json.RawMessage, profile map[string]string) url.Values {
	var id, from, typ string
	json.Unmarshal(m["id"], &id)
	json.Unmarshal(m["from"], &from)
	json.Unmarshal(m["type"], &typ)
	if id == "" || from == "" {
		return nil
	}
	var text struct {
		Body string `json:"body"`
	}
	var media struct {
		ID       string `json:"id"`
		MimeType string `json:"mime_type"`
		Caption  string `json:"caption"`
	}
	var loc struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
		Address   string  `json:"address"`
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	sid, ok := f.sids[id]
	if !ok {
		prefix := "SM"
		switch typ {
		case "image", "video", "audio", "document", "sticker":
			prefix = "MM"
		}
		sid = f.newSID(prefix)
	}
	p := url.Values{"AccountSid": {n.AccountSID}, "ApiVersion": {"2010-04-01"}, "From": {"whatsapp:+" + from},
		"To": {"whatsapp:" + n.Sender}, "WaId": {from}, "ProfileName": {profile[from]}, "SmsStatus": {"received"},
		"NumSegments": {"1"}, "NumMedia": {"0"}, "Body": {""}}
	switch typ {
	case "text":
		json.Unmarshal(m["text"], &text)
		p.Set("Body", text.Body)
	case "image", "video", "audio", "document", "sticker":
		json.Unmarshal(m[typ], &media)
		mediaSID := "ME" + sid[2:]
		f.media[mediaSID] = media.ID
		p.Set("NumMedia", "1")
		p.Set("MediaContentType0", media.MimeType)
		p.Set("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/"+n.AccountSID+"/Messages/"+sid+"/Media/"+mediaSID)
		p.Set("Body", media.Caption)
	case "location":
		json.Unmarshal(m["location"], &loc)
		p.Set("Latitude", fmt.Sprint(loc.Latitude))
		p.Set("Longitude", fmt.Sprint(loc.Longitude))
		p.Set("Label", loc.Name)
		p.Set("Address", loc.Address)
	default:
		return nil // Twilio documents no form for this kind
	}
	f.sids[id], f.wamids[sid] = sid, id
	p.Set("MessageSid", sid)
	p.Set("SmsMessageSid", sid)
	p.Set("SmsSid", sid)
	return p
}

// sign is Twilio's signature: base64(HMAC-SHA1(token, URL + sorted
// name/value pairs)).
func sign(token, u string, p url.Values) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	mac := hmac.New(sha1.New, []byte(token))
	io.WriteString(mac, u)
	for _, k := range keys {
		for _, v := range p[k] {
			io.WriteString(mac, k+v)
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// deliver POSTs one signed webhook.
func (f *Front) deliver(ctx context.Context, d delivery) int {
	body := d.params.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, strings.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set("X-Twilio-Signature", sign(d.token, d.url, d.params))
	a := Attempt{URL: d.url, Params: d.params}
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

var consolePage = template.Must(template.New("console").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Twilio Console (simulated)</title></head>
<body><main>
<h1>Twilio Console (simulated): WhatsApp senders</h1>
{{if .Saved}}<p role="status" data-testid="console-saved">Sender configuration saved.</p>{{end}}
{{if .Error}}<p role="alert" data-testid="console-error">{{.Error}}</p>{{end}}
{{range .Senders}}
<form method="post" action="/console" data-testid="console-sender-{{.Sender}}">
<h2>{{.Sender}}</h2>
<input type="hidden" name="sender" value="{{.Sender}}">
<p><label for="incoming-{{.Sender}}">Webhook URL for incoming messages</label><br>
<input id="incoming-{{.Sender}}" name="incoming" type="url" size="80" value="{{.Hooks.Incoming}}" data-testid="console-incoming"></p>
<p><label for="status-{{.Sender}}">Status callback URL</label><br>
<input id="status-{{.Sender}}" name="status" type="url" size="80" value="{{.Hooks.Status}}" data-testid="console-status"></p>
<button type="submit" data-testid="console-save">Save</button>
</form>
{{end}}
</main></body></html>`))

// console is where a person pastes wadesk's webhook URL for a sender.
func (f *Front) console(w http.ResponseWriter, r *http.Request) {
	type sender struct {
		Sender string
		Hooks  Hooks
	}
	data := struct {
		Saved   bool
		Error   string
		Senders []sender
	}{}
	if r.Method == http.MethodPost {
		s := r.PostFormValue("sender")
		h := Hooks{Incoming: strings.TrimSpace(r.PostFormValue("incoming")), Status: strings.TrimSpace(r.PostFormValue("status"))}
		_, known := f.senderNumber(s)
		switch {
		case !known:
			data.Error = "Unknown sender " + s
		case !validURL(h.Incoming) || (h.Status != "" && !validURL(h.Status)):
			data.Error = "Enter full http(s) URLs."
		default:
			f.SetHooks(s, h)
			data.Saved = true
		}
	}
	for _, n := range f.cfg.Numbers {
		data.Senders = append(data.Senders, sender{Sender: n.Sender, Hooks: f.Hooks(n.Sender)})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if data.Error != "" {
		w.WriteHeader(http.StatusBadRequest)
	}
	consolePage.Execute(w, data)
}

func (f *Front) senderNumber(s string) (Number, bool) {
	for _, n := range f.cfg.Numbers {
		if n.Sender == s {
			return n, true
		}
	}
	return Number{}, false
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// writeError answers in Twilio's error shape.
func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
