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
	Shortcut string
	Text     string
	Shared   bool
}

// Limits of a quick reply.
const (
	MaxShortcutRunes   = 30
	MaxQuickReplyRunes = 4096
)
