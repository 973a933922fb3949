package ingest

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrStalled wraps a storage failure that stopped the processor; it tries
// the same events again after a back-off.
var ErrStalled = errors.New("ingest: webhook processing stalled by a storage failure")

// Back-off between attempts while the storage fails, and how long it may
// fail before the processor reports itself stuck.
const (
	retryFirst = 250 * time.Millisecond
	retryMax   = 30 * time.Second
	stuckAfter = time.Minute
)

// stall is what the processor knows of its current storage failure.
type stall struct {
	mu       sync.Mutex
	since    time.Time // zero when the last attempt worked
	attempts int
	lastErr  error
	alerted  bool
}

// ProcessorState is the processor's health, for the readiness check.
type ProcessorState struct {
	// FailingSince is when the storage started to fail (zero when it works).
	FailingSince time.Time
	// Attempts counts the failed attempts since then.
	Attempts int
	// LastError is the latest failure.
	LastError string
	// Stuck: it has failed for longer than a minute.
	Stuck bool
}

// State reports whether the processor is failing to apply webhooks.
func (p *Processor) State() ProcessorState {
	p.stall.mu.Lock()
	defer p.stall.mu.Unlock()
	s := ProcessorState{FailingSince: p.stall.since, Attempts: p.stall.attempts}
	if p.stall.lastErr != nil {
		s.LastError = p.stall.lastErr.Error()
	}
	s.Stuck = !s.FailingSince.IsZero() && p.now().Sub(s.FailingSince) >= stuckAfter
	return s
}

// stalled records a transient failure and returns it wrapped in
// ErrStalled. It logs an error, once, when the failure has lasted long
// enough to need an operator (a full disk does not free itself).
func (p *Processor) stalled(err error) error {
	p.stall.mu.Lock()
	now := p.now()
	if p.stall.since.IsZero() {
		p.stall.since = now
	}
	p.stall.attempts++
	p.stall.lastErr = err
	alert := !p.stall.alerted && now.Sub(p.stall.since) >= stuckAfter
	if alert {
		p.stall.alerted = true
	}
	since, attempts := p.stall.since, p.stall.attempts
	p.stall.mu.Unlock()
	if alert {
		p.log.Error("webhook processing is stuck: acknowledged webhooks are kept in the journal and will be applied when storage works again",
			"failing_since", since, "attempts", attempts, "err", err)
	} else {
		p.log.Warn("webhook processing failed on storage; retrying", "attempt", attempts, "err", err)
	}
	return fmt.Errorf("%w: %w", ErrStalled, err)
}

// recovered clears the failure after an attempt that worked.
func (p *Processor) recovered() {
	p.stall.mu.Lock()
	defer p.stall.mu.Unlock()
	if p.stall.since.IsZero() {
		return
	}
	p.log.Info("webhook processing works again", "failed_for", p.now().Sub(p.stall.since).Round(time.Millisecond),
		"attempts", p.stall.attempts)
	p.stall.since, p.stall.attempts, p.stall.lastErr, p.stall.alerted = time.Time{}, 0, nil, false
}

// retryDelay is how long to wait before the next attempt: doubling from
// retryFirst up to retryMax.
func (p *Processor) retryDelay() time.Duration {
	p.stall.mu.Lock()
	n := p.stall.attempts
	p.stall.mu.Unlock()
	d := retryFirst
	for i := 1; i < n && d < retryMax; i++ {
		d *= 2
	}
	return min(d, retryMax)
}
