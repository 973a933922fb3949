package templates

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/providers"
)

// Params is how many values each component of a template takes when it is
// sent. Sending with other counts fails at the provider (Meta's 132000,
// "number of parameters does not match"); Check finds it before sending.
type Params struct {
	// Named is true for templates whose variables have names ({{first_name}}).
	Named bool
	// HeaderFormat is "" when the template has no header.
	HeaderFormat string
	// Header is 1 for a text header with a variable and for media and
	// location headers (the file or place is sent as the parameter).
	Header int
	Body   int
	// Buttons lists every button by its index, parameter or not.
	Buttons []ButtonParams
}

// ButtonParams is what one button takes when the template is sent.
type ButtonParams struct {
	// Index is the button's 0-based position, as a send request names it.
	Index int
	// Type is the template's button type (QUICK_REPLY, URL, OTP, ...).
	Type string
	// SubType is the sub_type a send request gives this button.
	SubType string
	// Count is the number of values the button needs.
	Count int
	// Optional: the button may get one value (a quick reply's payload, a
	// flow's token) but needs none.
	Optional bool
}

// CountParams counts the parameters of a template's components.
func CountParams(cs []providers.TemplateComponent) Params {
	var p Params
	for _, c := range cs {
		switch strings.ToUpper(c.Type) {
		case "HEADER":
			p.HeaderFormat = strings.ToUpper(c.Format)
			switch p.HeaderFormat {
			case HeaderText, "":
				p.Header = paramCount(c.Text)
				p.Named = p.Named || (p.Header > 0 && !positional(c.Text))
			default:
				p.Header = 1
			}
		case "BODY":
			p.Body = paramCount(c.Text)
			p.Named = p.Named || (p.Body > 0 && !positional(c.Text))
		case "BUTTONS":
			for i, b := range c.Buttons {
				p.Buttons = append(p.Buttons, buttonParams(i, b))
			}
		}
	}
	for _, b := range p.Buttons {
		if b.Type == "OTP" && p.Body == 0 {
			// Meta writes an authentication body, "*{{1}}* is your
			// verification code.", even when it was submitted without text.
			p.Body = 1
		}
	}
	return p
}

func buttonParams(i int, b providers.TemplateButton) ButtonParams {
	typ := strings.ToUpper(b.Type)
	bp := ButtonParams{Index: i, Type: typ, SubType: strings.ToLower(typ)}
	switch typ {
	case ButtonQuickReply:
		bp.Optional = true
	case ButtonURL:
		bp.Count = paramCount(b.URL)
	case ButtonCopyCode:
		bp.Count = 1
	case "OTP":
		// The one-time code is sent as the button's value, named "url".
		bp.SubType, bp.Count = "url", 1
	case "FLOW":
		bp.Optional = true
	case "CATALOG", "MPM":
		bp.Count = 1
	}
	return bp
}

// CountParamsJSON counts the parameters of components stored as JSON.
func CountParamsJSON(componentsJSON string) (Params, error) {
	cs, err := DecodeComponents(componentsJSON)
	if err != nil {
		return Params{}, err
	}
	return CountParams(cs), nil
}

// Total is the number of values the template needs at least.
func (p Params) Total() int {
	n := p.Header + p.Body
	for _, b := range p.Buttons {
		n += b.Count
	}
	return n
}

// MismatchError lists, in plain words, how the values given for a template
// differ from what it takes.
type MismatchError struct {
	Problems []string
}

func (e *MismatchError) Error() string {
	return "templates: parameters do not match: " + strings.Join(e.Problems, " ")
}

// Plain returns the problems as one sentence list for people.
func (e *MismatchError) Plain() string { return strings.Join(e.Problems, " ") }

// Check compares the values about to be sent with what the template takes
// and returns a *MismatchError when they differ.
func (p Params) Check(given []providers.TemplateParams) error {
	var problems []string
	var header, body int
	buttons := map[int]providers.TemplateParams{}
	for _, g := range given {
		switch strings.ToLower(g.Type) {
		case "header":
			header += len(g.Parameters)
		case "body":
			body += len(g.Parameters)
		case "button":
			if _, dup := buttons[g.Index]; dup {
				problems = append(problems, fmt.Sprintf("Button %d is given values twice.", g.Index+1))
			}
			buttons[g.Index] = g
		default:
			problems = append(problems, fmt.Sprintf("The template has no %q part.", g.Type))
		}
	}
	if header != p.Header {
		problems = append(problems, fmt.Sprintf("The header takes %s, %s given.", values(p.Header), strconv.Itoa(header)))
	}
	if body != p.Body {
		problems = append(problems, fmt.Sprintf("The text takes %s, %s given.", values(p.Body), strconv.Itoa(body)))
	}
	known := map[int]ButtonParams{}
	for _, b := range p.Buttons {
		known[b.Index] = b
		g, ok := buttons[b.Index]
		n := len(g.Parameters)
		switch {
		case !ok && b.Count > 0:
			problems = append(problems, fmt.Sprintf("Button %d takes %s, none given.", b.Index+1, values(b.Count)))
		case !ok:
		case b.Optional && n <= 1:
		case n != b.Count:
			problems = append(problems, fmt.Sprintf("Button %d takes %s, %d given.", b.Index+1, values(b.Count), n))
		}
		if ok && g.SubType != "" && !strings.EqualFold(g.SubType, b.SubType) {
			problems = append(problems, fmt.Sprintf("Button %d is a %s button, not %s.", b.Index+1, b.SubType, g.SubType))
		}
	}
	var unknown []int
	for i := range buttons {
		if _, ok := known[i]; !ok {
			unknown = append(unknown, i)
		}
	}
	sort.Ints(unknown)
	for _, i := range unknown {
		problems = append(problems, fmt.Sprintf("The template has no button %d.", i+1))
	}
	if len(problems) > 0 {
		return &MismatchError{Problems: problems}
	}
	return nil
}

func values(n int) string {
	if n == 1 {
		return "1 value"
	}
	return strconv.Itoa(n) + " values"
}
