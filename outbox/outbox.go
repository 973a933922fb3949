// Package outbox sends the messages agents write, durably and at the pace
// WhatsApp allows.
//
// Enqueue stores a message as "sending" together with its outbox row in one
// durable transaction, before any provider is called. A Sender then sends
// each business number's queue: one goroutine per number with queued
// messages, a token bucket for the number's throughput (Meta: 80 messages
// per second) and one per customer for the pair rate (about one message
// every 6 seconds, short bursts allowed). Messages to one customer leave in
// the order they were written. Throughput (130429) and pair rate (131056)
// refusals are retried after 4^X seconds (capped); permanent refusals fail
// the message with the reason in plain words.
//
// # Sending at most once
//
// Before the provider is called, the row is marked "attempting" and that is
// committed; after the call, the wamid is recorded. If wadesk stops in
// between, the provider may have the message without wadesk knowing its
// wamid. The Cloud API has no idempotency key and no way to ask whether it
// got a message, so such rows are never resent: at the next start they
// become "unknown" and the message "failed", telling the agent to check the
// conversation before sending again (store.ReconcileOutbox). The same holds
// when a call ends without a clear answer (a timeout, a connection lost
// after the request was written): only answers that say the provider
// refused the message, and connections that were never opened, are retried.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wadesk/wadesk/consent"
	"github.com/wadesk/wadesk/dailycap"
	"github.com/wadesk/wadesk/limits"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/window"
)

// Connector returns the client that sends a channel's messages. An error
// wrapping ErrNoChannel fails the channel's queued messages; any other
// error is retried later.
type Connector func(channelID int64) (providers.MessageSender, error)

// ErrNoChannel means the channel cannot send any more (it was removed).
var ErrNoChannel = errors.New("outbox: the channel cannot send any more")

// encode is the stored form of a message: the recipient is not part of it,
// it is the conversation's contact (the outbox row's recipient).
func encode(msg providers.OutboundMessage) ([]byte, error) {
	msg.To = ""
	return json.Marshal(msg)
}

func decode(b []byte, to string) (providers.OutboundMessage, error) {
	var msg providers.OutboundMessage
	if err := json.Unmarshal(b, &msg); err != nil {
		return providers.OutboundMessage{}, err
	}
	msg.To = to
	return msg, nil
}

// WindowClosedError refuses a free-form message (anything but a template)
// to a customer whose service window is closed: WhatsApp would refuse it
// too (131047). Reason says why in plain words.
type WindowClosedError struct {
	Reason string
}

func (e *WindowClosedError) Error() string {
	return "outbox: the customer service window is closed: " + e.Reason
}

// Option changes what Enqueue stores for the inbox to show.
type Option func(*display)

type display struct {
	text     string
	rendered any
	now      func() time.Time
	pricer   Pricer
}

// Pricer estimates what a message costs when it is queued (package costs).
type Pricer interface {
	PriceOutbound(ctx context.Context, conversationID int64, msg providers.OutboundMessage, at time.Time) (*store.MessagePrice, error)
}

// WithPricer stores p's estimate of the message's price with it.
func WithPricer(p Pricer) Option { return func(d *display) { d.pricer = p } }

// At makes Enqueue judge the window and the daily cap at now instead of
// the clock's time (tests).
func At(now time.Time) Option { return func(d *display) { d.now = func() time.Time { return now } } }

// ShowText makes text what the inbox shows for the message (messages.text),
// instead of the summary Enqueue derives (a template's name, for example).
// Use it for a template's filled body.
func ShowText(text string) Option { return func(d *display) { d.text = text } }

// ShowRendered keeps v, as JSON under the key "Rendered", in the message's
// payload beside the message itself, for bubbles that show more than the
// text (a template's header, footer and buttons as they were filled in).
func ShowRendered(v any) Option { return func(d *display) { d.rendered = v } }

// Enqueue validates msg and stores it as an outbound message of the
// conversation, "sending", ready for the sender. msg.To is ignored: the
// recipient is the conversation's contact. An invalid message is not
// stored and comes back as *providers.ValidationError (plain words); a
// free-form message while the customer service window is closed comes
// back as *WindowClosedError, so that no caller can send one by mistake;
// anything to a blocked contact, and a marketing template to one who
// opted out of marketing, as *consent.RefusedError.
// The message survives a crash once Enqueue returns; call Sender.Notify
// (or Sender.Enqueue, which does) to have it sent at once.
func Enqueue(ctx context.Context, db *store.DB, conversationID int64, msg providers.OutboundMessage, opts ...Option) (store.OutboundMessage, error) {
	check := msg
	check.To = "conversation contact" // the real recipient is filled in when sending
	if err := check.Validate(); err != nil {
		return store.OutboundMessage{}, fmt.Errorf("outbox: enqueue: %w", &providers.ValidationError{Err: err})
	}
	d := display{text: summary(msg), now: time.Now}
	for _, o := range opts {
		o(&d)
	}
	now := d.now()
	rules, err := db.SendingRulesOf(ctx, conversationID)
	if err != nil {
		return store.OutboundMessage{}, fmt.Errorf("outbox: enqueue: %w", err)
	}
	if err := checkConsent(ctx, db, conversationID, rules.ChannelID, msg); err != nil {
		return store.OutboundMessage{}, err
	}
	desc, known := providers.Describe(providers.ProviderID(rules.Provider))
	// The 24-hour window is Meta's Business API rule; an unofficial
	// provider drives an ordinary WhatsApp account, which has none.
	windowOpen := true
	if !known || desc.Official {
		w, err := db.WindowOf(ctx, conversationID)
		if err != nil {
			return store.OutboundMessage{}, fmt.Errorf("outbox: enqueue: %w", err)
		}
		state := window.Stored(w.LastInboundAt, w.ClosedAt, now)
		windowOpen = state.Open
		if open, why := window.CanSendFreeForm(state); !open && msg.Kind() != providers.KindTemplate {
			return store.OutboundMessage{}, &WindowClosedError{Reason: why}
		}
	}
	// The account's restrictions and the portfolio's messaging limit
	// (package limits): a refusal is a *limits.BlockedError or a
	// *limits.ReachedError; the limit is counted when the message is stored.
	reach, err := limits.Guard(ctx, db, rules.ChannelID, msg.Kind() == providers.KindTemplate, windowOpen, now)
	if err != nil {
		return store.OutboundMessage{}, err
	}
	if limit := dailycap.Limit(rules.DailyCap, desc.DailyCap); limit > 0 {
		start, _ := dailycap.Day(now)
		sent, err := db.OutboundSince(ctx, rules.ChannelID, start)
		if err != nil {
			return store.OutboundMessage{}, fmt.Errorf("outbox: enqueue: %w", err)
		}
		if err := dailycap.Check(sent, limit, now); err != nil {
			return store.OutboundMessage{}, err
		}
	}
	req, err := encode(msg)
	if err != nil {
		return store.OutboundMessage{}, fmt.Errorf("outbox: enqueue: encode message: %w", err)
	}
	payload := req
	if d.rendered != nil {
		if payload, err = withRendered(msg, d.rendered); err != nil {
			return store.OutboundMessage{}, fmt.Errorf("outbox: enqueue: encode payload: %w", err)
		}
	}
	var price *store.MessagePrice
	if d.pricer != nil {
		if price, err = d.pricer.PriceOutbound(ctx, conversationID, msg, now); err != nil {
			return store.OutboundMessage{}, fmt.Errorf("outbox: enqueue: %w", err)
		}
	}
	m, err := db.EnqueueOutbound(ctx, store.NewOutbound{
		ConversationID: conversationID,
		Type:           string(msg.Kind()),
		Text:           d.text,
		Payload:        string(payload),
		ContextWAMID:   msg.ReplyTo,
		Request:        req,
		Price:          price,
		Reach:          reach,
	})
	if err != nil {
		return store.OutboundMessage{}, fmt.Errorf("outbox: enqueue: %w", err)
	}
	return m, nil
}

// checkConsent refuses, as *consent.RefusedError, a message to a blocked
// contact and a marketing template to one who opted out of marketing.
func checkConsent(ctx context.Context, db *store.DB, conversationID, channelID int64, msg providers.OutboundMessage) error {
	c, err := db.ConsentOfConversation(ctx, conversationID)
	if err != nil {
		return fmt.Errorf("outbox: enqueue: %w", err)
	}
	category := ""
	if msg.Template != nil {
		if category, err = db.TemplateCategoryOf(ctx, channelID, msg.Template.Name, msg.Template.Language); err != nil {
			return fmt.Errorf("outbox: enqueue: %w", err)
		}
	}
	return consent.Check(ctx, consent.State{OptedInAt: c.OptedInAt, OptInSource: c.OptInSource,
		MarketingOptedOutAt: c.MarketingOptedOutAt, OptOutSource: c.OptOutSource, Blocked: c.Blocked}, category)
}

// withRendered is the stored form of msg with v beside its fields under
// "Rendered": decoding the payload as a providers.OutboundMessage still
// works.
func withRendered(msg providers.OutboundMessage, v any) ([]byte, error) {
	msg.To = ""
	return json.Marshal(struct {
		providers.OutboundMessage
		Rendered any
	}{msg, v})
}

// summary is the text the inbox lists for a message.
func summary(m providers.OutboundMessage) string {
	switch {
	case m.Text != nil:
		return m.Text.Body
	case m.Media != nil:
		if m.Media.Caption != "" {
			return m.Media.Caption
		}
		return m.Media.Filename
	case m.Template != nil:
		return m.Template.Name
	case m.Interactive != nil:
		return m.Interactive.Body
	case m.Reaction != nil:
		return m.Reaction.Emoji
	case m.Location != nil:
		return strings.TrimSpace(m.Location.Name + " " + m.Location.Address)
	case len(m.Contacts) > 0:
		names := make([]string, 0, len(m.Contacts))
		for _, c := range m.Contacts {
			names = append(names, c.Name.FormattedName)
		}
		return strings.Join(names, ", ")
	}
	return ""
}

// Stored returns the forms Enqueue stores for msg: the request the sender
// replays to the provider and the payload the inbox shows (with rendered
// beside the message when not nil). Code that queues messages in bulk
// (campaigns) stores these itself, in its own transaction.
func Stored(msg providers.OutboundMessage, rendered any) (request, payload []byte, err error) {
	check := msg
	check.To = "conversation contact"
	if err := check.Validate(); err != nil {
		return nil, nil, fmt.Errorf("outbox: %w", &providers.ValidationError{Err: err})
	}
	if request, err = encode(msg); err != nil {
		return nil, nil, fmt.Errorf("outbox: encode message: %w", err)
	}
	payload = request
	if rendered != nil {
		if payload, err = withRendered(msg, rendered); err != nil {
			return nil, nil, fmt.Errorf("outbox: encode payload: %w", err)
		}
	}
	return request, payload, nil
}

// Summary is the text the inbox lists for msg.
func Summary(msg providers.OutboundMessage) string { return summary(msg) }
