package views

// OptOutLanguages are the languages keywords and confirmations can be in.
var OptOutLanguages = []string{"en", "es", "pt", "fr", "de", "it", "nl", "id", "tr", "ar", "hi"}

// ValidOptOutLanguage reports whether l is one of OptOutLanguages.
func ValidOptOutLanguage(l string) bool {
	for _, x := range OptOutLanguages {
		if x == l {
			return true
		}
	}
	return false
}

// OptOutView is Settings → Opt-out.
type OptOutView struct {
	Keywords []OptOutKeywordRow
	// Replies are the confirmations by language, one per language offered.
	Replies  []OptOutReplyRow
	Keyword  string
	Language string
	Errors   Errors
}

// OptOutKeywordRow is one keyword.
type OptOutKeywordRow struct {
	ID       int64
	Keyword  string
	Language string
}

// OptOutReplyRow is the confirmation of one language.
type OptOutReplyRow struct {
	Language string
	Body     string
	Error    string
}
