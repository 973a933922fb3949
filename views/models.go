// Package views renders wadesk's HTML with templ. Components take view
// models defined here, never store records, so a page shows exactly what
// its handler decided to show.
package views

import "sort"

// Page is what every full page needs: its title, the active section, who
// is signed in (nil on the login and setup pages) and one-shot messages.
type Page struct {
	Title   string
	Nav     string
	User    *CurrentUser
	Flashes []Flash
	// Address is where this page can be loaded again with GET. A form that
	// fails re-renders at its POST-only action; the browser is moved to
	// Address (history.replaceState) so that a reload shows the form's
	// page, never a 404 or a resubmission.
	Address string
	// Alerts are standing problems an admin must act on, shown on every
	// page until they are solved.
	Alerts []Alert
}

// Alert is a standing problem with a link to where it is solved.
type Alert struct {
	Message   string
	Link      string
	LinkLabel string
}

// CurrentUser is the signed-in person as the layout shows them.
type CurrentUser struct {
	ID      int64
	Name    string
	Email   string
	IsAdmin bool
}

// Flash is a one-shot message shown after a redirect.
type Flash struct {
	Kind    string // success, error or info
	Message string
}

// Errors maps a form field's name to a plain-words problem with it.
type Errors map[string]string

// Has reports whether the field has an error.
func (e Errors) Has(field string) bool { return e[field] != "" }

// FieldError is one field's problem as the error summary lists it.
type FieldError struct {
	Field   string // the input's name; its message has the id Field+"-error"
	Label   string
	Message string
}

// Fields lists the field errors (not the whole-form one, key ""), sorted
// by field name; the page's script puts them in the form's order.
func (e Errors) Fields() []FieldError {
	var out []FieldError
	for name, msg := range e {
		if name != "" && msg != "" {
			out = append(out, FieldError{Field: name, Label: fieldLabel(name), Message: msg})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// Navigation sections.
const (
	NavInbox     = "inbox"
	NavChannels  = "channels"
	NavTemplates = "templates"
	NavStore     = "store"
	NavInsights  = "insights"
	NavSettings  = "settings"
	NavAccount   = "account"
)
