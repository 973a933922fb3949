package templates_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/templates"
)

func text(vals ...string) []providers.TemplateParameter {
	var ps []providers.TemplateParameter
	for _, v := range vals {
		ps = append(ps, providers.TemplateParameter{Type: "text", Text: v})
	}
	return ps
}

func TestCountParams(t *testing.T) {
	for _, tc := range []struct {
		name  string
		comps []providers.TemplateComponent
		want  templates.Params
	}{
		{"body only", []providers.TemplateComponent{{Type: "BODY", Text: "Hi {{1}}, order {{2}} ({{1}})."}},
			templates.Params{Body: 2}},
		{"text header with a variable, URL and quick reply buttons", valid().Normalize().Template().Components,
			templates.Params{HeaderFormat: "TEXT", Header: 1, Body: 2, Buttons: []templates.ButtonParams{
				{Index: 0, Type: "URL", SubType: "url", Count: 1},
				{Index: 1, Type: "PHONE_NUMBER", SubType: "phone_number"},
			}}},
		{"text header without variables", []providers.TemplateComponent{{Type: "HEADER", Format: "TEXT", Text: "Hello"}, {Type: "BODY", Text: "Hi."}},
			templates.Params{HeaderFormat: "TEXT"}},
		{"image header takes the image", []providers.TemplateComponent{{Type: "HEADER", Format: "IMAGE"}, {Type: "BODY", Text: "Look."}},
			templates.Params{HeaderFormat: "IMAGE", Header: 1}},
		{"location header takes the place", []providers.TemplateComponent{{Type: "header", Format: "location"}, {Type: "BODY", Text: "Here."}},
			templates.Params{HeaderFormat: "LOCATION", Header: 1}},
		{"named variables", []providers.TemplateComponent{{Type: "BODY", Text: "Hi {{first_name}}, {{code}} for {{first_name}}."}},
			templates.Params{Named: true, Body: 2}},
		{"authentication as submitted", auth().Template().Components,
			templates.Params{Body: 1, Buttons: []templates.ButtonParams{{Index: 0, Type: "OTP", SubType: "url", Count: 1}}}},
		{"authentication as Meta lists it", []providers.TemplateComponent{
			{Type: "BODY", Text: "*{{1}}* is your verification code."},
			{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "OTP", OTPType: "COPY_CODE"}}}},
			templates.Params{Body: 1, Buttons: []templates.ButtonParams{{Index: 0, Type: "OTP", SubType: "url", Count: 1}}}},
		{"copy code and quick reply", []providers.TemplateComponent{{Type: "BODY", Text: "Sale."}, {Type: "BUTTONS", Buttons: []providers.TemplateButton{
			{Type: "COPY_CODE", Example: []string{"X"}}, {Type: "QUICK_REPLY", Text: "Stop"}, {Type: "URL", URL: "https://a.example/menu"},
		}}}, templates.Params{Buttons: []templates.ButtonParams{
			{Index: 0, Type: "COPY_CODE", SubType: "copy_code", Count: 1},
			{Index: 1, Type: "QUICK_REPLY", SubType: "quick_reply", Optional: true},
			{Index: 2, Type: "URL", SubType: "url"},
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := templates.CountParams(tc.comps)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("params = %+v\nwant     %+v", got, tc.want)
			}
		})
	}
}

func TestCountParamsJSON(t *testing.T) {
	s, err := templates.EncodeComponents(valid().Normalize().Template().Components)
	if err != nil {
		t.Fatal(err)
	}
	p, err := templates.CountParamsJSON(s)
	if err != nil {
		t.Fatal(err)
	}
	if p.Header != 1 || p.Body != 2 || p.Total() != 4 {
		t.Errorf("params = %+v, total %d", p, p.Total())
	}
	if _, err := templates.CountParamsJSON("oops"); err == nil {
		t.Error("bad JSON counted")
	}
}

func TestParamsCheck(t *testing.T) {
	p := templates.CountParams(valid().Normalize().Template().Components)
	good := []providers.TemplateParams{
		{Type: "header", Parameters: text("#1042")},
		{Type: "body", Parameters: text("Ann", "#1042")},
		{Type: "button", SubType: "url", Index: 0, Parameters: text("1042")},
	}
	for _, tc := range []struct {
		name  string
		given []providers.TemplateParams
		says  []string
	}{
		{"exact", good, nil},
		{"nothing given", nil, []string{"header takes 1 value, 0 given", "text takes 2 values, 0 given", "Button 1 takes 1 value, none given"}},
		{"one body value short", []providers.TemplateParams{good[0], {Type: "body", Parameters: text("Ann")}, good[2]},
			[]string{"text takes 2 values, 1 given"}},
		{"extra body value", []providers.TemplateParams{good[0], {Type: "body", Parameters: text("Ann", "#1", "x")}, good[2]},
			[]string{"text takes 2 values, 3 given"}},
		{"value for a button that takes none", append(append([]providers.TemplateParams{}, good...),
			providers.TemplateParams{Type: "button", SubType: "phone_number", Index: 1, Parameters: text("x")}),
			[]string{"Button 2 takes 0 values, 1 given"}},
		{"a button that does not exist", append(append([]providers.TemplateParams{}, good...),
			providers.TemplateParams{Type: "button", SubType: "quick_reply", Index: 5, Parameters: text("x")}),
			[]string{"no button 6"}},
		{"wrong button kind", []providers.TemplateParams{good[0], good[1], {Type: "button", SubType: "quick_reply", Index: 0, Parameters: text("x")}},
			[]string{"Button 1 is a url button, not quick_reply"}},
		{"unknown part", append(append([]providers.TemplateParams{}, good...), providers.TemplateParams{Type: "footer"}),
			[]string{`no "footer" part`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := p.Check(tc.given)
			if tc.says == nil {
				if err != nil {
					t.Fatalf("unexpected mismatch: %v", err)
				}
				return
			}
			var me *templates.MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want a *MismatchError", err)
			}
			for _, s := range tc.says {
				if !strings.Contains(me.Plain(), s) {
					t.Errorf("%q does not say %q", me.Plain(), s)
				}
			}
		})
	}

	// A quick reply's payload is optional.
	qr := templates.CountParams([]providers.TemplateComponent{{Type: "BODY", Text: "Hi."},
		{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "QUICK_REPLY", Text: "Yes"}}}})
	for _, given := range [][]providers.TemplateParams{
		nil,
		{{Type: "button", SubType: "quick_reply", Index: 0, Parameters: []providers.TemplateParameter{{Type: "payload", Payload: "YES"}}}},
	} {
		if err := qr.Check(given); err != nil {
			t.Errorf("quick reply with %d payloads: %v", len(given), err)
		}
	}
	// The one-time code of an authentication template goes in as a url button value.
	a := templates.CountParams(auth().Template().Components)
	if err := a.Check([]providers.TemplateParams{{Type: "body", Parameters: text("123456")},
		{Type: "button", SubType: "url", Index: 0, Parameters: text("123456")}}); err != nil {
		t.Errorf("authentication send: %v", err)
	}
}
