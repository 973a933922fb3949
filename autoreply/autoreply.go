// Package autoreply decides what wadesk answers by itself to a customer's
// message: a greeting for their first message, an away message outside
// business hours (once per closed period), and the first keyword rule, by
// order, whose phrase the message equals, contains or starts with.
//
// Matching ignores letter case, accents and punctuation: "Preço?" matches
// the phrase "preco". Decide never answers a message older than MaxAge (a
// provider retrying webhooks after an outage must not make wadesk greet
// customers hours later) nor while the customer service window is closed;
// the caller makes sure one message is never answered twice.
package autoreply

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/wadesk/wadesk/hours"
)

// MaxAge is how old a customer's message may be and still be answered.
const MaxAge = 5 * time.Minute

// Match is how a rule's phrase is compared with a message.
type Match string

// Kinds of match.
const (
	Equals     Match = "equals"
	Contains   Match = "contains"
	StartsWith Match = "starts"
)

// Valid reports whether m is a known kind of match.
func (m Match) Valid() bool { return m == Equals || m == Contains || m == StartsWith }

// Rule is a keyword rule. Rules are tried by Position; the first whose
// phrase matches wins. It may answer (Reply, with Options as buttons or a
// list), assign (DepartmentID, AssigneeID) and label (LabelID); 0 or empty
// means it does not.
type Rule struct {
	ID           int64
	Position     int
	Enabled      bool
	Match        Match
	Phrase       string
	Reply        string
	Options      []string
	DepartmentID int64
	AssigneeID   int64
	LabelID      int64
}

// Settings are a channel's automatic replies, each switched on or off.
type Settings struct {
	GreetingOn   bool
	GreetingText string
	AwayOn       bool
	AwayText     string
	RulesOn      bool
	Rules        []Rule
	// Hours is the channel's business hours; nil: always open (no away
	// message).
	Hours *hours.Schedule
	// HoursNow is the time the business hours are judged at; zero: the
	// now Decide is given (only tests pin it, see hours.TestClockEnv).
	HoursNow time.Time
}

// Message is the customer's message and its conversation's state.
type Message struct {
	Text   string
	SentAt time.Time
	// First: the customer never wrote in this conversation before.
	First bool
	// WindowOpen: free-form messages may be sent to the customer now.
	WindowOpen bool
}

// Plan is what to do. AwayPeriod keys the closed period the away message
// is for: it goes out at most once per conversation and key.
type Plan struct {
	Greeting   string
	Away       string
	AwayPeriod string
	Rule       *Rule
	// Skipped says why nothing was considered ("" when something was).
	Skipped string
}

// Reasons a message is not answered at all.
const (
	SkipOld    = "older than the answering limit"
	SkipFuture = "timestamp in the future"
)

// Decide returns what to do about m at now.
func Decide(s Settings, m Message, now time.Time) Plan {
	switch age := now.Sub(m.SentAt); {
	case age > MaxAge:
		return Plan{Skipped: SkipOld}
	case age < -MaxAge:
		return Plan{Skipped: SkipFuture}
	}
	var p Plan
	if s.RulesOn {
		if r, ok := FirstMatch(s.Rules, m.Text); ok {
			p.Rule = &r
		}
	}
	if !m.WindowOpen {
		// Nothing may be sent; a rule may still assign and label.
		if p.Rule != nil {
			r := *p.Rule
			r.Reply, r.Options = "", nil
			p.Rule = &r
		}
		return p
	}
	if s.GreetingOn && m.First && strings.TrimSpace(s.GreetingText) != "" {
		p.Greeting = s.GreetingText
	}
	if s.AwayOn && s.Hours != nil && strings.TrimSpace(s.AwayText) != "" {
		at := now
		if !s.HoursNow.IsZero() {
			at = s.HoursNow
		}
		if since, closed := s.Hours.ClosedSince(at); closed {
			p.Away, p.AwayPeriod = s.AwayText, since.UTC().Format(time.RFC3339)
		}
	}
	return p
}

// FirstMatch returns the first enabled rule, by Position then ID, whose
// phrase matches text.
func FirstMatch(rules []Rule, text string) (Rule, bool) {
	best := -1
	for i, r := range rules {
		if !r.Enabled || !Matches(r.Match, r.Phrase, text) {
			continue
		}
		if best < 0 || r.Position < rules[best].Position || (r.Position == rules[best].Position && r.ID < rules[best].ID) {
			best = i
		}
	}
	if best < 0 {
		return Rule{}, false
	}
	return rules[best], true
}

// Matches reports whether text matches phrase in the way m says, both
// folded by Fold. An empty phrase matches nothing.
func Matches(m Match, phrase, text string) bool {
	p, t := Fold(phrase), Fold(text)
	if p == "" {
		return false
	}
	switch m {
	case Equals:
		return t == p
	case StartsWith:
		return t == p || strings.HasPrefix(t, p+" ")
	case Contains:
		return t == p || strings.Contains(" "+t+" ", " "+p+" ")
	}
	return false
}

// Fold is text as rules compare it: lower case, accents taken off,
// punctuation and symbols turned into spaces, spaces collapsed. Words are
// whole: "price" is in "the price?" but not in "priceless".
func Fold(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}
