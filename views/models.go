// Package views renders wadesk's HTML with templ. Components take view
// models defined here, never store records, so a page shows exactly what
// its handler decided to show.
package views

// Page is what every full page needs: its title, the active section, who
// is signed in (nil on the login and setup pages) and one-shot messages.
type Page struct {
	Title   string
	Nav     string
	User    *CurrentUser
	Flashes []Flash
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

// Navigation sections.
const (
	NavInbox     = "inbox"
	NavChannels  = "channels"
	NavTemplates = "templates"
	NavStore     = "store"
	NavSettings  = "settings"
	NavAccount   = "account"
)
