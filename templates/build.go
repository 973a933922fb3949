package templates

import (
	"strings"

	"github.com/wadesk/wadesk/providers"
)

// Template builds what is submitted to the provider from a checked draft.
func (d Draft) Template() providers.Template {
	t := providers.Template{Name: d.Name, Language: d.Language, Category: d.Category, AllowCategoryChange: d.AllowCategoryChange}
	if d.Category == CategoryAuthentication {
		t.Components = d.authComponents()
		return t
	}
	switch d.HeaderFormat {
	case HeaderNone:
	case HeaderText:
		h := providers.TemplateComponent{Type: "HEADER", Format: HeaderText, Text: d.HeaderText}
		if len(varNames(d.HeaderText)) > 0 {
			h.ExampleHeaderText = []string{d.HeaderExample}
		}
		t.Components = append(t.Components, h)
	case HeaderLocation:
		t.Components = append(t.Components, providers.TemplateComponent{Type: "HEADER", Format: HeaderLocation})
	default:
		t.Components = append(t.Components, providers.TemplateComponent{Type: "HEADER", Format: d.HeaderFormat,
			ExampleHeaderHandle: []string{d.HeaderHandle}})
	}
	body := providers.TemplateComponent{Type: "BODY", Text: d.Body}
	if n := d.BodyVariables(); n > 0 {
		row := make([]string, n)
		copy(row, d.BodyExamples)
		body.ExampleBodyText = [][]string{row}
	}
	t.Components = append(t.Components, body)
	if d.Footer != "" {
		t.Components = append(t.Components, providers.TemplateComponent{Type: "FOOTER", Text: d.Footer})
	}
	var buttons []providers.TemplateButton
	for _, b := range d.ButtonsInUse() {
		pb := providers.TemplateButton{Type: b.Type, Text: b.Text}
		switch b.Type {
		case ButtonURL:
			pb.URL = b.URL
			if len(varNames(b.URL)) > 0 {
				pb.Example = []string{b.Example}
			}
		case ButtonPhone:
			pb.PhoneNumber = onlyDigits(b.Phone)
		case ButtonCopyCode:
			pb.Text = copyOfferText
			pb.Example = []string{b.Example}
		}
		buttons = append(buttons, pb)
	}
	if len(buttons) > 0 {
		t.Components = append(t.Components, providers.TemplateComponent{Type: "BUTTONS", Buttons: buttons})
	}
	return t
}

func (d Draft) authComponents() []providers.TemplateComponent {
	cs := []providers.TemplateComponent{{Type: "BODY", AddSecurityRecommendation: d.SecurityRecommendation}}
	if d.CodeExpiryMinutes > 0 {
		cs = append(cs, providers.TemplateComponent{Type: "FOOTER", CodeExpirationMinutes: d.CodeExpiryMinutes})
	}
	b := providers.TemplateButton{Type: "OTP", OTPType: d.OTPType, Text: d.OTPText}
	if b.Text == "" {
		b.Text = copyCodeText
	}
	if d.OTPType == OTPOneTap {
		b.AutofillText, b.PackageName, b.SignatureHash = d.AutofillText, d.PackageName, d.SignatureHash
		if b.AutofillText == "" {
			b.AutofillText = autofillText
		}
	}
	return append(cs, providers.TemplateComponent{Type: "BUTTONS", Buttons: []providers.TemplateButton{b}})
}

// FromTemplate turns a provider template back into a draft, to edit or
// duplicate it. Parts a form cannot show (flows, catalogs) are dropped.
func FromTemplate(t providers.Template) Draft {
	d := Draft{Name: t.Name, Language: t.Language, Category: strings.ToUpper(t.Category)}
	for _, c := range t.Components {
		switch strings.ToUpper(c.Type) {
		case "HEADER":
			d.HeaderFormat = strings.ToUpper(c.Format)
			d.HeaderText = c.Text
			if len(c.ExampleHeaderText) > 0 {
				d.HeaderExample = c.ExampleHeaderText[0]
			}
			if len(c.ExampleHeaderHandle) > 0 {
				d.HeaderHandle = c.ExampleHeaderHandle[0]
			}
		case "BODY":
			d.Body = c.Text
			d.SecurityRecommendation = c.AddSecurityRecommendation
			if len(c.ExampleBodyText) > 0 {
				d.BodyExamples = append([]string(nil), c.ExampleBodyText[0]...)
			}
		case "FOOTER":
			d.Footer = c.Text
			d.CodeExpiryMinutes = c.CodeExpirationMinutes
		case "BUTTONS":
			for _, b := range c.Buttons {
				switch typ := strings.ToUpper(b.Type); typ {
				case "OTP":
					d.OTPType = strings.ToUpper(b.OTPType)
					d.OTPText, d.AutofillText = b.Text, b.AutofillText
					d.PackageName, d.SignatureHash = b.PackageName, b.SignatureHash
				case ButtonQuickReply, ButtonURL, ButtonPhone, ButtonCopyCode:
					nb := Button{Type: typ, Text: b.Text, URL: b.URL, Phone: b.PhoneNumber}
					if len(b.Example) > 0 {
						nb.Example = b.Example[0]
					}
					if typ == ButtonCopyCode {
						nb.Text = ""
					}
					d.Buttons = append(d.Buttons, nb)
				}
			}
		}
	}
	if d.Category == CategoryAuthentication {
		// Meta wrote these texts; the form does not edit them.
		d.Body, d.Footer = "", ""
	}
	return d
}
