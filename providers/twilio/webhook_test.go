package twilio_test

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/twilio"
	"github.com/wadesk/wadesk/window"
)

// Twilio's published validator vectors (twilio/twilio-python
// tests/unit/test_request_validator.py, MIT), copied from
// ../shared/contracts/README.md so the test needs no ../shared.
const vectorToken = "12345"

var vectorParams = url.Values{
	"CallSid": {"CA1234567890ABCDE"},
	"Caller":  {"+14158675309"},
	"Digits":  {"1234"},
	"From":    {"+14158675309"},
	"To":      {"+18005551212"},
}

func TestSignatureVectors(t *testing.T) {
	for _, v := range []struct{ url, sig string }{
		{"https://mycompany.com/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8="},
		{"https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w="},
		{"http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="},
		{"http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4="},
	} {
		if got := twilio.Signature(vectorToken, v.url, vectorParams); got != v.sig {
			t.Errorf("Signature(%s) = %s, want %s", v.url, got, v.sig)
		}
	}
	// Repeated keys: each distinct value once, values sorted.
	rep := url.Values{"Sid": {"CA123"}, "SidAccount": {"AC123"}, "Digits": {"5678", "1234", "1234"}}
	if got := twilio.Signature(vectorToken, "https://mycompany.com/myapp.php?foo=1&bar=2", rep); got != "IK+Dwps556ElfBT0I3Rgjkr1wJU=" {
		t.Errorf("repeated keys: %s", got)
	}
}

func TestVerifySignatureWithAndWithoutDefaultPort(t *testing.T) {
	plain := "https://mycompany.com/myapp.php?foo=1&bar=2"
	withPort := "https://mycompany.com:443/myapp.php?foo=1&bar=2"
	for _, c := range []struct {
		url, sig string
		ok       bool
	}{
		{plain, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", true},
		{plain, "kvajT1Ptam85bY51eRf/AJRuM3w=", true}, // Twilio signed the URL with :443
		{withPort, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", true},
		{withPort, "kvajT1Ptam85bY51eRf/AJRuM3w=", true},
		{"http://mycompany.com/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=", true}, // :80 added
		{"http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", true},
		{"http://mycompany.com/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", false}, // another port is another URL
		{"https://mycompany.com/myapp.php?foo=1&bar=3", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", false},
		{plain, "RSOYDt4T1cUTdK1PDd93/VVr8B9=", false},
		{plain, "not base64!", false},
		{plain, "", false},
	} {
		if got := twilio.VerifySignature(vectorToken, c.url, vectorParams, c.sig); got != c.ok {
			t.Errorf("VerifySignature(%s, %s) = %v, want %v", c.url, c.sig, got, c.ok)
		}
	}
	if twilio.VerifySignature("54321", plain, vectorParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8=") {
		t.Error("another auth token was accepted")
	}
	changed := url.Values{}
	for k, v := range vectorParams {
		changed[k] = v
	}
	changed.Set("Digits", "9999")
	if twilio.VerifySignature(vectorToken, plain, changed, "RSOYDt4T1cUTdK1PDd93/VVr8B8=") {
		t.Error("a changed parameter was accepted")
	}
	changed = url.Values{"Extra": {"1"}}
	for k, v := range vectorParams {
		changed[k] = v
	}
	if twilio.VerifySignature(vectorToken, plain, changed, "RSOYDt4T1cUTdK1PDd93/VVr8B8=") {
		t.Error("an added parameter was accepted")
	}
}

func TestJSONBodySignature(t *testing.T) {
	body := []byte(`{"property": "value", "boolean": true}`)
	u := "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
	if !twilio.VerifyJSONSignature(vectorToken, u, body, "a9nBmqA0ju/hNViExpshrM61xv4=") {
		t.Error("the published JSON vector is refused")
	}
	if twilio.VerifyJSONSignature(vectorToken, u, []byte(`{"property": "value", "boolean": false}`), "a9nBmqA0ju/hNViExpshrM61xv4=") {
		t.Error("a changed JSON body was accepted")
	}
	r := providers.WebhookRequest{URL: u, Header: http.Header{twilio.SignatureHeader: {"a9nBmqA0ju/hNViExpshrM61xv4="}}, Body: body}
	if err := twilio.Authenticate(r, providers.Credentials{AppSecret: vectorToken}); err != nil {
		t.Errorf("Authenticate(JSON vector) = %v", err)
	}
}

func TestAuthenticate(t *testing.T) {
	body := []byte(vectorParams.Encode())
	creds := providers.Credentials{Provider: providers.Twilio, AppSecret: vectorToken, WebhookSecret: "unused"}
	req := func(u, sig string) providers.WebhookRequest {
		h := http.Header{}
		if sig != "" {
			h.Set(twilio.SignatureHeader, sig)
		}
		return providers.WebhookRequest{URL: u, Header: h, Body: body}
	}
	if err := twilio.Authenticate(req("https://mycompany.com/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), creds); err != nil {
		t.Fatalf("a good signature is refused: %v", err)
	}
	for name, r := range map[string]providers.WebhookRequest{
		"missing":       req("https://mycompany.com/myapp.php?foo=1&bar=2", ""),
		"forged":        req("https://mycompany.com/myapp.php?foo=1&bar=2", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
		"other URL":     req("https://evil.example/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
		"no URL":        req("", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
		"changed body":  {URL: "https://mycompany.com/myapp.php?foo=1&bar=2", Header: http.Header{twilio.SignatureHeader: {"RSOYDt4T1cUTdK1PDd93/VVr8B8="}}, Body: []byte(vectorParams.Encode() + "&x=1")},
		"bad JSON hash": {URL: "https://mycompany.com/a?bodySHA256=00", Header: http.Header{twilio.SignatureHeader: {"RSOYDt4T1cUTdK1PDd93/VVr8B8="}}, Body: body},
	} {
		if err := twilio.Authenticate(r, creds); !errors.Is(err, providers.ErrUnauthenticated) {
			t.Errorf("%s: err = %v, want ErrUnauthenticated", name, err)
		}
	}
	if err := twilio.Authenticate(req("https://mycompany.com/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8="), providers.Credentials{}); err == nil {
		t.Error("a channel without an Auth Token accepted a webhook")
	}
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseInbound(t *testing.T) {
	b, err := twilio.Parse(fixture(t, "inbound_text.form"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Messages) != 1 || len(b.Statuses) != 0 {
		t.Fatalf("batch = %+v", b)
	}
	m := b.Messages[0]
	if m.ID != "SM11111111111111111111111111111111" || m.From != "16505551234" || m.Text != "Olá, is the table free?" ||
		m.Type != providers.KindText || m.ProfileName != "Ana" || m.Meta.PhoneNumberID != "+14155238886" ||
		m.Meta.EntryID != "AC0123456789abcdef0123456789abcdef" || m.Timestamp.IsZero() || len(m.Raw) == 0 {
		t.Errorf("message = %+v", m)
	}
	again, err := twilio.ParseMessage(m.Raw)
	if err != nil || again.ID != m.ID || again.Text != m.Text || again.From != m.From {
		t.Errorf("ParseMessage(Raw) = %+v, %v", again, err)
	}

	b, err = twilio.Parse(fixture(t, "inbound_image.form"))
	if err != nil || len(b.Messages) != 1 {
		t.Fatalf("image: %+v %v", b, err)
	}
	m = b.Messages[0]
	if m.Type != providers.KindImage || m.Media == nil || m.Media.MIMEType != "image/jpeg" || m.Media.Caption != "Our menu" ||
		!strings.HasSuffix(m.Media.ID, "/Messages/MM22222222222222222222222222222222/Media/ME22222222222222222222222222222222") {
		t.Errorf("image message = %+v media %+v", m, m.Media)
	}

	for _, bad := range []string{"", "{}", "From=whatsapp%3A%2B1", "%zz"} {
		if _, err := twilio.Parse([]byte(bad)); !errors.Is(err, providers.ErrNotWebhook) {
			t.Errorf("Parse(%q) err = %v, want ErrNotWebhook", bad, err)
		}
	}
}

// TestStatusMapping is Twilio's status set mapped onto wadesk's sent <
// delivered < read, failed; statuses still at Twilio are kept, not shown.
func TestStatusMapping(t *testing.T) {
	for tw, want := range map[string]string{
		"queued": "", "accepted": "", "sending": "", "scheduled": "",
		"sent": "sent", "delivered": "delivered", "read": "read",
		"failed": "failed", "undelivered": "failed", "canceled": "failed",
	} {
		form := url.Values{"AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "MessageSid": {"SM4"}, "MessageStatus": {tw},
			"From": {"whatsapp:+14155238886"}, "To": {"whatsapp:+16505551234"}}
		b, err := twilio.Parse([]byte(form.Encode()))
		if err != nil {
			t.Fatalf("%s: %v", tw, err)
		}
		if len(b.Messages) != 0 {
			t.Errorf("%s: read as a message", tw)
		}
		if want == "" {
			if len(b.Statuses) != 0 || len(b.Unknown) != 1 {
				t.Errorf("%s: batch = %+v, want it kept as unknown", tw, b)
			}
			continue
		}
		if len(b.Statuses) != 1 || b.Statuses[0].Status != want || b.Statuses[0].MessageID != "SM4" ||
			b.Statuses[0].RecipientID != "16505551234" || b.Statuses[0].Meta.PhoneNumberID != "+14155238886" {
			t.Errorf("%s: statuses = %+v, want %s", tw, b.Statuses, want)
		}
	}

	// 63016: the window is closed; recorded as the code the window rules know.
	b, err := twilio.Parse(fixture(t, "status_failed_63016.form"))
	if err != nil || len(b.Statuses) != 1 {
		t.Fatalf("63016: %+v %v", b, err)
	}
	s := b.Statuses[0]
	if s.Status != "failed" || len(s.Errors) != 1 || !window.IsWindowClosedStatus(s.Errors) || !strings.Contains(s.Errors[0].Details, "63016") {
		t.Errorf("63016 status = %+v", s)
	}
	// Another failure keeps Twilio's code.
	form := url.Values{"AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "MessageSid": {"SM5"}, "MessageStatus": {"undelivered"},
		"ErrorCode": {"63024"}, "From": {"whatsapp:+14155238886"}, "To": {"whatsapp:+16505551234"}}
	b, _ = twilio.Parse([]byte(form.Encode()))
	if len(b.Statuses) != 1 || len(b.Statuses[0].Errors) != 1 || b.Statuses[0].Errors[0].Code != 63024 || window.IsWindowClosedStatus(b.Statuses[0].Errors) {
		t.Errorf("63024 status = %+v", b.Statuses)
	}
}
