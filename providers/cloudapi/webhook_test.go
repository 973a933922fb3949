package cloudapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
)

func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func TestVerifySignature(t *testing.T) {
	const secret = "app-secret-123"
	body := fixture(t, "webhook_text.json")
	escaped := fixture(t, "webhook_nonascii_escaped.json")
	if !strings.Contains(string(escaped), `\u00e7`) || !strings.Contains(string(escaped), `\/`) {
		t.Fatal("fixture must keep Meta's \\uXXXX and \\/ escapes")
	}
	// The same document re-encoded by a JSON library: unescaped UTF-8.
	var doc any
	if err := json.Unmarshal(escaped, &doc); err != nil {
		t.Fatal(err)
	}
	reencoded, _ := json.Marshal(doc)

	good := sign(secret, body)
	tests := []struct {
		name   string
		secret string
		body   []byte
		header string
		want   bool
	}{
		{"valid", secret, body, good, true},
		{"valid with upper-case hex", secret, body, "sha256=" + strings.ToUpper(strings.TrimPrefix(good, "sha256=")), true},
		{"wrong secret", "other-secret", body, good, false},
		{"empty secret", "", body, sign("", body), false},
		{"missing prefix", secret, body, strings.TrimPrefix(good, "sha256="), false},
		{"sha1 prefix", secret, body, "sha1=" + strings.TrimPrefix(good, "sha256="), false},
		{"empty header", secret, body, "", false},
		{"tampered body", secret, append(append([]byte(nil), body[:len(body)-3]...), []byte("}]}")...), good, false},
		{"one byte changed", secret, []byte(strings.Replace(string(body), "gluten-free", "gluten-fre3", 1)), good, false},
		{"truncated signature", secret, body, good[:len(good)-2], false},
		{"not hex", secret, body, "sha256=" + strings.Repeat("zz", 32), false},
		{"non-ASCII escaped body, signed as sent", secret, escaped, sign(secret, escaped), true},
		{"non-ASCII body re-encoded after signing", secret, reencoded, sign(secret, escaped), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifySignature(tt.secret, tt.body, tt.header); got != tt.want {
				t.Errorf("VerifySignature = %v, want %v", got, tt.want)
			}
		})
	}
	// The escaped body still parses to the real characters.
	b, err := ParseWebhook(escaped)
	if err != nil {
		t.Fatal(err)
	}
	if b.Messages[0].Text != "Olá! Pão de açúcar? 🍞 https://bakery.example/p" || b.Messages[0].ProfileName != "Zoë Ağaoğlu" {
		t.Errorf("escaped text = %q, name %q", b.Messages[0].Text, b.Messages[0].ProfileName)
	}
}

func TestVerifyHandshake(t *testing.T) {
	q := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	tests := []struct {
		name   string
		query  url.Values
		token  string
		want   string
		wantOK bool
	}{
		{"valid", q("hub.mode", "subscribe", "hub.verify_token", "tok", "hub.challenge", "1158201444"), "tok", "1158201444", true},
		{"wrong token", q("hub.mode", "subscribe", "hub.verify_token", "nope", "hub.challenge", "1"), "tok", "", false},
		{"token prefix", q("hub.mode", "subscribe", "hub.verify_token", "to", "hub.challenge", "1"), "tok", "", false},
		{"wrong mode", q("hub.mode", "unsubscribe", "hub.verify_token", "tok", "hub.challenge", "1"), "tok", "", false},
		{"no mode", q("hub.verify_token", "tok", "hub.challenge", "1"), "tok", "", false},
		{"no challenge", q("hub.mode", "subscribe", "hub.verify_token", "tok"), "tok", "", false},
		{"empty configured token", q("hub.mode", "subscribe", "hub.verify_token", "", "hub.challenge", "1"), "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := VerifyHandshake(tt.query, tt.token)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("VerifyHandshake = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func parseFixture(t *testing.T, name string) *providers.WebhookBatch {
	t.Helper()
	b, err := ParseWebhook(fixture(t, name))
	if err != nil {
		t.Fatalf("ParseWebhook(%s): %v", name, err)
	}
	if b.Object != WebhookObject {
		t.Fatalf("object = %q", b.Object)
	}
	return b
}

func TestParseWebhookMessages(t *testing.T) {
	ts := func(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

	t.Run("text", func(t *testing.T) {
		b := parseFixture(t, "webhook_text.json")
		if len(b.Messages) != 1 || b.Len() != 1 {
			t.Fatalf("batch = %+v", b)
		}
		m := b.Messages[0]
		if m.ID != "wamid.IN000000000000000000000001" || m.From != "15557654321" || m.Type != providers.KindText ||
			m.Text != "Do you have gluten-free bread?" || m.ProfileName != "Ana Pereira" || !m.Timestamp.Equal(ts(1751372400)) {
			t.Errorf("message = %+v", m)
		}
		if m.Meta.EntryID != "300000000000001" || m.Meta.PhoneNumberID != "200000000000001" ||
			m.Meta.DisplayPhoneNumber != "15550100200" || m.Meta.Field != "messages" {
			t.Errorf("meta = %+v", m.Meta)
		}
		var raw map[string]any
		if json.Unmarshal(m.Raw, &raw) != nil || raw["id"] != m.ID {
			t.Errorf("Raw = %s", m.Raw)
		}
	})
	t.Run("context", func(t *testing.T) {
		m := parseFixture(t, "webhook_text_context.json").Messages[0]
		c := m.Context
		if c == nil || c.ID != "wamid.OUT000000000000000000000009" || c.From != "15550100200" || !c.Forwarded || c.FrequentlyForwarded ||
			c.ReferredProduct == nil || c.ReferredProduct.ProductRetailerID != "sku-rye-01" || c.ReferredProduct.CatalogID != "900000000000001" {
			t.Errorf("context = %+v", c)
		}
	})
	t.Run("referral", func(t *testing.T) {
		r := parseFixture(t, "webhook_referral.json").Messages[0].Referral
		if r == nil || r.SourceType != "ad" || r.SourceID != "910000000000001" || r.CTWAClickID != "ClickIdExample123" ||
			r.VideoURL == "" || r.WelcomeMessage != "Hi! What would you like today?" || r.Headline != "Order on WhatsApp" {
			t.Errorf("referral = %+v", r)
		}
	})
	t.Run("reaction", func(t *testing.T) {
		ms := parseFixture(t, "webhook_reaction.json").Messages
		if len(ms) != 2 || ms[0].Reaction == nil || ms[0].Reaction.Emoji != "❤️" || ms[0].Reaction.MessageID != "wamid.OUT000000000000000000000009" {
			t.Fatalf("reactions = %+v", ms)
		}
		if ms[1].Reaction == nil || ms[1].Reaction.Emoji != "" {
			t.Errorf("removed reaction = %+v", ms[1].Reaction)
		}
	})
	t.Run("media", func(t *testing.T) {
		ms := parseFixture(t, "webhook_media.json").Messages
		want := []providers.InboundMedia{
			{Kind: providers.KindImage, ID: "810000000000001", MIMEType: "image/jpeg", SHA256: "q1w2e3r4t5y6u7i8o9p0", Caption: "This cake please"},
			{Kind: providers.KindAudio, ID: "810000000000002", MIMEType: "audio/ogg; codecs=opus", SHA256: "a1s2d3f4g5h6j7k8l9", Voice: true},
			{Kind: providers.KindVideo, ID: "810000000000003", MIMEType: "video/mp4", SHA256: "z1x2c3v4b5n6m7", Caption: "The shop front"},
			{Kind: providers.KindDocument, ID: "810000000000004", MIMEType: "application/pdf", SHA256: "p0o9i8u7y6", Caption: "Invoice details", Filename: "invoice-1042.pdf"},
			{Kind: providers.KindSticker, ID: "810000000000005", MIMEType: "image/webp", SHA256: "s1t2i3c4k5"},
		}
		if len(ms) != len(want) {
			t.Fatalf("got %d messages", len(ms))
		}
		for i, w := range want {
			if ms[i].Media == nil || *ms[i].Media != w || ms[i].Type != w.Kind {
				t.Errorf("media %d = %+v (type %q), want %+v", i, ms[i].Media, ms[i].Type, w)
			}
		}
	})
	t.Run("location", func(t *testing.T) {
		l := parseFixture(t, "webhook_location.json").Messages[0].Location
		if l == nil || l.Latitude != 38.7223 || l.Longitude != -9.1393 || l.Name != "Praça do Comércio" || l.URL != "https://maps.example/pc" {
			t.Errorf("location = %+v", l)
		}
	})
	t.Run("contacts", func(t *testing.T) {
		cs := parseFixture(t, "webhook_contacts.json").Messages[0].Contacts
		if len(cs) != 1 || cs[0].Name.FormattedName != "João Silva" || cs[0].Org.Company != "Silva & Filhos" ||
			len(cs[0].Phones) != 1 || cs[0].Phones[0].WaID != "351910000000" || cs[0].Emails[0].Email != "joao@example.com" {
			t.Errorf("contacts = %+v", cs)
		}
	})
	t.Run("button", func(t *testing.T) {
		m := parseFixture(t, "webhook_button.json").Messages[0]
		if m.Button == nil || m.Button.Payload != "on_my_way" || m.Button.Text != "On my way" || m.Context == nil {
			t.Errorf("button = %+v", m)
		}
	})
	t.Run("interactive", func(t *testing.T) {
		ms := parseFixture(t, "webhook_interactive.json").Messages
		if r := ms[0].Interactive; r == nil || r.Type != "button_reply" || r.ID != "pickup" || r.Title != "Pick up" {
			t.Errorf("button reply = %+v", r)
		}
		if r := ms[1].Interactive; r == nil || r.Type != "list_reply" || r.ID != "slot_morning" || r.Description != "8:00 to 12:00" {
			t.Errorf("list reply = %+v", r)
		}
	})
	t.Run("order", func(t *testing.T) {
		o := parseFixture(t, "webhook_order.json").Messages[0].Order
		if o == nil || o.CatalogID != "900000000000001" || o.Text != "For Saturday" || len(o.Items) != 2 {
			t.Fatalf("order = %+v", o)
		}
		if o.Items[0] != (providers.OrderItem{ProductRetailerID: "sku-rye-01", Quantity: 2, ItemPrice: 3.5, Currency: "EUR"}) ||
			o.Items[1] != (providers.OrderItem{ProductRetailerID: "sku-cake-07", Quantity: 1, ItemPrice: 18, Currency: "EUR"}) {
			t.Errorf("items = %+v", o.Items)
		}
	})
	t.Run("system", func(t *testing.T) {
		m := parseFixture(t, "webhook_system.json").Messages[0]
		if m.System == nil || m.System.Type != "user_changed_number" || m.System.NewWaID != "15559998877" || m.ProfileName != "" {
			t.Errorf("system = %+v", m)
		}
	})
	t.Run("unsupported", func(t *testing.T) {
		m := parseFixture(t, "webhook_unsupported.json").Messages[0]
		if m.Type != providers.KindUnsupported || len(m.Errors) != 1 || m.Errors[0].Code != 131051 ||
			m.Errors[0].Details != "Message type is currently not supported." {
			t.Errorf("unsupported = %+v", m)
		}
	})
	t.Run("batch", func(t *testing.T) {
		b := parseFixture(t, "webhook_batch.json")
		if len(b.Messages) != 3 || len(b.Statuses) != 1 {
			t.Fatalf("batch = %+v", b)
		}
		if b.Messages[0].ProfileName != "Ana Pereira" || b.Messages[1].ProfileName != "Bruno" || b.Messages[2].ProfileName != "Carla" {
			t.Errorf("profile names: %q %q %q", b.Messages[0].ProfileName, b.Messages[1].ProfileName, b.Messages[2].ProfileName)
		}
		if b.Messages[2].Meta.EntryID != "400000000000009" || b.Messages[2].Meta.PhoneNumberID != "200000000000009" || b.Messages[2].Text != "três" {
			t.Errorf("second entry = %+v", b.Messages[2])
		}
		if b.Statuses[0].Meta.PhoneNumberID != "200000000000001" || b.Statuses[0].RecipientID != "15551112222" {
			t.Errorf("status = %+v", b.Statuses[0])
		}
	})
}

func TestParseWebhookStatuses(t *testing.T) {
	b := parseFixture(t, "webhook_statuses.json")
	if len(b.Statuses) != 5 || len(b.Messages) != 0 {
		t.Fatalf("batch = %+v", b)
	}
	s := b.Statuses
	if s[0].MessageID != "wamid.OUT000000000000000000000001" || s[0].Status != "sent" || s[0].RecipientID != "15557654321" ||
		!s[0].Timestamp.Equal(time.Unix(1751374000, 0)) {
		t.Errorf("sent = %+v", s[0])
	}
	if c := s[0].Conversation; c == nil || c.ID != "c0nv000000000000000000000000001" || c.OriginType != "service" || !c.Expiration.Equal(time.Unix(1751460400, 0)) {
		t.Errorf("conversation = %+v", c)
	}
	if p := s[0].Pricing; p == nil || p.Billable || p.Model != "PMP" || p.Category != "service" || p.Type != "free_customer_service" {
		t.Errorf("pricing = %+v", p)
	}
	if p := s[1].Pricing; s[1].Status != "delivered" || p == nil || !p.Billable || p.Category != "utility" {
		t.Errorf("delivered = %+v", s[1])
	}
	if s[2].Status != "read" || s[2].Pricing != nil || s[2].Conversation != nil {
		t.Errorf("read = %+v", s[2])
	}
	if s[3].Status != "failed" || len(s[3].Errors) != 1 || s[3].Errors[0].Code != 131047 || s[3].Errors[0].Href == "" ||
		!strings.Contains(s[3].Errors[0].Details, "24 hours") {
		t.Errorf("failed = %+v", s[3])
	}
	if p := s[4].Pricing; p == nil || p.Model != "CBP" || s[4].Conversation.OriginType != "marketing" {
		t.Errorf("CBP status = %+v", s[4])
	}
}

func TestParseWebhookManagement(t *testing.T) {
	tpl := parseFixture(t, "webhook_template_status.json").TemplateStatuses
	if len(tpl) != 2 {
		t.Fatalf("template updates = %+v", tpl)
	}
	if tpl[0].Event != "APPROVED" || tpl[0].TemplateID != "600000000000003" || tpl[0].TemplateName != "order_ready_v2" ||
		tpl[0].Language != "en_US" || tpl[0].Reason != "NONE" || tpl[0].Meta.EntryID != "400000000000001" ||
		!tpl[0].Meta.EntryTime.Equal(time.Unix(1751374100, 0)) || tpl[0].Meta.Field != "message_template_status_update" {
		t.Errorf("approved = %+v", tpl[0])
	}
	if tpl[1].Event != "REJECTED" || tpl[1].Reason != "INCORRECT_CATEGORY" || tpl[1].Title != "Category mismatch" || len(tpl[1].Raw) == 0 {
		t.Errorf("rejected = %+v", tpl[1])
	}

	q := parseFixture(t, "webhook_quality.json").QualityUpdates
	if len(q) != 2 || q[0].Event != "FLAGGED" || q[0].CurrentLimit != "TIER_2K" || q[0].DisplayPhoneNumber != "15550100200" ||
		q[1].Event != "UPGRADE" || q[1].OldLimit != "TIER_2K" || q[1].CurrentLimit != "TIER_10K" {
		t.Errorf("quality = %+v", q)
	}

	a := parseFixture(t, "webhook_account_update.json").AccountUpdates
	if len(a) != 3 {
		t.Fatalf("account updates = %+v", a)
	}
	if a[0].Event != "ACCOUNT_RESTRICTION" || len(a[0].Restrictions) != 1 || a[0].Restrictions[0].Type != "RESTRICTED_BIZ_INITIATED_MESSAGING" ||
		!a[0].Restrictions[0].Expiration.Equal(time.Unix(1751979100, 0)) || a[0].PhoneNumber != "15550100200" {
		t.Errorf("restriction = %+v", a[0])
	}
	if a[1].BanState != "SCHEDULE_FOR_DISABLE" || a[1].BanDate != "2025-07-10" {
		t.Errorf("ban = %+v", a[1])
	}
	if a[2].ViolationType != "SCAM" {
		t.Errorf("violation = %+v", a[2])
	}
}

func TestParseWebhookKeepsUnknown(t *testing.T) {
	b := parseFixture(t, "webhook_unknown.json")
	if len(b.Messages) != 1 {
		t.Fatalf("messages = %+v", b.Messages)
	}
	m := b.Messages[0]
	if m.Type != "hologram" || m.ID != "wamid.IN000000000000000000000070" || !strings.Contains(string(m.Raw), `"depth"`) {
		t.Errorf("unknown message type not kept: %+v", m)
	}
	fields := map[string]string{}
	for _, u := range b.Unknown {
		fields[u.Field] = string(u.Value)
	}
	if v, ok := fields["messages"]; !ok || !strings.Contains(v, "shiny_new_key") {
		t.Errorf("unknown key of a messages change not kept: %v", fields)
	}
	// business_capability_update was unknown here until wadesk learnt to
	// read the portfolio's messaging limit from it (package limits).
	if len(b.Capabilities) != 1 || b.Capabilities[0].MaxDailyConversationPerPhone == "" {
		t.Errorf("business_capability_update not read: %+v", b.Capabilities)
	}
	if v, ok := fields["message_template_status_update"]; !ok || v != `"not-an-object"` {
		t.Errorf("unreadable change not kept: %v", fields)
	}
}

func TestParseWebhookEnvelopeErrors(t *testing.T) {
	bad := map[string]string{
		"not JSON":       `{"object":`,
		"empty":          ``,
		"array":          `[1,2]`,
		"wrong object":   `{"object":"page","entry":[]}`,
		"missing object": `{"entry":[]}`,
	}
	for name, body := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseWebhook([]byte(body)); !errors.Is(err, ErrNotWebhook) {
				t.Errorf("err = %v, want ErrNotWebhook", err)
			}
		})
	}
	odd := map[string]string{
		"no entries":         `{"object":"whatsapp_business_account"}`,
		"entry not an array": `{"object":"whatsapp_business_account","entry":{"id":"1"}}`,
		"entry not object":   `{"object":"whatsapp_business_account","entry":[1,"x",null]}`,
		"change not object":  `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[5]}]}`,
		"value null":         `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":null}]}]}`,
		"message not object": `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[7]}}]}]}`,
		"wrong field types":  `{"object":"whatsapp_business_account","entry":[{"id":1,"time":"x","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":123},"messages":[{"id":9,"from":1555,"timestamp":1751372400,"type":"text","text":"flat"}]}}]}]}`,
	}
	for name, body := range odd {
		t.Run(name, func(t *testing.T) {
			b, err := ParseWebhook([]byte(body))
			if err != nil {
				t.Fatalf("err = %v, want the odd parts kept", err)
			}
			if name != "no entries" && b.Len() == 0 {
				t.Error("nothing was kept")
			}
		})
	}
	b, _ := ParseWebhook([]byte(odd["wrong field types"]))
	if len(b.Messages) != 1 || b.Messages[0].ID != "9" || b.Messages[0].From != "1555" || b.Messages[0].Meta.PhoneNumberID != "123" ||
		!b.Messages[0].Timestamp.Equal(time.Unix(1751372400, 0)) || len(b.Messages[0].Raw) == 0 {
		t.Errorf("partly readable message = %+v", b.Messages)
	}
}

func FuzzParseWebhook(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "webhook_*.json"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"type":"image","image":"x"}]}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := ParseWebhook(body)
		if err != nil {
			if !errors.Is(err, ErrNotWebhook) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if b == nil || b.Object != WebhookObject {
			t.Fatalf("batch = %+v", b)
		}
		for _, m := range b.Messages {
			if len(m.Raw) == 0 {
				t.Fatal("message without Raw")
			}
		}
	})
}

func TestParseMessageReadsAStoredMessage(t *testing.T) {
	raw := []byte(`{"from":"15557654321","id":"wamid.X","timestamp":"1751373000","type":"document",
		"context":{"from":"15550100200","id":"wamid.Q"},
		"document":{"caption":"Invoice","filename":"invoice.pdf","mime_type":"application/pdf","sha256":"abc","id":"8100"}}`)
	m, err := ParseMessage(raw)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "wamid.X" || m.Type != providers.KindDocument || m.Media == nil || m.Media.ID != "8100" ||
		m.Media.Filename != "invoice.pdf" || m.Media.Caption != "Invoice" || m.Context == nil || m.Context.ID != "wamid.Q" {
		t.Errorf("ParseMessage = %+v (media %+v)", m, m.Media)
	}
	if !m.Timestamp.Equal(time.Unix(1751373000, 0)) {
		t.Errorf("timestamp = %v", m.Timestamp)
	}
	if _, err := ParseMessage([]byte(`[1, 2]`)); err == nil {
		t.Error("a JSON array parsed as a message")
	}
}

// TestParseWebhookPricingTypes: the per-message pricing object's type
// (free_entry_point) and a Meta Business Agent category (billed per token
// since 1 Aug 2026, reported by BSPs) are passed on unchanged, so that
// 360dialog and partner channels, which share this parser, record them too.
func TestParseWebhookPricingTypes(t *testing.T) {
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"104500000000011","changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"110200000000101"},
		"statuses":[
		 {"id":"wamid.A","status":"delivered","timestamp":"1790000000","recipient_id":"5511987654321",
		  "pricing":{"billable":false,"pricing_model":"PMP","category":"service","type":"free_entry_point"}},
		 {"id":"wamid.B","status":"delivered","timestamp":"1790000001","recipient_id":"5511987654321",
		  "pricing":{"pricing_model":"PMP","category":"meta_business_agent","type":"regular"}}]}}]}]}`)
	b, err := ParseWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Statuses) != 2 {
		t.Fatalf("statuses = %+v", b.Statuses)
	}
	if p := b.Statuses[0].Pricing; p == nil || p.Type != "free_entry_point" || p.Category != "service" {
		t.Errorf("entry point = %+v", p)
	}
	if p := b.Statuses[1].Pricing; p == nil || p.Category != "meta_business_agent" || p.Type != "regular" || p.Model != "PMP" {
		t.Errorf("business agent = %+v", p)
	}
}
