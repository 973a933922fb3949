package templates_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/templates"
)

// offer is a marketing template with a variable in the header, two in the
// body, a link with a variable, an offer code and a quick reply.
var offer = []providers.TemplateComponent{
	{Type: "HEADER", Format: "TEXT", Text: "Weekend {{1}}", ExampleHeaderText: []string{"treats"}},
	{Type: "BODY", Text: "Hello {{1}}! Use code {{2}} for 10% off, {{1}}.", ExampleBodyText: [][]string{{"Sheena", "BREAD10"}}},
	{Type: "FOOTER", Text: "Reply STOP to opt out"},
	{Type: "BUTTONS", Buttons: []providers.TemplateButton{
		{Type: "URL", Text: "See the menu", URL: "https://shop.example/menu?src={{1}}", Example: []string{"whatsapp"}},
		{Type: "COPY_CODE", Example: []string{"BREAD10"}},
		{Type: "QUICK_REPLY", Text: "Stop promotions"},
	}},
}

func resolve(t *testing.T, c templates.SendContext) templates.Values {
	t.Helper()
	vals, err := templates.DefaultVariables().Resolve(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

func fieldNames(f templates.SendForm) []string {
	var out []string
	for _, fd := range f.Fields {
		out = append(out, fd.Name)
	}
	return out
}

func TestSendFormFields(t *testing.T) {
	for _, tc := range []struct {
		name        string
		comps       []providers.TemplateComponent
		want        []string
		unsupported bool
	}{
		{"header, body, link and code", offer, []string{"header_1", "body_1", "body_2", "button_0", "button_1"}, false},
		{"no variables", []providers.TemplateComponent{{Type: "HEADER", Format: "TEXT", Text: "Hello"}, {Type: "BODY", Text: "Welcome!"}}, nil, false},
		{"gaps are filled up to the highest number", []providers.TemplateComponent{{Type: "BODY", Text: "{{3}} and {{1}}"}},
			[]string{"body_1", "body_2", "body_3"}, false},
		{"named variables", []providers.TemplateComponent{{Type: "BODY", Text: "Hi {{first_name}}, {{code}} is yours, {{first_name}}."}},
			[]string{"body_first_name", "body_code"}, false},
		{"image header", []providers.TemplateComponent{{Type: "HEADER", Format: "IMAGE"}, {Type: "BODY", Text: "Look."}}, []string{"header"}, false},
		{"authentication as submitted", []providers.TemplateComponent{{Type: "BODY", AddSecurityRecommendation: true},
			{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "OTP", OTPType: "COPY_CODE"}}}}, []string{"body_1", "button_0"}, false},
		{"authentication as listed", []providers.TemplateComponent{{Type: "BODY", Text: "*{{1}}* is your verification code."},
			{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "OTP", OTPType: "COPY_CODE"}}}}, []string{"body_1", "button_0"}, false},
		{"location header", []providers.TemplateComponent{{Type: "HEADER", Format: "LOCATION"}, {Type: "BODY", Text: "Here."}}, nil, true},
		{"catalog button", []providers.TemplateComponent{{Type: "BODY", Text: "Shop."},
			{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "CATALOG", Text: "View"}}}}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := templates.NewSendForm(tc.comps)
			if got := fieldNames(f); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fields = %v, want %v", got, tc.want)
			}
			if (f.Unsupported != "") != tc.unsupported {
				t.Errorf("unsupported = %q", f.Unsupported)
			}
		})
	}
	f := templates.NewSendForm(offer)
	if fd, _ := f.Field("body_2"); fd.Example != "BREAD10" || fd.Label != "Fill in “…! Use code ___ for 10% off,”" || !fd.Dynamic || fd.ContactName {
		t.Errorf("body_2 = %+v", fd)
	}
	if fd, _ := f.Field("button_0"); fd.Kind != templates.ValueURLSuffix || !strings.Contains(fd.Label, "See the menu") || fd.Example != "whatsapp" {
		t.Errorf("button_0 = %+v", fd)
	}
}

// A variable is labelled by what it is: the customer's name after a
// greeting or by its own name, else by the words around it.
func TestSendFieldLabels(t *testing.T) {
	for _, tc := range []struct {
		part, text, field, label string
		isName                   bool
	}{
		{"BODY", "Hi {{1}}, your order {{2}} is ready for pickup.", "body_1", "Customer's name, in “Hi ___, your order”", true},
		{"BODY", "Hi {{1}}, your order {{2}} is ready for pickup.", "body_2", "Fill in “…, your order ___ is ready for”", false},
		{"BODY", "Olá {{1}}! Obrigado.", "body_1", "Customer's name, in “Olá ___! Obrigado.”", true},
		{"BODY", "Your table for {{guests}} is booked, {{first_name}}.", "body_first_name", "Customer's name, in “… is booked, ___.”", true},
		{"BODY", "Your table for {{guests}} is booked, {{first_name}}.", "body_guests", "Guests, in “Your table for ___ is booked, ….”", false},
		{"HEADER", "Weekend {{1}}", "header_1", "Header: fill in “Weekend ___”", false},
	} {
		comp := providers.TemplateComponent{Type: tc.part, Text: tc.text}
		if tc.part == "HEADER" {
			comp.Format = "TEXT"
		}
		fd, ok := templates.NewSendForm([]providers.TemplateComponent{comp}).Field(tc.field)
		if !ok || fd.Label != tc.label || fd.ContactName != tc.isName {
			t.Errorf("%q %s: label %q name %v, want %q %v", tc.text, tc.field, fd.Label, fd.ContactName, tc.label, tc.isName)
		}
	}
}

func TestFillOffer(t *testing.T) {
	f := templates.NewSendForm(offer)
	vals := resolve(t, templates.SendContext{ContactName: "Sheena Nelson", ContactPhone: "+16505551234", AgentName: "Ana"})
	msg, filled, errs := f.Fill("weekend_offer", "en_US", "MARKETING", map[string]string{
		"header_1": " treats ", "body_1": "{contact_name}", "body_2": "BREAD10 from {agent_name}", "button_0": "wa", "button_1": "BREAD10",
	}, vals)
	if len(errs) > 0 {
		t.Fatalf("errors = %v", errs)
	}
	want := providers.TemplateMessage{Name: "weekend_offer", Language: "en_US", Components: []providers.TemplateParams{
		{Type: "header", Parameters: []providers.TemplateParameter{{Type: "text", Text: "treats"}}},
		{Type: "body", Parameters: []providers.TemplateParameter{{Type: "text", Text: "Sheena Nelson"}, {Type: "text", Text: "BREAD10 from Ana"}}},
		{Type: "button", SubType: "url", Index: 0, Parameters: []providers.TemplateParameter{{Type: "text", Text: "wa"}}},
		{Type: "button", SubType: "copy_code", Index: 1, Parameters: []providers.TemplateParameter{{Type: "coupon_code", CouponCode: "BREAD10"}}},
	}}
	if !reflect.DeepEqual(msg, want) {
		t.Fatalf("message =\n%+v\nwant\n%+v", msg, want)
	}
	if err := templates.CountParams(offer).Check(msg.Components); err != nil {
		t.Fatalf("the filled message does not match its template: %v", err)
	}
	if filled.Header != "Weekend treats" || filled.Body != "Hello Sheena Nelson! Use code BREAD10 from Ana for 10% off, Sheena Nelson." ||
		filled.Footer != "Reply STOP to opt out" || !reflect.DeepEqual(filled.Buttons, []string{"See the menu", "Copy offer code", "Stop promotions"}) {
		t.Fatalf("filled = %+v", filled)
	}
	ok := providers.OutboundMessage{To: "1", Template: &msg}
	if err := ok.Validate(); err != nil {
		t.Fatalf("the filled message is not valid: %v", err)
	}
}

func TestFillProblems(t *testing.T) {
	full := map[string]string{"header_1": "treats", "body_1": "Ana", "body_2": "BREAD10", "button_0": "wa", "button_1": "BREAD10"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range full {
			m[a] = b
		}
		m[k] = v
		return m
	}
	vals := resolve(t, templates.SendContext{ContactPhone: "+16505551234", AgentName: "Ana"}) // no contact name
	for _, tc := range []struct {
		name   string
		values map[string]string
		field  string
		want   string
	}{
		{"missing body value", with("body_2", "  "), "body_2", "Fill this in"},
		{"missing header value", with("header_1", ""), "header_1", "Fill this in"},
		{"missing link end", with("button_0", ""), "button_0", "Fill this in"},
		{"line break", with("body_1", "two\nlines"), "body_1", "line breaks"},
		{"five spaces", with("body_1", "a     b"), "body_1", "four spaces"},
		{"header too long", with("header_1", strings.Repeat("x", 61)), "header_1", "at most 60"},
		{"space in the link", with("button_0", "a b"), "button_0", "spaces"},
		{"code too long", with("button_1", "ABCDEFGHIJKLMNOP"), "button_1", "at most 15"},
		{"unknown variable", with("body_1", "{customer}"), "body_1", "{customer} is not a variable"},
		{"variable without a value", with("body_1", "Hi {contact_name}"), "body_1", "has not told us this customer's name"},
		{"extra value: the template changed", with("body_3", "surplus"), templates.FieldTemplate, "The text takes 2 values, 3 given."},
		{"value for a button it does not have", with("button_4", "x"), templates.FieldTemplate, "no button 5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, errs := templates.NewSendForm(offer).Fill("weekend_offer", "en_US", "MARKETING", tc.values, vals)
			if !strings.Contains(errs[tc.field], tc.want) {
				t.Fatalf("errors = %v, want %q on %s", errs, tc.want, tc.field)
			}
		})
	}
	// {{1}} in a value is not a dynamic variable.
	if _, _, errs := templates.NewSendForm(offer).Fill("weekend_offer", "en_US", "MARKETING", with("body_2", "{{x}}"), vals); len(errs) > 0 {
		t.Errorf("{{x}} refused: %v", errs)
	}
	unsupported := templates.NewSendForm([]providers.TemplateComponent{{Type: "HEADER", Format: "LOCATION"}, {Type: "BODY", Text: "Here."}})
	if _, _, errs := unsupported.Fill("x", "en", "UTILITY", nil, vals); !strings.Contains(errs[templates.FieldTemplate], "location") {
		t.Errorf("location header: %v", errs)
	}
}

func TestFillMediaNamedAndAuthentication(t *testing.T) {
	vals := resolve(t, templates.SendContext{ContactName: "Ana"})
	img := templates.NewSendForm([]providers.TemplateComponent{{Type: "HEADER", Format: "IMAGE"}, {Type: "BODY", Text: "Look."}})
	if _, _, errs := img.Fill("x", "en", "UTILITY", map[string]string{"header": "http://insecure.example/a.jpg"}, vals); !strings.Contains(errs["header"], "https://") {
		t.Errorf("http link: %v", errs)
	}
	msg, filled, errs := img.Fill("x", "en", "UTILITY", map[string]string{"header": "https://cdn.example/a.jpg"}, vals)
	if len(errs) > 0 || msg.Components[0].Parameters[0].Media.Link != "https://cdn.example/a.jpg" || msg.Components[0].Parameters[0].Type != "image" ||
		filled.HeaderFormat != "IMAGE" || filled.Header != "https://cdn.example/a.jpg" {
		t.Errorf("image header: %+v %+v %v", msg, filled, errs)
	}

	named := templates.NewSendForm([]providers.TemplateComponent{{Type: "BODY", Text: "Hi {{first_name}}, code {{code}}."}})
	msg, filled, errs = named.Fill("x", "en", "UTILITY", map[string]string{"body_first_name": "{contact_name}", "body_code": "X1"}, vals)
	if len(errs) > 0 || msg.Components[0].Parameters[0].Name != "first_name" || msg.Components[0].Parameters[1].Name != "code" ||
		filled.Body != "Hi Ana, code X1." {
		t.Errorf("named: %+v %+v %v", msg, filled, errs)
	}

	auth := templates.NewSendForm([]providers.TemplateComponent{{Type: "BODY", AddSecurityRecommendation: true},
		{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "OTP", OTPType: "COPY_CODE", Text: "Copy code"}}}})
	msg, filled, errs = auth.Fill("login_code", "en_US", "AUTHENTICATION", map[string]string{"body_1": "482913"}, vals)
	if len(errs) > 0 {
		t.Fatalf("authentication: %v", errs)
	}
	want := []providers.TemplateParams{
		{Type: "body", Parameters: []providers.TemplateParameter{{Type: "text", Text: "482913"}}},
		{Type: "button", SubType: "url", Index: 0, Parameters: []providers.TemplateParameter{{Type: "text", Text: "482913"}}},
	}
	if !reflect.DeepEqual(msg.Components, want) || !strings.HasPrefix(filled.Body, "482913 is your verification code.") {
		t.Errorf("authentication: %+v %q", msg.Components, filled.Body)
	}
	if _, _, errs := auth.Fill("login_code", "en_US", "AUTHENTICATION", map[string]string{"body_1": "1", "button_0": "2"}, vals); errs["button_0"] == "" {
		t.Error("different codes in the text and the button were accepted")
	}
}

func TestSendPreviewShowsWhatIsFilled(t *testing.T) {
	f := templates.NewSendForm(offer)
	p := f.Preview(map[string]string{"body_1": "Ana"})
	if got := templates.Text(p.Body); got != "Hello Ana! Use code {{2}} for 10% off, Ana." {
		t.Errorf("body = %q", got)
	}
	if !p.Body[3].Missing || templates.Text(p.Header) != "Weekend {{1}}" {
		t.Errorf("preview = %+v", p)
	}
}

func TestVariablesRegistry(t *testing.T) {
	vs := templates.DefaultVariables()
	var names []string
	for _, v := range vs.List() {
		names = append(names, v.Token())
	}
	if strings.Join(names, " ") != "{contact_name} {contact_phone} {agent_name}" {
		t.Fatalf("built-in variables = %v", names)
	}
	// A feature adds its own, available only where it has a value.
	orderTotal := templates.Variable{Name: "order_total", Label: "Order total", Missing: "This customer has not ordered yet.",
		Value: func(_ context.Context, c templates.SendContext) (string, bool, error) {
			if c.ConversationID == 7 {
				return "$12.50", true, nil
			}
			return "", false, nil
		}}
	if err := vs.Add(orderTotal); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []templates.Variable{orderTotal, {Name: "Order Total", Label: "x", Value: orderTotal.Value}, {Name: "no_value", Label: "x"}} {
		if err := vs.Add(bad); err == nil {
			t.Errorf("added %q", bad.Name)
		}
	}
	ctx := context.Background()
	with, err := vs.Resolve(ctx, templates.SendContext{ConversationID: 7, ContactName: "Ana", ContactPhone: "+1555"})
	if err != nil {
		t.Fatal(err)
	}
	if got, problem := with.Expand("{contact_name}, your {order_total} order ({contact_phone})"); problem != "" || got != "Ana, your $12.50 order (+1555)" {
		t.Errorf("expand = %q, %q", got, problem)
	}
	var avail []string
	for _, v := range with.Available() {
		avail = append(avail, v.Name)
	}
	if strings.Join(avail, ",") != "contact_name,contact_phone,order_total" {
		t.Errorf("available = %v (no agent name was given)", avail)
	}
	without, _ := vs.Resolve(ctx, templates.SendContext{ConversationID: 8})
	if _, problem := without.Expand("Total {order_total}"); !strings.Contains(problem, "has not ordered yet") {
		t.Errorf("missing order total: %q", problem)
	}
	failing := &templates.Variables{}
	boom := errors.New("database gone")
	failing.Add(templates.Variable{Name: "x", Label: "X", Value: func(context.Context, templates.SendContext) (string, bool, error) { return "", false, boom }})
	if _, err := failing.Resolve(ctx, templates.SendContext{}); !errors.Is(err, boom) {
		t.Errorf("resolve error = %v", err)
	}
}
