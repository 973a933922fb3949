// Package dailycap is the rule of a fixed cap of outgoing messages a day
// per channel, such as Maytapi's 6,000 (not Meta's tiers, which count
// customers reached). The day is the UTC calendar day: when Maytapi's own
// day starts is not documented, so UTC is this package's choice.
package dailycap

import (
	"fmt"
	"time"
)

// Limit is the cap that applies: the channel's own when set (> 0), else
// the provider's default (0: no cap).
func Limit(stored, providerDefault int) int {
	if stored > 0 {
		return stored
	}
	return providerDefault
}

// Day returns the start of now's day and when the next one starts.
func Day(now time.Time) (start, reset time.Time) {
	u := now.UTC()
	start = time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 0, 1)
}

// ReachedError refuses a message once the day's cap is used up.
type ReachedError struct {
	Limit   int
	ResetAt time.Time
}

func (e *ReachedError) Error() string {
	return fmt.Sprintf("This channel has sent its %s messages for today, the most its provider allows a day. New messages can be sent from %s UTC (%s).",
		thousands(e.Limit), e.ResetAt.UTC().Format("15:04"), e.ResetAt.UTC().Format("Mon 2 Jan"))
}

// Check returns a *ReachedError when sent messages today reach limit.
func Check(sent, limit int, now time.Time) error {
	if limit <= 0 || sent < limit {
		return nil
	}
	_, reset := Day(now)
	return &ReachedError{Limit: limit, ResetAt: reset}
}

// Gauge is a channel's use of its cap today, for the channel page and the
// composer.
type Gauge struct {
	Sent, Limit int
	ResetAt     time.Time
}

// Near reports whether nine tenths of the cap are used.
func (g Gauge) Near() bool { return g.Limit > 0 && g.Sent*10 >= g.Limit*9 }

// Left is how many messages may still be sent today.
func (g Gauge) Left() int {
	if g.Sent >= g.Limit {
		return 0
	}
	return g.Limit - g.Sent
}

// Words says the gauge in plain words.
func (g Gauge) Words() string {
	if g.Limit <= 0 {
		return ""
	}
	if g.Left() == 0 {
		return fmt.Sprintf("Daily cap reached: %s of %s messages sent today. Sending resumes at %s UTC.", thousands(g.Sent), thousands(g.Limit), g.ResetAt.UTC().Format("15:04"))
	}
	return fmt.Sprintf("%s of %s messages sent today; %s left until %s UTC.", thousands(g.Sent), thousands(g.Limit), thousands(g.Left()), g.ResetAt.UTC().Format("15:04"))
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
