// Package window answers the questions an agent's composer asks about
// WhatsApp's customer service window: may we send free-form text to this
// customer now, until when, and will the message be charged.
//
// The rules, as WhatsApp documents them:
//
//   - The 24-hour customer service window opens, or starts over, each time
//     the customer sends a message. It is counted from WhatsApp's timestamp
//     of that message, not from the time wadesk received the webhook.
//   - While it is open the business may send anything (free-form text,
//     media, interactive messages, templates). Once it is closed only
//     approved templates can be sent.
//   - A customer who writes after clicking a click-to-WhatsApp ad (the
//     inbound message carries a referral) also opens a 72-hour free entry
//     point window, during which WhatsApp charges nothing. Meta grants it
//     only when the business answers within the 24-hour window; free-form
//     messages still need the 24-hour window to be open.
//   - Per-message pricing (since 1 July 2025): marketing and authentication
//     templates are charged per delivered message, utility templates are
//     free inside the customer service window and charged outside it, and
//     free-form service replies are free.
//
// All durations are absolute: a window opened the night clocks change
// still lasts exactly 24 hours. Times in a State are in UTC.
package window

import (
	"time"

	"github.com/wadesk/wadesk/providers"
)

// Lengths of the windows WhatsApp grants.
const (
	// ServiceWindow is how long free-form messages may be sent after the
	// customer's last message.
	ServiceWindow = 24 * time.Hour
	// FreeEntryPointWindow is how long messages are free after a customer
	// wrote from a click-to-WhatsApp ad.
	FreeEntryPointWindow = 72 * time.Hour
)

// MetaWindowClosedCode is the Cloud API error code for a free-form message
// sent when more than 24 hours have passed since the customer's last message.
const MetaWindowClosedCode = 131047

// Cause says why a window is closed.
type Cause string

// Causes of a closed window. An open window has CauseNone.
const (
	CauseNone Cause = ""
	// CauseNoInbound: the customer has never written to this number.
	CauseNoInbound Cause = "no_inbound"
	// CauseExpired: 24 hours have passed since the customer's last message.
	CauseExpired Cause = "expired"
	// CauseProvider: the provider refused a free-form message because the
	// window is closed (Meta error 131047), whatever our clock says.
	CauseProvider Cause = "provider"
)

// State is the customer service window of one conversation at one moment.
type State struct {
	// Open is true while free-form messages may be sent.
	Open bool
	// ClosesAt is when the customer service window closes (or closed). It
	// is zero when the customer has never written.
	ClosesAt time.Time
	// Remaining is the time left until ClosesAt; zero when closed.
	Remaining time.Duration
	// Cause says why the window is closed; CauseNone when Open.
	Cause Cause
	// FreeEntryPoint is true while a 72-hour free entry point window from a
	// click-to-WhatsApp ad lasts: WhatsApp charges no message in it.
	FreeEntryPoint bool
	// FreeUntil is when the free entry point window ends; zero without one.
	FreeUntil time.Time
}

// Option adds facts about the conversation to At.
type Option func(*config)

type config struct {
	referralAt time.Time
}

// WithReferral tells At that the customer wrote from a click-to-WhatsApp ad:
// at is WhatsApp's timestamp of the inbound message that carried the
// referral. A zero at is ignored. That message is also a customer message,
// so it opens the customer service window like any other.
func WithReferral(at time.Time) Option {
	return func(c *config) {
		if at.After(c.referralAt) {
			c.referralAt = at
		}
	}
}

// At reports the window at time now, given WhatsApp's timestamp of the
// customer's last message. A zero lastInbound means the customer has never
// written, so the window is closed. A lastInbound later than now (the two
// clocks disagree) is taken as now. The window is open while less than 24
// hours have passed: at exactly 24 hours it is closed.
func At(lastInbound, now time.Time, opts ...Option) State {
	var c config
	for _, o := range opts {
		o(&c)
	}
	now = now.UTC()
	if c.referralAt.After(lastInbound) {
		lastInbound = c.referralAt
	}

	var s State
	if !c.referralAt.IsZero() {
		from := notAfter(c.referralAt.UTC(), now)
		s.FreeUntil = from.Add(FreeEntryPointWindow)
		s.FreeEntryPoint = now.Before(s.FreeUntil)
	}
	if lastInbound.IsZero() {
		s.Cause = CauseNoInbound
		return s
	}
	from := notAfter(lastInbound.UTC(), now)
	s.ClosesAt = from.Add(ServiceWindow)
	if now.Before(s.ClosesAt) {
		s.Open = true
		s.Remaining = s.ClosesAt.Sub(now)
	} else {
		s.Cause = CauseExpired
	}
	return s
}

// notAfter returns t, or now when t is later than now (clock skew).
func notAfter(t, now time.Time) time.Time {
	if t.After(now) {
		return now
	}
	return t
}

// ClosedByProvider returns s closed as of now because the provider refused
// a free-form message for being outside the window (see IsWindowClosedError).
// The provider is the authority: its answer wins over our clock. The free
// entry point fields are kept, since the refusal is about free-form sending
// only.
func ClosedByProvider(s State, now time.Time) State {
	now = now.UTC()
	if s.ClosesAt.IsZero() || s.ClosesAt.After(now) {
		s.ClosesAt = now
	}
	s.Open = false
	s.Remaining = 0
	s.Cause = CauseProvider
	return s
}

// Stored reports the window at time now from what wadesk stores about a
// conversation: WhatsApp's timestamp of the customer's last message, and
// when the provider last refused a free-form message because the window is
// closed (nil when it has not since that message). The provider's refusal
// closes the window whatever our clock says (see ClosedByProvider).
func Stored(lastInbound time.Time, providerClosedAt *time.Time, now time.Time, opts ...Option) State {
	s := At(lastInbound, now, opts...)
	if providerClosedAt != nil {
		s = ClosedByProvider(s, now)
	}
	return s
}

// IsWindowClosedError reports whether err, from sending a message, says the
// customer service window is closed (Meta error 131047, passed through
// unchanged by Cloud API compatible providers).
func IsWindowClosedError(err error) bool {
	pe, ok := providers.AsError(err)
	if !ok {
		return false
	}
	return pe.Kind == providers.ErrorKindWindowClosed || pe.Code == MetaWindowClosedCode
}

// IsWindowClosedStatus reports whether the errors of a failed status webhook
// say the customer service window is closed.
func IsWindowClosedStatus(errs []providers.ErrorDetail) bool {
	for _, e := range errs {
		if e.Code == MetaWindowClosedCode {
			return true
		}
	}
	return false
}

// CanSendFreeForm reports whether free-form messages (text, media,
// interactive) may be sent in state s and, when they may not, why, in words
// an agent understands.
func CanSendFreeForm(s State) (bool, string) {
	if s.Open {
		return true, ""
	}
	switch s.Cause {
	case CauseNoInbound:
		return false, "This customer has not written to this number yet. Start the conversation with an approved template."
	case CauseProvider:
		return false, "WhatsApp says the 24-hour window with this customer has closed. Send an approved template instead."
	default:
		return false, "More than 24 hours have passed since the customer's last message. Send an approved template instead."
	}
}
