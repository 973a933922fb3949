package views

// QuickRepliesView is the page that manages quick replies: the shared
// ones (admins change them) and the user's own.
type QuickRepliesView struct {
	IsAdmin bool
	Shared  []QuickReplyRow
	Own     []QuickReplyRow
	// New is the add form's values; Errors its problems (shortcut, body).
	New    QuickReplyRow
	Errors Errors
	// Variables are the {variables} a reply may use.
	Variables []VariableHint
}

// QuickReplyRow is one saved reply.
type QuickReplyRow struct {
	ID       int64
	Shortcut string
	Body     string
	Shared   bool
	// Editable: the viewer may change it (their own, or a shared one for
	// an admin).
	Editable bool
	// Options are the options offered with the reply, one a line, and
	// ListButton the label of the button that opens them as a list.
	Options    string
	ListButton string
	// File is the file the reply carries, in words ("menu.pdf, 12 KB");
	// "" for none. RemoveFile: the form asked to remove it. FileNote asks
	// for a chosen file again after the form was refused.
	File       string
	RemoveFile bool
	FileNote   string
	// Extras sums up the file and options for the list of replies.
	Extras []string
}

// QuickReplyEditView is the page that changes one reply.
type QuickReplyEditView struct {
	Reply     QuickReplyRow
	Errors    Errors
	Variables []VariableHint
}

// QuickReplyOption is a reply offered in the reply box, its {variables}
// already filled in for the conversation.
type QuickReplyOption struct {
	// ID is set when the reply's file or options go with it: the reply
	// box then sends them too. 0: its text alone.
	ID       int64
	Shortcut string
	Text     string
	Shared   bool
	// Extras says in words what goes with the text (its file, its
	// options), or why it cannot on this number.
	Extras string
}

// QuickReplyChosen is the quick reply whose file or options go with the
// text in the reply box: set by the picker, kept when a send is refused.
type QuickReplyChosen struct {
	ID     int64
	Extras string
}

// Limits of a quick reply.
const (
	MaxShortcutRunes   = 30
	MaxQuickReplyRunes = 4096
	// MaxQuickReplyListButton is WhatsApp's limit on a list button's label.
	MaxQuickReplyListButton = 20
)
