package simulator

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// TemplateComponent is one component of a message template in Meta's JSON
// shape. Only the fields Meta documents for creation are kept.
type TemplateComponent struct {
	Type                      string           `json:"type"`
	Format                    string           `json:"format,omitempty"`
	Text                      string           `json:"text,omitempty"`
	Buttons                   []TemplateButton `json:"buttons,omitempty"`
	Example                   *TemplateExample `json:"example,omitempty"`
	AddSecurityRecommendation bool             `json:"add_security_recommendation,omitempty"`
	CodeExpirationMinutes     int              `json:"code_expiration_minutes,omitempty"`
}

// TemplateExample carries the sample values Meta requires for variables.
type TemplateExample struct {
	HeaderText            []string           `json:"header_text,omitempty"`
	HeaderHandle          []string           `json:"header_handle,omitempty"`
	BodyText              [][]string         `json:"body_text,omitempty"`
	HeaderTextNamedParams []NamedParamSample `json:"header_text_named_params,omitempty"`
	BodyTextNamedParams   []NamedParamSample `json:"body_text_named_params,omitempty"`
}

// NamedParamSample is a sample value of a named parameter.
type NamedParamSample struct {
	ParamName string `json:"param_name"`
	Example   string `json:"example"`
}

// TemplateButton is a template button (QUICK_REPLY, URL, PHONE_NUMBER, OTP,
// COPY_CODE, FLOW, MPM, CATALOG...).
type TemplateButton struct {
	Type           string   `json:"type"`
	Text           string   `json:"text,omitempty"`
	URL            string   `json:"url,omitempty"`
	PhoneNumber    string   `json:"phone_number,omitempty"`
	Example        []string `json:"example,omitempty"`
	OTPType        string   `json:"otp_type,omitempty"`
	AutofillText   string   `json:"autofill_text,omitempty"`
	PackageName    string   `json:"package_name,omitempty"`
	SignatureHash  string   `json:"signature_hash,omitempty"`
	FlowID         string   `json:"flow_id,omitempty"`
	FlowName       string   `json:"flow_name,omitempty"`
	FlowJSON       string   `json:"flow_json,omitempty"`
	FlowAction     string   `json:"flow_action,omitempty"`
	NavigateScreen string   `json:"navigate_screen,omitempty"`
}

var (
	positionalVar = regexp.MustCompile(`\{\{\s*([0-9]+)\s*\}\}`)
	namedVar      = regexp.MustCompile(`\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}`)
	anyVar        = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)
)

// templateVars lists the distinct variables of text in order of first use.
func templateVars(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range anyVar.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// positionalCount is the number of parameters a positional text expects:
// its highest {{n}}.
func positionalCount(text string) int {
	max := 0
	for _, m := range positionalVar.FindAllStringSubmatch(text, -1) {
		if n, err := strconv.Atoi(m[1]); err == nil && n > max {
			max = n
		}
	}
	return max
}

// checkPositional reports whether positional variables are {{1}}..{{n}}
// without gaps.
func checkPositional(text string) bool {
	nums := map[int]bool{}
	for _, m := range anyVar.FindAllStringSubmatch(text, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return false
		}
		nums[n] = true
	}
	keys := make([]int, 0, len(nums))
	for k := range nums {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for i, k := range keys {
		if k != i+1 {
			return false
		}
	}
	return true
}

// expectedParams is the number of parameters a template text expects.
func expectedParams(text, format string) int {
	if strings.EqualFold(format, "NAMED") {
		return len(templateVars(text))
	}
	return positionalCount(text)
}

// normalizeTemplate uppercases enum fields and fills the texts Meta generates
// for authentication templates.
func normalizeTemplate(t *Template) {
	t.Category = strings.ToUpper(t.Category)
	t.Status = strings.ToUpper(t.Status)
	t.ParameterFormat = strings.ToUpper(t.ParameterFormat)
	if t.ParameterFormat == "" {
		t.ParameterFormat = "POSITIONAL"
	}
	for i := range t.Components {
		c := &t.Components[i]
		c.Type = strings.ToUpper(c.Type)
		c.Format = strings.ToUpper(c.Format)
		for j := range c.Buttons {
			c.Buttons[j].Type = strings.ToUpper(c.Buttons[j].Type)
			c.Buttons[j].OTPType = strings.ToUpper(c.Buttons[j].OTPType)
		}
		if t.Category == "AUTHENTICATION" {
			switch c.Type {
			case "BODY":
				if c.Text == "" {
					c.Text = "*{{1}}* is your verification code."
					if c.AddSecurityRecommendation {
						c.Text += " For your security, do not share this code."
					}
				}
			case "FOOTER":
				if c.Text == "" && c.CodeExpirationMinutes > 0 {
					c.Text = "This code expires in " + strconv.Itoa(c.CodeExpirationMinutes) + " minutes."
				}
			}
		}
	}
}

// component returns the template's component of the given type, or nil.
func (t *Template) component(typ string) *TemplateComponent {
	for i := range t.Components {
		if t.Components[i].Type == typ {
			return &t.Components[i]
		}
	}
	return nil
}

// buttons returns the template's buttons (possibly none).
func (t *Template) buttons() []TemplateButton {
	if c := t.component("BUTTONS"); c != nil {
		return c.Buttons
	}
	return nil
}
