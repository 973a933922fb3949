package templates_test

import (
	"strings"
	"testing"

	"github.com/wadesk/wadesk/templates"
)

// valid is a marketing draft that passes every rule; cases change one thing.
func valid() templates.Draft {
	return templates.Draft{
		Name: "order_update", Language: "en_US", Category: "MARKETING",
		HeaderFormat: "TEXT", HeaderText: "Order {{1}}", HeaderExample: "#1042",
		Body: "Hi {{1}}, your order {{2}} is ready.", BodyExamples: []string{"Sheena", "#1042"},
		Footer: "Reply STOP to opt out",
		Buttons: []templates.Button{
			{Type: "URL", Text: "Track order", URL: "https://shop.example/track/{{1}}", Example: "1042"},
			{Type: "PHONE_NUMBER", Text: "Call us", Phone: "+1 555 010 2001"},
		},
	}
}

func auth() templates.Draft {
	return templates.Draft{Name: "login_code", Language: "en", Category: "AUTHENTICATION", OTPType: "COPY_CODE",
		SecurityRecommendation: true, CodeExpiryMinutes: 10}
}

func quickReplies(n int) []templates.Button {
	var bs []templates.Button
	for i := 0; i < n; i++ {
		bs = append(bs, templates.Button{Type: "QUICK_REPLY", Text: "Option"})
	}
	return bs
}

func TestDraftCheck(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, tc := range []struct {
		name   string
		change func(d *templates.Draft)
		base   func() templates.Draft
		field  string // "" means: no problem at all
		says   string
	}{
		{name: "valid marketing draft", change: func(d *templates.Draft) {}},
		{name: "valid authentication draft", base: auth, change: func(d *templates.Draft) {}},
		{name: "utility without header, footer or buttons", change: func(d *templates.Draft) {
			d.Category, d.HeaderFormat, d.Footer, d.Buttons = "UTILITY", "", "", nil
		}},

		// Names.
		{name: "name missing", change: func(d *templates.Draft) { d.Name = "" }, field: "name", says: "Give the template a name"},
		{name: "name with capitals", change: func(d *templates.Draft) { d.Name = "Order_Update" }, field: "name", says: "lowercase"},
		{name: "name with a space", change: func(d *templates.Draft) { d.Name = "order update" }, field: "name", says: "underscores"},
		{name: "name with a dash", change: func(d *templates.Draft) { d.Name = "order-update" }, field: "name"},
		{name: "name of 512", change: func(d *templates.Draft) { d.Name = long(512) }},
		{name: "name of 513", change: func(d *templates.Draft) { d.Name = long(513) }, field: "name", says: "512"},
		{name: "digits and underscores", change: func(d *templates.Draft) { d.Name = "2024_promo_3" }},

		// Language and category.
		{name: "language missing", change: func(d *templates.Draft) { d.Language = "" }, field: "language"},
		{name: "unknown language", change: func(d *templates.Draft) { d.Language = "en_XX" }, field: "language", says: "en_XX"},
		{name: "pt_BR", change: func(d *templates.Draft) { d.Language = "pt_BR" }},
		{name: "category missing", change: func(d *templates.Draft) { d.Category = "" }, field: "category"},
		{name: "unknown category", change: func(d *templates.Draft) { d.Category = "SERVICE" }, field: "category"},

		// Header.
		{name: "header text of 60", change: func(d *templates.Draft) { d.HeaderText = long(60) }},
		{name: "header text of 61", change: func(d *templates.Draft) { d.HeaderText = long(61) }, field: "header_text", says: "60"},
		{name: "header with two variables", change: func(d *templates.Draft) { d.HeaderText = "{{1}} and {{2}}" }, field: "header_text", says: "at most one"},
		{name: "header variable {{2}}", change: func(d *templates.Draft) { d.HeaderText = "Order {{2}}" }, field: "header_text", says: "{{1}} is missing"},
		{name: "header variable without example", change: func(d *templates.Draft) { d.HeaderExample = "" }, field: "header_example"},
		{name: "header without variable needs no example", change: func(d *templates.Draft) { d.HeaderText, d.HeaderExample = "Your order", "" }},
		{name: "empty text header", change: func(d *templates.Draft) { d.HeaderText = "" }, field: "header_text"},
		{name: "image header without sample", change: func(d *templates.Draft) { d.HeaderFormat = "IMAGE" }, field: "header_handle", says: "sample image"},
		{name: "image header with sample", change: func(d *templates.Draft) { d.HeaderFormat, d.HeaderHandle = "IMAGE", "4::aW1hZ2U=" }},
		{name: "location header", change: func(d *templates.Draft) { d.HeaderFormat = "LOCATION" }},
		{name: "unknown header", change: func(d *templates.Draft) { d.HeaderFormat = "AUDIO" }, field: "header_format"},

		// Body.
		{name: "body missing", change: func(d *templates.Draft) { d.Body = "" }, field: "body"},
		{name: "body of 1024", change: func(d *templates.Draft) { d.Body = "Hi " + long(1021) }},
		{name: "body of 1025", change: func(d *templates.Draft) { d.Body = "Hi " + long(1022) }, field: "body", says: "1,024"},
		{name: "body counts characters, not bytes", change: func(d *templates.Draft) {
			d.Body, d.BodyExamples = "Olá "+strings.Repeat("ã", 1020), nil
		}},
		{name: "gap in body variables", change: func(d *templates.Draft) { d.Body = "Hi {{1}}, your order {{3}} is ready." },
			field: "body", says: "{{2}} is missing"},
		{name: "body starting at {{2}}", change: func(d *templates.Draft) { d.Body = "Hi {{2}} there." }, field: "body", says: "{{1}} is missing"},
		{name: "variables out of order are fine", change: func(d *templates.Draft) { d.Body = "Order {{2}} for {{1}} is ready." }},
		{name: "repeated variable is fine", change: func(d *templates.Draft) { d.Body = "Hi {{1}}, {{2}} is for {{1}} today." }},
		{name: "named variable", change: func(d *templates.Draft) { d.Body = "Hi {{name}}, welcome." }, field: "body", says: "{{name}}"},
		{name: "variable {{0}}", change: func(d *templates.Draft) { d.Body = "Hi {{0}}, welcome." }, field: "body"},
		{name: "variable {{01}}", change: func(d *templates.Draft) { d.Body = "Hi {{01}}, welcome." }, field: "body"},
		{name: "single braces", change: func(d *templates.Draft) { d.Body = "Hi {{1}, welcome." }, field: "body", says: "two curly braces"},
		{name: "body starts with a variable", change: func(d *templates.Draft) { d.Body = "{{1}}, your order {{2}} is ready." },
			field: "body", says: "cannot start or end"},
		{name: "body ends with a variable", change: func(d *templates.Draft) { d.Body = "Hi {{1}}, your order is {{2}}." },
			field: "body", says: "cannot start or end"},
		{name: "missing example for {{2}}", change: func(d *templates.Draft) { d.BodyExamples = []string{"Sheena", ""} },
			field: "body_example_2", says: "{{2}}"},
		{name: "no examples at all", change: func(d *templates.Draft) { d.BodyExamples = nil }, field: "body_example_1"},

		// Footer.
		{name: "footer of 61", change: func(d *templates.Draft) { d.Footer = long(61) }, field: "footer", says: "60"},
		{name: "footer with a variable", change: func(d *templates.Draft) { d.Footer = "Ref {{1}}" }, field: "footer", says: "variables"},

		// Buttons.
		{name: "ten quick replies", change: func(d *templates.Draft) { d.Buttons = quickReplies(10) }},
		{name: "eleven quick replies", change: func(d *templates.Draft) { d.Buttons = quickReplies(11) }, field: "buttons", says: "10"},
		{name: "three website buttons", change: func(d *templates.Draft) {
			b := templates.Button{Type: "URL", Text: "Site", URL: "https://shop.example"}
			d.Buttons = []templates.Button{b, b, b}
		}, field: "buttons", says: "2 website"},
		{name: "two phone buttons", change: func(d *templates.Draft) {
			b := templates.Button{Type: "PHONE_NUMBER", Text: "Call", Phone: "+15550102001"}
			d.Buttons = []templates.Button{b, b}
		}, field: "buttons", says: "1 phone"},
		{name: "two copy-code buttons", change: func(d *templates.Draft) {
			b := templates.Button{Type: "COPY_CODE", Example: "SAVE10"}
			d.Buttons = []templates.Button{b, b}
		}, field: "buttons", says: "1 copy-code"},
		{name: "quick replies split by a link", change: func(d *templates.Draft) {
			d.Buttons = []templates.Button{{Type: "QUICK_REPLY", Text: "Yes"}, {Type: "URL", Text: "Site", URL: "https://a.example"}, {Type: "QUICK_REPLY", Text: "No"}}
		}, field: "buttons", says: "together"},
		{name: "quick replies after the others", change: func(d *templates.Draft) {
			d.Buttons = []templates.Button{{Type: "URL", Text: "Site", URL: "https://a.example"}, {Type: "QUICK_REPLY", Text: "Yes"}, {Type: "QUICK_REPLY", Text: "No"}}
		}},
		{name: "empty rows are ignored", change: func(d *templates.Draft) { d.Buttons = append(d.Buttons, templates.Button{}) }},
		{name: "button label missing", change: func(d *templates.Draft) { d.Buttons[0].Text = "" }, field: "button_text_0"},
		{name: "button label of 26", change: func(d *templates.Draft) { d.Buttons[1].Text = long(26) }, field: "button_text_1", says: "25"},
		{name: "URL without scheme", change: func(d *templates.Draft) { d.Buttons[0].URL = "shop.example/{{1}}" }, field: "button_url_0", says: "https://"},
		{name: "URL variable in the middle", change: func(d *templates.Draft) { d.Buttons[0].URL = "https://shop.example/{{1}}/track" },
			field: "button_url_0", says: "end"},
		{name: "URL with two variables", change: func(d *templates.Draft) { d.Buttons[0].URL = "https://shop.example/{{1}}/{{2}}" }, field: "button_url_0"},
		{name: "URL variable as the domain", change: func(d *templates.Draft) { d.Buttons[0].URL = "https://{{1}}" }, field: "button_url_0", says: "domain"},
		{name: "URL variable without example", change: func(d *templates.Draft) { d.Buttons[0].Example = "" }, field: "button_example_0"},
		{name: "URL without variable needs no example", change: func(d *templates.Draft) { d.Buttons[0].URL, d.Buttons[0].Example = "https://shop.example", "" }},
		{name: "phone without country code digits", change: func(d *templates.Draft) { d.Buttons[1].Phone = "call me" }, field: "button_phone_1"},
		{name: "phone missing", change: func(d *templates.Draft) { d.Buttons[1].Phone = "" }, field: "button_phone_1"},
		{name: "copy code in marketing", change: func(d *templates.Draft) {
			d.Buttons = []templates.Button{{Type: "COPY_CODE", Example: "SPRING25"}}
		}},
		{name: "copy code in utility", change: func(d *templates.Draft) {
			d.Category, d.Buttons = "UTILITY", []templates.Button{{Type: "COPY_CODE", Example: "SPRING25"}}
		}, field: "button_type_0", says: "marketing"},
		{name: "copy code without sample", change: func(d *templates.Draft) { d.Buttons = []templates.Button{{Type: "COPY_CODE"}} },
			field: "button_example_0"},
		{name: "copy code of 16", change: func(d *templates.Draft) { d.Buttons = []templates.Button{{Type: "COPY_CODE", Example: long(16)}} },
			field: "button_example_0", says: "15"},
		{name: "unknown button type", change: func(d *templates.Draft) { d.Buttons[0].Type = "VOICE" }, field: "button_type_0"},

		// Authentication.
		{name: "auth ignores the body rules", base: auth, change: func(d *templates.Draft) { d.Body = "{{1}}{{3}}" }},
		{name: "auth without button kind", base: auth, change: func(d *templates.Draft) { d.OTPType = "" }, field: "otp_type"},
		{name: "auth expiry of 90", base: auth, change: func(d *templates.Draft) { d.CodeExpiryMinutes = 90 }},
		{name: "auth expiry of 91", base: auth, change: func(d *templates.Draft) { d.CodeExpiryMinutes = 91 }, field: "code_expiry", says: "90"},
		{name: "auth without expiry", base: auth, change: func(d *templates.Draft) { d.CodeExpiryMinutes = 0 }},
		{name: "one-tap needs the package", base: auth, change: func(d *templates.Draft) { d.OTPType, d.SignatureHash = "ONE_TAP", "K8a%2FAINcGX7" },
			field: "package_name"},
		{name: "one-tap needs the hash", base: auth, change: func(d *templates.Draft) { d.OTPType, d.PackageName = "ONE_TAP", "com.example.shop" },
			field: "signature_hash"},
		{name: "one-tap package must look like one", base: auth, change: func(d *templates.Draft) {
			d.OTPType, d.PackageName, d.SignatureHash = "ONE_TAP", "shop", "K8a%2FAINcGX7"
		}, field: "package_name"},
		{name: "one-tap complete", base: auth, change: func(d *templates.Draft) {
			d.OTPType, d.PackageName, d.SignatureHash, d.AutofillText = "ONE_TAP", "com.example.shop", "K8a%2FAINcGX7", "Autofill"
		}},
		{name: "copy-code label of 26", base: auth, change: func(d *templates.Draft) { d.OTPText = long(26) }, field: "otp_text"},
		{name: "auth name rules still apply", base: auth, change: func(d *templates.Draft) { d.Name = "Login Code" }, field: "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := valid
			if tc.base != nil {
				base = tc.base
			}
			d := base()
			tc.change(&d)
			errs := d.Normalize().Check()
			if tc.field == "" {
				if len(errs) != 0 {
					t.Fatalf("unexpected problems: %v", errs)
				}
				return
			}
			msg, ok := errs[tc.field]
			if !ok {
				t.Fatalf("no problem reported for %s; got %v", tc.field, errs)
			}
			if !strings.Contains(msg, tc.says) {
				t.Errorf("%s: %q does not say %q", tc.field, msg, tc.says)
			}
		})
	}
}

func TestNormalizeTrimsAndUppercases(t *testing.T) {
	d := templates.Draft{Name: " promo ", Category: "marketing", HeaderFormat: "none", Body: "Hi\r\nthere ",
		Buttons: []templates.Button{{Type: "url", Text: " Go ", URL: " https://a.example "}}, OTPType: "copy_code"}.Normalize()
	if d.Name != "promo" || d.Category != "MARKETING" || d.HeaderFormat != "" || d.Body != "Hi\nthere" {
		t.Errorf("normalized = %+v", d)
	}
	if b := d.Buttons[0]; b.Type != "URL" || b.Text != "Go" || b.URL != "https://a.example" || d.OTPType != "COPY_CODE" {
		t.Errorf("button = %+v, otp %q", b, d.OTPType)
	}
}

func TestBodyVariables(t *testing.T) {
	for _, tc := range []struct {
		body string
		want int
	}{
		{"No variables.", 0},
		{"Hi {{1}}.", 1},
		{"Hi {{1}}, order {{2}}, again {{1}}.", 2},
		{"Hi {{1}} and {{3}}.", 3},
		{"Hi {{ 2 }} there.", 2},
	} {
		if got := (templates.Draft{Body: tc.body}).BodyVariables(); got != tc.want {
			t.Errorf("%q: %d variables, want %d", tc.body, got, tc.want)
		}
	}
}

func TestLanguages(t *testing.T) {
	ls := templates.Languages()
	if len(ls) < 60 {
		t.Fatalf("only %d languages", len(ls))
	}
	for i := 1; i < len(ls); i++ {
		if ls[i-1].Name > ls[i].Name {
			t.Fatalf("not sorted by name at %s", ls[i].Name)
		}
	}
	for code, name := range map[string]string{"en_US": "English (US)", "pt_BR": "Portuguese (Brazil)", "fil": "Filipino", "xx": "xx"} {
		if got := templates.LanguageName(code); got != name {
			t.Errorf("LanguageName(%s) = %q, want %q", code, got, name)
		}
	}
	if templates.KnownLanguage("en_us") || !templates.KnownLanguage("zh_TW") {
		t.Error("KnownLanguage is not exact")
	}
}
