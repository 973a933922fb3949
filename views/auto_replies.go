package views

// AutoRepliesView is a channel's business hours and automatic replies.
type AutoRepliesView struct {
	ChannelID    int64
	ChannelTitle string
	// Hours form.
	Zone     string
	Zones    []ZoneChoice
	Days     []DayHours
	Holidays string
	// OpenNow says whether the channel is open now ("" without hours).
	OpenNow    string
	HoursError Errors
	// Replies form.
	GreetingOn   bool
	GreetingText string
	AwayOn       bool
	AwayText     string
	RulesOn      bool
	RepliesError Errors
	// Rules and the new rule's form.
	Rules       []RuleRow
	NewRule     RuleForm
	RuleErrors  Errors
	Departments []Option
	Assignees   []Option
	Labels      []Option
}

// DayHours is one weekday's row of the hours form.
type DayHours struct {
	Key   string // mon, tue…
	Label string
	Open  bool
	From  string
	To    string
}

// RuleRow is one keyword rule in the list.
type RuleRow struct {
	ID      int64
	Enabled bool
	// Summary says in words when it applies and what it does.
	When string
	Does []string
}

// RuleForm is the new rule's form.
type RuleForm struct {
	Match      string
	Phrase     string
	Reply      string
	Options    string
	Department string
	Assignee   string
	Label      string
}
