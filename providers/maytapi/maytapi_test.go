package maytapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/wadesk/wadesk/providers"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseMessageAckAndStatus(t *testing.T) {
	b, err := Parse(fixture(t, "message.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Messages) != 1 {
		t.Fatalf("messages = %+v", b)
	}
	m := b.Messages[0]
	if m.ID != "false_15551234567@c.us_3EB0ABC" || m.From != "15551234567" || m.Text != "Hola, ¿tienen mesa?" || m.Type != providers.KindText ||
		m.ProfileName != "Ana" || m.Meta.PhoneNumberID != "12345" || m.Timestamp.Unix() != 1765100000 {
		t.Errorf("message = %+v", m)
	}
	b, err = Parse(fixture(t, "ack.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Statuses) != 2 || b.Statuses[0].Status != "delivered" || b.Statuses[1].Status != "read" ||
		b.Statuses[0].MessageID != "true_15551234567@c.us_3EB0DEF" || b.Statuses[0].RecipientID != "15551234567" || b.Statuses[0].Meta.PhoneNumberID != "12345" {
		t.Errorf("statuses = %+v", b.Statuses)
	}
	b, err = Parse(fixture(t, "status.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.AccountUpdates) != 1 || b.AccountUpdates[0].Event != PhoneStatusEvent || b.AccountUpdates[0].BanState != "qr-code" ||
		b.AccountUpdates[0].Meta.EntryID != "pid-1" || b.AccountUpdates[0].Meta.PhoneNumberID != "12345" {
		t.Errorf("status = %+v", b.AccountUpdates)
	}
	if _, err := Parse([]byte(`{"object":"whatsapp_business_account"}`)); !errors.Is(err, providers.ErrNotWebhook) {
		t.Errorf("foreign body: err = %v", err)
	}
	own := []byte(`{"type":"message","phone_id":1,"message":{"id":"true_x","type":"text","text":"hi","fromMe":true},"user":{"phone":"1"}}`)
	if b, err := Parse(own); err != nil || len(b.Messages) != 0 || len(b.Unknown) != 1 {
		t.Errorf("fromMe: %+v, %v", b, err)
	}
}

func TestAckCodes(t *testing.T) {
	for code, want := range map[int]string{1: "sent", 2: "delivered", 3: "read", 4: "read", 5: "deleted", 9: ""} {
		if got := AckStatus(code, ""); got != want {
			t.Errorf("AckStatus(%d) = %q, want %q", code, got, want)
		}
	}
	if AckStatus(0, "seen") != "read" {
		t.Error("ackType seen without a code is not read")
	}
}

func TestAuthenticateNeedsTheChannelSecretInTheURL(t *testing.T) {
	c := providers.Credentials{WebhookSecret: "s3cr3t-192-bits"}
	u := WebhookURL("https://desk.example.com/webhooks/7", c)
	if u != "https://desk.example.com/webhooks/7?token=s3cr3t-192-bits" {
		t.Fatalf("WebhookURL = %s", u)
	}
	pu, _ := url.Parse(u)
	if err := Authenticate(providers.WebhookRequest{Query: pu.Query()}, c); err != nil {
		t.Errorf("right secret refused: %v", err)
	}
	for _, q := range []url.Values{{}, {"token": {"s3cr3t-192-bitz"}}, {"token": {""}}} {
		if err := Authenticate(providers.WebhookRequest{Query: q}, c); !errors.Is(err, providers.ErrUnauthenticated) {
			t.Errorf("query %v accepted", q)
		}
	}
	if err := Authenticate(providers.WebhookRequest{Query: url.Values{"token": {""}}}, providers.Credentials{}); err == nil {
		t.Error("a channel without a secret accepts an empty one")
	}
}

func TestClientSendsWithTheKeyAndReadsQueuedID(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(KeyHeader) != "tok" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"success":false,"message":"Invalid token"}`))
			return
		}
		switch r.URL.Path {
		case "/api/pid-1/12345/sendMessage":
			json.NewDecoder(r.Body).Decode(&got)
			if got["message"] == "again" {
				w.Write([]byte(`{"success":false,"message":"Duplicate message filter: the same message was sent more than 3 times"}`))
				return
			}
			w.Write([]byte(`{"success":true,"data":{"chatId":"15551234567@c.us","msgId":"true_15551234567@c.us_X1"}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL + "/api", ProductID: "pid-1", Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.SendMessage(context.Background(), "12345", providers.OutboundMessage{To: "+15551234567", ReplyTo: "false_x", Text: &providers.Text{Body: "Sí"}})
	if err != nil || res.MessageID != "true_15551234567@c.us_X1" {
		t.Fatalf("send = %+v, %v", res, err)
	}
	if got["to_number"] != "15551234567" || got["type"] != "text" || got["message"] != "Sí" || got["reply_to"] != "false_x" {
		t.Errorf("body = %v", got)
	}
	_, err = c.SendMessage(context.Background(), "12345", providers.OutboundMessage{To: "1", Text: &providers.Text{Body: "again"}})
	pe, ok := providers.AsError(err)
	if !ok || pe.Kind != providers.ErrorKindSpamLimit || pe.UserMessage != DuplicateFilterExplanation {
		t.Errorf("duplicate: %v", err)
	}
	bad, _ := New(Config{BaseURL: srv.URL + "/api", ProductID: "pid-1", Token: "nope"})
	_, err = bad.ListPhones(context.Background())
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindAuth {
		t.Errorf("bad token: %v", err)
	}
	if _, err := c.SendMessage(context.Background(), "12345", providers.OutboundMessage{To: "1", Template: &providers.TemplateMessage{Name: "x"}}); err == nil {
		t.Error("a template was sent through Maytapi")
	}
}
