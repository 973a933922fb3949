package simulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

type subscription struct {
	callbackURL string
	verifyToken string
	verified    bool
	verifiedAt  time.Time
	// front, when set, receives the WABA's webhooks instead of a callback
	// URL: a provider front (360dialog, a Cloud API partner) passes them
	// on in its own way and answers with the status its target gave.
	front func(ctx context.Context, body []byte) (status int, err error)
}

// FrontFunc passes a WABA's webhook body on for a provider front and
// returns the HTTP status its destination answered (200: delivered).
type FrontFunc func(ctx context.Context, body []byte) (status int, err error)

// SubscribeFront makes the WABA's webhooks go to fn instead of a callback
// URL, with the same batching, retries and duplicates: this is how a
// provider front sits on the one simulated WhatsApp side.
func (s *Sim) SubscribeFront(wabaID string, fn FrontFunc) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.wabas[wabaID]; !ok {
		return fmt.Errorf("simulator: no WABA %s", wabaID)
	}
	s.subs[wabaID] = &subscription{callbackURL: "front:" + wabaID, verified: true, verifiedAt: s.nowLocked(), front: fn}
	s.bumpLocked()
	return nil
}

type appData struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Link string `json:"link"`
}

type subscribedApp struct {
	OverrideCallbackURI string  `json:"override_callback_uri,omitempty"`
	WhatsAppBusinessAPI appData `json:"whatsapp_business_api_data"`
}

type subscribeResponse struct {
	Success bool            `json:"success"`
	Data    []subscribedApp `json:"data,omitempty"`
}

func (s *Sim) appData() appData {
	return appData{ID: s.cfg.AppID, Name: s.cfg.AppName, Link: "https://www.facebook.com/games/?app_id=" + s.cfg.AppID}
}

func (s *Sim) getSubscribedApps(g *gctx) *graphError {
	s.mu.Lock()
	sub, ok := s.subs[g.id]
	s.mu.Unlock()
	resp := listResponse{Data: []any{}}
	if ok {
		resp.Data = append(resp.Data, subscribedApp{OverrideCallbackURI: sub.callbackURL, WhatsAppBusinessAPI: s.appData()})
	}
	s.ok(g, resp)
	return nil
}

func (s *Sim) postSubscribedApps(g *gctx) *graphError {
	callback := strings.TrimSpace(g.param("override_callback_uri"))
	token := g.param("verify_token")
	if callback == "" {
		s.mu.Lock()
		s.subs[g.id] = &subscription{}
		s.saveStateLocked()
		s.mu.Unlock()
		s.log.Info("waba subscribed without callback override", "waba", g.id)
		s.ok(g, subscribeResponse{Success: true})
		return nil
	}
	u, err := url.Parse(callback)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &graphError{status: 400, message: "(#100) Param override_callback_uri must be a valid URL", typ: "OAuthException", code: 100}
	}
	if token == "" {
		return &graphError{status: 400, message: "(#100) The parameter verify_token is required", typ: "OAuthException", code: 100}
	}
	if gerr := s.verifyCallback(g.r.Context(), callback, token); gerr != nil {
		s.log.Info("callback verification failed", "waba", g.id, "url", callback, "error", gerr.message)
		return gerr
	}
	s.mu.Lock()
	s.subs[g.id] = &subscription{callbackURL: callback, verifyToken: token, verified: true, verifiedAt: s.nowLocked()}
	s.bumpLocked()
	s.saveStateLocked()
	s.mu.Unlock()
	s.log.Info("waba subscribed", "waba", g.id, "callback", callback)
	s.ok(g, subscribeResponse{Success: true, Data: []subscribedApp{{OverrideCallbackURI: callback, WhatsAppBusinessAPI: s.appData()}}})
	return nil
}

func (s *Sim) deleteSubscribedApps(g *gctx) *graphError {
	s.mu.Lock()
	delete(s.subs, g.id)
	s.bumpLocked()
	s.saveStateLocked()
	s.mu.Unlock()
	s.log.Info("waba unsubscribed", "waba", g.id)
	s.ok(g, successResponse{Success: true})
	return nil
}

// verifyCallback performs Meta's GET hub.challenge handshake. The endpoint
// must answer 200 with exactly the challenge as the body.
func (s *Sim) verifyCallback(ctx context.Context, callback, verifyToken string) *graphError {
	s.mu.Lock()
	challenge := strconv.FormatInt(1_000_000_000+s.rng.Int64N(1_000_000_000), 10)
	s.mu.Unlock()
	u, _ := url.Parse(callback)
	q := u.Query()
	q.Set("hub.mode", "subscribe")
	q.Set("hub.challenge", challenge)
	q.Set("hub.verify_token", verifyToken)
	u.RawQuery = q.Encode()

	fail := func(reason string) *graphError {
		return &graphError{status: 400, message: "(#2200) Callback verification failed with the following errors: " + reason, typ: "OAuthException", code: 2200}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Webhook.HandshakeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fail("Invalid URL")
	}
	req.Header.Set("User-Agent", "facebookplatform/1.0 (+http://developers.facebook.com)")
	resp, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fail(fmt.Sprintf("curl_errno = 28; curl_error = Operation timed out after %d milliseconds with 0 bytes received", s.cfg.Webhook.HandshakeTimeout.Milliseconds()))
		}
		return fail("curl_errno = 7; curl_error = Failed to connect: " + err.Error())
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fail(fmt.Sprintf("HTTP Status Code = %d; HTTP Message = %s", resp.StatusCode, http.StatusText(resp.StatusCode)))
	}
	if string(body) != challenge {
		got := string(body)
		if len(got) > 64 {
			got = got[:64] + "..."
		}
		return fail(fmt.Sprintf("The URL couldn't be validated. Response does not match challenge, expected value=%q, received=%q", challenge, got))
	}
	return nil
}

// Webhook delivery.

// hookEvent is one change to deliver for a WABA.
type hookEvent struct {
	field       string
	value       any
	withTime    bool
	onDelivered func()
}

type hookQueue struct {
	wabaID string
	mu     sync.Mutex
	events []*hookEvent
	wake   chan struct{}
}

func newHookQueue(wabaID string) *hookQueue {
	return &hookQueue{wabaID: wabaID, wake: make(chan struct{}, 1)}
}

func (q *hookQueue) push(ev *hookEvent) {
	q.mu.Lock()
	q.events = append(q.events, ev)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *hookQueue) pop(n int) []*hookEvent {
	q.mu.Lock()
	defer q.mu.Unlock()
	n = min(n, len(q.events))
	out := q.events[:n:n]
	q.events = q.events[n:]
	return out
}

// enqueue schedules a webhook change for a WABA.
func (s *Sim) enqueue(wabaID string, ev *hookEvent) {
	s.mu.Lock()
	q := s.queues[wabaID]
	s.mu.Unlock()
	if q != nil {
		q.push(ev)
	}
}

func (s *Sim) runQueue(q *hookQueue) {
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-q.wake:
		}
		for {
			batch := q.pop(s.cfg.Webhook.BatchSize)
			if len(batch) == 0 {
				break
			}
			s.deliver(q.wabaID, batch)
			if s.ctx.Err() != nil {
				return
			}
		}
	}
}

type envelope struct {
	Object string          `json:"object"`
	Entry  []envelopeEntry `json:"entry"`
}

type envelopeEntry struct {
	ID      string           `json:"id"`
	Time    int64            `json:"time,omitempty"`
	Changes []envelopeChange `json:"changes"`
}

type envelopeChange struct {
	Value any    `json:"value"`
	Field string `json:"field"`
}

// Delivery is one webhook POST attempt, for inspection.
type Delivery struct {
	WABAID    string    `json:"waba_id"`
	URL       string    `json:"url,omitempty"`
	Fields    []string  `json:"fields"`
	Attempt   int       `json:"attempt"`
	Status    int       `json:"status,omitempty"`
	Error     string    `json:"error,omitempty"`
	Duplicate bool      `json:"duplicate,omitempty"`
	Dropped   bool      `json:"dropped,omitempty"`
	At        time.Time `json:"at"`
	Body      string    `json:"body"`
}

const maxDeliveryLog = 500

func (s *Sim) logDelivery(d Delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveries = append(s.deliveries, d)
	if len(s.deliveries) > maxDeliveryLog {
		s.deliveries = append([]Delivery(nil), s.deliveries[len(s.deliveries)-maxDeliveryLog:]...)
	}
}

// Deliveries lists the most recent webhook delivery attempts, oldest first.
func (s *Sim) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

func (s *Sim) buildBody(wabaID string, batch []*hookEvent) ([]byte, []string, error) {
	env := envelope{Object: "whatsapp_business_account"}
	var fields []string
	now := s.now().Unix()
	for _, ev := range batch {
		e := envelopeEntry{ID: wabaID, Changes: []envelopeChange{{Value: ev.value, Field: ev.field}}}
		if ev.withTime {
			e.Time = now
		}
		env.Entry = append(env.Entry, e)
		fields = append(fields, ev.field)
	}
	body, err := marshalMeta(env)
	return body, fields, err
}

// deliver POSTs a batch until the callback answers 200, retrying with
// exponential backoff. The body (and so its signature) is the same on every
// attempt.
func (s *Sim) deliver(wabaID string, batch []*hookEvent) {
	body, fields, err := s.buildBody(wabaID, batch)
	if err != nil {
		s.log.Error("encode webhook", "waba", wabaID, "error", err)
		return
	}
	first := time.Now()
	backoff := s.cfg.Webhook.RetryInitial
	for attempt := 1; ; attempt++ {
		s.mu.Lock()
		sub := s.subs[wabaID]
		var callback string
		var front FrontFunc
		if sub != nil {
			callback, front = sub.callbackURL, sub.front
		}
		s.mu.Unlock()
		if callback == "" {
			s.logDelivery(Delivery{WABAID: wabaID, Fields: fields, Attempt: attempt, Dropped: true, Error: "no callback URL subscribed", At: s.now(), Body: string(body)})
			s.log.Debug("webhook dropped: no subscription", "waba", wabaID, "fields", fields)
			return
		}
		post := s.post
		if front != nil {
			post = func(_ string, body []byte) (int, error) {
				ctx, cancel := context.WithTimeout(s.ctx, s.cfg.Webhook.Timeout)
				defer cancel()
				return front(ctx, body)
			}
		}
		status, derr := post(callback, body)
		d := Delivery{WABAID: wabaID, URL: callback, Fields: fields, Attempt: attempt, Status: status, At: s.now(), Body: string(body)}
		if derr != nil {
			d.Error = derr.Error()
		}
		s.logDelivery(d)
		if derr == nil && status == http.StatusOK {
			for _, ev := range batch {
				if ev.onDelivered != nil {
					ev.onDelivered()
				}
			}
			if p := s.cfg.Webhook.DuplicateProbability; p > 0 && s.chance(p) {
				st, e := post(callback, body)
				dd := Delivery{WABAID: wabaID, URL: callback, Fields: fields, Attempt: attempt, Status: st, Duplicate: true, At: s.now(), Body: string(body)}
				if e != nil {
					dd.Error = e.Error()
				}
				s.logDelivery(dd)
			}
			return
		}
		s.log.Info("webhook delivery failed, will retry", "waba", wabaID, "url", callback, "attempt", attempt, "status", status, "error", derr)
		if max := s.cfg.Webhook.MaxAttempts; max > 0 && attempt >= max {
			s.logDelivery(Delivery{WABAID: wabaID, URL: callback, Fields: fields, Attempt: attempt, Dropped: true, Error: "gave up after " + strconv.Itoa(attempt) + " attempts", At: s.now(), Body: string(body)})
			return
		}
		if time.Since(first)+backoff > s.cfg.Webhook.MaxAge {
			s.logDelivery(Delivery{WABAID: wabaID, URL: callback, Fields: fields, Attempt: attempt, Dropped: true, Error: "gave up: event too old", At: s.now(), Body: string(body)})
			return
		}
		t := time.NewTimer(backoff)
		select {
		case <-s.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(backoff*2, s.cfg.Webhook.RetryMax)
	}
}

func (s *Sim) chance(p float64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64() < p
}

// post sends one signed webhook request.
func (s *Sim) post(callback string, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.Webhook.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callback, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	req.Header.Set("X-Hub-Signature-256", "sha256="+Sign(s.cfg.AppSecret, body))
	mac := hmac.New(sha1.New, []byte(s.cfg.AppSecret))
	mac.Write(body)
	req.Header.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Sign is the hex HMAC-SHA256 of body with the app secret, as in Meta's
// X-Hub-Signature-256 header (without the "sha256=" prefix).
func Sign(appSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// marshalMeta encodes v the way Meta's webhook bodies look: compact JSON
// with every non-ASCII character escaped as \uXXXX (UTF-16 surrogate pairs
// above U+FFFF) and "/" escaped as "\/".
func marshalMeta(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return escapeMeta(bytes.TrimRight(buf.Bytes(), "\n")), nil
}

// escapeMeta rewrites compact JSON text so it is pure ASCII. Non-ASCII bytes
// and "/" can only occur inside JSON strings, so a byte-level pass is safe.
func escapeMeta(in []byte) []byte {
	const hexDigits = "0123456789abcdef"
	out := make([]byte, 0, len(in)+len(in)/8)
	writeU := func(r rune) {
		out = append(out, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
	}
	for i := 0; i < len(in); {
		c := in[i]
		if c == '/' {
			out = append(out, '\\', '/')
			i++
			continue
		}
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(in[i:])
		i += size
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			writeU(r1)
			writeU(r2)
			continue
		}
		writeU(r)
	}
	return out
}
