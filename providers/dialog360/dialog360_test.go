package dialog360_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/providers/dialog360"
	d360sim "github.com/wadesk/wadesk/providers/dialog360/simulator"
)

func TestAuthenticate(t *testing.T) {
	body := []byte(`{"object":"whatsapp_business_account","entry":[]}`)
	creds := providers.Credentials{Provider: providers.Dialog360, WebhookSecret: "s3cret-token-with-enough-bits"}
	req := func(h map[string]string) providers.WebhookRequest {
		r := providers.WebhookRequest{Header: http.Header{}, Body: body}
		for k, v := range h {
			r.Header.Set(k, v)
		}
		return r
	}
	if err := dialog360.Authenticate(req(map[string]string{dialog360.TokenHeader: creds.WebhookSecret}), creds); err != nil {
		t.Fatalf("the channel's own secret is refused: %v", err)
	}
	for name, h := range map[string]map[string]string{
		"missing":          {},
		"forged":           {dialog360.TokenHeader: "s3cret-token-with-enough-bitz"},
		"Meta's signature": {"X-Hub-Signature-256": "sha256=" + strings.Repeat("0", 64)},
		"in the query":     {},
	} {
		r := req(h)
		if name == "in the query" {
			r.Query = url.Values{"token": {creds.WebhookSecret}}
		}
		if err := dialog360.Authenticate(r, creds); !errors.Is(err, providers.ErrUnauthenticated) {
			t.Errorf("%s: err = %v, want ErrUnauthenticated", name, err)
		}
	}
	// A channel without a secret (never possible through the wizard)
	// accepts nothing, not even an empty header.
	if err := dialog360.Authenticate(req(map[string]string{dialog360.TokenHeader: ""}), providers.Credentials{}); err == nil {
		t.Error("a channel without a secret accepted a webhook")
	}

	// With a signing secret, 360dialog's signature is required as well,
	// hex or base64 (which one 360dialog sends is not confirmed).
	signed := creds
	signed.AppSecret = "platform-secret"
	mac := hmac.New(sha256.New, []byte(signed.AppSecret))
	mac.Write(body)
	sum := mac.Sum(nil)
	for _, sig := range []string{hex.EncodeToString(sum), base64.StdEncoding.EncodeToString(sum), "sha256=" + hex.EncodeToString(sum)} {
		if err := dialog360.Authenticate(req(map[string]string{dialog360.TokenHeader: creds.WebhookSecret, dialog360.SignatureHeader: sig}), signed); err != nil {
			t.Errorf("signature %q refused: %v", sig, err)
		}
	}
	for name, h := range map[string]map[string]string{
		"no signature":    {dialog360.TokenHeader: creds.WebhookSecret},
		"wrong signature": {dialog360.TokenHeader: creds.WebhookSecret, dialog360.SignatureHeader: hex.EncodeToString(sum[:31]) + "00"},
		"no token":        {dialog360.SignatureHeader: hex.EncodeToString(sum)},
	} {
		if err := dialog360.Authenticate(req(h), signed); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCheckWebhookURL(t *testing.T) {
	for u, ok := range map[string]bool{
		"https://desk.example.com/webhooks/3":      true,
		"http://wadesk-demo.localhost/webhooks/12": true,
		"https://desk.example.com:8443/webhooks/3": false,
		"http://127.0.0.1:8080/webhooks/3":         false,
		"https://my_desk.example.com/webhooks/3":   false,
		"https://desk.example.com/we_bhooks/3":     false,
	} {
		msg := dialog360.CheckWebhookURL(u)
		if (msg == "") != ok {
			t.Errorf("CheckWebhookURL(%s) = %q, want ok=%v", u, msg, ok)
		}
		if msg != "" && !strings.Contains(msg, "--base-url") {
			t.Errorf("CheckWebhookURL(%s) does not say how to fix it: %q", u, msg)
		}
	}
}

// world is the WhatsApp side with a 360dialog front, both served on
// loopback, and a receiver for the webhooks.
type world struct {
	sim    *wa.Sim
	front  *d360sim.Front
	api    *httptest.Server
	number d360sim.Number

	mu     sync.Mutex
	hooks  []http.Header
	bodies [][]byte
	hook   *httptest.Server
}

func newWorld(t *testing.T) *world {
	t.Helper()
	cfg := wa.DefaultConfig()
	cfg.Seed = 11
	cfg.TemplateReviewDelay = time.Hour
	cfg.Webhook.DuplicateProbability = 0
	cfg.Webhook.RetryInitial = 50 * time.Millisecond
	n := d360sim.AddDemoNumber(&cfg)
	w := &world{number: n}
	var err error
	if w.sim, err = wa.New(cfg); err != nil {
		t.Fatal(err)
	}
	if w.front, err = d360sim.New(d360sim.Config{Sim: w.sim, SimToken: cfg.AccessToken, Numbers: []d360sim.Number{n}}); err != nil {
		t.Fatal(err)
	}
	w.api = httptest.NewServer(w.front.Handler())
	w.hook = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		w.hooks = append(w.hooks, r.Header.Clone())
		w.bodies = append(w.bodies, b)
		w.mu.Unlock()
	}))
	w.front.SetResolve("desk.example.test", strings.TrimPrefix(w.hook.URL, "http://"))
	t.Cleanup(func() {
		w.api.Close()
		w.hook.Close()
		w.sim.Close()
	})
	return w
}

func (w *world) client(t *testing.T, key string) *dialog360.Client {
	t.Helper()
	c, err := dialog360.New(dialog360.Config{BaseURL: w.api.URL, APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientAgainstTheSimulator(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, w.number.APIKey)

	// Test connection: the number behind the key.
	accts, err := c.ListBusinessAccounts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != 1 || accts[0].ID != w.number.WABAID || len(accts[0].PhoneNumbers) != 1 ||
		accts[0].PhoneNumbers[0].ID != w.number.PhoneNumberID || accts[0].PhoneNumbers[0].Status != "CONNECTED" {
		t.Fatalf("accounts = %+v", accts)
	}
	if ok, why := accts[0].PhoneNumbers[0].Usable(); !ok {
		t.Errorf("the number cannot be picked: %s", why)
	}
	// A wrong key is an authentication error, worded for the wizard.
	_, err = w.client(t, "wrong-key-000").ListBusinessAccounts(ctx, "")
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindAuth || pe.Provider != providers.Dialog360 {
		t.Errorf("wrong key: %v", err)
	}

	// Finish: the webhook is set with the channel's secret as a header;
	// a URL with a port is refused before 360dialog is asked.
	if err := c.SubscribeApp(ctx, "", "http://desk.example.test:8080/webhooks/1", "secret"); err == nil {
		t.Error("a webhook URL with a port was sent to 360dialog")
	}
	if err := c.SubscribeApp(ctx, "", "http://desk.example.test/webhooks/1", "the-secret"); err != nil {
		t.Fatal(err)
	}
	if u, h, ok := w.front.Webhook(w.number.PhoneNumberID); !ok || u != "http://desk.example.test/webhooks/1" || h[dialog360.TokenHeader] != "the-secret" {
		t.Fatalf("webhook at 360dialog = %q %v", u, h)
	}

	// A customer message arrives in Meta's envelope with the secret and
	// without Meta's signature.
	if _, err := w.sim.InjectInbound(wa.Inbound{PhoneNumberID: w.number.PhoneNumberID, From: "16505551234", Text: "Olá"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		w.mu.Lock()
		n := len(w.hooks)
		w.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no webhook delivered")
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.mu.Lock()
	h, body := w.hooks[0], w.bodies[0]
	w.mu.Unlock()
	if h.Get(dialog360.TokenHeader) != "the-secret" || h.Get("X-Hub-Signature-256") != "" {
		t.Errorf("webhook headers = %v", h)
	}
	batch, err := cloudapi.ParseWebhook(body)
	if err != nil || len(batch.Messages) != 1 || batch.Messages[0].Text != "Olá" {
		t.Fatalf("webhook body = %s (%v)", body, err)
	}

	// A reply goes out on POST /messages, and the read receipt too.
	res, err := c.SendMessage(ctx, w.number.PhoneNumberID, providers.OutboundMessage{To: "16505551234", Text: &providers.Text{Body: "Bom dia!"}})
	if err != nil || res.MessageID == "" {
		t.Fatalf("send: %+v %v", res, err)
	}
	if sent := w.sim.SentMessages(w.number.PhoneNumberID); len(sent) != 1 || sent[0].ID != res.MessageID {
		t.Errorf("the WhatsApp side got %+v", sent)
	}
	if err := c.MarkRead(ctx, w.number.PhoneNumberID, batch.Messages[0].ID, false); err != nil {
		t.Errorf("mark read: %v", err)
	}

	// Templates: create, list, delete on 360dialog's paths.
	tpl := providers.Template{Name: "table_ready", Language: "en_US", Category: "UTILITY",
		Components: []providers.TemplateComponent{{Type: "BODY", Text: "Your table is ready."}}}
	ref, err := c.CreateTemplate(ctx, w.number.WABAID, tpl)
	if err != nil || ref.Status != "PENDING" {
		t.Fatalf("create template: %+v %v", ref, err)
	}
	list, err := c.ListTemplates(ctx, w.number.WABAID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range list {
		found = found || (l.Name == "table_ready" && l.Status == "PENDING")
	}
	if !found || len(list) < 2 {
		t.Errorf("templates = %+v", list)
	}
	if err := c.DeleteTemplate(ctx, w.number.WABAID, "table_ready", ""); err != nil {
		t.Fatal(err)
	}
	for _, l := range mustList(t, c, w.number.WABAID) {
		if l.Name == "table_ready" {
			t.Error("the deleted template is still listed")
		}
	}

	// Media: upload, look up, download through 360dialog's host only.
	id, err := c.UploadMedia(ctx, w.number.PhoneNumberID, providers.MediaUpload{Filename: "menu.pdf", MIMEType: "application/pdf",
		Body: bytes.NewReader([]byte("%PDF-1.4 menu"))})
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.GetMediaURL(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := c.DownloadMedia(ctx, info.URL, &buf); err != nil || buf.String() != "%PDF-1.4 menu" {
		t.Fatalf("download %s: %q %v", info.URL, buf.String(), err)
	}
	// The key never goes to another host: the URL's host is replaced.
	other := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Header.Get(dialog360.APIKeyHeader) != "" {
			t.Error("the API key was sent to another host")
		}
	}))
	defer other.Close()
	u, _ := url.Parse(info.URL)
	u.Host = strings.TrimPrefix(other.URL, "http://")
	buf.Reset()
	if _, err := c.DownloadMedia(ctx, u.String(), &buf); err != nil || buf.String() != "%PDF-1.4 menu" {
		t.Errorf("download from a rewritten host: %q %v", buf.String(), err)
	}

	// What 360dialog cannot do is reported, not faked.
	if _, err := c.GetCommerceSettings(ctx, w.number.PhoneNumberID); err == nil {
		t.Error("commerce settings answered")
	}
	caps := c.Capabilities()
	if caps.Has(providers.CapBusinessProfile) || caps.Has(providers.CapCommerce) || caps.Has(providers.CapListNumbers) ||
		!caps.HasAll(providers.CapTemplates, providers.CapSendMedia, providers.CapSendInteractive, providers.CapMarkRead) {
		t.Errorf("capabilities = %v", caps.List())
	}
}

func mustList(t *testing.T, c *dialog360.Client, waba string) []providers.Template {
	t.Helper()
	l, err := c.ListTemplates(context.Background(), waba)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
