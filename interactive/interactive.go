// Package interactive turns the choices an agent offers a customer into a
// WhatsApp interactive message: up to three options become reply buttons,
// four to ten become a list. Every limit WhatsApp sets is checked before
// sending, and each problem is reported against the field the agent typed
// it in, in plain words.
//
// Lengths are counted in Unicode code points (Go runes), the way the
// providers package counts them: an emoji such as 😀 counts as one
// character, however many bytes it takes. Emoji built from several code
// points (skin tones, families, flags) count each of their code points.
package interactive

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wadesk/wadesk/providers"
)

// Field names used in errors. Per-option fields are named by OptionField,
// e.g. "options[3].title" for the title of the fourth option.
const (
	FieldHeader  = "header"
	FieldBody    = "body"
	FieldFooter  = "footer"
	FieldButton  = "button" // the label of the button that opens a list
	FieldOptions = "options"
)

// Sub-fields of an option.
const (
	OptionTitle       = "title"
	OptionDescription = "description"
	OptionID          = "id"
	OptionSection     = "section"
)

// OptionField names a field of the option at index i (0-based), e.g.
// OptionField(3, OptionTitle) is "options[3].title".
func OptionField(i int, sub string) string {
	return fmt.Sprintf("%s[%d].%s", FieldOptions, i, sub)
}

// MaxOptions is the most options one message can offer (a list's rows).
const MaxOptions = providers.MaxListRows

// Option is one choice offered to the customer.
type Option struct {
	// ID comes back in the customer's reply. It is trimmed of surrounding
	// spaces; when empty, "option-N" is used, N being the option's position
	// counted from 1.
	ID    string
	Title string
	// Description is shown under the title in a list; reply buttons have
	// none, so an option with a description makes the message a list.
	Description string
	// Section groups options under a heading in a list. Options are grouped
	// by section in the order each section first appears. When there is
	// more than one section, every option needs one. Reply buttons have no
	// sections, so an option with a section makes the message a list.
	Section string
}

// Message is what the agent wrote.
type Message struct {
	// Header is optional text shown above the body.
	Header string
	// Body is the message text; required.
	Body string
	// Footer is optional small text under the body.
	Footer string
	// ListButton is the label of the button that opens a list; required
	// when the message becomes a list, ignored for reply buttons.
	ListButton string
	Options    []Option
}

// FieldError is one problem with one field.
type FieldError struct {
	// Field is FieldBody, FieldButton, ... or an OptionField name.
	Field string
	// Message is the problem in plain words, for the agent.
	Message string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// Errors are all the problems found in a Message. Build returns them as its error; use errors.As to get them.
type Errors []FieldError

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "interactive: " + strings.Join(parts, "; ")
}

// For returns the messages about field, joined by a space, or "".
func (es Errors) For(field string) string {
	var msgs []string
	for _, e := range es {
		if e.Field == field {
			msgs = append(msgs, e.Message)
		}
	}
	return strings.Join(msgs, " ")
}

// Map returns the messages keyed by field, for forms.
func (es Errors) Map() map[string]string {
	m := make(map[string]string, len(es))
	for _, e := range es {
		if m[e.Field] != "" {
			m[e.Field] += " "
		}
		m[e.Field] += e.Message
	}
	return m
}

// AsErrors finds the field errors in err's chain.
func AsErrors(err error) (Errors, bool) {
	var es Errors
	ok := errors.As(err, &es)
	return es, ok
}

// Build checks m and returns the interactive message to send: reply
// buttons for 1 to 3 options without descriptions or sections, otherwise a
// list. Text is trimmed of surrounding spaces. When something is wrong the
// error is an Errors holding every problem found.
func Build(m Message) (providers.Interactive, error) {
	var v validator
	header := strings.TrimSpace(m.Header)
	body := strings.TrimSpace(m.Body)
	footer := strings.TrimSpace(m.Footer)

	v.maxLen(FieldHeader, header, providers.MaxHeaderText, "The header")
	v.oneLine(FieldHeader, header, "The header")
	if body == "" {
		v.add(FieldBody, "Write the message text.")
	}
	v.maxLen(FieldBody, body, providers.MaxInteractiveBody, "The message text")
	v.maxLen(FieldFooter, footer, providers.MaxInteractiveFooter, "The footer")

	opts := make([]Option, len(m.Options))
	asList := len(m.Options) > providers.MaxReplyButtons
	for i, o := range m.Options {
		opts[i] = Option{
			ID:          strings.TrimSpace(o.ID),
			Title:       strings.TrimSpace(o.Title),
			Description: strings.TrimSpace(o.Description),
			Section:     strings.TrimSpace(o.Section),
		}
		if opts[i].ID == "" {
			opts[i].ID = fmt.Sprintf("option-%d", i+1)
		}
		if opts[i].Description != "" || opts[i].Section != "" {
			asList = true
		}
	}

	switch n := len(opts); {
	case n == 0:
		v.add(FieldOptions, "Add at least one option for the customer to choose.")
	case n > MaxOptions:
		for i := MaxOptions; i < n; i++ {
			v.add(OptionField(i, OptionTitle), fmt.Sprintf("WhatsApp allows at most %d options in one message. Remove this option.", MaxOptions))
		}
		opts = opts[:MaxOptions] // check the rest as a list
	}

	out := providers.Interactive{Body: body, Footer: footer}
	if header != "" {
		out.Header = &providers.InteractiveHeader{Type: "text", Text: header}
	}
	if asList {
		out.Type = providers.InteractiveList
		out.ListButton = strings.TrimSpace(m.ListButton)
		out.Sections = v.list(out.ListButton, opts)
	} else {
		out.Type = providers.InteractiveButton
		out.Buttons = v.buttons(opts)
	}
	if len(v.errs) > 0 {
		return providers.Interactive{}, v.errs
	}
	return out, nil
}

type validator struct{ errs Errors }

func (v *validator) add(field, msg string) {
	v.errs = append(v.errs, FieldError{Field: field, Message: msg})
}

// maxLen refuses s when it has more than max characters; what names the
// field in the message ("The header").
func (v *validator) maxLen(field, s string, max int, what string) {
	if n := utf8.RuneCountInString(s); n > max {
		v.add(field, fmt.Sprintf("%s is %d characters long; WhatsApp allows at most %d.", what, n, max))
	}
}

// oneLine refuses line breaks and other control characters, which
// WhatsApp does not show in titles and labels.
func (v *validator) oneLine(field, s, what string) {
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		v.add(field, what+" must fit on one line, without line breaks or tabs.")
	}
}

// option checks what buttons and rows share.
func (v *validator) option(i int, o Option, maxTitle, maxID int, what string) {
	field := OptionField(i, OptionTitle)
	if o.Title == "" {
		v.add(field, fmt.Sprintf("Give option %d a title.", i+1))
	}
	v.maxLen(field, o.Title, maxTitle, "The "+what+" title")
	v.oneLine(field, o.Title, "The "+what+" title")

	idField := OptionField(i, OptionID)
	if n := utf8.RuneCountInString(o.ID); n > maxID {
		v.add(idField, fmt.Sprintf("The ID is %d characters long; WhatsApp allows at most %d.", n, maxID))
	}
}

func (v *validator) uniqueIDs(opts []Option) {
	seen := map[string]int{}
	for i, o := range opts {
		if j, ok := seen[o.ID]; ok {
			v.add(OptionField(i, OptionID), fmt.Sprintf("Option %d already has the ID %q; each option needs its own.", j+1, o.ID))
			continue
		}
		seen[o.ID] = i
	}
}

// uniqueTitles refuses options whose titles look the same to the customer
// (same letters, any case) among the options at the indexes given.
func (v *validator) uniqueTitles(opts []Option, idx []int, what string) {
	seen := map[string]int{}
	for _, i := range idx {
		key := strings.ToLower(opts[i].Title)
		if key == "" {
			continue
		}
		if j, ok := seen[key]; ok {
			v.add(OptionField(i, OptionTitle), fmt.Sprintf("Option %d already has the title %q; each %s needs its own title.", j+1, opts[j].Title, what))
			continue
		}
		seen[key] = i
	}
}

func (v *validator) buttons(opts []Option) []providers.ReplyButton {
	idx := make([]int, len(opts))
	bs := make([]providers.ReplyButton, len(opts))
	for i, o := range opts {
		v.option(i, o, providers.MaxButtonTitle, providers.MaxButtonID, "button")
		idx[i] = i
		bs[i] = providers.ReplyButton{ID: o.ID, Title: o.Title}
	}
	v.uniqueIDs(opts)
	v.uniqueTitles(opts, idx, "button")
	return bs
}

func (v *validator) list(button string, opts []Option) []providers.Section {
	if button == "" {
		v.add(FieldButton, "Write the label of the button that opens the list.")
	}
	v.maxLen(FieldButton, button, providers.MaxListButton, "The list button label")
	v.oneLine(FieldButton, button, "The list button label")

	// Group by section, in the order sections first appear.
	var order []string
	members := map[string][]int{}
	for i, o := range opts {
		v.option(i, o, providers.MaxRowTitle, providers.MaxRowID, "row")
		v.maxLen(OptionField(i, OptionDescription), o.Description, providers.MaxRowDescription, "The description")
		if _, ok := members[o.Section]; !ok {
			order = append(order, o.Section)
		}
		members[o.Section] = append(members[o.Section], i)
	}
	v.uniqueIDs(opts)

	sections := make([]providers.Section, 0, len(order))
	for _, name := range order {
		idx := members[name]
		first := OptionField(idx[0], OptionSection)
		if len(order) > 1 && name == "" {
			for _, i := range idx {
				v.add(OptionField(i, OptionSection), "The list has several sections, so this option needs one too.")
			}
		}
		v.maxLen(first, name, providers.MaxSectionTitle, "The section title")
		v.oneLine(first, name, "The section title")
		v.uniqueTitles(opts, idx, "row in a section")

		s := providers.Section{Title: name}
		for _, i := range idx {
			s.Rows = append(s.Rows, providers.ListRow{ID: opts[i].ID, Title: opts[i].Title, Description: opts[i].Description})
		}
		sections = append(sections, s)
	}
	return sections
}
