package templates

import (
	"strconv"
	"strings"
)

// Preview is a template as the customer's phone would show it, with
// variables filled from the example values.
type Preview struct {
	// HeaderFormat is "" (no header), TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.
	HeaderFormat string
	Header       []Segment
	Body         []Segment
	Footer       string
	Buttons      []PreviewButton
}

// PreviewButton is a button as the phone shows it.
type PreviewButton struct {
	Type string
	Text string
}

// Preview renders the draft for the phone preview. It works on drafts with
// problems too: what cannot be shown is left out.
func (d Draft) Preview() Preview {
	if d.Category == CategoryAuthentication {
		return d.authPreview()
	}
	p := Preview{HeaderFormat: d.HeaderFormat, Footer: d.Footer}
	switch d.HeaderFormat {
	case HeaderNone:
	case HeaderText:
		p.Header = segments(d.HeaderText, []string{d.HeaderExample})
	}
	p.Body = segments(d.Body, d.BodyExamples)
	for _, b := range d.ButtonsInUse() {
		text := b.Text
		switch {
		case b.Type == ButtonCopyCode:
			text = copyOfferText
		case text == "":
			text = buttonPlaceholder(b.Type)
		}
		p.Buttons = append(p.Buttons, PreviewButton{Type: b.Type, Text: text})
	}
	return p
}

func buttonPlaceholder(typ string) string {
	switch typ {
	case ButtonURL:
		return "Visit website"
	case ButtonPhone:
		return "Call"
	}
	return "Button"
}

func (d Draft) authPreview() Preview {
	p := Preview{Body: []Segment{{Text: authSampleCode, Var: true}, {Text: " " + authBodyText}}}
	if d.SecurityRecommendation {
		p.Body = append(p.Body, Segment{Text: " " + authSecurity})
	}
	if d.CodeExpiryMinutes > 0 {
		p.Footer = authExpiryStart + strconv.Itoa(d.CodeExpiryMinutes) + " minutes."
	}
	switch d.OTPType {
	case OTPOneTap:
		text := d.AutofillText
		if text == "" {
			text = autofillText
		}
		p.Buttons = []PreviewButton{{Type: "OTP", Text: text}}
	default:
		text := d.OTPText
		if text == "" {
			text = copyCodeText
		}
		p.Buttons = []PreviewButton{{Type: "OTP", Text: text}}
	}
	return p
}

// Text returns the segments as plain text, variables filled.
func Text(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	return b.String()
}
