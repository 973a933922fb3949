// Package ingest turns provider webhooks into wadesk's records without ever
// losing one that was acknowledged: the Journal commits each accepted body
// before its 200 is written (grouping concurrent requests into one
// transaction), and the Processor applies journaled bodies afterwards,
// resuming after a crash from what is still unprocessed.
package ingest

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wadesk/wadesk/store"
)

// ErrClosed means the journal is shutting down; the caller should answer
// with a retryable status so the provider delivers again later.
var ErrClosed = errors.New("ingest: journal closed")

// maxGroup bounds how many bodies one transaction commits.
const maxGroup = 512

// Journal commits accepted webhook bodies durably, in groups.
type Journal struct {
	db       *store.DB
	log      *slog.Logger
	requests chan *entry
	// OnCommit is called after each committed group (to wake the processor
	// and the forwarder). It must not block.
	onCommit func()

	// mu orders Append's sends before the final drain: Append sends while
	// holding it shared; Run takes it exclusively, once closing is closed
	// (which releases any Append blocked on a full queue), and then drains.
	mu      sync.RWMutex
	closed  bool
	closing chan struct{}
	done    chan struct{}
	// lastCommit is when the last group committed (UnixNano).
	lastCommit atomic.Int64
	// failure is the last commit's error, nil once one succeeds again.
	failure atomic.Pointer[commitFailure]
}

type commitFailure struct {
	at  time.Time
	err error
}

// Failing reports, when the last commit failed (the disk is full, say),
// since when commits fail and why; webhooks are then answered 503. It
// returns a nil error while commits work.
func (j *Journal) Failing() (since time.Time, err error) {
	f := j.failure.Load()
	if f == nil {
		return time.Time{}, nil
	}
	return f.at, f.err
}

type entry struct {
	ev   store.NewWebhookEvent
	done chan error
}

// NewJournal returns a journal; call Run to start committing.
func NewJournal(db *store.DB, log *slog.Logger, onCommit func()) *Journal {
	if onCommit == nil {
		onCommit = func() {}
	}
	return &Journal{db: db, log: log, requests: make(chan *entry, 4*maxGroup), onCommit: onCommit,
		closing: make(chan struct{}), done: make(chan struct{})}
}

// Append commits one body and returns when it is durable. An error means
// it may or may not have been stored: answer so that the provider retries
// (a re-delivery is deduplicated downstream).
func (j *Journal) Append(ctx context.Context, channelID int64, body []byte) error {
	e := &entry{ev: store.NewWebhookEvent{ChannelID: channelID, Body: body, ReceivedAt: time.Now()}, done: make(chan error, 1)}
	j.mu.RLock()
	if j.closed {
		j.mu.RUnlock()
		return ErrClosed
	}
	select {
	case j.requests <- e:
		j.mu.RUnlock()
	case <-j.closing:
		j.mu.RUnlock()
		return ErrClosed
	case <-ctx.Done():
		j.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-e.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run commits groups until ctx is done, then commits what was already
// handed to it and returns. Whatever arrives while one transaction commits
// forms the next group, so the group size follows the load with no timer.
func (j *Journal) Run(ctx context.Context) {
	defer close(j.done)
	group := make([]*entry, 0, maxGroup)
	for {
		select {
		case e := <-j.requests:
			group = append(group[:0], e)
		case <-ctx.Done():
			close(j.closing)
			j.mu.Lock()
			j.closed = true
			j.mu.Unlock()
			// Nobody can add now; commit what is queued.
			for {
				group = group[:0]
			drain:
				for len(group) < maxGroup {
					select {
					case e := <-j.requests:
						group = append(group, e)
					default:
						break drain
					}
				}
				if len(group) == 0 {
					return
				}
				j.commit(context.WithoutCancel(ctx), group)
			}
		}
	fill:
		for len(group) < maxGroup {
			select {
			case e := <-j.requests:
				group = append(group, e)
			default:
				break fill
			}
		}
		j.commit(ctx, group)
	}
}

// Done is closed when Run has returned.
func (j *Journal) Done() <-chan struct{} { return j.done }

func (j *Journal) commit(ctx context.Context, group []*entry) {
	evs := make([]store.NewWebhookEvent, len(group))
	for i, e := range group {
		evs[i] = e.ev
	}
	// The commit must not be abandoned half way because one request's
	// client went away; the transaction is short.
	_, err := j.db.AppendWebhookEvents(context.WithoutCancel(ctx), evs)
	if err != nil {
		j.log.Error("journal: commit failed; answering 503 so the provider retries", "events", len(group), "err", err)
	}
	for _, e := range group {
		e.done <- err
	}
	if err == nil {
		j.lastCommit.Store(time.Now().UnixNano())
		j.failure.Store(nil)
		j.onCommit()
	} else if j.failure.Load() == nil {
		j.failure.Store(&commitFailure{at: time.Now(), err: err})
	}
}

// Busy reports whether webhooks are arriving right now (a group committed
// within the last few milliseconds).
func (j *Journal) Busy() bool {
	return time.Since(time.Unix(0, j.lastCommit.Load())) < 5*time.Millisecond
}
