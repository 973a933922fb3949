package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/providers"
)

// SignatureHeader carries Twilio's webhook signature.
const SignatureHeader = "X-Twilio-Signature"

// Signature is Twilio's webhook signature: base64(HMAC-SHA1(auth token,
// URL + every POST parameter sorted by name, as name followed by value)).
// A name given several times contributes each distinct value once, in
// sorted order (twilio-python's validator, whose vectors the tests use).
func Signature(authToken, fullURL string, params url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		vs := append([]string(nil), params[k]...)
		sort.Strings(vs)
		for i, v := range vs {
			if i > 0 && vs[i-1] == v {
				continue
			}
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// urlVariants are the forms of u Twilio may have signed: as given, with
// the scheme's default port added, and without it (Twilio's validators
// accept both, since what Twilio signs depends on how the URL was set).
func urlVariants(u string) []string {
	out := []string{u}
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return out
	}
	def := map[string]string{"https": "443", "http": "80"}[p.Scheme]
	if def == "" {
		return out
	}
	q := *p
	switch p.Port() {
	case "":
		q.Host = p.Host + ":" + def
	case def:
		q.Host = p.Hostname()
		if strings.Contains(q.Host, ":") {
			q.Host = "[" + q.Host + "]"
		}
	default:
		return out
	}
	return append(out, q.String())
}

// VerifySignature checks a form-encoded webhook's signature against the
// URL it was delivered to, with and without the default port.
func VerifySignature(authToken, fullURL string, params url.Values, header string) bool {
	if authToken == "" || header == "" || fullURL == "" {
		return false
	}
	got, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSpace(header))
	if err != nil {
		return false
	}
	ok := false
	for _, u := range urlVariants(fullURL) {
		want, _ := base64.StdEncoding.DecodeString(Signature(authToken, u, params))
		if hmac.Equal(got, want) {
			ok = true
		}
	}
	return ok
}

// VerifyJSONSignature checks a webhook with a JSON body: the URL carries
// bodySHA256 (hex SHA-256 of the body), the signature covers the URL only,
// and the body must match the hash.
func VerifyJSONSignature(authToken, fullURL string, body []byte, header string) bool {
	p, err := url.Parse(fullURL)
	if err != nil {
		return false
	}
	want, err := hex.DecodeString(p.Query().Get("bodySHA256"))
	sum := sha256.Sum256(body)
	if err != nil || !hmac.Equal(want, sum[:]) {
		return false
	}
	return VerifySignature(authToken, fullURL, nil, header)
}

// Authenticate checks a webhook's X-Twilio-Signature with the channel's
// Auth Token (kept as its app secret), over the URL wadesk is reached at
// and every parameter received.
func Authenticate(r providers.WebhookRequest, c providers.Credentials) error {
	header := r.Header.Get(SignatureHeader)
	if c.AppSecret == "" || header == "" || r.URL == "" {
		return providers.ErrUnauthenticated
	}
	if p, err := url.Parse(r.URL); err == nil && p.Query().Has("bodySHA256") {
		if VerifyJSONSignature(c.AppSecret, r.URL, r.Body, header) {
			return nil
		}
		return providers.ErrUnauthenticated
	}
	params, err := url.ParseQuery(string(r.Body))
	if err != nil || !VerifySignature(c.AppSecret, r.URL, params, header) {
		return providers.ErrUnauthenticated
	}
	return nil
}

// Parse turns a form-encoded webhook (an inbound message, or a status
// callback with MessageStatus) into neutral events.
func Parse(body []byte) (*providers.WebhookBatch, error) {
	f, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("twilio: %w: the body is not form-encoded: %v", providers.ErrNotWebhook, err)
	}
	sid := f.Get("MessageSid")
	if sid == "" {
		sid = f.Get("SmsMessageSid")
	}
	if sid == "" || f.Get("AccountSid") == "" {
		return nil, fmt.Errorf("twilio: %w: no MessageSid or AccountSid", providers.ErrNotWebhook)
	}
	raw, _ := json.Marshal(f)
	batch := &providers.WebhookBatch{Object: "twilio"}
	status := f.Get("MessageStatus")
	if status == "" || status == "received" || status == "receiving" {
		if f.Get("SmsStatus") != "" && f.Get("SmsStatus") != "received" && status == "" {
			status = f.Get("SmsStatus")
		} else {
			batch.Messages = append(batch.Messages, inbound(f, sid, raw))
			return batch, nil
		}
	}
	st, ok := mapStatus(status)
	if !ok {
		// queued, accepted, sending, scheduled: still at Twilio; nothing
		// to show, kept verbatim.
		batch.Unknown = append(batch.Unknown, providers.UnknownChange{Meta: meta(f, "to"), Field: "status:" + status, Value: raw})
		return batch, nil
	}
	u := providers.StatusUpdate{Meta: meta(f, "from"), MessageID: sid, Status: st, Timestamp: time.Now().UTC(),
		RecipientID: bare(f.Get("To")), Raw: raw}
	if code := atoi(f.Get("ErrorCode")); code != 0 {
		u.Errors = []providers.ErrorDetail{errorDetail(code, f.Get("ErrorMessage"))}
	}
	batch.Statuses = append(batch.Statuses, u)
	return batch, nil
}

// mapStatus maps Twilio's message status onto wadesk's sent < delivered <
// read, failed.
func mapStatus(s string) (string, bool) {
	switch s {
	case "sent":
		return "sent", true
	case "delivered":
		return "delivered", true
	case "read":
		return "read", true
	case "failed", "undelivered", "canceled":
		return "failed", true
	}
	return "", false
}

// errorDetail is a status error. Twilio's window refusal (63016) is
// recorded as Meta's 131047, the code the inbox and window rules know,
// keeping Twilio's code in the details.
func errorDetail(code int, msg string) providers.ErrorDetail {
	d := providers.ErrorDetail{Code: code, Title: "Twilio error " + strconv.Itoa(code), Message: msg,
		Href: "https://www.twilio.com/docs/api/errors/" + strconv.Itoa(code)}
	if code == WindowClosedCode {
		d.Code, d.Title = 131047, "Outside the 24-hour customer service window"
		d.Details = "Twilio error 63016"
	}
	return d
}

// meta names the business sender of an event: the To of an inbound
// message, the From of a status.
func meta(f url.Values, business string) providers.WebhookMeta {
	num := bare(f.Get("To"))
	if business == "from" {
		num = bare(f.Get("From"))
	}
	if num != "" && !providers.IsBusinessScopedUserID(num) {
		num = "+" + num
	}
	return providers.WebhookMeta{EntryID: f.Get("AccountSid"), Field: "messages", PhoneNumberID: num, DisplayPhoneNumber: num}
}

// bare is an address without "whatsapp:" and "+".
func bare(a string) string {
	return strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(a), Prefix), "+")
}

// inbound reads an inbound message.
func inbound(f url.Values, sid string, raw []byte) providers.InboundMessage {
	m := providers.InboundMessage{Meta: meta(f, "to"), ID: sid, ProfileName: f.Get("ProfileName"),
		Timestamp: time.Now().UTC(), Type: providers.KindText, Text: f.Get("Body"), Raw: raw}
	from := bare(f.Get("From"))
	if providers.IsBusinessScopedUserID(from) {
		m.FromUserID = from
	} else {
		m.From = from
	}
	if w := f.Get("WaId"); w != "" && m.From == "" && !providers.IsBusinessScopedUserID(w) {
		m.From = w
	}
	if id := f.Get("ExternalUserId"); id != "" {
		m.FromUserID = id // reported (Twilio changelog, Jul 2026), not confirmed
	}
	if ctx := f.Get("OriginalRepliedMessageSid"); ctx != "" {
		m.Context = &providers.MessageContext{ID: ctx, From: bare(f.Get("OriginalRepliedMessageSender"))}
	}
	if lat, lon := f.Get("Latitude"), f.Get("Longitude"); lat != "" && lon != "" {
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lon, 64)
		if err1 == nil && err2 == nil {
			m.Type, m.Text = providers.KindLocation, ""
			m.Location = &providers.Location{Latitude: la, Longitude: lo, Name: f.Get("Label"), Address: f.Get("Address")}
		}
	}
	if p := f.Get("ButtonPayload"); p != "" || f.Get("ButtonText") != "" {
		m.Type, m.Text = providers.KindButton, ""
		m.Button = &providers.ButtonReply{Text: f.Get("ButtonText"), Payload: p}
		if m.Button.Text == "" {
			m.Button.Text = f.Get("Body")
		}
	}
	if n := atoi(f.Get("NumMedia")); n > 0 && f.Get("MediaUrl0") != "" {
		ct := f.Get("MediaContentType0")
		kind := mediaKind(ct)
		m.Type, m.Text = kind, ""
		m.Media = &providers.InboundMedia{Kind: kind, ID: f.Get("MediaUrl0"), MIMEType: ct, Caption: f.Get("Body"),
			Voice: strings.HasPrefix(ct, "audio/ogg")}
		// Further files (WhatsApp sends one per message; MMS may send
		// up to ten) are listed in Raw.
	}
	return m
}

// mediaKind is the message kind of a media content type.
func mediaKind(ct string) providers.MessageKind {
	switch {
	case ct == "image/webp":
		return providers.KindSticker
	case strings.HasPrefix(ct, "image/"):
		return providers.KindImage
	case strings.HasPrefix(ct, "audio/"):
		return providers.KindAudio
	case strings.HasPrefix(ct, "video/"):
		return providers.KindVideo
	}
	return providers.KindDocument
}

// ParseMessage reads an inbound message's Raw (its parameters as JSON).
func ParseMessage(raw []byte) (providers.InboundMessage, error) {
	var f url.Values
	if err := json.Unmarshal(raw, &f); err != nil {
		return providers.InboundMessage{}, fmt.Errorf("twilio: stored message: %w", err)
	}
	sid := f.Get("MessageSid")
	if sid == "" {
		sid = f.Get("SmsMessageSid")
	}
	return inbound(f, sid, raw), nil
}
