// Package limits holds WhatsApp's messaging limit rules as wadesk applies
// them, as pure functions over facts the store provides.
//
// Since 7 October 2025 Meta sets the messaging limit per business portfolio,
// shared by all its business phone numbers: the number of unique customers
// the business may reach with messages outside a customer service window in
// a moving 24 hours. The limits are 250 (a new portfolio), 2,000, 10,000,
// 100,000 and unlimited. Sources (checked 7 Dec 2026):
//   - https://developers.facebook.com/documentation/business-messaging/whatsapp/messaging-limits
//     (the messaging_limit_tier field is deprecated; request
//     whatsapp_business_manager_messaging_limit instead)
//   - https://developers.facebook.com/documentation/business-messaging/whatsapp/upcoming-messaging-limits-changes
//     (per portfolio from 7 Oct 2025; existing portfolios got their best number's limit)
//   - https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/business_capability_update/
//     (max_daily_conversations_per_business: 250, 2000, 10000, 100000 or -1 for unlimited)
//   - ../shared/contracts/README.md "Messaging limit tiers".
//
// Unconfirmed here: the spelling TIER_2K of the 2,000 limit in the phone
// number field comes from BSP documentation, not from Meta's page (which
// this package could not read whole); TIER_1K (the old 1,000 tier, raised
// to 2,000 by Meta) is read as 2,000 like the rest of wadesk does.
//
// What counts: wadesk counts a customer when it queues a template message
// to them while no customer service window is open (business-initiated).
// A customer already reached in the last 24 hours by any number of the same
// portfolio takes no new place. A message the provider refused outright
// does not count. Replies inside an open window never count.
package limits

import (
	"strconv"
	"strings"
	"time"
)

// Window is the moving period over which unique customers are counted.
const Window = 24 * time.Hour

// WarnPercent is the share of the limit at which wadesk warns.
const WarnPercent = 80

// Limit is a portfolio's messaging limit.
type Limit struct {
	// Customers is the number of unique customers per Window; meaningless
	// when Unlimited or not Known.
	Customers int
	Unlimited bool
	// Known is false when the provider has not reported a limit (wadesk
	// then refuses nothing: it cannot know better than the provider).
	Known bool
}

// Unlimited is the limit of a portfolio without one.
var Unlimited = Limit{Unlimited: true, Known: true}

// Of returns a known limit of n customers (n < 0: unlimited, as Meta's
// webhooks say -1).
func Of(n int) Limit {
	if n < 0 {
		return Unlimited
	}
	return Limit{Customers: n, Known: true}
}

// Stored is the limit's stored form: -1 unlimited, 0 unknown, else the
// number of customers.
func (l Limit) Stored() int {
	switch {
	case !l.Known:
		return 0
	case l.Unlimited:
		return -1
	}
	return l.Customers
}

// FromStored reads Stored's form back.
func FromStored(n int) Limit {
	if n == 0 {
		return Limit{}
	}
	return Of(n)
}

// ParseTier reads a limit as a provider reports it: Meta's tier names
// (TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED, and the older
// TIER_50 and TIER_1K), or a plain number as the webhooks send it ("2000",
// "-1"). ok is false for anything else (TIER_NOT_SET, "").
func ParseTier(s string) (Limit, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return Limit{}, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n == 0 || n < -1 {
			return Limit{}, false
		}
		return Of(n), true
	}
	switch s {
	case "TIER_UNLIMITED", "UNLIMITED":
		return Unlimited, true
	case "TIER_1K", "TIER_2K":
		// Meta replaced the 1,000 limit with 2,000.
		return Of(2000), true
	}
	t, ok := strings.CutPrefix(s, "TIER_")
	if !ok {
		return Limit{}, false
	}
	mult := 1
	if k, ok := strings.CutSuffix(t, "K"); ok {
		t, mult = k, 1000
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 {
		return Limit{}, false
	}
	return Of(n * mult), true
}

// Reach is one business-initiated message as the count sees it.
type Reach struct {
	// Customer identifies the customer across the portfolio's numbers
	// (the digits of their WhatsApp number).
	Customer string
	At       time.Time
}

// Counts reports whether a reach at at still counts at now: it does for
// Window after it happened, so the place frees exactly Window later.
func Counts(at, now time.Time) bool {
	return !at.After(now) && now.Sub(at) < Window
}

// Since is the earliest time a counting reach can have at now (exclusive).
func Since(now time.Time) time.Time { return now.Add(-Window) }

// Count returns the unique customers reached within Window before now and,
// when there are any, the time the earliest of them stops counting (the
// next place frees then, if that customer is not reached again).
func Count(reaches []Reach, now time.Time) (unique int, freesAt time.Time) {
	last := map[string]time.Time{}
	for _, r := range reaches {
		if !Counts(r.At, now) {
			continue
		}
		if t, ok := last[r.Customer]; !ok || r.At.After(t) {
			last[r.Customer] = r.At
		}
	}
	for _, t := range last {
		if freesAt.IsZero() || t.Before(freesAt) {
			freesAt = t
		}
	}
	if !freesAt.IsZero() {
		freesAt = freesAt.Add(Window)
	}
	return len(last), freesAt
}

// Usage is a portfolio's use of its limit now.
type Usage struct {
	Limit Limit
	// Reached is the unique customers reached in the last Window.
	Reached int
	// FreesAt is when the next place frees (zero when none is taken).
	FreesAt time.Time
}

// Percent is the share of the limit used, 0–100 (0 when there is no
// known, finite limit).
func (u Usage) Percent() int {
	if !u.Limit.Known || u.Limit.Unlimited || u.Limit.Customers <= 0 {
		return 0
	}
	p := u.Reached * 100 / u.Limit.Customers
	return min(p, 100)
}

// Left is how many more new customers can be reached now; -1 when there is
// no finite limit.
func (u Usage) Left() int {
	if !u.Limit.Known || u.Limit.Unlimited {
		return -1
	}
	return max(u.Limit.Customers-u.Reached, 0)
}

// Full reports whether no new customer can be reached now.
func (u Usage) Full() bool { return u.Left() == 0 }

// Near reports whether WarnPercent of the limit is used.
func (u Usage) Near() bool {
	return u.Limit.Known && !u.Limit.Unlimited && u.Limit.Customers > 0 && u.Reached*100 >= u.Limit.Customers*WarnPercent
}

// BusinessInitiated reports whether a message counts against the limit:
// a template sent through an official provider while the customer's
// service window is closed. Unofficial providers have no such limit (they
// may have a fixed daily cap; see package dailycap).
func BusinessInitiated(official, template, windowOpen bool) bool {
	return official && template && !windowOpen
}

// ReachedError refuses a business-initiated message to a new customer when
// the portfolio's limit is used up.
type ReachedError struct {
	Limit   int
	Reached int
	// FreesAt is when the next place frees.
	FreesAt time.Time
}

func (e *ReachedError) Error() string {
	return "limits: messaging limit of " + strconv.Itoa(e.Limit) + " customers per 24 hours reached"
}

// Check decides whether a business-initiated message may go to a customer:
// one already reached within the window takes no new place; a new one
// needs a free place. It returns a *ReachedError when refused.
func Check(u Usage, alreadyReached bool) error {
	if alreadyReached || !u.Full() {
		return nil
	}
	return &ReachedError{Limit: u.Limit.Customers, Reached: u.Reached, FreesAt: u.FreesAt}
}
