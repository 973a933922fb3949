package messagebird

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseWebhookInboundText(t *testing.T) {
	b, err := ParseWebhook(readFixture(t, "message_created_text.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Messages) != 1 || len(b.Statuses) != 0 || len(b.Unknown) != 0 {
		t.Fatalf("batch = %+v", b)
	}
	m := b.Messages[0]
	want := time.Date(2026, 12, 7, 10, 15, 0, 0, time.UTC)
	if m.ID != "f3ba8a0fa1e94fa9b1d5d4d4fd2d0cde" || m.From != "31612345678" || m.Text != "Is my order on its way?" ||
		m.Type != providers.KindText || m.ProfileName != "Jen Smith" || !m.Timestamp.Equal(want) {
		t.Fatalf("message = %+v", m)
	}
	if m.Meta.PhoneNumberID != "619747f69cf940a98fb443140ce9aed2" || m.Meta.DisplayPhoneNumber != "31201234567" {
		t.Fatalf("meta = %+v", m.Meta)
	}
	if !strings.Contains(string(m.Raw), `"conversationId"`) {
		t.Fatalf("raw message not kept: %s", m.Raw)
	}
}

func TestParseWebhookFailedStatusCarriesWindowError(t *testing.T) {
	b, err := ParseWebhook(readFixture(t, "message_updated_failed.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Statuses) != 1 || len(b.Messages) != 0 {
		t.Fatalf("batch = %+v", b)
	}
	s := b.Statuses[0]
	if s.MessageID != "5f3c2a9a3d0c4ec4b6f0a2b1c3d4e5f6" || s.Status != "failed" || s.RecipientID != "31612345678" ||
		s.Meta.PhoneNumberID != "619747f69cf940a98fb443140ce9aed2" {
		t.Fatalf("status = %+v", s)
	}
	if len(s.Errors) != 1 || s.Errors[0].Code != 131047 || s.Errors[0].Details != "MessageBird error 470" || !strings.Contains(s.Errors[0].Title, "24 hours") {
		t.Fatalf("errors = %+v, want 470 recorded as 131047 (window closed)", s.Errors)
	}
}

func TestParseWebhookMedia(t *testing.T) {
	body := `{"type":"message.created","message":{"id":"m1","channelId":"ch1","from":"+4915112345678","to":"+4930123456",
	"direction":"received","status":"received","type":"image","content":{"image":{"url":"https://media.example/p.jpg","caption":"receipt"}},
	"createdDatetime":"2026-12-07T10:00:00Z"}}`
	b, err := ParseWebhook([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	m := b.Messages[0]
	if m.Type != providers.KindImage || m.Media == nil || m.Media.ID != "https://media.example/p.jpg" || m.Media.Caption != "receipt" {
		t.Fatalf("media message = %+v %+v", m, m.Media)
	}
}

func TestParseWebhookKeepsOtherEvents(t *testing.T) {
	for _, body := range []string{
		`{"type":"conversation.created","conversation":{"id":"c1"}}`,
		`{"type":"message.updated","message":{"id":"m1","channelId":"ch1","direction":"sent","status":"accepted"}}`,
		`{"type":"message.updated","message":{"id":"m2","channelId":"ch1","direction":"received","status":"deleted"}}`,
	} {
		b, err := ParseWebhook([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if len(b.Unknown) != 1 || len(b.Messages)+len(b.Statuses) != 0 {
			t.Fatalf("%s: batch = %+v", body, b)
		}
	}
	for _, body := range []string{`not json`, `{"message":{}}`, `[]`} {
		if _, err := ParseWebhook([]byte(body)); !errors.Is(err, providers.ErrNotWebhook) {
			t.Fatalf("%s: err = %v, want ErrNotWebhook", body, err)
		}
	}
}

// TestMapStatus is the status-mapping table: MessageBird's message
// statuses onto wadesk's sent < delivered < read, failed.
func TestMapStatus(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"accepted", "", false},
		{"pending", "", false},
		{"sent", "sent", true},
		{"delivered", "delivered", true},
		{"read", "read", true},
		{"failed", "failed", true},
		{"rejected", "failed", true},
		{"Delivered", "delivered", true},
		{"received", "", false},
		{"deleted", "", false},
		{"unknown", "", false},
		{"", "", false},
	} {
		got, ok := MapStatus(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("MapStatus(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestAuthenticate checks the provider's webhook authentication: the
// signature must be for this URL, body and signing key.
func TestAuthenticate(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	body := readFixture(t, "message_created_text.json")
	url := "https://desk.example/webhooks/3"
	tok, err := Sign("signing-key-1", url, body, now, "j1")
	if err != nil {
		t.Fatal(err)
	}
	creds := providers.Credentials{Provider: providers.MessageBird, AppSecret: "signing-key-1"}
	req := func(tok, url string, body []byte) providers.WebhookRequest {
		h := map[string][]string{}
		if tok != "" {
			h["Messagebird-Signature-Jwt"] = []string{tok}
		}
		return providers.WebhookRequest{Method: "POST", URL: url, Header: h, Body: body}
	}
	if err := Authenticate(req(tok, url, body), creds, now); err != nil {
		t.Fatalf("genuine webhook refused: %v", err)
	}
	for name, r := range map[string]providers.WebhookRequest{
		"no header":    req("", url, body),
		"other url":    req(tok, "https://desk.example/webhooks/4", body),
		"changed body": req(tok, url, append([]byte(" "), body...)),
		"forged":       req(tok[:len(tok)-4]+"AAAA", url, body),
	} {
		if err := Authenticate(r, creds, now); !errors.Is(err, providers.ErrUnauthenticated) {
			t.Errorf("%s: err = %v, want ErrUnauthenticated", name, err)
		}
	}
	if err := Authenticate(req(tok, url, body), providers.Credentials{AppSecret: "other"}, now); !errors.Is(err, providers.ErrUnauthenticated) {
		t.Errorf("other key accepted: %v", err)
	}
}
