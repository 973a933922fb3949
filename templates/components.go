package templates

import (
	"encoding/json"
	"fmt"

	"github.com/wadesk/wadesk/providers"
)

// Stored components use Meta's JSON shape for template components, so the
// stored text reads like the provider's own answer.
type jsonComponent struct {
	Type                      string       `json:"type"`
	Format                    string       `json:"format,omitempty"`
	Text                      string       `json:"text,omitempty"`
	Example                   *jsonExample `json:"example,omitempty"`
	Buttons                   []jsonButton `json:"buttons,omitempty"`
	AddSecurityRecommendation bool         `json:"add_security_recommendation,omitempty"`
	CodeExpirationMinutes     int          `json:"code_expiration_minutes,omitempty"`
}

type jsonExample struct {
	HeaderText   []string   `json:"header_text,omitempty"`
	HeaderHandle []string   `json:"header_handle,omitempty"`
	BodyText     [][]string `json:"body_text,omitempty"`
}

type jsonButton struct {
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

// EncodeComponents writes components as JSON for the store.
func EncodeComponents(cs []providers.TemplateComponent) (string, error) {
	out := make([]jsonComponent, 0, len(cs))
	for _, c := range cs {
		jc := jsonComponent{Type: c.Type, Format: c.Format, Text: c.Text,
			AddSecurityRecommendation: c.AddSecurityRecommendation, CodeExpirationMinutes: c.CodeExpirationMinutes}
		if len(c.ExampleHeaderText) > 0 || len(c.ExampleHeaderHandle) > 0 || len(c.ExampleBodyText) > 0 {
			jc.Example = &jsonExample{HeaderText: c.ExampleHeaderText, HeaderHandle: c.ExampleHeaderHandle, BodyText: c.ExampleBodyText}
		}
		for _, b := range c.Buttons {
			jc.Buttons = append(jc.Buttons, jsonButton{Type: b.Type, Text: b.Text, URL: b.URL, PhoneNumber: b.PhoneNumber,
				Example: b.Example, OTPType: b.OTPType, AutofillText: b.AutofillText, PackageName: b.PackageName,
				SignatureHash: b.SignatureHash, FlowID: b.FlowID, FlowName: b.FlowName, FlowJSON: b.FlowJSON,
				FlowAction: b.FlowAction, NavigateScreen: b.NavigateScreen})
		}
		out = append(out, jc)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("templates: encode components: %w", err)
	}
	return string(b), nil
}

// DecodeComponents reads components stored by EncodeComponents.
func DecodeComponents(s string) ([]providers.TemplateComponent, error) {
	var in []jsonComponent
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("templates: decode components: %w", err)
	}
	out := make([]providers.TemplateComponent, 0, len(in))
	for _, jc := range in {
		c := providers.TemplateComponent{Type: jc.Type, Format: jc.Format, Text: jc.Text,
			AddSecurityRecommendation: jc.AddSecurityRecommendation, CodeExpirationMinutes: jc.CodeExpirationMinutes}
		if jc.Example != nil {
			c.ExampleHeaderText, c.ExampleHeaderHandle, c.ExampleBodyText = jc.Example.HeaderText, jc.Example.HeaderHandle, jc.Example.BodyText
		}
		for _, b := range jc.Buttons {
			c.Buttons = append(c.Buttons, providers.TemplateButton{Type: b.Type, Text: b.Text, URL: b.URL, PhoneNumber: b.PhoneNumber,
				Example: b.Example, OTPType: b.OTPType, AutofillText: b.AutofillText, PackageName: b.PackageName,
				SignatureHash: b.SignatureHash, FlowID: b.FlowID, FlowName: b.FlowName, FlowJSON: b.FlowJSON,
				FlowAction: b.FlowAction, NavigateScreen: b.NavigateScreen})
		}
		out = append(out, c)
	}
	return out, nil
}
