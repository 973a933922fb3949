package twilio_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/providers/twilio"
	twsim "github.com/wadesk/wadesk/providers/twilio/simulator"
)

// world is the WhatsApp side with a Twilio front, both on loopback, and a
// receiver that checks and records Twilio's webhooks.
type world struct {
	sim    *wa.Sim
	front  *twsim.Front
	api    *httptest.Server
	number twsim.Number

	mu    sync.Mutex
	hooks []providers.WebhookRequest
	hook  *httptest.Server
}

func newWorld(t *testing.T) *world {
	t.Helper()
	cfg := wa.DefaultConfig()
	cfg.Seed = 15
	cfg.TemplateReviewDelay = time.Hour
	cfg.Webhook.DuplicateProbability = 0
	cfg.Webhook.RetryInitial = 50 * time.Millisecond
	n := twsim.AddDemoNumber(&cfg)
	n.APIKeySID, n.APIKeySecret = "SK"+strings.Repeat("ab", 16), "api-key-secret"
	w := &world{number: n}
	var err error
	if w.sim, err = wa.New(cfg); err != nil {
		t.Fatal(err)
	}
	if w.front, err = twsim.New(twsim.Config{Sim: w.sim, SimToken: cfg.AccessToken, Numbers: []twsim.Number{n}}); err != nil {
		t.Fatal(err)
	}
	w.api = httptest.NewServer(w.front.Handler())
	w.hook = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		w.hooks = append(w.hooks, providers.WebhookRequest{URL: "http://" + r.Host + r.URL.RequestURI(), Header: r.Header.Clone(), Body: b})
		w.mu.Unlock()
	}))
	t.Cleanup(func() {
		w.api.Close()
		w.hook.Close()
		w.sim.Close()
	})
	return w
}

func (w *world) client(t *testing.T, cfg twilio.Config) *twilio.Client {
	t.Helper()
	cfg.BaseURL = w.api.URL
	if cfg.AccountSID == "" {
		cfg.AccountSID = w.number.AccountSID
	}
	if cfg.Sender == "" {
		cfg.Sender = w.number.Sender
	}
	c, err := twilio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *world) waitHooks(t *testing.T, n int) []providers.WebhookRequest {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		w.mu.Lock()
		got := append([]providers.WebhookRequest(nil), w.hooks...)
		w.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d webhooks delivered, want %d", len(got), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestClientAgainstTheSimulator(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, twilio.Config{AuthToken: w.number.AuthToken})
	creds := providers.Credentials{Provider: providers.Twilio, AppSecret: w.number.AuthToken}

	// Test connection: the account and the sender.
	accts, err := c.ListBusinessAccounts(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != 1 || accts[0].ID != w.number.AccountSID || len(accts[0].PhoneNumbers) != 1 ||
		accts[0].PhoneNumbers[0].ID != w.number.Sender || accts[0].PhoneNumbers[0].Status != "CONNECTED" {
		t.Fatalf("accounts = %+v", accts)
	}
	if ok, why := accts[0].PhoneNumbers[0].Usable(); !ok {
		t.Errorf("the sender cannot be picked: %s", why)
	}
	// A wrong token is Twilio's 20003, an authentication error.
	_, err = w.client(t, twilio.Config{AuthToken: strings.Repeat("0", 32)}).ListBusinessAccounts(ctx, "")
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindAuth || pe.Code != 20003 || pe.Provider != providers.Twilio {
		t.Errorf("wrong token: %v", err)
	}
	// An API key works too.
	if _, err := w.client(t, twilio.Config{AuthToken: w.number.AuthToken, APIKeySID: w.number.APIKeySID, APIKeySecret: w.number.APIKeySecret}).ListBusinessAccounts(ctx, ""); err != nil {
		t.Errorf("API key: %v", err)
	}
	// A sender that is not the account's is refused when sending (63007).
	_, err = w.client(t, twilio.Config{AuthToken: w.number.AuthToken, Sender: "+14155550999"}).SendMessage(ctx, "", providers.OutboundMessage{To: "16505551234", Text: &providers.Text{Body: "hi"}})
	if pe, ok := providers.AsError(err); !ok || pe.Code != 63007 || pe.Kind != providers.ErrorKindNotRegistered {
		t.Errorf("unknown sender: %v", err)
	}

	// The sender's webhooks are set in the console.
	w.front.SetHooks(w.number.Sender, twsim.Hooks{Incoming: w.hook.URL + "/webhooks/7", Status: w.hook.URL + "/webhooks/7"})

	// A customer's photo arrives form-encoded and signed; its file is
	// fetched through Twilio with the credentials.
	img := []byte("\xff\xd8\xff\xe0 a jpeg")
	if _, err := w.sim.InjectInbound(wa.Inbound{PhoneNumberID: w.number.PhoneNumberID, From: "16505551234", Text: "Is this bike free?"}); err != nil {
		t.Fatal(err)
	}
	hooks := w.waitHooks(t, 1)
	if err := twilio.Authenticate(hooks[0], creds); err != nil {
		t.Fatalf("the simulator's signature is refused: %v", err)
	}
	if hooks[0].Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("content type %q", hooks[0].Header.Get("Content-Type"))
	}
	batch, err := twilio.Parse(hooks[0].Body)
	if err != nil || len(batch.Messages) != 1 || batch.Messages[0].Text != "Is this bike free?" || batch.Messages[0].From != "16505551234" ||
		batch.Messages[0].Meta.PhoneNumberID != w.number.Sender {
		t.Fatalf("inbound = %+v (%v)", batch, err)
	}
	// Forged: another token, or a changed body.
	if err := twilio.Authenticate(hooks[0], providers.Credentials{AppSecret: strings.Repeat("1", 32)}); err == nil {
		t.Error("a webhook was accepted with another Auth Token")
	}
	forged := hooks[0]
	forged.Body = bytes.Replace(forged.Body, []byte("free"), []byte("gone"), 1)
	if err := twilio.Authenticate(forged, creds); err == nil {
		t.Error("a changed body was accepted")
	}

	if _, err := w.sim.InjectInbound(wa.Inbound{PhoneNumberID: w.number.PhoneNumberID, From: "16505551234",
		Image: &wa.Image{MIMEType: "image/jpeg", Data: img, Caption: "this one"}}); err != nil {
		t.Fatal(err)
	}
	hooks = w.waitHooks(t, 2)
	batch, err = twilio.Parse(hooks[1].Body)
	if err != nil || len(batch.Messages) != 1 || batch.Messages[0].Media == nil {
		t.Fatalf("photo = %+v (%v)", batch, err)
	}
	photo := batch.Messages[0]
	if photo.Type != providers.KindImage || photo.Media.Caption != "this one" || !strings.HasPrefix(photo.Media.ID, "https://api.twilio.com/2010-04-01/Accounts/"+w.number.AccountSID+"/Messages/MM") {
		t.Errorf("photo = %+v %+v", photo, photo.Media)
	}
	info, err := c.GetMediaURL(ctx, photo.Media.ID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if d, err := c.DownloadMedia(ctx, info.URL, &buf); err != nil || !bytes.Equal(buf.Bytes(), img) || d.MIMEType != "image/jpeg" {
		t.Fatalf("download %s: %q %+v %v", info.URL, buf.String(), d, err)
	}
	// Credentials never go to another account's or host's media.
	if _, err := c.GetMediaURL(ctx, "https://evil.example/steal"); err == nil {
		t.Error("a foreign media address was accepted")
	}
	other := strings.Replace(photo.Media.ID, w.number.AccountSID, "AC"+strings.Repeat("0", 32), 1)
	if _, err := c.DownloadMedia(ctx, other, io.Discard); err == nil {
		t.Error("another account's media address was fetched")
	}

	// A reply goes out as a Message; its status callbacks follow.
	res, err := c.SendMessage(ctx, w.number.Sender, providers.OutboundMessage{To: "16505551234", Text: &providers.Text{Body: "Yes, all day."}})
	if err != nil || !strings.HasPrefix(res.MessageID, "SM") || res.WaID != "16505551234" {
		t.Fatalf("send: %+v %v", res, err)
	}
	if sent := w.sim.SentMessages(w.number.PhoneNumberID); len(sent) != 1 {
		t.Errorf("the WhatsApp side got %+v", sent)
	}
	deadline := time.Now().Add(15 * time.Second)
	seen := map[string]bool{}
	for !seen["delivered"] {
		if time.Now().After(deadline) {
			t.Fatalf("statuses seen: %v", seen)
		}
		w.mu.Lock()
		all := append([]providers.WebhookRequest(nil), w.hooks...)
		w.mu.Unlock()
		for _, h := range all[2:] {
			if err := twilio.Authenticate(h, creds); err != nil {
				t.Fatalf("status callback not signed: %v", err)
			}
			b, err := twilio.Parse(h.Body)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range b.Statuses {
				if s.MessageID == res.MessageID {
					seen[s.Status] = true
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}

	// What wadesk does not do through Twilio is reported, not faked.
	if _, err := c.UploadMedia(ctx, "", providers.MediaUpload{}); err == nil {
		t.Error("upload answered")
	}
	if err := c.MarkRead(ctx, "", photo.ID, false); err == nil {
		t.Error("mark read answered")
	}
	caps := c.Capabilities()
	if !caps.HasAll(providers.CapSendText, providers.CapMedia) || caps.Has(providers.CapBusinessProfile) || caps.Has(providers.CapMarkRead) ||
		caps.Has(providers.CapSubscribeWebhook) || caps.Has(providers.CapListNumbers) {
		t.Errorf("capabilities = %v", caps.List())
	}
}

func TestNewChecksCredentials(t *testing.T) {
	sid := "AC" + strings.Repeat("a1", 16)
	for name, cfg := range map[string]twilio.Config{
		"bad SID":         {AccountSID: "AB123", AuthToken: "x", Sender: "+14155238886"},
		"no token":        {AccountSID: sid, Sender: "+14155238886"},
		"key without SID": {AccountSID: sid, AuthToken: "x", APIKeySecret: "s", Sender: "+14155238886"},
		"bad sender":      {AccountSID: sid, AuthToken: "x", Sender: "whatsapp:hello"},
		"short sender":    {AccountSID: sid, AuthToken: "x", Sender: "+1234"},
	} {
		if _, err := twilio.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for in, want := range map[string]string{"+1 415 523 8886": "+14155238886", "whatsapp:+14155238886": "+14155238886", "14155238886": "+14155238886"} {
		if got, err := twilio.NormalizeSender(in); err != nil || got != want {
			t.Errorf("NormalizeSender(%q) = %q, %v", in, got, err)
		}
	}
}
