// Package simulator is an offline MessageBird Conversations API: a thin
// front that speaks MessageBird's API and webhook format over the simulated
// WhatsApp side of package cloudapi/simulator (customers, their phone page,
// the 24-hour window, receipts, retries and duplicates live there, once for
// every provider).
//
// What the front does (see ../shared/contracts/README.md and
// ../shared/contracts/messagebird/):
//   - every call carries "Authorization: AccessKey …"; a wrong key is
//     answered 401 with MessageBird's error body
//     {"errors":[{"code":2,"description":…,"parameter":"access_key"}]};
//   - POST /v1/send {to, from (channel ID), type, content} sends text,
//     image, video, audio, file, location and hsm (template) content and
//     answers 202 {id, status:"accepted"} (the response is the contracts'
//     messageSendResponse.json; the request fields are not confirmed);
//   - GET|POST /v1/webhooks, PATCH|DELETE /v1/webhooks/{id}: webhook
//     subscriptions per channel, shaped as the contracts' webhook objects;
//   - deliveries: each inbound message becomes message.created and each
//     status message.updated (body {type, message, conversation, contact}:
//     MessageBird's documentation as known here, not confirmed), POSTed
//     with a MessageBird-Signature-JWT (HS256 with the account's signing
//     key; url_hash and payload_hash claims) to every subscription of the
//     channel whose events include the type. A failed delivery fails the
//     WhatsApp side's delivery, which retries it (and may duplicate it);
//   - inbound media are linked as {PublicURL}/v1/media/{id}, served to the
//     access key from the WhatsApp side's media;
//   - a WhatsApp refusal (e.g. 131047, the closed window) is answered with
//     the HTTP status WhatsApp gave and its code in MessageBird's error
//     body: how MessageBird words it is not confirmed.
//
// It shares no code with the product it tests.
package simulator

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
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

// Channel is one MessageBird WhatsApp channel: a number of the WhatsApp
// side with its account's access and signing keys.
type Channel struct {
	AccessKey     string
	SigningKey    string
	ChannelID     string
	PhoneNumberID string
	WABAID        string
	DisplayNumber string
}

// Config configures a Front.
type Config struct {
	// Sim is the simulated WhatsApp side; SimToken its access token;
	// GraphVersion the version it serves (default v23.0).
	Sim          *wa.Sim
	SimToken     string
	GraphVersion string
	Channels     []Channel
	// PublicURL is the front's own address, for inbound media links.
	PublicURL string
	Logger    *slog.Logger
	// Now is the clock signatures are made with (default time.Now).
	Now func() time.Time
}

// Front is a running MessageBird simulator: serve its Handler.
type Front struct {
	cfg    Config
	log    *slog.Logger
	client *http.Client

	mu       sync.Mutex
	resolver *simfront.Resolver
	channels map[string]Channel // by channel ID
	hooks    []webhook
	nextHook int
	attempts []Attempt
}

type webhook struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`
	ChannelID string   `json:"channelId"`
	Events    []string `json:"events"`
	Status    string   `json:"status"`
	Created   string   `json:"createdDatetime"`
	Updated   *string  `json:"updatedDatetime"`
	accessKey string
}

// Attempt is one webhook delivery the front made, for tests.
type Attempt struct {
	ChannelID string
	Type      string
	URL       string
	Status    int
	Error     string
}

// New returns a front for cfg.
func New(cfg Config) (*Front, error) {
	if cfg.Sim == nil || cfg.SimToken == "" {
		return nil, errors.New("messagebird simulator: Sim and SimToken are required")
	}
	if cfg.GraphVersion == "" {
		cfg.GraphVersion = "v23.0"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	f := &Front{cfg: cfg, log: cfg.Logger, channels: map[string]Channel{}, resolver: simfront.NewResolver()}
	f.client = f.resolver.Client(10 * time.Second)
	for _, c := range cfg.Channels {
		if c.AccessKey == "" || c.SigningKey == "" || c.ChannelID == "" || c.PhoneNumberID == "" || c.WABAID == "" {
			return nil, fmt.Errorf("messagebird simulator: channel %q: AccessKey, SigningKey, ChannelID, PhoneNumberID and WABAID are required", c.ChannelID)
		}
		f.channels[c.ChannelID] = c
	}
	return f, nil
}

// SetResolve makes webhook deliveries to host go to addr (host:port), as
// DNS would, for the demo's console name.
func (f *Front) SetResolve(host, addr string) { f.resolver.Set(host, addr) }

// Attempts lists the webhook deliveries made so far.
func (f *Front) Attempts() []Attempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Attempt(nil), f.attempts...)
}

// Webhooks returns the subscriptions of a channel.
func (f *Front) Webhooks(channelID string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, h := range f.hooks {
		if h.ChannelID == channelID {
			out = append(out, h.URL)
		}
	}
	return out
}

// Handler serves MessageBird's Conversations API under /v1.
func (f *Front) Handler() http.Handler { return http.HandlerFunc(f.serve) }

func (f *Front) serve(w http.ResponseWriter, r *http.Request) {
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "AccessKey ")
	if !ok || !f.knownKey(key) {
		writeError(w, http.StatusUnauthorized, 2, "Request not allowed (incorrect access_key)", "access_key")
		return
	}
	path := strings.Trim(r.URL.Path, "/")
	switch {
	case path == "v1/send" && r.Method == http.MethodPost:
		f.send(w, r, key)
	case path == "v1/webhooks" && r.Method == http.MethodGet:
		f.listWebhooks(w, r, key)
	case path == "v1/webhooks" && r.Method == http.MethodPost:
		f.createWebhook(w, r, key)
	case strings.HasPrefix(path, "v1/webhooks/") && (r.Method == http.MethodDelete || r.Method == http.MethodPatch || r.Method == http.MethodGet):
		f.oneWebhook(w, r, key, strings.TrimPrefix(path, "v1/webhooks/"))
	case strings.HasPrefix(path, "v1/media/") && r.Method == http.MethodGet:
		f.media(w, r, key, strings.TrimPrefix(path, "v1/media/"))
	default:
		writeError(w, http.StatusNotFound, 20, "Not found: "+r.Method+" "+r.URL.Path, "")
	}
}

func (f *Front) knownKey(key string) bool {
	if key == "" {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.channels {
		if c.AccessKey == key {
			return true
		}
	}
	return false
}

// channel returns the account's channel id.
func (f *Front) channel(key, id string) (Channel, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.channels[id]
	return c, ok && c.AccessKey == key
}

// mbContent is a message's content, MessageBird's way.
type mbContent struct {
	Text     string      `json:"text,omitempty"`
	Image    *mbMedia    `json:"image,omitempty"`
	Video    *mbMedia    `json:"video,omitempty"`
	Audio    *mbMedia    `json:"audio,omitempty"`
	File     *mbMedia    `json:"file,omitempty"`
	Location *mbLocation `json:"location,omitempty"`
	HSM      *mbHSM      `json:"hsm,omitempty"`
}

type mbMedia struct {
	URL     string `json:"url"`
	Caption string `json:"caption,omitempty"`
}

type mbLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

type mbHSM struct {
	Namespace    string `json:"namespace"`
	TemplateName string `json:"templateName"`
	Language     struct {
		Policy string `json:"policy"`
		Code   string `json:"code"`
	} `json:"language"`
	Params []struct {
		Default  string `json:"default"`
		Currency *struct {
			Code   string `json:"currencyCode"`
			Amount int64  `json:"amount"`
		} `json:"currency"`
		DateTime string `json:"dateTime"`
	} `json:"params"`
}

// send answers POST /v1/send by sending the message through the WhatsApp
// side.
func (f *Front) send(w http.ResponseWriter, r *http.Request, key string) {
	var req struct {
		To      string    `json:"to"`
		From    string    `json:"from"`
		Type    string    `json:"type"`
		Content mbContent `json:"content"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, 21, "Request body is not valid JSON", "")
		return
	}
	ch, ok := f.channel(key, req.From)
	if !ok {
		writeError(w, http.StatusNotFound, 20, "channel not found", "from")
		return
	}
	to := strings.TrimPrefix(strings.TrimSpace(req.To), "+")
	if to == "" {
		writeError(w, http.StatusUnprocessableEntity, 9, "to is required", "to")
		return
	}
	msg := map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
	c := req.Content
	media := func(kind string, m *mbMedia) bool {
		if m == nil || m.URL == "" {
			return false
		}
		body := map[string]any{"link": m.URL}
		if m.Caption != "" {
			body["caption"] = m.Caption
		}
		msg["type"], msg[kind] = kind, body
		return true
	}
	valid := true
	switch req.Type {
	case "text":
		valid = c.Text != ""
		msg["type"], msg["text"] = "text", map[string]any{"body": c.Text}
	case "image":
		valid = media("image", c.Image)
	case "video":
		valid = media("video", c.Video)
	case "audio":
		valid = media("audio", c.Audio)
	case "file":
		valid = media("document", c.File)
	case "location":
		valid = c.Location != nil
		if valid {
			msg["type"], msg["location"] = "location", map[string]any{"latitude": c.Location.Latitude, "longitude": c.Location.Longitude}
		}
	case "hsm":
		valid = c.HSM != nil && c.HSM.TemplateName != "" && c.HSM.Language.Code != ""
		if valid {
			msg["type"], msg["template"] = "template", templateOf(c.HSM)
		}
	default:
		writeError(w, http.StatusUnprocessableEntity, 10, "type "+req.Type+" is not supported on WhatsApp", "type")
		return
	}
	if !valid {
		writeError(w, http.StatusUnprocessableEntity, 9, "content."+req.Type+" is required", "content")
		return
	}
	body, _ := json.Marshal(msg)
	rec := f.do(r.Context(), http.MethodPost, "/"+f.cfg.GraphVersion+"/"+ch.PhoneNumberID+"/messages", "", body, "application/json")
	if rec.Code != http.StatusOK {
		var me struct {
			Error struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
				Data    struct {
					Details string `json:"details"`
				} `json:"error_data"`
			} `json:"error"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &me)
		desc := me.Error.Message
		if me.Error.Data.Details != "" {
			desc = me.Error.Data.Details
		}
		writeError(w, rec.Code, me.Error.Code, desc, "")
		return
	}
	var sent struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &sent); err != nil || len(sent.Messages) == 0 {
		writeError(w, http.StatusInternalServerError, 99, "internal error", "")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"id": sent.Messages[0].ID, "status": "accepted"})
}

// templateOf turns an HSM into the Cloud API template the WhatsApp side
// sends: every param fills the body in order.
func templateOf(h *mbHSM) map[string]any {
	policy := h.Language.Policy
	if policy == "" {
		policy = "deterministic"
	}
	t := map[string]any{"name": h.TemplateName, "language": map[string]any{"policy": policy, "code": h.Language.Code}}
	if len(h.Params) > 0 {
		var params []map[string]any
		for _, p := range h.Params {
			switch {
			case p.Currency != nil:
				params = append(params, map[string]any{"type": "currency", "currency": map[string]any{
					"fallback_value": p.Default, "code": p.Currency.Code, "amount_1000": p.Currency.Amount}})
			default:
				params = append(params, map[string]any{"type": "text", "text": p.Default})
			}
		}
		t["components"] = []map[string]any{{"type": "body", "parameters": params}}
	}
	return t
}

// listWebhooks answers GET /v1/webhooks with the account's subscriptions.
func (f *Front) listWebhooks(w http.ResponseWriter, r *http.Request, key string) {
	q := r.URL.Query()
	offset, limit := atoi(q.Get("offset"), 0), atoi(q.Get("limit"), 10)
	if limit <= 0 || limit > 20 {
		limit = 20
	}
	f.mu.Lock()
	var mine []webhook
	for _, h := range f.hooks {
		if h.accessKey == key {
			mine = append(mine, h)
		}
	}
	f.mu.Unlock()
	page := []webhook{}
	if offset < len(mine) {
		page = mine[offset:min(len(mine), offset+limit)]
	}
	writeJSON(w, http.StatusOK, map[string]any{"offset": offset, "limit": limit, "count": len(page), "totalCount": len(mine), "items": page})
}

var knownEvents = map[string]bool{"message.created": true, "message.updated": true, "conversation.created": true, "conversation.updated": true}

// createWebhook answers POST /v1/webhooks and points the WhatsApp side's
// webhooks for the channel's account at this front.
func (f *Front) createWebhook(w http.ResponseWriter, r *http.Request, key string) {
	var req struct {
		ChannelID string   `json:"channelId"`
		URL       string   `json:"url"`
		Events    []string `json:"events"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, 21, "Request body is not valid JSON", "")
		return
	}
	ch, ok := f.channel(key, req.ChannelID)
	if !ok {
		writeError(w, http.StatusNotFound, 20, "channel not found", "channelId")
		return
	}
	if u, err := url.Parse(req.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		writeError(w, http.StatusUnprocessableEntity, 10, "url must be a valid URL", "url")
		return
	}
	if len(req.Events) == 0 {
		writeError(w, http.StatusUnprocessableEntity, 9, "events is required", "events")
		return
	}
	for _, e := range req.Events {
		if !knownEvents[e] {
			writeError(w, http.StatusUnprocessableEntity, 10, "unknown event "+e, "events")
			return
		}
	}
	if err := f.cfg.Sim.SubscribeFront(ch.WABAID, func(ctx context.Context, body []byte) (int, error) {
		return f.pass(ctx, ch, body), nil
	}); err != nil {
		writeError(w, http.StatusInternalServerError, 99, err.Error(), "")
		return
	}
	f.mu.Lock()
	f.nextHook++
	h := webhook{ID: fmt.Sprintf("%032x", f.nextHook), URL: req.URL, ChannelID: ch.ChannelID, Events: req.Events,
		Status: "enabled", Created: f.cfg.Now().UTC().Format(time.RFC3339), accessKey: key}
	f.hooks = append(f.hooks, h)
	f.mu.Unlock()
	f.log.Info("messagebird webhook created", "channel_id", ch.ChannelID, "url", req.URL)
	writeJSON(w, http.StatusCreated, h)
}

// oneWebhook answers GET, PATCH and DELETE /v1/webhooks/{id}.
func (f *Front) oneWebhook(w http.ResponseWriter, r *http.Request, key, id string) {
	var patch struct {
		URL    string   `json:"url"`
		Events []string `json:"events"`
		Status string   `json:"status"`
	}
	if r.Method == http.MethodPatch {
		if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&patch); err != nil {
			writeError(w, http.StatusBadRequest, 21, "Request body is not valid JSON", "")
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, h := range f.hooks {
		if h.ID != id || h.accessKey != key {
			continue
		}
		switch r.Method {
		case http.MethodDelete:
			f.hooks = append(f.hooks[:i], f.hooks[i+1:]...)
			w.WriteHeader(http.StatusNoContent)
		case http.MethodPatch:
			if patch.URL != "" {
				h.URL = patch.URL
			}
			if len(patch.Events) > 0 {
				h.Events = patch.Events
			}
			if patch.Status == "enabled" || patch.Status == "disabled" {
				h.Status = patch.Status
			}
			now := f.cfg.Now().UTC().Format(time.RFC3339)
			h.Updated = &now
			f.hooks[i] = h
			writeJSON(w, http.StatusOK, h)
		default:
			writeJSON(w, http.StatusOK, h)
		}
		return
	}
	writeError(w, http.StatusNotFound, 20, "webhook not found", "id")
}

// media serves an inbound media file from the WhatsApp side.
func (f *Front) media(w http.ResponseWriter, r *http.Request, key, id string) {
	rec := f.do(r.Context(), http.MethodGet, "/"+f.cfg.GraphVersion+"/"+url.PathEscape(id), "", nil, "")
	var info struct {
		URL string `json:"url"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &info) != nil || info.URL == "" {
		writeError(w, http.StatusNotFound, 20, "media not found", "")
		return
	}
	u, err := url.Parse(info.URL)
	if err != nil {
		writeError(w, http.StatusNotFound, 20, "media not found", "")
		return
	}
	file := f.do(r.Context(), http.MethodGet, u.Path, u.RawQuery, nil, "")
	for k, vs := range file.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(file.Code)
	w.Write(file.Body.Bytes())
}

// do runs one request on the WhatsApp side, in process.
func (f *Front) do(ctx context.Context, method, path, rawQuery string, body []byte, contentType string) *httptest.ResponseRecorder {
	return simfront.Backend{Sim: f.cfg.Sim, Token: f.cfg.SimToken}.Do(ctx, method, path, rawQuery, body, contentType)
}

// metaEnvelope is the part of the WhatsApp side's webhook the front reads.
type metaEnvelope struct {
	Entry []struct {
		Changes []struct {
			Field string `json:"field"`
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
				Messages []map[string]json.RawMessage `json:"messages"`
				Statuses []struct {
					ID          string `json:"id"`
					Status      string `json:"status"`
					Timestamp   string `json:"timestamp"`
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

// pass turns one WhatsApp-side webhook into MessageBird deliveries for ch;
// anything but every delivery answered 2xx fails it, so the WhatsApp side
// retries.
func (f *Front) pass(ctx context.Context, ch Channel, body []byte) int {
	var env metaEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return http.StatusOK // nothing MessageBird would deliver
	}
	var events []map[string]any
	for _, e := range env.Entry {
		for _, c := range e.Changes {
			v := c.Value
			if v.Metadata.PhoneNumberID != ch.PhoneNumberID {
				continue
			}
			business := "+" + digits(v.Metadata.DisplayPhoneNumber)
			names := map[string]string{}
			for _, ct := range v.Contacts {
				names[ct.WaID] = ct.Profile.Name
			}
			for _, m := range v.Messages {
				if ev := f.inbound(ch, business, names, m); ev != nil {
					events = append(events, ev)
				}
			}
			for _, s := range v.Statuses {
				msg := map[string]any{"id": s.ID, "channelId": ch.ChannelID, "platform": "whatsapp", "direction": "sent",
					"status": s.Status, "from": business, "to": "+" + s.RecipientID,
					"createdDatetime": unixToRFC(s.Timestamp), "updatedDatetime": unixToRFC(s.Timestamp)}
				if len(s.Errors) > 0 {
					msg["error"] = map[string]any{"code": s.Errors[0].Code, "description": s.Errors[0].Title}
				}
				events = append(events, map[string]any{"type": "message.updated", "message": msg,
					"conversation": map[string]any{"id": conversationID(ch.ChannelID, s.RecipientID), "status": "active"}})
			}
		}
	}
	status := http.StatusOK
	for _, ev := range events {
		if st := f.deliver(ctx, ch, ev); st < 200 || st > 299 {
			status = http.StatusBadGateway
		}
	}
	return status
}

// inbound converts one Cloud API inbound message to message.created.
func (f *Front) inbound(ch Channel, business string, names map[string]string, m map[string]json.RawMessage) map[string]any {
	var from, id, ts, typ string
	json.Unmarshal(m["from"], &from)
	json.Unmarshal(m["id"], &id)
	json.Unmarshal(m["timestamp"], &ts)
	json.Unmarshal(m["type"], &typ)
	content := map[string]any{}
	mbType := typ
	switch typ {
	case "text":
		var t struct {
			Body string `json:"body"`
		}
		json.Unmarshal(m["text"], &t)
		content["text"] = t.Body
	case "image", "video", "audio", "document", "sticker", "voice":
		var md struct {
			ID      string `json:"id"`
			Caption string `json:"caption"`
		}
		json.Unmarshal(m[typ], &md)
		key := typ
		switch typ {
		case "document":
			key, mbType = "file", "file"
		case "voice":
			key, mbType = "audio", "audio"
		case "sticker":
			key, mbType = "image", "image"
		}
		item := map[string]any{"url": strings.TrimRight(f.cfg.PublicURL, "/") + "/v1/media/" + url.PathEscape(md.ID)}
		if md.Caption != "" {
			item["caption"] = md.Caption
		}
		content[key] = item
	case "location":
		var l struct {
			Latitude  float64 `json:"latitude"`
			Longitude float64 `json:"longitude"`
		}
		json.Unmarshal(m["location"], &l)
		content["location"] = l
	case "button":
		var b struct {
			Text string `json:"text"`
		}
		json.Unmarshal(m["button"], &b)
		mbType, content["text"] = "text", b.Text
	case "interactive":
		var in struct {
			ButtonReply *struct {
				Title string `json:"title"`
			} `json:"button_reply"`
			ListReply *struct {
				Title string `json:"title"`
			} `json:"list_reply"`
		}
		json.Unmarshal(m["interactive"], &in)
		mbType = "text"
		switch {
		case in.ButtonReply != nil:
			content["text"] = in.ButtonReply.Title
		case in.ListReply != nil:
			content["text"] = in.ListReply.Title
		}
	default:
		return nil // MessageBird does not pass this kind on (not confirmed)
	}
	created := unixToRFC(ts)
	return map[string]any{
		"type": "message.created",
		"contact": map[string]any{"id": "contact-" + from, "msisdn": jsonNumber(from), "displayName": names[from],
			"firstName": names[from], "lastName": ""},
		"conversation": map[string]any{"id": conversationID(ch.ChannelID, from), "status": "active", "lastUsedChannelId": ch.ChannelID},
		"message": map[string]any{"id": id, "conversationId": conversationID(ch.ChannelID, from), "platform": "whatsapp",
			"to": business, "from": "+" + from, "channelId": ch.ChannelID, "type": mbType, "content": content,
			"direction": "received", "status": "received", "createdDatetime": created, "updatedDatetime": created},
	}
}

// deliver POSTs one event, signed, to each subscription of the channel
// that asked for its type; the lowest answer counts.
func (f *Front) deliver(ctx context.Context, ch Channel, ev map[string]any) int {
	typ, _ := ev["type"].(string)
	body, _ := json.Marshal(ev)
	f.mu.Lock()
	var targets []webhook
	for _, h := range f.hooks {
		if h.ChannelID == ch.ChannelID && h.Status == "enabled" && contains(h.Events, typ) {
			targets = append(targets, h)
		}
	}
	f.mu.Unlock()
	status := http.StatusOK
	for _, h := range targets {
		a := Attempt{ChannelID: ch.ChannelID, Type: typ, URL: h.URL}
		tok, err := Sign(ch.SigningKey, h.URL, body, f.cfg.Now())
		if err == nil {
			var req *http.Request
			req, err = http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
			if err == nil {
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("User-Agent", "MessageBird Conversations Webhooks")
				req.Header.Set("MessageBird-Signature-JWT", tok)
				var resp *http.Response
				if resp, err = f.client.Do(req); err == nil {
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
		if a.Status < 200 || a.Status > 299 {
			status = http.StatusBadGateway
		}
	}
	return status
}

// Sign makes a MessageBird-Signature-JWT for a delivery of body to
// fullURL: HS256 with the signing key, iss MessageBird, a minute's
// validity from now, a random jti, url_hash and payload_hash.
func Sign(signingKey, fullURL string, body []byte, now time.Time) (string, error) {
	jti := make([]byte, 16)
	rand.Read(jti)
	uh := sha256.Sum256([]byte(fullURL))
	claims := jwt.MapClaims{"iss": "MessageBird", "nbf": now.Unix(), "exp": now.Add(time.Minute).Unix(),
		"jti": hex.EncodeToString(jti), "url_hash": hex.EncodeToString(uh[:])}
	if len(body) > 0 {
		ph := sha256.Sum256(body)
		claims["payload_hash"] = hex.EncodeToString(ph[:])
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(signingKey))
}

func conversationID(channelID, customer string) string {
	s := sha256.Sum256([]byte(channelID + "/" + customer))
	return hex.EncodeToString(s[:16])
}

func unixToRFC(ts string) string {
	var sec int64
	if _, err := fmt.Sscan(ts, &sec); err != nil || sec == 0 {
		return time.Now().UTC().Format(time.RFC3339)
	}
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

func jsonNumber(digits string) any {
	if digits == "" {
		return nil
	}
	return json.Number(digits)
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func atoi(s string, def int) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		return def
	}
	return n
}

// writeError answers in MessageBird's error shape.
func writeError(w http.ResponseWriter, status, code int, desc, param string) {
	e := map[string]any{"code": code, "description": desc, "parameter": nil}
	if param != "" {
		e["parameter"] = param
	}
	writeJSON(w, status, map[string]any{"errors": []any{e}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
