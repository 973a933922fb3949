package vonage

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
	vonagesim "github.com/wadesk/wadesk/providers/vonage/simulator"
)

// TestSimulatorWebhooksPassTheProductsCheck: the simulator's signed
// webhooks are accepted by Authenticate with the signature secret and
// refused with another; they parse into the neutral status of a template
// the client sent through the simulator.
func TestSimulatorWebhooksPassTheProductsCheck(t *testing.T) {
	cfg := wa.DefaultConfig()
	num, key, err := vonagesim.AddDemoNumber(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := wa.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	front, err := vonagesim.New(vonagesim.Config{Sim: sim, SimToken: cfg.AccessToken, Numbers: []vonagesim.Number{num}})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(front.Handler())
	defer api.Close()
	front.SetPublicURL(api.URL)

	var mu sync.Mutex
	var statuses []providers.StatusUpdate
	var refused int
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := providers.WebhookRequest{Header: r.Header, Body: body}
		if Authenticate(req, providers.Credentials{Provider: providers.Vonage, AppSecret: "another secret"}) == nil {
			t.Error("a webhook passed with the wrong signature secret")
		}
		if err := Authenticate(req, providers.Credentials{Provider: providers.Vonage, AppSecret: num.SignatureSecret,
			Settings: map[string]string{SettingAPIKey: num.APIKey}}); err != nil {
			mu.Lock()
			refused++
			mu.Unlock()
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		b, err := Parse(body)
		if err != nil {
			t.Errorf("parse %s: %v", body, err)
		} else {
			mu.Lock()
			statuses = append(statuses, b.Statuses...)
			mu.Unlock()
		}
	}))
	defer hook.Close()
	if err := front.SetWebhooks(num.Number, hook.URL, hook.URL); err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{BaseURL: api.URL, ApplicationID: num.ApplicationID, PrivateKey: key, Number: num.Number, WABAID: num.WABAID})
	if err != nil {
		t.Fatal(err)
	}
	// The approved template goes out; its statuses come back signed.
	res, err := c.SendMessage(context.Background(), "", providers.OutboundMessage{To: "15550001111", Template: &providers.TemplateMessage{Name: "hello_world", Language: "en_US"}})
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(statuses)
		mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if refused != 0 {
		t.Errorf("%d simulator webhooks refused by the product's check", refused)
	}
	if len(statuses) == 0 || statuses[0].MessageID != res.MessageID {
		t.Fatalf("statuses = %+v, want ones for %s", statuses, res.MessageID)
	}
}
