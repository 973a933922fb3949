package simulator_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/providers/messagebird"
	mbsim "github.com/wadesk/wadesk/providers/messagebird/simulator"
)

// TestFrontRoundTrip drives the front with wadesk's own MessageBird client
// and webhook code: Test connection, subscribe, a customer's message in
// (signed, verified, parsed), a reply out, its statuses back.
func TestFrontRoundTrip(t *testing.T) {
	cfg := wa.DefaultConfig()
	ch := mbsim.AddDemoNumber(&cfg)
	sim, err := wa.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)

	var mu sync.Mutex
	var got []*providers.WebhookBatch
	var hookURL string
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := providers.WebhookRequest{Method: r.Method, URL: hookURL, Header: r.Header, Body: body}
		if err := messagebird.Authenticate(req, providers.Credentials{AppSecret: ch.SigningKey}, time.Now()); err != nil {
			t.Errorf("delivery not verified: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		b, err := messagebird.ParseWebhook(body)
		if err != nil {
			t.Errorf("delivery not parsed: %v", err)
		}
		mu.Lock()
		got = append(got, b)
		mu.Unlock()
	}))
	t.Cleanup(hooks.Close)
	hookURL = hooks.URL + "/webhooks/1"

	front, err := mbsim.New(mbsim.Config{Sim: sim, SimToken: cfg.AccessToken, Channels: []mbsim.Channel{ch}})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(front.Handler())
	t.Cleanup(api.Close)

	ctx := context.Background()
	bad, _ := messagebird.New(messagebird.Config{BaseURL: api.URL + "/v1", AccessKey: "live_wrong", ChannelID: ch.ChannelID})
	if _, err := bad.ListBusinessAccounts(ctx, ""); err == nil {
		t.Fatal("wrong access key accepted")
	} else if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindAuth || pe.Code != 2 {
		t.Fatalf("wrong key: %v", err)
	}
	c, err := messagebird.New(messagebird.Config{BaseURL: api.URL + "/v1", AccessKey: ch.AccessKey, ChannelID: ch.ChannelID,
		Number: ch.DisplayNumber, Namespace: mbsim.DemoNamespace})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListBusinessAccounts(ctx, ""); err != nil {
		t.Fatal(err)
	}
	other, _ := messagebird.New(messagebird.Config{BaseURL: api.URL + "/v1", AccessKey: ch.AccessKey, ChannelID: "nosuchchannel0000"})
	if err := other.SubscribeApp(ctx, "", hookURL, ""); err == nil {
		t.Fatal("unknown channel subscribed")
	}
	if err := c.SubscribeApp(ctx, "", hookURL, ""); err != nil {
		t.Fatal(err)
	}

	if _, err := sim.InjectInbound(wa.Inbound{PhoneNumberID: ch.PhoneNumberID, From: "31612345678", Name: "Jen", Text: "Is my bike ready?"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, b := range got {
			for _, m := range b.Messages {
				if m.Text == "Is my bike ready?" && m.From == "31612345678" && m.Meta.PhoneNumberID == ch.ChannelID {
					return true
				}
			}
		}
		return false
	})

	res, err := c.SendMessage(ctx, ch.ChannelID, providers.OutboundMessage{To: "31612345678", Text: &providers.Text{Body: "Yes, come by."}})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, b := range got {
			for _, s := range b.Statuses {
				if s.MessageID == res.MessageID && s.Status == "delivered" {
					return true
				}
			}
		}
		return false
	})
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("timed out")
}
