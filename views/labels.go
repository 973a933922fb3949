package views

// LabelColours is the palette labels take their colour from, in the order
// the settings page offers them. Each has a light background and a dark
// text shade (app.css, .label-chip.label-NAME) whose contrast is above
// 4.5:1 in both the light and the dark scheme.
var LabelColours = []string{"grey", "red", "orange", "amber", "green", "teal", "blue", "purple", "pink"}

// IsLabelColour reports whether c is a palette colour.
func IsLabelColour(c string) bool {
	for _, k := range LabelColours {
		if k == c {
			return true
		}
	}
	return false
}

// LabelChip is a label as a coloured chip.
type LabelChip struct {
	ID     int64
	Name   string
	Colour string
}

func labelClass(colour string) string {
	if !IsLabelColour(colour) {
		colour = "grey"
	}
	return "label-chip label-" + colour
}

// LabelsView is Settings → Labels.
type LabelsView struct {
	Labels []LabelRow
	// New is the add form's values; Errors its problems (name, colour).
	New    LabelRow
	Errors Errors
	// EditID is the label whose row form was refused, with EditErrors and
	// the values typed in Edit.
	EditID     int64
	Edit       LabelRow
	EditErrors Errors
}

// LabelRow is one label of the settings page.
type LabelRow struct {
	ID            int64
	Name          string
	Colour        string
	Description   string
	Conversations int
	Contacts      int
}

// MaxLabelName is the longest label name accepted.
const MaxLabelName = 40

// rowValues is what a label's row form shows: what was typed when it was
// refused, else the label.
func (v LabelsView) rowValues(l LabelRow) LabelRow {
	if v.EditID == l.ID {
		return v.Edit
	}
	return l
}

func (v LabelsView) rowErrors(l LabelRow) Errors {
	if v.EditID == l.ID {
		return v.EditErrors
	}
	return nil
}

// ConversationLabels is the labels section of a conversation's side panel:
// the labels it carries, each removable, and the ones that may be added.
type ConversationLabels struct {
	ConversationID int64
	On             []LabelChip
	Others         []LabelChip
	// List is the inbox list's filters, carried by the forms.
	List  string
	Error string
	// IsAdmin: the viewer may create labels (Settings).
	IsAdmin bool
}
