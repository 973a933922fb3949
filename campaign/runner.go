package campaign

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/wadesk/wadesk/limits"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/window"
)

// Pricer prices each message of a batch when it is queued, as the outbox
// prices an agent's (package costs): one price per conversation facts.
type Pricer interface {
	PriceRecipients(ctx context.Context, category string, facts []store.PricingFacts, at time.Time) ([]store.MessagePrice, error)
}

// Hold says why a sending campaign queues nothing for now.
type Hold struct {
	// Until is when the runner tries again.
	Until time.Time
	// Reached: the portfolio's messaging limit is reached; Blocked: the
	// account cannot send business-initiated messages (Reason in words).
	Reached *limits.ReachedError
	Blocked *limits.BlockedError
}

// Runner feeds sending campaigns to the outbox. Create it with NewRunner,
// start Run once, and call Notify after a campaign is launched, resumed or
// retried.
type Runner struct {
	db *store.DB
	// Outbox, when set, is woken after messages are queued (the outbox
	// Sender's Notify).
	Outbox func()
	// OnQueued, when set, hears of every message queued (for the inbox's
	// live updates).
	OnQueued func(m store.OutboundMessage)
	// Pricer, when set, prices each message as it is queued (the
	// campaign's report then shows what it cost).
	Pricer Pricer
	// AfterSend, when set, hears of a channel that queued
	// business-initiated messages (the limits monitor's warning).
	AfterSend func(ctx context.Context, channelID int64)
	// ThroughputOf returns a number's messages per second (default 80).
	ThroughputOf func(phoneNumberID string) float64
	// Window is how many seconds of the number's throughput are kept in
	// the outbox ahead of the sender (default 2); a pause takes back what
	// the sender has not started.
	Window time.Duration
	// Tick is how often campaigns are looked at without being woken
	// (default 250 ms).
	Tick   time.Duration
	Logger *slog.Logger

	wake chan struct{}
	mu   sync.Mutex
	// forms caches each campaign's decoded template and mapping.
	forms map[int64]cached
	// held are the campaigns waiting for the messaging limit or the
	// account.
	held map[int64]Hold
}

type cached struct {
	updated time.Time
	c       store.Campaign
	m       Mapping
	formOK  bool
	form    templates.SendForm
}

// NewRunner returns a runner on db.
func NewRunner(db *store.DB) *Runner {
	return &Runner{db: db, wake: make(chan struct{}, 1), forms: map[int64]cached{}, held: map[int64]Hold{}}
}

// Held reports whether a campaign is waiting for the messaging limit or
// the account, and why.
func (r *Runner) Held(id int64) (Hold, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok := r.held[id]
	return h, ok
}

func (r *Runner) hold(id int64, h Hold) {
	r.mu.Lock()
	r.held[id] = h
	r.mu.Unlock()
}

func (r *Runner) release(id int64) {
	r.mu.Lock()
	delete(r.held, id)
	r.mu.Unlock()
}

// Notify wakes the runner.
func (r *Runner) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run feeds campaigns until ctx is done.
func (r *Runner) Run(ctx context.Context) {
	tick := r.Tick
	if tick <= 0 {
		tick = 250 * time.Millisecond
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		r.Once(ctx, time.Now())
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-t.C:
		}
	}
}

// Once feeds every sending campaign once (starting scheduled ones whose
// time has come) and marks finished ones done.
func (r *Runner) Once(ctx context.Context, now time.Time) {
	log := r.logger()
	ids, err := r.db.ActiveCampaigns(ctx, now)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("read campaigns", "err", err)
		}
		return
	}
	for _, id := range ids {
		if err := r.feed(ctx, id, now); err != nil && ctx.Err() == nil {
			log.Error("feed campaign", "campaign_id", id, "err", err)
		}
	}
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

func (r *Runner) load(ctx context.Context, id int64) (cached, error) {
	c, err := r.db.CampaignByID(ctx, id)
	if err != nil {
		return cached{}, err
	}
	r.mu.Lock()
	got, ok := r.forms[id]
	r.mu.Unlock()
	if ok && got.updated.Equal(c.UpdatedAt) {
		got.c = c
		return got, nil
	}
	_, m, err := Decode(c)
	if err != nil {
		return cached{}, err
	}
	form, err := Form(c)
	if err != nil {
		return cached{}, err
	}
	got = cached{updated: c.UpdatedAt, c: c, m: m, formOK: true, form: form}
	r.mu.Lock()
	r.forms[id] = got
	r.mu.Unlock()
	return got, nil
}

// feed tops up one campaign's messages in the outbox to its window.
func (r *Runner) feed(ctx context.Context, id int64, now time.Time) error {
	if h, ok := r.Held(id); ok && now.Before(h.Until) {
		return nil
	}
	cc, err := r.load(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	perSecond := 80.0
	if r.ThroughputOf != nil {
		if v := r.ThroughputOf(cc.c.PhoneNumberID); v > 0 {
			perSecond = v
		}
	}
	window := r.Window
	if window <= 0 {
		window = 2 * time.Second
	}
	limit := max(50, int(perSecond*window.Seconds()))
	inQueue, err := r.db.CampaignInQueue(ctx, id)
	if err != nil {
		return err
	}
	queuedAny, countedAny := false, false
	defer func() {
		if countedAny && r.AfterSend != nil {
			// It may write an e-mail: never in the way of feeding.
			go r.AfterSend(context.WithoutCancel(ctx), cc.c.ChannelID)
		}
	}()
	var reach *store.ReachGuard
	guarded := false
	for inQueue < limit {
		batch, err := r.db.PendingRecipients(ctx, id, now, min(limit-inQueue, 100))
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		// The account's restrictions and the portfolio's messaging limit,
		// as the outbox checks them for an agent's template, read once a
		// feed: a refusal holds the campaign (its recipients stay
		// pending).
		if !guarded {
			reach, err = limits.Guard(ctx, r.db, cc.c.ChannelID, true, false, now)
			var blocked *limits.BlockedError
			if errors.As(err, &blocked) {
				r.hold(id, Hold{Until: now.Add(time.Minute), Blocked: blocked})
				r.logger().Warn("campaign held: the account cannot send", "campaign_id", id, "reason", blocked.Block.Reason)
				return nil
			}
			if err != nil {
				return err
			}
			guarded = true
		}
		msgs, err := r.messages(ctx, cc, batch, now)
		if err != nil {
			return err
		}
		queued, claimed, err := r.db.QueueCampaignMessages(ctx, id, msgs, reach)
		var reached *limits.ReachedError
		if errors.As(err, &reached) {
			// Looked at again within a minute: the limit may be raised
			// (a new tier) before the next place frees.
			until := now.Add(time.Minute)
			if reached.FreesAt.After(now) && reached.FreesAt.Before(until) {
				until = reached.FreesAt
			}
			r.hold(id, Hold{Until: until, Reached: reached})
			r.logger().Info("campaign held: the messaging limit is reached", "campaign_id", id, "until", until)
			err = nil
		} else if err == nil {
			r.release(id)
		}
		if err != nil {
			return err
		}
		if len(queued) > 0 {
			queuedAny = true
			countedAny = countedAny || reach != nil
			if r.Outbox != nil {
				r.Outbox()
			}
			if r.OnQueued != nil {
				for _, m := range queued {
					r.OnQueued(m)
				}
			}
		}
		inQueue += len(queued)
		if reached != nil {
			return nil
		}
		if claimed == 0 {
			break // the campaign stopped sending meanwhile
		}
	}
	if !queuedAny && inQueue == 0 {
		if _, err := r.db.FinishCampaign(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// messages builds the stored message of each recipient of a batch (or
// the reason to skip it), with its price and whether it starts a
// conversation (the customer's window is closed).
func (r *Runner) messages(ctx context.Context, cc cached, batch []store.Recipient, now time.Time) ([]store.CampaignMessage, error) {
	msgs := make([]store.CampaignMessage, 0, len(batch))
	var facts []store.PricingFacts
	var at []int
	for _, rcp := range batch {
		m, err := stored(cc.c, cc.form, cc.m, rcp)
		if err != nil {
			return nil, err
		}
		if m.SkipReason == "" {
			m.BusinessInitiated = !window.Stored(rcp.Facts.LastInboundAt, rcp.Facts.ClosedAt, now).Open
			facts = append(facts, rcp.Facts)
			at = append(at, len(msgs))
		}
		msgs = append(msgs, m)
	}
	if r.Pricer != nil && len(facts) > 0 {
		prices, err := r.Pricer.PriceRecipients(ctx, cc.c.TemplateCategory, facts, now)
		if err != nil {
			return nil, err
		}
		for i, p := range prices {
			msgs[at[i]].Price = &p
		}
	}
	return msgs, nil
}
