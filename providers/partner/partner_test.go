package partner_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/wadesk/wadesk/providers"
	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/providers/partner"
	partnersim "github.com/wadesk/wadesk/providers/partner/simulator"
)

func TestAuthenticate(t *testing.T) {
	body := []byte(`{"object":"whatsapp_business_account","entry":[]}`)
	creds := providers.Credentials{Provider: providers.CloudCompatible, WebhookSecret: "channel-secret-0123456789"}
	ok := providers.WebhookRequest{Header: http.Header{}, Query: url.Values{"token": {creds.WebhookSecret}}, Body: body}
	if err := partner.Authenticate(ok, creds); err != nil {
		t.Fatalf("the channel's own secret is refused: %v", err)
	}
	for name, q := range map[string]url.Values{"missing": {}, "forged": {"token": {"channel-secret-012345678x"}}, "empty": {"token": {""}}} {
		if err := partner.Authenticate(providers.WebhookRequest{Header: http.Header{}, Query: q, Body: body}, creds); !errors.Is(err, providers.ErrUnauthenticated) {
			t.Errorf("%s token: %v", name, err)
		}
	}
	// With an App Secret, Meta's signature is required and the URL token
	// is not enough.
	signed := creds
	signed.AppSecret = "0123456789abcdef0123456789abcdef"
	mac := hmac.New(sha256.New, []byte(signed.AppSecret))
	mac.Write(body)
	good := providers.WebhookRequest{Header: http.Header{"X-Hub-Signature-256": {"sha256=" + hex.EncodeToString(mac.Sum(nil))}}, Body: body}
	if err := partner.Authenticate(good, signed); err != nil {
		t.Errorf("a signed webhook is refused: %v", err)
	}
	if err := partner.Authenticate(ok, signed); err == nil {
		t.Error("the URL token was enough although webhooks are signed")
	}
	if got := partner.WebhookURL("https://desk.example.com/webhooks/4", creds); got != "https://desk.example.com/webhooks/4?token=channel-secret-0123456789" {
		t.Errorf("WebhookURL = %s", got)
	}
	if got := partner.WebhookURL("https://desk.example.com/webhooks/4", signed); got != "https://desk.example.com/webhooks/4" {
		t.Errorf("signed WebhookURL = %s", got)
	}
}

func TestClientAgainstThePartnerSimulator(t *testing.T) {
	for _, tc := range []struct {
		name, header, version string
	}{
		{"own header, no version", "X-API-Key", ""},
		{"bearer, with a Graph version", "Authorization", "v23.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := wa.DefaultConfig()
			cfg.Seed = 5
			fc := partnersim.AddDemoNumber(&cfg)
			sim, err := wa.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer sim.Close()
			fc.Sim, fc.SimToken, fc.Header, fc.Version = sim, cfg.AccessToken, tc.header, tc.version
			front, err := partnersim.New(fc)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(front.Handler())
			defer srv.Close()
			creds := providers.Credentials{Provider: providers.CloudCompatible, Token: fc.Token, Settings: map[string]string{
				partner.SettingAPIURL: srv.URL + fc.Prefix, partner.SettingTokenHeader: tc.header, partner.SettingGraphVersion: tc.version,
				partner.SettingPhoneNumberID: fc.PhoneNumberID, partner.SettingWABAID: fc.WABAID}}
			c, err := partner.New(creds, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			accts, err := c.ListBusinessAccounts(ctx, "")
			if err != nil || len(accts) != 1 || accts[0].ID != fc.WABAID || accts[0].PhoneNumbers[0].DisplayPhoneNumber != "+55 21 5555-0401" {
				t.Fatalf("synchronize: %+v %v", accts, err)
			}
			// With a Business Manager ID, Meta's listing passed through.
			byBusiness, err := c.ListBusinessAccounts(ctx, partnersim.DemoBusinessID)
			if err != nil || len(byBusiness) != 1 || byBusiness[0].ID != fc.WABAID || len(byBusiness[0].PhoneNumbers) != 1 {
				t.Fatalf("listing by business: %+v %v", byBusiness, err)
			}
			res, err := c.SendMessage(ctx, fc.PhoneNumberID, providers.OutboundMessage{To: "16505551234", Text: &providers.Text{Body: "Oi"}})
			if err != nil || res.MessageID == "" {
				t.Fatalf("send: %v", err)
			}
			if tpls, err := c.ListTemplates(ctx, fc.WABAID); err != nil || len(tpls) == 0 {
				t.Errorf("templates: %d, %v", len(tpls), err)
			}
			bad := creds
			bad.Settings = map[string]string{partner.SettingAPIURL: srv.URL + fc.Prefix, partner.SettingPhoneNumberID: fc.PhoneNumberID,
				partner.SettingGraphVersion: tc.version, partner.SettingTokenHeader: "X-Other"}
			bc, _ := partner.New(bad, nil)
			if _, err := bc.ListBusinessAccounts(ctx, ""); err == nil {
				t.Error("the token in the wrong header was accepted")
			} else if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindAuth {
				t.Errorf("wrong header: %v", err)
			}
		})
	}
}

func TestFieldsTogether(t *testing.T) {
	p := partner.Provider(nil)
	if errs := p.CheckFields(map[string]string{}); errs[partner.SettingPhoneNumberID] == "" {
		t.Error("neither a phone number ID nor a Business Manager ID is accepted")
	}
	for _, v := range []map[string]string{{partner.SettingPhoneNumberID: "110200000000401"}, {providers.FieldBusinessID: "512300000000004"}} {
		if errs := p.CheckFields(v); len(errs) != 0 {
			t.Errorf("%v refused: %v", v, errs)
		}
	}
}
