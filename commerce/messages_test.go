package commerce

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/templates"
)

func TestSingleProduct(t *testing.T) {
	in, errs := SingleProduct("cat1", "croissant", " Fresh today ", "")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	msg := providers.OutboundMessage{To: "1", Interactive: in}
	if err := msg.Validate(); err != nil || in.Type != providers.InteractiveProduct || in.Body != "Fresh today" ||
		in.CatalogID != "cat1" || in.ProductRetailerID != "croissant" {
		t.Fatalf("%+v: %v", in, err)
	}
	tests := []struct {
		name                           string
		catalog, product, body, footer string
		field                          string
	}{
		{"no catalog", "", "croissant", "", "", ""},
		{"no product", "cat1", "", "", "", FieldProduct},
		{"long body", "cat1", "croissant", strings.Repeat("b", 1025), "", FieldBody},
		{"long footer", "cat1", "croissant", "", strings.Repeat("f", 61), FieldFooter},
	}
	for _, tt := range tests {
		if _, errs := SingleProduct(tt.catalog, tt.product, tt.body, tt.footer); errs[tt.field] == "" {
			t.Errorf("%s: problems %v, want one for %q", tt.name, errs, tt.field)
		}
	}
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

func TestProductList(t *testing.T) {
	sections := []ProductSection{{Title: "Breads", RetailerIDs: []string{"sourdough", "rye"}}, {}, {Title: "Pastries", RetailerIDs: []string{"croissant"}}}
	in, errs := ProductList("cat1", "Our menu", "Pick what you like", "", sections)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if err := (providers.OutboundMessage{To: "1", Interactive: in}).Validate(); err != nil {
		t.Fatal(err)
	}
	if len(in.Sections) != 2 || in.Sections[1].Title != "Pastries" || in.Header.Text != "Our menu" {
		t.Fatalf("%+v", in)
	}
	tenSections := func(n int) []ProductSection {
		var s []ProductSection
		for i := range n {
			s = append(s, ProductSection{Title: fmt.Sprintf("S%d", i), RetailerIDs: []string{fmt.Sprintf("p%d", i)}})
		}
		return s
	}
	tests := []struct {
		name     string
		header   string
		body     string
		sections []ProductSection
		field    string
	}{
		{"no header", "", "b", sections, FieldHeader},
		{"no body", "h", " ", sections, FieldBody},
		{"long header", strings.Repeat("h", 61), "b", sections, FieldHeader},
		{"nothing picked", "h", "b", []ProductSection{{Title: "Breads"}}, SectionField(0)},
		{"no sections", "h", "b", nil, FieldSections},
		{"untitled section", "h", "b", []ProductSection{{RetailerIDs: []string{"a"}}}, SectionField(0)},
		{"long title", "h", "b", []ProductSection{{Title: strings.Repeat("t", 25), RetailerIDs: []string{"a"}}}, SectionField(0)},
		{"twice", "h", "b", []ProductSection{{Title: "A", RetailerIDs: []string{"x"}}, {Title: "B", RetailerIDs: []string{"x"}}}, SectionField(1)},
		{"31 products", "h", "b", []ProductSection{{Title: "A", RetailerIDs: ids("a", 16)}, {Title: "B", RetailerIDs: ids("b", 15)}}, FieldSections},
		{"11 sections", "h", "b", tenSections(11), FieldSections},
	}
	for _, tt := range tests {
		if _, errs := ProductList("cat1", tt.header, tt.body, "", tt.sections); errs[tt.field] == "" {
			t.Errorf("%s: problems %v, want one for %q", tt.name, errs, tt.field)
		}
	}
	// The limits themselves are accepted.
	if _, errs := ProductList("cat1", "h", "b", "", tenSections(10)); len(errs) > 0 {
		t.Errorf("10 sections: %v", errs)
	}
	if _, errs := ProductList("cat1", "h", "b", "", []ProductSection{{Title: "A", RetailerIDs: ids("a", 30)}}); len(errs) > 0 {
		t.Errorf("30 products: %v", errs)
	}
}

func components(t *testing.T, cs ...providers.TemplateComponent) string {
	t.Helper()
	s, err := templates.EncodeComponents(cs)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPaymentTemplates(t *testing.T) {
	const link = "https://buy.stripe.com/abc?client_reference_id=wadesk-42"
	body := components(t, providers.TemplateComponent{Type: "BODY", Text: "Thanks! Pay your order here: {{1}}"})
	named := components(t, providers.TemplateComponent{Type: "BODY", Text: "Pay here: {{ pay_link }}"})
	button := components(t,
		providers.TemplateComponent{Type: "BODY", Text: "Your order is ready to pay."},
		providers.TemplateComponent{Type: "BUTTONS", Buttons: []providers.TemplateButton{
			{Type: "QUICK_REPLY", Text: "Questions"},
			{Type: "URL", Text: "Pay now", URL: "https://buy.stripe.com/{{1}}", Example: []string{"abc"}},
		}})
	tests := []struct {
		name     string
		category string
		comps    string
		fitErr   string
		sendErr  string
		want     []providers.TemplateParams
	}{
		{"body", "UTILITY", body, "", "", []providers.TemplateParams{{Type: "body",
			Parameters: []providers.TemplateParameter{{Type: "text", Text: link}}}}},
		{"named body", "utility", named, "", "", []providers.TemplateParams{{Type: "body",
			Parameters: []providers.TemplateParameter{{Type: "text", Name: "pay_link", Text: link}}}}},
		{"button suffix", "UTILITY", button, "", "", []providers.TemplateParams{{Type: "button", SubType: "url", Index: 1,
			Parameters: []providers.TemplateParameter{{Type: "text", Text: "abc?client_reference_id=wadesk-42"}}}}},
		{"marketing", "MARKETING", body, "Utility template", "", nil},
		{"two values", "UTILITY", components(t, providers.TemplateComponent{Type: "BODY", Text: "Hi {{1}}, pay {{2}}"}), "exactly one value", "", nil},
		{"no value", "UTILITY", components(t, providers.TemplateComponent{Type: "BODY", Text: "Hello"}), "exactly one value", "", nil},
		{"button to another site", "UTILITY", components(t, providers.TemplateComponent{Type: "BUTTONS", Buttons: []providers.TemplateButton{
			{Type: "URL", Text: "Pay", URL: "https://pay.example.com/{{1}}", Example: []string{"x"}}}}), "", "does not", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fit := PaymentTemplateFit(tt.category, tt.comps)
			if tt.fitErr != "" {
				if fit.OK || !strings.Contains(fit.Problem, tt.fitErr) {
					t.Fatalf("fit = %+v, want a problem mentioning %q", fit, tt.fitErr)
				}
				return
			}
			if !fit.OK {
				t.Fatalf("fit: %s", fit.Problem)
			}
			tm, err := PaymentTemplateMessage("pay_link", "en_US", fit, link)
			if tt.sendErr != "" {
				if err == nil {
					t.Fatalf("message %+v, want an error", tm)
				}
				if !strings.Contains(err.Error(), "https://pay.example.com/") {
					t.Fatalf("error %q does not say where the button goes", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(tm.Components) != fmt.Sprint(tt.want) {
				t.Fatalf("components = %+v, want %+v", tm.Components, tt.want)
			}
			// What is sent matches what the template takes (no 132000).
			p, err := templates.CountParamsJSON(tt.comps)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Check(tm.Components); err != nil {
				t.Fatalf("the parameters do not match the template: %v", err)
			}
		})
	}
	s := PaymentText(LinkOrder{ID: 42, Amount1000: 20250, Currency: "USD"}, link)
	if !strings.Contains(s, "#42") || !strings.Contains(s, "USD 20.25") || !strings.HasSuffix(s, link) {
		t.Errorf("PaymentText = %q", s)
	}
}
