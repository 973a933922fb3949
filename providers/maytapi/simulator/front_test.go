package simulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/providers/maytapi"
	"github.com/wadesk/wadesk/providers/maytapi/simulator"
)

// TestPairSendAndAcks drives the front with wadesk's client: the phone
// waits with a PNG QR code, a scan logs it in (status webhook), the
// webhook and acks are set, a customer writes (message webhook), the
// reply is queued and acked, and the fourth identical send is refused by
// the duplicate filter.
func TestPairSendAndAcks(t *testing.T) {
	cfg := wa.DefaultConfig()
	phone := simulator.AddDemoPhone(&cfg)
	cfg.Logger = nil
	sim, err := wa.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	front, err := simulator.New(simulator.Config{Sim: sim, SimToken: cfg.AccessToken, ProductID: simulator.DemoProductID,
		APIKey: simulator.DemoAPIKey, Phones: []simulator.Phone{phone}})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(front.Handler())
	defer api.Close()

	var mu sync.Mutex
	var hooks []*providers.WebhookBatch
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		creds := providers.Credentials{WebhookSecret: "chan-secret"}
		if maytapi.Authenticate(providers.WebhookRequest{Header: r.Header, Query: r.URL.Query(), Body: body}, creds) != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		b, err := maytapi.Parse(body)
		if err != nil {
			t.Errorf("parse %s: %v", body, err)
		}
		mu.Lock()
		hooks = append(hooks, b)
		mu.Unlock()
	}))
	defer recv.Close()

	ctx := context.Background()
	bad, _ := maytapi.New(maytapi.Config{BaseURL: api.URL + "/api", ProductID: simulator.DemoProductID, Token: "wrong"})
	if _, err := bad.ListPhones(ctx); err == nil {
		t.Error("a wrong token lists phones")
	}
	c, err := maytapi.New(maytapi.Config{BaseURL: api.URL + "/api", ProductID: simulator.DemoProductID, Token: simulator.DemoAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	accts, err := c.ListBusinessAccounts(ctx, "")
	if err != nil || len(accts) != 1 || len(accts[0].PhoneNumbers) != 1 || accts[0].PhoneNumbers[0].ID != simulator.DemoPhoneID {
		t.Fatalf("accounts = %+v, %v", accts, err)
	}
	st, err := c.PhoneStatus(ctx, phone.ID)
	if err != nil || st.LoggedIn || !st.IsQr {
		t.Fatalf("status before pairing = %+v, %v", st, err)
	}
	qr, err := c.QRCode(ctx, phone.ID)
	if err != nil || !bytes.HasPrefix(qr, []byte("\x89PNG")) {
		t.Fatalf("qr = %d bytes, %v", len(qr), err)
	}
	if _, err := c.SendMessage(ctx, phone.ID, providers.OutboundMessage{To: "15551234567", Text: &providers.Text{Body: "hi"}}); err == nil {
		t.Error("a phone not logged in sent a message")
	}
	if err := c.SubscribeApp(ctx, "", maytapi.WebhookURL(recv.URL+"/webhooks/1", providers.Credentials{WebhookSecret: "chan-secret"}), ""); err != nil {
		t.Fatal(err)
	}
	if u, acks := front.Webhook(); !acks || u == "" {
		t.Errorf("webhook %q acks %v", u, acks)
	}
	if err := front.Scan(ctx, phone.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.PhoneStatus(ctx, phone.ID); !st.LoggedIn {
		t.Fatal("scan did not log the phone in")
	}
	if _, err := c.QRCode(ctx, phone.ID); err == nil {
		t.Error("a logged-in phone still shows a QR code")
	}
	in, err := sim.InjectInbound(wa.Inbound{PhoneNumberID: phone.PhoneNumberID, From: "15551234567", Name: "Ana", Text: "¿Hay fresas?"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.SendMessage(ctx, phone.ID, providers.OutboundMessage{To: "15551234567", ReplyTo: in, Text: &providers.Text{Body: "Sí, hoy"}})
	if err != nil || res.MessageID == "" {
		t.Fatalf("send = %+v, %v", res, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var gotMsg, gotStatus, gotDelivered bool
	for time.Now().Before(deadline) && !(gotMsg && gotStatus && gotDelivered) {
		mu.Lock()
		for _, b := range hooks {
			for _, m := range b.Messages {
				gotMsg = gotMsg || (m.ID == in && m.Text == "¿Hay fresas?" && m.From == "15551234567" && m.Meta.PhoneNumberID == phone.ID)
			}
			for _, u := range b.AccountUpdates {
				gotStatus = gotStatus || u.BanState == "active"
			}
			for _, s := range b.Statuses {
				gotDelivered = gotDelivered || (s.MessageID == res.MessageID && s.Status == "delivered")
			}
		}
		mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	if !gotMsg || !gotStatus || !gotDelivered {
		raw, _ := json.Marshal(front.Attempts())
		t.Fatalf("webhooks: message %v, status %v, delivered %v; attempts %s", gotMsg, gotStatus, gotDelivered, raw)
	}
	for i := 0; i < 3; i++ {
		c.SendMessage(ctx, phone.ID, providers.OutboundMessage{To: "15551234567", Text: &providers.Text{Body: "same"}})
	}
	_, err = c.SendMessage(ctx, phone.ID, providers.OutboundMessage{To: "15551234567", Text: &providers.Text{Body: "same"}})
	if pe, ok := providers.AsError(err); !ok || pe.UserMessage != maytapi.DuplicateFilterExplanation {
		t.Errorf("fourth identical send: %v", err)
	}
	if err := front.Logout(ctx, phone.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.PhoneStatus(ctx, phone.ID); st.LoggedIn {
		t.Error("logout left the phone logged in")
	}
}
