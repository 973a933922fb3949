package commerce

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/templates"
)

// PaymentText is the free-form message that carries a payment link inside
// the 24-hour window.
func PaymentText(o LinkOrder, link string) string {
	return "Thank you for your order #" + strconv.FormatInt(o.ID, 10) + ". Total: " + Format(o.Amount1000, o.Currency) +
		".\nPay here: " + link
}

// Ways a template can carry a payment link.
const (
	// TemplateBody: the link is the template's one body variable.
	TemplateBody = "body"
	// TemplateButton: the template's URL button ends with a variable, and
	// the link must start like the button's address; the rest is sent.
	TemplateButton = "button"
)

// TemplateFit says whether and how a template can carry payment links.
type TemplateFit struct {
	OK bool
	// Mode is TemplateBody or TemplateButton.
	Mode string
	// ParamName is the body variable's name in a template with named
	// variables ("" for {{1}}).
	ParamName string
	// ButtonIndex and ButtonPrefix locate the URL button (button mode):
	// the button opens ButtonPrefix followed by the variable.
	ButtonIndex  int
	ButtonPrefix string
	// Problem says in plain words why the template cannot carry a link.
	Problem string
}

var templateVar = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// PaymentTemplateFit checks a template (its category and components as
// stored) for carrying payment links: a UTILITY template that takes
// exactly one value, either in its body or at the end of a URL button.
func PaymentTemplateFit(category, componentsJSON string) TemplateFit {
	if !strings.EqualFold(category, "UTILITY") {
		return TemplateFit{Problem: "Payment links go in a Utility template; this one is " + strings.ToLower(category) + "."}
	}
	cs, err := templates.DecodeComponents(componentsJSON)
	if err != nil {
		return TemplateFit{Problem: "The template's parts could not be read."}
	}
	p := templates.CountParams(cs)
	if p.Total() != 1 || p.Header != 0 {
		return TemplateFit{Problem: "The template must take exactly one value (the link), in its text or at the end of a link button; this one takes " +
			strconv.Itoa(p.Total()) + "."}
	}
	if p.Body == 1 {
		fit := TemplateFit{OK: true, Mode: TemplateBody}
		if p.Named {
			for _, c := range cs {
				if strings.EqualFold(c.Type, "BODY") {
					if m := templateVar.FindStringSubmatch(c.Text); m != nil {
						fit.ParamName = m[1]
					}
				}
			}
		}
		return fit
	}
	for _, b := range p.Buttons {
		if b.Type != templates.ButtonURL || b.Count != 1 {
			continue
		}
		for _, c := range cs {
			if !strings.EqualFold(c.Type, "BUTTONS") || b.Index >= len(c.Buttons) {
				continue
			}
			u := c.Buttons[b.Index].URL
			loc := templateVar.FindStringIndex(u)
			if loc == nil || loc[1] != len(u) {
				return TemplateFit{Problem: "The template's link button must end with its variable, like https://buy.stripe.com/{{1}}."}
			}
			return TemplateFit{OK: true, Mode: TemplateButton, ButtonIndex: b.Index, ButtonPrefix: u[:loc[0]]}
		}
	}
	return TemplateFit{Problem: "The template's one value is neither in its text nor at the end of a link button."}
}

// PaymentTemplateMessage fills a fitting template with a payment link.
func PaymentTemplateMessage(name, language string, fit TemplateFit, link string) (*providers.TemplateMessage, error) {
	if !fit.OK {
		return nil, fmt.Errorf("the template %s cannot carry payment links: %s", name, fit.Problem)
	}
	tm := &providers.TemplateMessage{Name: name, Language: language}
	switch fit.Mode {
	case TemplateBody:
		tm.Components = []providers.TemplateParams{{Type: "body",
			Parameters: []providers.TemplateParameter{{Type: "text", Name: fit.ParamName, Text: link}}}}
	case TemplateButton:
		suffix, ok := strings.CutPrefix(link, fit.ButtonPrefix)
		if !ok || suffix == "" {
			return nil, fmt.Errorf("the template %s has a button that opens %s…, but the payment link is %s. Choose a template whose button starts like your payment partner's link, or one with the link in its text",
				name, fit.ButtonPrefix, link)
		}
		tm.Components = []providers.TemplateParams{{Type: "button", SubType: "url", Index: fit.ButtonIndex,
			Parameters: []providers.TemplateParameter{{Type: "text", Text: suffix}}}}
	default:
		return nil, fmt.Errorf("commerce: payment template: unknown mode %q", fit.Mode)
	}
	return tm, nil
}
