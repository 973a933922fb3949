package views

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/wadesk/wadesk/i18n"
)

// NavContacts is the contacts section of the sidebar.
const NavContacts = "contacts"

// ValidLabelColour reports whether c is in the labels' palette.
func ValidLabelColour(c string) bool { return IsLabelColour(c) }

// ContactsListView is the contacts list with its filters.
type ContactsListView struct {
	Search  string
	LabelID int64
	Consent string
	Labels  []LabelChip
	Rows    []ContactRow
	// NextURL continues the list ("" on the last page).
	NextURL string
	// Admin: may import and export.
	Admin    bool
	Filtered bool
}

// ContactRow is one line of the contacts list.
type ContactRow struct {
	ID            int64
	Name          string
	Phone         string
	Labels        []LabelChip
	OptedOut      bool
	OptedIn       bool
	Blocked       bool
	Conversations int
}

// ContactView is a contact's page.
type ContactView struct {
	ID        int64
	Name      string
	Phone     string
	HasNumber bool
	BSUID     string
	Username  string
	CreatedAt time.Time

	Labels []LabelChip
	// OtherLabels are the labels the contact does not carry.
	OtherLabels []LabelChip
	Attributes  []ContactAttr

	OptedInAt    *time.Time
	OptInSource  string
	OptedOutAt   *time.Time
	OptOutSource string
	Blocked      bool

	Conversations []ContactConversationRow
	// CanStart: the viewer has a number to start a conversation from.
	CanStart bool

	Errors      Errors
	NameValue   string
	AttrName    string
	AttrValue   string
	LabelName   string
	LabelColour string
}

// ContactAttr is a custom attribute.
type ContactAttr struct{ Name, Value string }

// ContactConversationRow links one of the contact's conversations.
type ContactConversationRow struct {
	ID            int64
	Channel       string
	Status        string
	LastMessageAt time.Time
}

// sourceText says how an opt-in or opt-out came, in the reader's language.
func sourceText(ctx context.Context, source string) string {
	switch {
	case strings.HasPrefix(source, "keyword:"):
		return i18n.T(ctx, "contacts.source.keyword", "Keyword", strings.TrimPrefix(source, "keyword:"))
	case source == "meta_button":
		return i18n.T(ctx, "contacts.source.meta_button")
	case source == "agent":
		return i18n.T(ctx, "contacts.source.agent")
	case source == "api":
		return i18n.T(ctx, "contacts.source.api")
	case source == "import":
		return i18n.T(ctx, "contacts.source.import")
	case source == "":
		return i18n.T(ctx, "contacts.source.none")
	}
	return source
}

// NewContactView is the form that starts a conversation with a number.
type NewContactView struct {
	Phone  string
	Name   string
	Errors Errors
}

// StartView is the form that sends a contact their first template.
type StartView struct {
	ContactID    int64
	ContactName  string
	ContactPhone string
	Channels     []Choice
	ChannelID    int64
	// Templates are the chosen channel's approved templates.
	Templates  []Choice
	TemplateID int64
	// Template is the chosen template's form (nil until one is chosen).
	Template *StartTemplate
	Errors   Errors
	Problem  string
}

// StartTemplate is the chosen template with its fields.
type StartTemplate struct {
	Name     string
	Language string
	Category string
	Body     string
	Fields   []StartField
}

// StartField is one value the template needs.
type StartField struct {
	Name        string
	Label       string
	Hint        string
	Value       string
	Placeholder string
	Error       string
}

// Choice is an id and a name for a select.
type Choice struct {
	ID   int64
	Name string
}

// contactTitle is a contact's name, or words for a contact without one.
func contactTitle(ctx context.Context, name string) string {
	if name == "" {
		return i18n.T(ctx, "contacts.no_name")
	}
	return name
}

func fieldInvalid(f StartField) templ.Attributes {
	if f.Error == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": f.Name + "-error"}
}

// exportURL is the CSV export of the list as filtered.
func exportURL(v ContactsListView) string {
	q := url.Values{}
	if v.Search != "" {
		q.Set("q", v.Search)
	}
	if v.LabelID > 0 {
		q.Set("label", itoa(v.LabelID))
	}
	if v.Consent != "" {
		q.Set("consent", v.Consent)
	}
	if len(q) == 0 {
		return "/contacts/export.csv"
	}
	return "/contacts/export.csv?" + q.Encode()
}
