package providers

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func fakeProvider(id ProviderID) Provider {
	d, _ := Describe(id)
	return Provider{Description: d,
		Authenticate: func(WebhookRequest, Credentials) error { return nil },
		Parse:        func([]byte) (*WebhookBatch, error) { return &WebhookBatch{}, nil },
		Connect:      func(Credentials) (Client, error) { return nil, errors.New("no client in this test") },
	}
}

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	if err := r.Register(fakeProvider(Dialog360)); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(fakeProvider(Dialog360)); err == nil {
		t.Error("a provider registered twice")
	}
	if err := r.Register(Provider{Description: Description{ID: "carrier_pigeon"}}); err == nil {
		t.Error("a provider outside the catalog registered")
	}
	if err := r.Register(Provider{Description: Description{ID: Twilio}}); err == nil {
		t.Error("a provider without webhook authentication, parser or client registered")
	}
	p, ok := r.Lookup(Dialog360)
	if !ok || !p.Available || p.Setup != SetupFetchNumbers {
		t.Errorf("Lookup = %+v, %v", p, ok)
	}
	if _, ok := r.Lookup(MetaCloud); ok {
		t.Error("an unregistered provider was found")
	}
	cat := r.Catalog()
	if len(cat) != len(Catalog()) {
		t.Fatalf("catalog has %d cards, want every known provider", len(cat))
	}
	for _, d := range cat {
		if want := d.ID == Dialog360; d.Available != want {
			t.Errorf("%s available = %v", d.ID, d.Available)
		}
	}
	if _, err := r.Connect(Credentials{Provider: Vonage}); err == nil {
		t.Error("a client for an unregistered provider")
	}
	var nilReg *Registry
	if _, ok := nilReg.Lookup(MetaCloud); ok {
		t.Error("a nil registry found a provider")
	}
}

func TestCredentialFieldValidate(t *testing.T) {
	f := CredentialField{Name: "api_url", Label: "API URL", Kind: FieldURL, Required: true}
	if f.Validate("") == "" || f.Validate("ftp://x") == "" || f.Validate("https://api.example.com") != "" {
		t.Error("URL field rules")
	}
	if got := f.Normalize("  https://api.example.com/ "); got != "https://api.example.com" {
		t.Errorf("Normalize = %q", got)
	}
	sel := CredentialField{Name: "auth", Kind: FieldSelect, Options: []FieldOption{{"bearer", "Bearer"}}}
	if sel.Validate("bearer") != "" || sel.Validate("basic") == "" || sel.Validate("") != "" {
		t.Error("select field rules")
	}
}

func TestStoredInboundRoundTrip(t *testing.T) {
	m := InboundMessage{ID: "wamid.1", From: "15550001", Timestamp: time.Unix(1765000000, 0).UTC(), Type: KindImage,
		Media:   &InboundMedia{Kind: KindImage, ID: "m1", MIMEType: "image/jpeg", Caption: "look"},
		Context: &MessageContext{ID: "wamid.0"},
		Raw:     json.RawMessage(`{"id":"wamid.1","type":"image"}`)}
	p, err := EncodeInbound(m)
	if err != nil {
		t.Fatal(err)
	}
	back, ok := DecodeInbound(p)
	if !ok || back.ID != m.ID || back.Media == nil || back.Media.Caption != "look" || back.Context.ID != "wamid.0" ||
		!back.Timestamp.Equal(m.Timestamp) || string(back.Raw) != string(m.Raw) {
		t.Fatalf("round trip = %+v, %v", back, ok)
	}
	for _, legacy := range []string{`{"id":"wamid.1","type":"text","text":{"body":"hi"}}`, "{}", "", `{"format":"other"}`} {
		if _, ok := DecodeInbound(legacy); ok {
			t.Errorf("%q read as a stored neutral message", legacy)
		}
	}
}
