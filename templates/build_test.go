package templates_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/templates"
)

func TestTemplateFromDraft(t *testing.T) {
	got := valid().Normalize().Template()
	want := providers.Template{Name: "order_update", Language: "en_US", Category: "MARKETING", Components: []providers.TemplateComponent{
		{Type: "HEADER", Format: "TEXT", Text: "Order {{1}}", ExampleHeaderText: []string{"#1042"}},
		{Type: "BODY", Text: "Hi {{1}}, your order {{2}} is ready.", ExampleBodyText: [][]string{{"Sheena", "#1042"}}},
		{Type: "FOOTER", Text: "Reply STOP to opt out"},
		{Type: "BUTTONS", Buttons: []providers.TemplateButton{
			{Type: "URL", Text: "Track order", URL: "https://shop.example/track/{{1}}", Example: []string{"1042"}},
			{Type: "PHONE_NUMBER", Text: "Call us", PhoneNumber: "15550102001"},
		}},
	}}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		t.Fatalf("template =\n%s", g)
	}
}

func TestTemplateFromDraftVariants(t *testing.T) {
	for _, tc := range []struct {
		name  string
		draft templates.Draft
		check func(t *testing.T, tpl providers.Template)
	}{
		{"no header, no examples, no footer", templates.Draft{Name: "n", Language: "en", Category: "UTILITY", Body: "Your parcel is on its way."},
			func(t *testing.T, tpl providers.Template) {
				if len(tpl.Components) != 1 || tpl.Components[0].Type != "BODY" || tpl.Components[0].ExampleBodyText != nil {
					t.Errorf("components = %+v", tpl.Components)
				}
			}},
		{"document header sends the sample handle", templates.Draft{Name: "n", Language: "en", Category: "UTILITY", HeaderFormat: "DOCUMENT",
			HeaderHandle: "4::cGRm", Body: "Your receipt is attached."},
			func(t *testing.T, tpl providers.Template) {
				h := tpl.Components[0]
				if h.Type != "HEADER" || h.Format != "DOCUMENT" || h.ExampleHeaderHandle[0] != "4::cGRm" || h.Text != "" {
					t.Errorf("header = %+v", h)
				}
			}},
		{"location header", templates.Draft{Name: "n", Language: "en", Category: "UTILITY", HeaderFormat: "LOCATION", Body: "We are here."},
			func(t *testing.T, tpl providers.Template) {
				if h := tpl.Components[0]; h.Format != "LOCATION" || h.ExampleHeaderHandle != nil {
					t.Errorf("header = %+v", h)
				}
			}},
		{"empty button rows are dropped; copy code gets Meta's label", templates.Draft{Name: "n", Language: "en", Category: "MARKETING",
			Body: "Spring sale now.", Buttons: []templates.Button{{}, {Type: "COPY_CODE", Example: "SPRING25"}, {}, {Type: "QUICK_REPLY", Text: "Stop"}}},
			func(t *testing.T, tpl providers.Template) {
				bs := tpl.Components[1].Buttons
				if len(bs) != 2 || bs[0].Type != "COPY_CODE" || bs[0].Example[0] != "SPRING25" || bs[0].Text != "Copy offer code" || bs[1].Text != "Stop" {
					t.Errorf("buttons = %+v", bs)
				}
			}},
		{"authentication copy code", auth(),
			func(t *testing.T, tpl providers.Template) {
				want := []providers.TemplateComponent{
					{Type: "BODY", AddSecurityRecommendation: true},
					{Type: "FOOTER", CodeExpirationMinutes: 10},
					{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "OTP", OTPType: "COPY_CODE", Text: "Copy code"}}},
				}
				if !reflect.DeepEqual(tpl.Components, want) || tpl.Category != "AUTHENTICATION" {
					t.Errorf("components = %+v", tpl.Components)
				}
			}},
		{"authentication one-tap without expiry", templates.Draft{Name: "n", Language: "en", Category: "AUTHENTICATION", OTPType: "ONE_TAP",
			PackageName: "com.example.shop", SignatureHash: "K8a%2FAINcGX7", Body: "ignored", Footer: "ignored"},
			func(t *testing.T, tpl providers.Template) {
				if len(tpl.Components) != 2 {
					t.Fatalf("components = %+v", tpl.Components)
				}
				b := tpl.Components[1].Buttons[0]
				if b.OTPType != "ONE_TAP" || b.AutofillText != "Autofill" || b.PackageName != "com.example.shop" || b.SignatureHash != "K8a%2FAINcGX7" {
					t.Errorf("button = %+v", b)
				}
				if tpl.Components[0].Text != "" {
					t.Error("the authentication body text is Meta's to write")
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, tc.draft.Normalize().Template()) })
	}
}

func TestFromTemplateRoundTrip(t *testing.T) {
	for _, d := range []templates.Draft{valid(), auth()} {
		d = d.Normalize()
		back := templates.FromTemplate(d.Template())
		back.Category = d.Category
		if !reflect.DeepEqual(back.Template(), d.Template()) {
			t.Errorf("%s: round trip changed the template:\n%+v\n%+v", d.Name, back.Template(), d.Template())
		}
	}
	// A stored authentication template carries Meta's texts; the form does not.
	stored := providers.Template{Name: "login_code", Language: "en_US", Category: "AUTHENTICATION", Components: []providers.TemplateComponent{
		{Type: "BODY", Text: "*{{1}}* is your verification code.", AddSecurityRecommendation: true},
		{Type: "FOOTER", Text: "This code expires in 5 minutes.", CodeExpirationMinutes: 5},
		{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "OTP", OTPType: "COPY_CODE", Text: "Copy code"}}},
	}}
	d := templates.FromTemplate(stored)
	if d.Body != "" || d.Footer != "" || !d.SecurityRecommendation || d.CodeExpiryMinutes != 5 || d.OTPType != "COPY_CODE" {
		t.Errorf("authentication draft = %+v", d)
	}
}

func TestPreview(t *testing.T) {
	d := valid().Normalize()
	p := d.Preview()
	if p.HeaderFormat != "TEXT" || templates.Text(p.Header) != "Order #1042" {
		t.Errorf("header = %q", templates.Text(p.Header))
	}
	if got := templates.Text(p.Body); got != "Hi Sheena, your order #1042 is ready." {
		t.Errorf("body = %q", got)
	}
	if p.Footer != "Reply STOP to opt out" || len(p.Buttons) != 2 || p.Buttons[0].Text != "Track order" {
		t.Errorf("preview = %+v", p)
	}
	vars := 0
	for _, s := range p.Body {
		if s.Var {
			vars++
			if s.Missing {
				t.Errorf("filled variable marked missing: %+v", s)
			}
		}
	}
	if vars != 2 {
		t.Errorf("%d variables in the body, want 2", vars)
	}

	// Without examples the variables show as {{n}}.
	d.BodyExamples = []string{"", ""}
	d.Buttons = []templates.Button{{Type: "URL"}}
	p = d.Preview()
	if got := templates.Text(p.Body); got != "Hi {{1}}, your order {{2}} is ready." {
		t.Errorf("body without examples = %q", got)
	}
	if !p.Body[1].Missing || p.Buttons[0].Text != "Visit website" {
		t.Errorf("preview = %+v", p)
	}

	a := auth().Preview()
	if got := templates.Text(a.Body); !strings.Contains(got, "is your verification code.") || !strings.Contains(got, "do not share") {
		t.Errorf("authentication body = %q", got)
	}
	if a.Footer != "This code expires in 10 minutes." || a.Buttons[0].Text != "Copy code" {
		t.Errorf("authentication preview = %+v", a)
	}
	one := auth()
	one.OTPType, one.AutofillText = "ONE_TAP", ""
	if b := one.Preview().Buttons[0]; b.Text != "Autofill" {
		t.Errorf("one-tap button = %+v", b)
	}

	// Named variables (templates made elsewhere) fill in order of use.
	named := templates.Draft{Category: "UTILITY", Body: "Hi {{first_name}}, code {{code}}.", BodyExamples: []string{"Ann", "X1"}}
	if got := templates.Text(named.Preview().Body); got != "Hi Ann, code X1." {
		t.Errorf("named body = %q", got)
	}
}

func TestComponentsJSONRoundTrip(t *testing.T) {
	tpl := valid().Normalize().Template()
	tpl.Components = append(tpl.Components, auth().Template().Components...)
	s, err := templates.EncodeComponents(tpl.Components)
	if err != nil {
		t.Fatal(err)
	}
	// Meta's field names, so the stored text reads like the provider's answer.
	for _, want := range []string{`"type":"HEADER"`, `"example":{"header_text":["#1042"]}`, `"body_text":[["Sheena","#1042"]]`,
		`"phone_number":"15550102001"`, `"add_security_recommendation":true`, `"code_expiration_minutes":10`, `"otp_type":"COPY_CODE"`} {
		if !strings.Contains(s, want) {
			t.Errorf("stored JSON lacks %s: %s", want, s)
		}
	}
	back, err := templates.DecodeComponents(s)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, tpl.Components) {
		t.Errorf("round trip:\n%+v\n%+v", back, tpl.Components)
	}
	if _, err := templates.DecodeComponents("{not json"); err == nil {
		t.Error("bad JSON decoded")
	}
	if empty, err := templates.EncodeComponents(nil); err != nil || empty != "[]" {
		t.Errorf("no components = %q, %v", empty, err)
	}
}
