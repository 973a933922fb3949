package autoreply

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/wadesk/wadesk/hours"
	"github.com/wadesk/wadesk/interactive"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/window"
)

// Enqueuer queues a message for sending (outbox.Sender does).
type Enqueuer interface {
	Enqueue(ctx context.Context, conversationID int64, msg providers.OutboundMessage, opts ...outbox.Option) (store.OutboundMessage, error)
}

// lease is how long a worker holds a claimed message.
const lease = time.Minute

// Worker answers customers' messages after they were stored and
// acknowledged: the ingest transaction leaves each new message of a
// channel with an automatic reply switched on in a queue
// (store.ClaimAutoReplyJob), and the worker decides (Decide) and sends
// through the outbox, which keeps the window and the daily cap. Each
// automatic message is recorded before it is queued, so a message is
// never answered twice, even by two workers.
type Worker struct {
	db   *store.DB
	out  Enqueuer
	log  *slog.Logger
	wake chan struct{}
	// Now is the clock (tests set it).
	Now func() time.Time
	// HoursNow, when set, is the clock business hours are judged by
	// (end-to-end tests pin it; see hours.TestClockEnv); nil: Now.
	HoursNow func() time.Time
	// ListButton labels the button that opens a list of options.
	ListButton string
	// Changed, when set, is told of a conversation the worker changed
	// (assigned, transferred, labelled).
	Changed func(channelID, conversationID int64)
}

// NewWorker returns a worker that sends through out.
func NewWorker(db *store.DB, out Enqueuer, log *slog.Logger) *Worker {
	return &Worker{db: db, out: out, log: log, wake: make(chan struct{}, 1), Now: time.Now, ListButton: "See options"}
}

// Notify wakes the worker: messages were stored.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run answers until ctx is done.
func (w *Worker) Run(ctx context.Context) {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		for {
			did, err := w.RunOnce(ctx)
			if err != nil {
				if ctx.Err() == nil {
					w.log.Error("automatic replies failed; retrying", "err", err)
				}
				break
			}
			if !did {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-tick.C:
		}
	}
}

// RunOnce handles one waiting message; did is false when none waits.
func (w *Worker) RunOnce(ctx context.Context) (did bool, err error) {
	now := w.Now()
	job, ok, err := w.db.ClaimAutoReplyJob(ctx, now, lease)
	if err != nil || !ok {
		return false, err
	}
	if err := w.handle(ctx, job, now); err != nil {
		return true, err
	}
	return true, w.db.FinishAutoReplyJob(ctx, job.MessageID)
}

func (w *Worker) handle(ctx context.Context, job store.AutoReplyJob, now time.Time) error {
	msg, err := w.db.ConversationMessage(ctx, job.ConversationID, job.MessageID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	set, err := w.db.AutoReplySettingsOf(ctx, job.ChannelID)
	if err != nil {
		return err
	}
	s := Settings{GreetingOn: set.GreetingOn, GreetingText: set.GreetingText, AwayOn: set.AwayOn, AwayText: set.AwayText, RulesOn: set.RulesOn}
	if set.Timezone != "" {
		if sched, err := hours.New(set.Timezone, set.Week, set.Holidays); err == nil {
			s.Hours = &sched
		} else {
			w.log.Warn("business hours unreadable; no away message", "channel_id", job.ChannelID, "err", err)
		}
	}
	if w.HoursNow != nil {
		s.HoursNow = w.HoursNow()
	}
	if s.RulesOn {
		rs, err := w.db.AutoReplyRules(ctx, job.ChannelID)
		if err != nil {
			return err
		}
		for _, r := range rs {
			s.Rules = append(s.Rules, Rule{ID: r.ID, Position: r.Position, Enabled: r.Enabled, Match: Match(r.Match), Phrase: r.Phrase,
				Reply: r.Reply, Options: r.Options, DepartmentID: r.DepartmentID, AssigneeID: r.AssigneeID, LabelID: r.LabelID})
		}
	}
	first, err := w.db.FirstInbound(ctx, job.ConversationID, job.MessageID)
	if err != nil {
		return err
	}
	win, err := w.db.WindowOf(ctx, job.ConversationID)
	if err != nil {
		return err
	}
	open, _ := window.CanSendFreeForm(window.Stored(win.LastInboundAt, win.ClosedAt, now))
	plan := Decide(s, Message{Text: msg.Text, SentAt: msg.Timestamp, First: first, WindowOpen: open}, now)
	if plan.Skipped != "" {
		w.log.Info("automatic replies skipped", "message_id", job.MessageID, "why", plan.Skipped)
		return nil
	}
	if plan.Greeting != "" {
		if err := w.send(ctx, job, store.AutoGreeting, 0, "", providers.OutboundMessage{Text: &providers.Text{Body: plan.Greeting}}); err != nil {
			return err
		}
	}
	if plan.Away != "" {
		if err := w.send(ctx, job, store.AutoAway, 0, plan.AwayPeriod, providers.OutboundMessage{Text: &providers.Text{Body: plan.Away}}); err != nil {
			return err
		}
	}
	if r := plan.Rule; r != nil {
		if err := w.act(ctx, job, *r); err != nil {
			return err
		}
		if r.Reply != "" {
			out := providers.OutboundMessage{Text: &providers.Text{Body: r.Reply}}
			if len(r.Options) > 0 {
				m := interactive.Message{Body: r.Reply, ListButton: w.ListButton}
				for _, o := range r.Options {
					m.Options = append(m.Options, interactive.Option{Title: o})
				}
				built, err := interactive.Build(m)
				if err != nil {
					w.log.Warn("automatic reply rule cannot be sent", "rule_id", r.ID, "err", err)
					return nil
				}
				out = providers.OutboundMessage{Interactive: &built}
			}
			if err := w.send(ctx, job, store.AutoRule, r.ID, "", out); err != nil {
				return err
			}
		}
	}
	return nil
}

// act assigns, transfers and labels as the rule says.
func (w *Worker) act(ctx context.Context, job store.AutoReplyJob, r Rule) error {
	system := store.InboxViewer{Admin: true}
	changed := false
	if r.DepartmentID != 0 {
		c, err := w.db.TransferConversation(ctx, system, job.ConversationID, r.DepartmentID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			w.log.Warn("automatic rule: department gone", "rule_id", r.ID, "department_id", r.DepartmentID)
		case err != nil:
			return err
		}
		changed = changed || c
	}
	if r.AssigneeID != 0 {
		c, err := w.db.AssignConversation(ctx, system, job.ConversationID, r.AssigneeID)
		switch {
		case errors.Is(err, store.ErrNotAssignable), errors.Is(err, store.ErrNotFound):
			w.log.Warn("automatic rule: cannot assign", "rule_id", r.ID, "assignee_id", r.AssigneeID, "err", err)
		case err != nil:
			return err
		}
		changed = changed || c
	}
	if r.LabelID != 0 {
		err := w.db.AddConversationLabel(ctx, r.LabelID, job.ConversationID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			w.log.Warn("automatic rule: label gone", "rule_id", r.ID, "label_id", r.LabelID)
		case err != nil:
			return err
		default:
			changed = true
		}
	}
	if changed && w.Changed != nil {
		w.Changed(job.ChannelID, job.ConversationID)
	}
	return nil
}

// send records and queues one automatic message, unless one of its kind
// was already recorded for the customer's message (or, for the away
// message, for the conversation's closed period).
func (w *Worker) send(ctx context.Context, job store.AutoReplyJob, kind string, ruleID int64, period string, msg providers.OutboundMessage) error {
	id, ok, err := w.db.ClaimAutoReplySend(ctx, job.ConversationID, job.MessageID, kind, ruleID, period)
	if err != nil || !ok {
		return err
	}
	m, err := w.out.Enqueue(ctx, job.ConversationID, msg, outbox.At(w.Now()))
	var closed *outbox.WindowClosedError
	var invalid *providers.ValidationError
	switch {
	case errors.As(err, &closed), errors.As(err, &invalid):
		// Not to be sent; recorded, so it is not tried again.
		w.log.Info("automatic reply not sent", "kind", kind, "conversation_id", job.ConversationID, "why", err)
		return nil
	case err != nil:
		if ferr := w.db.ForgetAutoReplySend(ctx, id); ferr != nil {
			return errors.Join(err, ferr)
		}
		return err
	}
	w.log.Info("automatic reply queued", "kind", kind, "conversation_id", job.ConversationID, "message_id", m.MessageID, "rule_id", ruleID)
	return w.db.SetAutoReplyMessage(ctx, id, m.MessageID)
}
