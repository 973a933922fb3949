package templates

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wadesk/wadesk/providers"
)

// Sending an approved template: the values an agent gives for each of its
// variables (header, body, buttons), checked against what WhatsApp accepts
// before anything is queued, and the template as the customer will see it.

// Parts of a template a value goes into, as a send request names them.
const (
	PartHeader = "header"
	PartBody   = "body"
	PartButton = "button"
)

// Kinds of values.
const (
	ValueText       = "text"
	ValueImage      = "image"
	ValueVideo      = "video"
	ValueDocument   = "document"
	ValueURLSuffix  = "url_suffix"
	ValueCouponCode = "coupon_code"
	ValueCode       = "code"
)

// FieldTemplate keys problems about the template as a whole in Errors.
const FieldTemplate = "template"

// Limits on values Meta documents (or enforces) for template sends.
const (
	// MaxParamText bounds one text value.
	MaxParamText = 1024
	// MaxCode is the longest one-time code of an authentication template.
	MaxCode = 15
)

// SendField is one value an agent gives to send a template.
type SendField struct {
	// Name is the form field: "header_1", "header" (media), "body_2",
	// "body_first_name", "button_0".
	Name string
	// Part is PartHeader, PartBody or PartButton; ButtonIndex the button's
	// 0-based position.
	Part        string
	ButtonIndex int
	// Var is the variable as written in the template ("1", "first_name"),
	// "" for values that are not a text variable (media, codes).
	Var string
	// Kind is ValueText, ValueImage, ...
	Kind string
	// Label says in plain words what the value is.
	Label string
	// Hint says how to write it, "" when obvious.
	Hint string
	// Example is the template's example value, if it has one.
	Example string
	// Dynamic: the value may hold {contact_name} and other variables.
	Dynamic bool
	// ContactName: the variable is, by its name or the greeting before it,
	// the customer's name; the form suggests the contact's own.
	ContactName bool
}

// SendForm is what sending one template takes. Make it with NewSendForm.
type SendForm struct {
	// Fields are the values to fill, in the order the customer reads them.
	Fields []SendField
	// Unsupported, when not "", says why wadesk cannot send this template.
	Unsupported string
	comps       []providers.TemplateComponent
	params      Params
	auth        bool
}

// NewSendForm lists the values a template with these components takes.
func NewSendForm(cs []providers.TemplateComponent) SendForm {
	f := SendForm{comps: cs, params: CountParams(cs)}
	for _, c := range cs {
		switch strings.ToUpper(c.Type) {
		case "HEADER":
			f.headerFields(c)
		case "BODY":
			f.bodyFields(c)
		case "BUTTONS":
			for i, b := range c.Buttons {
				f.buttonField(i, b)
			}
		}
	}
	if f.auth {
		// Meta writes the body of an authentication template itself; its
		// one variable is the code, which the button carries too.
		code := SendField{Name: "body_1", Part: PartBody, Var: "1", Kind: ValueCode,
			Label: "Verification code", Hint: "At most 15 characters; the button copies the same code."}
		i := slices.IndexFunc(f.Fields, func(fd SendField) bool { return fd.Part == PartBody })
		if i >= 0 {
			f.Fields[i] = code
		} else {
			f.Fields = append([]SendField{code}, f.Fields...)
		}
	}
	return f
}

func (f *SendForm) headerFields(c providers.TemplateComponent) {
	switch format := strings.ToUpper(c.Format); format {
	case HeaderText, "":
		var ex []string
		if len(c.ExampleHeaderText) > 0 {
			ex = c.ExampleHeaderText
		}
		for i, name := range textVars(c.Text) {
			label, isName := varLabel(PartHeader, c.Text, name)
			f.Fields = append(f.Fields, SendField{Name: "header_" + name, Part: PartHeader, Var: name, Kind: ValueText,
				Label: label, Example: at(ex, i), Dynamic: true, ContactName: isName})
		}
	case HeaderImage, HeaderVideo, HeaderDocument:
		kind := strings.ToLower(format)
		f.Fields = append(f.Fields, SendField{Name: "header", Part: PartHeader, Kind: kind,
			Label: "Header " + kind + " link", Hint: "A public https:// address of the " + kind + " WhatsApp downloads."})
	case providers.FormatMediaLinkVariable:
		f.Unsupported = "This template's file address has a variable, which wadesk cannot fill in yet. Choose another template."
	case HeaderLocation:
		f.Unsupported = "This template's header is a location, which wadesk cannot fill in yet. Choose another template."
	default:
		f.Unsupported = "This template's header (" + format + ") is not one wadesk knows how to fill in. Choose another template."
	}
}

func (f *SendForm) bodyFields(c providers.TemplateComponent) {
	var ex []string
	if len(c.ExampleBodyText) > 0 {
		ex = c.ExampleBodyText[0]
	}
	for i, name := range textVars(c.Text) {
		label, isName := varLabel(PartBody, c.Text, name)
		f.Fields = append(f.Fields, SendField{Name: "body_" + name, Part: PartBody, Var: name, Kind: ValueText,
			Label: label, Example: at(ex, i), Dynamic: true, ContactName: isName})
	}
}

// anyVar is any {{variable}}, positional or named.
var anyVar = regexp.MustCompile(`\{\{[^}]*\}\}`)

// greetings are words that, right before a variable, make it the
// customer's name ("Hi {{1}},").
var greetings = map[string]bool{
	"hi": true, "hello": true, "hey": true, "dear": true, "olá": true, "ola": true, "oi": true,
	"hola": true, "bonjour": true, "salut": true, "ciao": true, "hallo": true, "welcome": true, "thanks": true,
}

// varLabel says in words what a text variable is: the customer's name when
// its name or the greeting before it says so, else where it goes, as the
// words around it with a blank: Fill in “your order ___ is ready”.
func varLabel(part, text, name string) (label string, isName bool) {
	before, after, _ := strings.Cut(text, "{{"+name+"}}")
	bw := strings.Fields(anyVar.ReplaceAllString(before, "…"))
	aw := strings.Fields(anyVar.ReplaceAllString(after, "…"))
	if len(bw) > 3 {
		bw = bw[len(bw)-3:]
	}
	if len(aw) > 3 {
		aw = aw[:3]
	}
	blank := "___"
	if len(aw) > 0 && strings.IndexFunc(aw[0][:1], unicode.IsPunct) == 0 {
		blank += aw[0]
		aw = aw[1:]
	}
	around := strings.Join(append(append(bw, blank), aw...), " ")
	prev := ""
	if len(bw) > 0 {
		prev = strings.ToLower(strings.TrimFunc(bw[len(bw)-1], func(r rune) bool { return !unicode.IsLetter(r) }))
	}
	lname := strings.ToLower(name)
	if greetings[prev] || lname == "name" || strings.Contains(lname, "first_name") || strings.Contains(lname, "customer_name") || strings.Contains(lname, "contact_name") {
		return "Customer's name, in “" + around + "”", true
	}
	if !positional(text) {
		words := strings.ReplaceAll(name, "_", " ")
		return strings.ToUpper(words[:1]) + words[1:] + ", in “" + around + "”", false
	}
	if part == PartHeader {
		return "Header: fill in “" + around + "”", false
	}
	return "Fill in “" + around + "”", false
}

func (f *SendForm) buttonField(i int, b providers.TemplateButton) {
	label := func(what string) string {
		if b.Text != "" {
			return fmt.Sprintf("Button %d “%s”: %s", i+1, b.Text, what)
		}
		return fmt.Sprintf("Button %d: %s", i+1, what)
	}
	name := "button_" + strconv.Itoa(i)
	switch typ := strings.ToUpper(b.Type); typ {
	case ButtonURL:
		if paramCount(b.URL) > 0 {
			f.Fields = append(f.Fields, SendField{Name: name, Part: PartButton, ButtonIndex: i, Kind: ValueURLSuffix,
				Label: label("end of the link"), Hint: "Completes " + b.URL + "; no spaces.", Example: at(b.Example, 0), Dynamic: true})
		}
	case ButtonCopyCode:
		f.Fields = append(f.Fields, SendField{Name: name, Part: PartButton, ButtonIndex: i, Kind: ValueCouponCode,
			Label: label("offer code"), Hint: "At most 15 characters.", Example: at(b.Example, 0)})
	case "OTP":
		f.auth = true
		f.Fields = append(f.Fields, SendField{Name: name, Part: PartButton, ButtonIndex: i, Kind: ValueCode,
			Label: label("verification code"), Hint: "The same code as in the text."})
	case "CATALOG", "MPM":
		f.Unsupported = "This template shows products from a catalog, which wadesk cannot send from the inbox yet."
	}
}

// textVars are the variables of text a send must fill: {{1}} to the
// highest number for positional templates, each name once for named ones.
func textVars(text string) []string {
	if positional(text) {
		n := paramCount(text)
		out := make([]string, n)
		for i := range n {
			out[i] = strconv.Itoa(i + 1)
		}
		return out
	}
	return varNames(text)
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// Field returns the field called name.
func (f SendForm) Field(name string) (SendField, bool) {
	for _, fd := range f.Fields {
		if fd.Name == name {
			return fd, true
		}
	}
	return SendField{}, false
}

// Filled is a template as it reaches the customer: it is kept with the
// sent message so that the inbox can show it.
type Filled struct {
	Name     string
	Language string
	Category string
	// HeaderFormat is "" (no header), TEXT, IMAGE, VIDEO or DOCUMENT;
	// Header is the text or the media's link.
	HeaderFormat string
	Header       string
	Body         string
	Footer       string
	Buttons      []string
}

// Fill checks the agent's values (keyed by field name; {variables}
// expanded from vals) and returns the template message to send and the
// template as the customer will see it. Problems are keyed by field name,
// or FieldTemplate for the template as a whole; nothing is returned to
// send while there are any. Values for fields the template does not have
// (it changed since the form was shown) are counted against it, so such a
// send is refused here rather than by the provider (132000).
func (f SendForm) Fill(name, language, category string, values map[string]string, vals Values) (providers.TemplateMessage, Filled, Errors) {
	errs := Errors{}
	if f.Unsupported != "" {
		errs[FieldTemplate] = f.Unsupported
		return providers.TemplateMessage{}, Filled{}, errs
	}
	filled := map[string]string{}
	for _, fd := range f.Fields {
		raw := values[fd.Name]
		v := strings.TrimSpace(raw)
		if fd.Dynamic {
			exp, problem := vals.Expand(v)
			if problem != "" {
				errs[fd.Name] = problem
				continue
			}
			v = strings.TrimSpace(exp)
		}
		if problem := checkValue(fd, v); problem != "" {
			errs[fd.Name] = problem
			continue
		}
		filled[fd.Name] = v
	}
	if f.auth {
		// The button repeats the code of the text; either may be left empty.
		body, button := "", ""
		for _, fd := range f.Fields {
			if fd.Kind == ValueCode && fd.Part == PartBody {
				body = fd.Name
			} else if fd.Kind == ValueCode {
				button = fd.Name
			}
		}
		if body != "" && button != "" {
			switch {
			case filled[body] == "" && filled[button] != "":
				filled[body] = filled[button]
				delete(errs, body)
			case filled[button] == "" && filled[body] != "":
				filled[button] = filled[body]
				delete(errs, button)
			case filled[body] != filled[button]:
				errs[button] = "The button must copy the same code as the text."
			}
		}
	}
	if len(errs) > 0 {
		return providers.TemplateMessage{}, Filled{}, errs
	}

	msg := providers.TemplateMessage{Name: name, Language: language}
	comps := map[string]*providers.TemplateParams{}
	var order []string
	add := func(key string, tp providers.TemplateParams, p providers.TemplateParameter) {
		c, ok := comps[key]
		if !ok {
			cp := tp
			c = &cp
			comps[key] = c
			order = append(order, key)
		}
		c.Parameters = append(c.Parameters, p)
	}
	for _, fd := range f.Fields {
		v := filled[fd.Name]
		p := f.parameter(fd, v)
		switch fd.Part {
		case PartHeader:
			add(PartHeader, providers.TemplateParams{Type: PartHeader}, p)
		case PartBody:
			add(PartBody, providers.TemplateParams{Type: PartBody}, p)
		case PartButton:
			sub := strings.ToLower(f.params.buttonType(fd.ButtonIndex))
			switch sub {
			case "otp":
				sub = "url"
			}
			add(fd.Name, providers.TemplateParams{Type: PartButton, SubType: sub, Index: fd.ButtonIndex}, p)
		}
	}
	// Values for fields this template does not have are counted too.
	extra := extraValues(f, values)
	for _, e := range extra {
		add(e.key, e.tp, providers.TemplateParameter{Type: "text", Text: e.value})
	}
	for _, k := range order {
		msg.Components = append(msg.Components, *comps[k])
	}
	if err := f.params.Check(msg.Components); err != nil {
		problem := err.Error()
		var me *MismatchError
		if errors.As(err, &me) {
			problem = me.Plain()
		}
		if len(extra) > 0 {
			problem += " The template may have changed since you opened this form; open it again."
		}
		errs[FieldTemplate] = problem
		return providers.TemplateMessage{}, Filled{}, errs
	}
	return msg, f.filled(name, language, category, filled), nil
}

func (p Params) buttonType(i int) string {
	for _, b := range p.Buttons {
		if b.Index == i {
			return b.Type
		}
	}
	return ""
}

// parameter is the send parameter for one filled field.
func (f SendForm) parameter(fd SendField, v string) providers.TemplateParameter {
	p := providers.TemplateParameter{Type: "text", Text: v}
	switch fd.Kind {
	case ValueImage, ValueVideo, ValueDocument:
		p = providers.TemplateParameter{Type: fd.Kind, Media: &providers.Media{Kind: providers.MessageKind(fd.Kind), Link: v}}
	case ValueCouponCode:
		p = providers.TemplateParameter{Type: "coupon_code", CouponCode: v}
	}
	if f.params.Named && fd.Var != "" && (fd.Part == PartBody || fd.Part == PartHeader) {
		p.Name = fd.Var
	}
	return p
}

type extraValue struct {
	key   string
	tp    providers.TemplateParams
	value string
}

// extraValues are the non-empty values given for template fields the form
// does not have, in a stable order.
func extraValues(f SendForm, values map[string]string) []extraValue {
	var names []string
	for name, v := range values {
		if strings.TrimSpace(v) == "" {
			continue
		}
		if _, ok := f.Field(name); ok {
			continue
		}
		if name == "header" || strings.HasPrefix(name, "header_") || strings.HasPrefix(name, "body_") || strings.HasPrefix(name, "button_") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var out []extraValue
	for _, name := range names {
		v := values[name]
		switch {
		case strings.HasPrefix(name, "body_"):
			out = append(out, extraValue{PartBody, providers.TemplateParams{Type: PartBody}, v})
		case strings.HasPrefix(name, "button_"):
			i, err := strconv.Atoi(strings.TrimPrefix(name, "button_"))
			if err != nil || i < 0 || i > MaxButtons {
				continue
			}
			sub := strings.ToLower(f.params.buttonType(i))
			if sub == "" {
				sub = "url"
			}
			out = append(out, extraValue{name, providers.TemplateParams{Type: PartButton, SubType: sub, Index: i}, v})
		default:
			out = append(out, extraValue{PartHeader, providers.TemplateParams{Type: PartHeader}, v})
		}
	}
	return out
}

// checkValue says what is wrong with one value, in plain words.
func checkValue(fd SendField, v string) string {
	if v == "" {
		switch fd.Kind {
		case ValueImage, ValueVideo, ValueDocument:
			return "Give the link of the " + fd.Kind + " to show in the header."
		}
		return "Fill this in: the template cannot be sent with it empty."
	}
	switch fd.Kind {
	case ValueText:
		if strings.ContainsAny(v, "\n\r\t") {
			return "WhatsApp does not accept line breaks or tabs in a template's values; write it on one line."
		}
		if strings.Contains(v, "     ") {
			return "WhatsApp does not accept more than four spaces in a row in a template's values."
		}
		limit := MaxParamText
		if fd.Part == PartHeader {
			limit = MaxHeaderText
		}
		if n := utf8.RuneCountInString(v); n > limit {
			return fmt.Sprintf("This is %d characters long; at most %d fit here.", n, limit)
		}
	case ValueURLSuffix:
		if strings.IndexFunc(v, unicode.IsSpace) >= 0 {
			return "The end of a link cannot contain spaces."
		}
		if n := utf8.RuneCountInString(v); n > MaxURLLength {
			return fmt.Sprintf("This is %d characters long; a link holds at most %d.", n, MaxURLLength)
		}
	case ValueCouponCode, ValueCode:
		if strings.IndexFunc(v, unicode.IsSpace) >= 0 {
			return "A code cannot contain spaces."
		}
		if n := utf8.RuneCountInString(v); n > MaxCouponCode {
			return fmt.Sprintf("This code is %d characters long; WhatsApp allows at most %d.", n, MaxCouponCode)
		}
	case ValueImage, ValueVideo, ValueDocument:
		u, err := url.Parse(v)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return "Give a public address starting with https://, for example https://example.com/photo.jpg."
		}
	}
	return ""
}

// filled renders the template with the values.
func (f SendForm) filled(name, language, category string, values map[string]string) Filled {
	p := f.Preview(values)
	out := Filled{Name: name, Language: language, Category: category, HeaderFormat: p.HeaderFormat,
		Body: Text(p.Body), Footer: p.Footer}
	switch p.HeaderFormat {
	case HeaderText:
		out.Header = Text(p.Header)
	case HeaderImage, HeaderVideo, HeaderDocument:
		out.Header = values["header"]
	}
	for _, b := range p.Buttons {
		out.Buttons = append(out.Buttons, b.Text)
	}
	return out
}

// Preview shows the template with the values given so far (keyed by field
// name, variables already expanded); a variable without a value is shown
// as {{n}} and marked missing.
func (f SendForm) Preview(values map[string]string) Preview {
	d := FromTemplate(providers.Template{Components: f.comps})
	for _, c := range f.comps {
		if strings.EqualFold(c.Type, "BUTTONS") {
			for _, b := range c.Buttons {
				if strings.EqualFold(b.Type, "OTP") {
					d.Category = CategoryAuthentication
				}
			}
		}
	}
	if d.Category == CategoryAuthentication {
		p := d.Preview()
		if code := strings.TrimSpace(values["body_1"]); code != "" && len(p.Body) > 0 {
			p.Body[0].Text = code
		} else if len(p.Body) > 0 {
			p.Body[0] = Segment{Text: "{{1}}", Var: true, Missing: true}
		}
		return p
	}
	d.HeaderExample = ""
	d.BodyExamples = nil
	for _, fd := range f.Fields {
		v := strings.TrimSpace(values[fd.Name])
		switch {
		case fd.Part == PartHeader && fd.Kind == ValueText:
			d.HeaderExample = v
		case fd.Part == PartBody:
			d.BodyExamples = append(d.BodyExamples, v)
		}
	}
	return d.Preview()
}
