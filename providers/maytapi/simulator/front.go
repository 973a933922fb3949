// Package simulator is an offline Maytapi: a front that speaks Maytapi's
// API and webhook format over the simulated WhatsApp side of package
// cloudapi/simulator (customers, their phone page and receipts live
// there, once for every provider).
//
// What the front does, from Maytapi's OpenAPI document v1.9.1 as
// summarised in ../shared/contracts/README.md:
//   - paths under /api/{product_id}; every call carries x-maytapi-key; a
//     wrong key or product answers 401 {success:false, message};
//   - GET /listPhones, GET /{phone_id}/status, GET /{phone_id}/qrCode (a
//     PNG image while the phone waits to be paired), POST
//     /{phone_id}/sendMessage (answer {success, data:{chatId, msgId}}:
//     queued), POST /setWebhook {webhook}, POST /setAckPreference
//     {ack_delivery};
//   - webhooks: "message", "ack" (ackCode 1–5) and "status" (with "pid")
//     bodies, POSTed unsigned to the account's one webhook URL;
//   - the duplicate filter: the same message to one chat more than 3
//     times is refused.
//
// Pairing: a phone starts waiting for its QR code; the QR image changes
// every QRRefresh; Scan (or POST /_maytapi/{phone_id}/scan, the
// "scan" button of the pairing page at /_maytapi/{phone_id}) logs it in;
// Logout (POST /_maytapi/{phone_id}/logout) ends the session, as when the
// phone unlinks the device. Both send a "status" webhook.
//
// Not confirmed, this simulator's choices: the element shape of
// /listPhones, qrCode answering image/png, error wording, the 401 status
// for a wrong key. The QR image is a PNG drawn from the session's code,
// in QR code style; it is not a scannable QR code (no encoder is vendored).
//
// The WhatsApp side applies Meta's 24-hour window: a free-form send to a
// customer silent for more than 24 h is accepted there and then fails
// (131047). Maytapi has no window; the front drops that failure (no ack
// follows), so such a message stays "sent". Only the demo's flows, where
// customers write first, are faithful.
//
// It shares no code with the product it tests.
package simulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
)

// Phone is one Maytapi phone: a number of the WhatsApp side.
type Phone struct {
	// ID is Maytapi's phone id (digits).
	ID            string
	PhoneNumberID string
	WABAID        string
	Number        string // digits, with country code
	Name          string
	// LoggedIn starts the phone paired.
	LoggedIn bool
}

// Config configures a Front.
type Config struct {
	Sim          *wa.Sim
	SimToken     string
	GraphVersion string
	ProductID    string
	APIKey       string
	Phones       []Phone
	// QRRefresh is how often a waiting phone's QR code changes (default 20 s).
	QRRefresh time.Duration
	Logger    *slog.Logger
}

// Front is a running Maytapi simulator: serve its Handler.
type Front struct {
	cfg    Config
	log    *slog.Logger
	client *http.Client

	mu       sync.Mutex
	phones   map[string]*phoneState
	webhook  string
	acks     bool
	sent     map[string]int // duplicate filter: phone|to|message → count
	resolve  map[string]string
	attempts []Attempt
}

type phoneState struct {
	Phone
	loggedIn bool
	session  int // bumps on logout: a new QR code
	since    time.Time
}

// Attempt is one webhook delivery, for tests.
type Attempt struct {
	Type   string
	URL    string
	Status int
	Error  string
}

// New returns a front for cfg.
func New(cfg Config) (*Front, error) {
	if cfg.Sim == nil || cfg.SimToken == "" || cfg.ProductID == "" || cfg.APIKey == "" {
		return nil, errors.New("maytapi simulator: Sim, SimToken, ProductID and APIKey are required")
	}
	if cfg.GraphVersion == "" {
		cfg.GraphVersion = "v23.0"
	}
	if cfg.QRRefresh <= 0 {
		cfg.QRRefresh = 20 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	f := &Front{cfg: cfg, log: cfg.Logger, phones: map[string]*phoneState{}, sent: map[string]int{}, resolve: map[string]string{}}
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
	for _, p := range cfg.Phones {
		if p.ID == "" || p.PhoneNumberID == "" || p.WABAID == "" {
			return nil, fmt.Errorf("maytapi simulator: phone %+v: ID, PhoneNumberID and WABAID are required", p)
		}
		f.phones[p.ID] = &phoneState{Phone: p, loggedIn: p.LoggedIn, since: time.Now()}
	}
	return f, nil
}

// SetResolve makes webhook deliveries to host go to addr (host:port), as
// DNS would.
func (f *Front) SetResolve(host, addr string) {
	f.mu.Lock()
	f.resolve[host] = addr
	f.mu.Unlock()
}

// Handler serves Maytapi's API under /api/{product_id}/ and the pairing
// controls under /_maytapi/.
func (f *Front) Handler() http.Handler { return http.HandlerFunc(f.serve) }

// Webhook is the account's webhook URL and whether acks were asked for.
func (f *Front) Webhook() (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.webhook, f.acks
}

// Attempts lists the webhook deliveries made so far.
func (f *Front) Attempts() []Attempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Attempt(nil), f.attempts...)
}

func (f *Front) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_maytapi/") {
		f.control(w, r)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/"+f.cfg.ProductID+"/")
	if !ok || r.Header.Get("x-maytapi-key") != f.cfg.APIKey {
		fail(w, http.StatusUnauthorized, "Invalid product id or token")
		return
	}
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "listPhones" && r.Method == http.MethodGet:
		f.listPhones(w)
	case len(parts) == 1 && parts[0] == "setWebhook" && r.Method == http.MethodPost:
		f.setWebhook(w, r)
	case len(parts) == 1 && parts[0] == "setAckPreference" && r.Method == http.MethodPost:
		var in struct {
			AckDelivery bool `json:"ack_delivery"`
		}
		if json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&in) != nil {
			fail(w, http.StatusBadRequest, "Invalid JSON body")
			return
		}
		f.mu.Lock()
		f.acks = in.AckDelivery
		f.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"success": true})
	case len(parts) == 2:
		p, ok := f.phone(parts[0])
		if !ok {
			fail(w, http.StatusNotFound, "Phone not found")
			return
		}
		switch {
		case parts[1] == "status" && r.Method == http.MethodGet:
			writeJSON(w, http.StatusOK, map[string]any{"success": true, "status": f.statusOf(p)})
		case parts[1] == "qrCode" && r.Method == http.MethodGet:
			f.qrCode(w, p)
		case parts[1] == "sendMessage" && r.Method == http.MethodPost:
			f.sendMessage(w, r, p)
		default:
			fail(w, http.StatusNotFound, "Not found: "+r.Method+" "+r.URL.Path)
		}
	default:
		fail(w, http.StatusNotFound, "Not found: "+r.Method+" "+r.URL.Path)
	}
}

func (f *Front) phone(id string) (phoneState, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.phones[id]
	if !ok {
		return phoneState{}, false
	}
	return *p, true
}

func (f *Front) listPhones(w http.ResponseWriter) {
	f.mu.Lock()
	out := []map[string]any{}
	for _, p := range f.phones {
		st := "qr-code"
		if p.loggedIn {
			st = "active"
		}
		out = append(out, map[string]any{"id": p.ID, "number": p.Number, "name": p.Name, "status": st, "type": "whatsapp"})
	}
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (f *Front) statusOf(p phoneState) map[string]any {
	st := map[string]any{"loggedIn": p.loggedIn, "isQr": !p.loggedIn, "loading": false, "connRetry": 0, "message": "", "state": map[string]any{}}
	if p.loggedIn {
		st["number"] = p.Number
		st["state"] = map[string]any{"state": "CONNECTED"}
	}
	return st
}

// qrCode answers the current QR code as a PNG while the phone waits.
func (f *Front) qrCode(w http.ResponseWriter, p phoneState) {
	if p.loggedIn {
		fail(w, http.StatusConflict, "Phone is already logged in")
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(f.QRImage(p.ID))
}

// QRCode is the phone's current pairing code: it changes every QRRefresh
// and with every new session.
func (f *Front) QRCode(phoneID string) string {
	f.mu.Lock()
	p, ok := f.phones[phoneID]
	var session int
	if ok {
		session = p.session
	}
	f.mu.Unlock()
	tick := time.Now().UnixNano() / int64(f.cfg.QRRefresh)
	return fmt.Sprintf("%s/%s/%d/%d", f.cfg.ProductID, phoneID, session, tick)
}

// QRImage draws the current pairing code as a 29×29-module PNG in QR
// code style (finder patterns and a data pattern from the code's hash).
func (f *Front) QRImage(phoneID string) []byte {
	code := f.QRCode(phoneID)
	const modules, scale, quiet = 29, 8, 4
	size := (modules + 2*quiet) * scale
	img := image.NewGray(image.Rect(0, 0, size, size))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	seed := sha256.Sum256([]byte(code))
	bits := func(i int) bool {
		h := sha256.Sum256(append(seed[:], byte(i), byte(i>>8)))
		return binary.BigEndian.Uint32(h[:4])&1 == 1
	}
	finder := func(x, y int) (in, dark bool) {
		for _, o := range [][2]int{{0, 0}, {modules - 7, 0}, {0, modules - 7}} {
			dx, dy := x-o[0], y-o[1]
			if dx >= -1 && dx <= 7 && dy >= -1 && dy <= 7 {
				if dx < 0 || dy < 0 || dx > 6 || dy > 6 {
					return true, false
				}
				ring := dx == 0 || dy == 0 || dx == 6 || dy == 6
				core := dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4
				return true, ring || core
			}
		}
		return false, false
	}
	for y := 0; y < modules; y++ {
		for x := 0; x < modules; x++ {
			dark := bits(y*modules + x)
			if in, d := finder(x, y); in {
				dark = d
			}
			if !dark {
				continue
			}
			for py := 0; py < scale; py++ {
				for px := 0; px < scale; px++ {
					img.SetGray((x+quiet)*scale+px, (y+quiet)*scale+py, color.Gray{})
				}
			}
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// Scan logs the phone in, as scanning the QR code with WhatsApp does, and
// sends a "status" webhook.
func (f *Front) Scan(ctx context.Context, phoneID string) error {
	return f.setSession(ctx, phoneID, true)
}

// Logout ends the phone's session (the phone unlinked the device) and
// sends a "status" webhook.
func (f *Front) Logout(ctx context.Context, phoneID string) error {
	return f.setSession(ctx, phoneID, false)
}

func (f *Front) setSession(ctx context.Context, phoneID string, in bool) error {
	f.mu.Lock()
	p, ok := f.phones[phoneID]
	if !ok {
		f.mu.Unlock()
		return fmt.Errorf("maytapi simulator: no phone %s", phoneID)
	}
	p.loggedIn = in
	if !in {
		p.session++
	}
	p.since = time.Now()
	f.mu.Unlock()
	st := "qr-code"
	if in {
		st = "active"
	}
	f.deliver(ctx, "status", map[string]any{"type": "status", "pid": f.cfg.ProductID, "phone_id": num(phoneID), "status": st})
	return nil
}

func (f *Front) setWebhook(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Webhook string `json:"webhook"`
	}
	if json.NewDecoder(io.LimitReader(r.Body, 8<<10)).Decode(&in) != nil {
		fail(w, http.StatusBadRequest, "Invalid JSON body")
		return
	}
	if in.Webhook != "" && !strings.HasPrefix(in.Webhook, "http://") && !strings.HasPrefix(in.Webhook, "https://") {
		fail(w, http.StatusBadRequest, "webhook must be a http(s) URL")
		return
	}
	f.mu.Lock()
	f.webhook = in.Webhook
	wabas := map[string]bool{}
	for _, p := range f.phones {
		wabas[p.WABAID] = true
	}
	f.mu.Unlock()
	for waba := range wabas {
		if err := f.cfg.Sim.SubscribeFront(waba, func(ctx context.Context, body []byte) (int, error) {
			return f.pass(ctx, body), nil
		}); err != nil {
			fail(w, http.StatusInternalServerError, err.Error())
			return
		}
	}
	f.log.Info("maytapi webhook set", "url", in.Webhook)
	writeJSON(w, http.StatusOK, map[string]any{"success": true})
}

// sendMessage queues a message: it checks the session and the duplicate
// filter, then hands it to the WhatsApp side as the phone would.
func (f *Front) sendMessage(w http.ResponseWriter, r *http.Request, p phoneState) {
	var in struct {
		ToNumber  string   `json:"to_number"`
		Type      string   `json:"type"`
		Message   string   `json:"message"`
		Text      string   `json:"text"`
		Filename  string   `json:"filename"`
		ReplyTo   string   `json:"reply_to"`
		Latitude  *float64 `json:"latitude"`
		Longitude *float64 `json:"longitude"`
	}
	if json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in) != nil {
		fail(w, http.StatusBadRequest, "Invalid JSON body")
		return
	}
	if !p.loggedIn {
		fail(w, http.StatusOK, "Phone is not logged in. Scan the QR code to pair it.")
		return
	}
	to := strings.TrimSuffix(in.ToNumber, "@c.us")
	if to == "" || in.Type == "" {
		fail(w, http.StatusBadRequest, "to_number and type are required")
		return
	}
	key := p.ID + "|" + to + "|" + in.Type + "|" + in.Message + "|" + in.Text
	f.mu.Lock()
	f.sent[key]++
	n := f.sent[key]
	f.mu.Unlock()
	if n > 3 {
		fail(w, http.StatusOK, "Duplicate message: the same message cannot be sent to a chat more than 3 times (duplicate filter)")
		return
	}
	msg := map[string]any{"messaging_product": "whatsapp", "to": to}
	if in.ReplyTo != "" && in.Type != "reaction" {
		msg["context"] = map[string]string{"message_id": in.ReplyTo}
	}
	switch in.Type {
	case "text":
		msg["type"], msg["text"] = "text", map[string]any{"body": in.Message}
	case "media":
		kind := "document"
		switch low := strings.ToLower(in.Message); {
		case strings.HasSuffix(low, ".jpg") || strings.HasSuffix(low, ".jpeg") || strings.HasSuffix(low, ".png"):
			kind = "image"
		case strings.HasSuffix(low, ".mp4"):
			kind = "video"
		case strings.HasSuffix(low, ".ogg") || strings.HasSuffix(low, ".mp3"):
			kind = "audio"
		}
		m := map[string]any{"link": in.Message}
		if in.Text != "" && kind != "audio" {
			m["caption"] = in.Text
		}
		if kind == "document" && in.Filename != "" {
			m["filename"] = in.Filename
		}
		msg["type"], msg[kind] = kind, m
	case "location":
		if in.Latitude == nil || in.Longitude == nil {
			fail(w, http.StatusBadRequest, "latitude and longitude are required")
			return
		}
		msg["type"], msg["location"] = "location", map[string]any{"latitude": *in.Latitude, "longitude": *in.Longitude, "name": in.Text}
	case "reaction":
		msg["type"], msg["reaction"] = "reaction", map[string]any{"message_id": in.ReplyTo, "emoji": in.Message}
	default:
		fail(w, http.StatusBadRequest, "type "+in.Type+" is not simulated")
		return
	}
	body, _ := json.Marshal(msg)
	rec := f.do(r.Context(), http.MethodPost, "/"+f.cfg.GraphVersion+"/"+p.PhoneNumberID+"/messages", body)
	var out struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	json.Unmarshal(rec.Body.Bytes(), &out)
	if rec.Code != http.StatusOK || len(out.Messages) == 0 {
		fail(w, http.StatusOK, "Message could not be queued: "+out.Error.Message)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": map[string]any{"chatId": to + "@c.us", "msgId": out.Messages[0].ID}})
}

func (f *Front) do(ctx context.Context, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
	req.Host = "graph.facebook.com"
	req.Header.Set("Authorization", "Bearer "+f.cfg.SimToken)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.cfg.Sim.Handler().ServeHTTP(rec, req)
	return rec
}

// pass turns one of the WhatsApp side's webhooks (Meta's envelope) into
// Maytapi's "message" and "ack" webhooks for the account's phones.
func (f *Front) pass(ctx context.Context, body []byte) int {
	var env struct {
		Entry []struct {
			Changes []struct {
				Value struct {
					Metadata struct {
						PhoneNumberID      string `json:"phone_number_id"`
						DisplayPhoneNumber string `json:"display_phone_number"`
					} `json:"metadata"`
					Contacts []struct {
						WaID    string `json:"wa_id"`
						Profile struct {
							Name string `json:"name"`
						} `json:"profile"`
					} `json:"contacts"`
					Messages []map[string]any `json:"messages"`
					Statuses []struct {
						ID          string `json:"id"`
						Status      string `json:"status"`
						Timestamp   string `json:"timestamp"`
						RecipientID string `json:"recipient_id"`
					} `json:"statuses"`
				} `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	if json.Unmarshal(body, &env) != nil {
		return http.StatusOK
	}
	status := http.StatusOK
	for _, e := range env.Entry {
		for _, c := range e.Changes {
			v := c.Value
			p, ok := f.byNumberID(v.Metadata.PhoneNumberID)
			if !ok {
				continue
			}
			names := map[string]string{}
			for _, ct := range v.Contacts {
				names[ct.WaID] = ct.Profile.Name
			}
			for _, m := range v.Messages {
				from, _ := m["from"].(string)
				out := map[string]any{"id": m["id"], "type": m["type"], "fromMe": false}
				switch m["type"] {
				case "text":
					if t, ok := m["text"].(map[string]any); ok {
						out["text"] = t["body"]
					}
				default:
					out["text"] = ""
				}
				if ctx, ok := m["context"].(map[string]any); ok {
					out["quoted"] = ctx["id"]
				}
				ts := int64(0)
				fmt.Sscan(fmt.Sprint(m["timestamp"]), &ts)
				if st := f.deliver(ctx, "message", map[string]any{"type": "message", "product_id": f.cfg.ProductID, "phone_id": num(p.ID),
					"message": out, "user": map[string]any{"id": from + "@c.us", "name": names[from], "phone": from, "image": ""},
					"conversation": from + "@c.us", "receiver": p.Number, "timestamp": ts,
					"reply": "/api/" + f.cfg.ProductID + "/" + p.ID + "/sendMessage"}); st != http.StatusOK {
					status = http.StatusBadGateway
				}
			}
			f.mu.Lock()
			acks := f.acks
			f.mu.Unlock()
			for _, s := range v.Statuses {
				code, typ := map[string]int{"sent": 1, "delivered": 2, "read": 3}[s.Status], ""
				typ = map[int]string{1: "delivered", 2: "reached", 3: "seen"}[code]
				if code == 0 || !acks {
					continue
				}
				ts := int64(0)
				fmt.Sscan(s.Timestamp, &ts)
				if st := f.deliver(ctx, "ack", map[string]any{"type": "ack", "product_id": f.cfg.ProductID, "phone_id": num(p.ID),
					"data": []map[string]any{{"ackType": typ, "ackCode": code, "chatId": s.RecipientID + "@c.us", "msgId": s.ID, "time": ts}}}); st != http.StatusOK {
					status = http.StatusBadGateway
				}
			}
		}
	}
	return status
}

func (f *Front) byNumberID(id string) (Phone, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.phones {
		if p.PhoneNumberID == id {
			return p.Phone, true
		}
	}
	return Phone{}, false
}

// deliver POSTs one webhook, unsigned, to the account's URL.
func (f *Front) deliver(ctx context.Context, typ string, v any) int {
	f.mu.Lock()
	u := f.webhook
	f.mu.Unlock()
	if u == "" {
		return http.StatusOK
	}
	body, _ := json.Marshal(v)
	a := Attempt{Type: typ, URL: u}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		var resp *http.Response
		resp, err = f.client.Do(req)
		if err == nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			a.Status = resp.StatusCode
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

// control serves the pairing page and its scan and logout buttons.
func (f *Front) control(w http.ResponseWriter, r *http.Request) {
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_maytapi/"), "/")
	id, action, _ := strings.Cut(rest, "/")
	if _, ok := f.phone(id); !ok {
		http.NotFound(w, r)
		return
	}
	switch {
	case action == "" && r.Method == http.MethodGet:
		f.pairPage(w, id)
	case action == "qr.png" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(f.QRImage(id))
	case action == "scan" && r.Method == http.MethodPost:
		f.Scan(r.Context(), id)
		http.Redirect(w, r, "/_maytapi/"+id, http.StatusSeeOther)
	case action == "logout" && r.Method == http.MethodPost:
		f.Logout(r.Context(), id)
		http.Redirect(w, r, "/_maytapi/"+id, http.StatusSeeOther)
	default:
		http.NotFound(w, r)
	}
}

// pairPage is the simulated phone's "Linked devices" screen.
func (f *Front) pairPage(w http.ResponseWriter, id string) {
	p, _ := f.phone(id)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	state, button, action := "Not linked. Scan the QR code shown in wadesk to link this phone.", "Scan QR code", "scan"
	if p.loggedIn {
		state, button, action = "Linked: this phone's WhatsApp is paired with Maytapi.", "Unlink device (log out)", "logout"
	}
	fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Maytapi phone %[1]s — simulator</title></head><body style="font-family:sans-serif;max-width:30rem;margin:1rem auto;padding:0 1rem">
<h1>Simulated phone %[2]s</h1><p id="state">%[3]s</p>
<form method="post" action="/_maytapi/%[1]s/%[4]s"><button type="submit" id="%[4]s">%[5]s</button></form>
</body></html>`, htmlEscape(id), htmlEscape(p.Number), state, action, button)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}

// num sends a digits-only phone id as a JSON number, as Maytapi does.
func num(id string) any {
	var n int64
	if _, err := fmt.Sscan(id, &n); err == nil {
		return n
	}
	return id
}

func fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
