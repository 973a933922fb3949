package campaign

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

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
	return &Runner{db: db, wake: make(chan struct{}, 1), forms: map[int64]cached{}}
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
	queuedAny := false
	for inQueue < limit {
		batch, err := r.db.PendingRecipients(ctx, id, now, min(limit-inQueue, 100))
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		msgs := make([]store.CampaignMessage, 0, len(batch))
		for _, rcp := range batch {
			m, err := stored(cc.c, cc.form, cc.m, rcp)
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		queued, claimed, err := r.db.QueueCampaignMessages(ctx, id, msgs)
		if err != nil {
			return err
		}
		if len(queued) > 0 {
			queuedAny = true
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
