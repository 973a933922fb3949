// Package consent holds the rule "may this contact be sent this message":
// a blocked contact is sent nothing; a contact who opted out of marketing
// is never sent a marketing template (utility and authentication
// templates, and replies inside the customer service window, still go).
// The composer, the outbox, campaigns and the API all ask here, so the
// rule and its words live once.
//
// It also recognises a customer's request to stop marketing: a message
// that is one of the configured opt-out keywords, or a tap on Meta's
// "Stop promotions" button of a marketing template.
package consent

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/wadesk/wadesk/i18n"
)

// State is what is known of a contact's consent.
type State struct {
	// OptedInAt is when the customer agreed to business-initiated
	// messages (nil: not recorded), OptInSource how.
	OptedInAt   *time.Time
	OptInSource string
	// MarketingOptedOutAt is when the customer asked not to get marketing
	// (nil: they have not), OptOutSource how ("keyword:STOP",
	// SourceMetaButton, SourceAgent, SourceAPI, SourceImport).
	MarketingOptedOutAt *time.Time
	OptOutSource        string
	// Blocked: the business blocked the contact.
	Blocked bool
}

// OptedOut reports whether the contact asked not to get marketing.
func (s State) OptedOut() bool { return s.MarketingOptedOutAt != nil }

// Sources of an opt-in or opt-out.
const (
	SourceAgent      = "agent"
	SourceAPI        = "api"
	SourceImport     = "import"
	SourceMetaButton = "meta_button"
	// SourceKeyword prefixes the keyword the customer sent: "keyword:STOP".
	SourceKeyword = "keyword:"
)

// Codes of a refusal, stable for the API's problem documents.
const (
	CodeBlocked           = "contact_blocked"
	CodeMarketingOptedOut = "marketing_opted_out"
)

// RefusedError says why a message may not be sent to the contact, in
// plain words (Reason) and as a stable code.
type RefusedError struct {
	Code   string
	Reason string
}

func (e *RefusedError) Error() string { return "consent: " + e.Reason }

// Marketing is the template category that an opt-out stops.
const Marketing = "MARKETING"

// Check returns nil when a message may be sent to a contact in state s,
// or a *RefusedError whose Reason is in the language of ctx's reader.
// templateCategory is the template's category ("MARKETING", "UTILITY",
// "AUTHENTICATION"); "" for a message that is not a template.
func Check(ctx context.Context, s State, templateCategory string) error {
	if s.Blocked {
		return &RefusedError{Code: CodeBlocked, Reason: i18n.T(ctx, "contacts.refused.blocked")}
	}
	if s.OptedOut() && strings.EqualFold(strings.TrimSpace(templateCategory), Marketing) {
		return &RefusedError{Code: CodeMarketingOptedOut, Reason: i18n.T(ctx, "contacts.refused.opted_out",
			"How", DescribeSource(ctx, s.OptOutSource), "When", i18n.Date(ctx, *s.MarketingOptedOutAt))}
	}
	return nil
}

// DescribeSource says in words how an opt-in or opt-out came.
func DescribeSource(ctx context.Context, source string) string {
	switch {
	case strings.HasPrefix(source, SourceKeyword):
		return i18n.T(ctx, "contacts.source.keyword", "Keyword", strings.TrimPrefix(source, SourceKeyword))
	case source == SourceMetaButton, source == SourceAgent, source == SourceAPI, source == SourceImport:
		return i18n.T(ctx, "contacts.source."+source)
	case source == "":
		return i18n.T(ctx, "contacts.source.none")
	}
	return source
}

// Keyword is an opt-out keyword of a language.
type Keyword struct {
	Keyword  string
	Language string
}

// MatchKeyword returns the keyword that text is, if any. A message matches
// when, letter case, surrounding spaces and closing punctuation aside, it
// is the keyword and nothing else: "Stop!" matches STOP, "please stop
// sending offers" does not (an agent reads that one).
func MatchKeyword(text string, keywords []Keyword) (Keyword, bool) {
	t := normalise(text)
	if t == "" {
		return Keyword{}, false
	}
	for _, k := range keywords {
		if normalise(k.Keyword) == t {
			return k, true
		}
	}
	return Keyword{}, false
}

func normalise(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// MetaStopButton is the text of the quick-reply button Meta adds to
// marketing templates; a tap arrives as a button reply with this text.
const MetaStopButton = "Stop promotions"

// IsStopButton reports whether a button reply (its text and payload) is
// a tap on Meta's marketing opt-out button.
func IsStopButton(text, payload string) bool {
	return strings.EqualFold(strings.TrimSpace(text), MetaStopButton) || strings.EqualFold(strings.TrimSpace(payload), MetaStopButton)
}

// Problems with a keyword an admin typed (message ids).
const (
	KeywordMissing   = "contacts.optout.error_missing"
	KeywordTooLong   = "contacts.optout.error_long"
	KeywordTooMany   = "contacts.optout.error_words"
	KeywordNoLetters = "contacts.optout.error_letters"
)

// ValidKeyword checks a keyword an admin typed: one to three words, at
// most 30 characters; problem is a message id.
func ValidKeyword(k string) (clean, problem string) {
	clean = strings.Join(strings.Fields(k), " ")
	switch {
	case clean == "":
		return "", KeywordMissing
	case len([]rune(clean)) > 30:
		return clean, KeywordTooLong
	case len(strings.Fields(clean)) > 3:
		return clean, KeywordTooMany
	case normalise(clean) == "":
		return clean, KeywordNoLetters
	}
	return clean, ""
}
