package wizard

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
)

// metaProvider is Meta's Cloud API as the program registers it.
func metaProvider() providers.Provider {
	return cloudapi.Provider(cloudapi.ProviderConfig{BaseURL: "http://127.0.0.1:1"})
}

func TestProviderChoice(t *testing.T) {
	reg := providers.NewRegistry().MustRegister(metaProvider())
	for _, tc := range []struct {
		provider string
		field    bool
	}{
		{"meta_cloud", false},
		{"", true},
		{"carrier_pigeon", true},
		{"maytapi", true},   // shown, but no adapter yet
		{"360dialog", true}, // has an adapter, but not registered here
	} {
		errs := ProviderChoice{Provider: tc.provider}.Check(reg)
		if got := errs.has("provider"); got != tc.field {
			t.Errorf("provider %q: error = %v (%q), want %v", tc.provider, got, errs["provider"], tc.field)
		}
	}
}

func TestCredentialsCheck(t *testing.T) {
	fields := metaProvider().Fields
	good := Credentials{Title: "Sales", Values: map[string]string{
		"access_token": "EAAGm0PX4ZCpsBA" + strings.Repeat("x", 100),
		"business_id":  "1234567890123456",
		"app_secret":   "0123456789abcdef0123456789abcdef",
	}}
	clone := func(c Credentials) Credentials {
		out := Credentials{Title: c.Title, Values: map[string]string{}}
		for k, v := range c.Values {
			out.Values[k] = v
		}
		return out
	}
	if errs := good.Check(fields); len(errs) != 0 {
		t.Fatalf("good credentials refused: %v", errs)
	}
	withApp := clone(good)
	withApp.Values["app_id"] = "908070605040302"
	if errs := withApp.Check(fields); len(errs) != 0 {
		t.Fatalf("credentials with an App ID refused: %v", errs)
	}
	set := func(k, v string) func(*Credentials) { return func(c *Credentials) { c.Values[k] = v } }
	for _, tc := range []struct {
		name  string
		edit  func(*Credentials)
		field string
	}{
		{"no title", func(c *Credentials) { c.Title = "" }, "title"},
		{"long title", func(c *Credentials) { c.Title = strings.Repeat("t", 81) }, "title"},
		{"no token", set("access_token", ""), "access_token"},
		{"short token", set("access_token", "EAAshort"), "access_token"},
		{"token with space", set("access_token", "EAAG "+strings.Repeat("x", 40)), "access_token"},
		{"letters in business id", set("business_id", "12345abc"), "business_id"},
		{"short business id", set("business_id", "12"), "business_id"},
		{"no app secret", set("app_secret", ""), "app_secret"},
		{"app secret not hex", set("app_secret", strings.Repeat("z", 32)), "app_secret"},
		{"app secret too short", set("app_secret", "abcdef"), "app_secret"},
		{"letters in app id", set("app_id", "90807060504030x"), "app_id"},
		{"negative app id", set("app_id", "-908070605040302"), "app_id"},
		{"decimal app id", set("app_id", "9080706.5"), "app_id"},
		{"short app id", set("app_id", "123"), "app_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clone(good)
			tc.edit(&c)
			errs := c.Check(fields)
			if len(errs) != 1 || errs[tc.field] == "" {
				t.Fatalf("errors = %v, want exactly one on %s", errs, tc.field)
			}
			if tok := c.Values["access_token"]; tok != "" && strings.Contains(errs[tc.field], tok) {
				t.Error("an error message repeats the token")
			}
		})
	}
}

type fakeLister struct {
	accts []providers.BusinessAccount
	err   error
}

func (f fakeLister) ListBusinessAccounts(context.Context, string) ([]providers.BusinessAccount, error) {
	return f.accts, f.err
}

func TestFetchNumbersExplainsProviderErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		field string
		code  int
		says  string
	}{
		{"token rejected", &providers.Error{Kind: providers.ErrorKindAuth, Code: 190, HTTPStatus: 401}, "access_token", 190, "rejected or has expired"},
		{"wrong business id", &providers.Error{Kind: providers.ErrorKindInvalidParameter, Code: 100, HTTPStatus: 400}, "business_id", 100, "Business Manager ID"},
		{"network", providers.NewNetworkError(providers.MetaCloud, "list", errors.New("connection refused")), "", 0, "Could not reach the provider"},
		{"not a provider error", errors.New("boom"), "", 0, "unexpected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FetchNumbers(context.Background(), metaProvider(), fakeLister{err: tc.err}, "123456")
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("err = %v, want a *Problem", err)
			}
			if p.Field != tc.field || p.Code != tc.code || !strings.Contains(p.Message, tc.says) {
				t.Errorf("problem = field %q code %d %q", p.Field, p.Code, p.Message)
			}
			if !errors.Is(err, tc.err) {
				t.Error("the provider error is not wrapped (logs lose the detail)")
			}
		})
	}
	if _, err := FetchNumbers(context.Background(), metaProvider(), fakeLister{}, "123456"); err == nil {
		t.Error("no accounts at all should be explained, not shown as an empty list")
	}
}

func TestPick(t *testing.T) {
	accts := Accounts{
		{ID: "w1", PhoneNumbers: []providers.PhoneNumber{
			{ID: "p1", DisplayPhoneNumber: "+1 555 0100", Status: "CONNECTED", CodeVerificationStatus: "VERIFIED"},
			{ID: "p2", DisplayPhoneNumber: "+1 555 0101", Status: "BANNED"},
		}},
		{ID: "w2", Ownership: providers.OwnershipClient, PhoneNumbers: []providers.PhoneNumber{
			{ID: "p3", DisplayPhoneNumber: "+44 20 7946 0000", Status: "CONNECTED"},
		}},
	}
	if a, n, err := Pick(accts, "w2", "p3"); err != nil || a.ID != "w2" || n.ID != "p3" {
		t.Errorf("Pick(w2, p3) = %v %v %v", a.ID, n.ID, err)
	}
	for _, tc := range []struct{ waba, phone string }{{"w1", "p2"}, {"w1", "p3"}, {"", ""}, {"w9", "p1"}} {
		var p *Problem
		if _, _, err := Pick(accts, tc.waba, tc.phone); !errors.As(err, &p) || p.Field != "phone_number_id" {
			t.Errorf("Pick(%q, %q) err = %v, want a phone_number_id problem", tc.waba, tc.phone, err)
		}
	}
	total, usable := accts.NumberCount()
	if total != 3 || usable != 2 {
		t.Errorf("NumberCount = %d, %d", total, usable)
	}
	enc, err := accts.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeAccounts(enc)
	if err != nil || len(back) != 2 || back[1].PhoneNumbers[0].ID != "p3" {
		t.Fatalf("round trip = %v, %v", back, err)
	}
}

func TestVerifyTokenAndWebhookURL(t *testing.T) {
	a, _ := NewVerifyToken()
	b, _ := NewVerifyToken()
	if len(a) < 32 || a == b {
		t.Fatalf("verify tokens %q %q: want >= 128 bits and unique", a, b)
	}
	for base, want := range map[string]string{
		"https://desk.example.com":       "https://desk.example.com/webhooks/7",
		"https://example.com/wadesk/":    "https://example.com/wadesk/webhooks/7",
		"http://127.0.0.1:8080?x=1#frag": "http://127.0.0.1:8080/webhooks/7",
	} {
		u, _ := url.Parse(base)
		if got := WebhookURL(u, 7); got != want {
			t.Errorf("WebhookURL(%s) = %s, want %s", base, got, want)
		}
	}
}
