package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"math"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/window"
)

// Defaults of Config, from the limits Meta documents for the Cloud API.
//
// The sender keeps a margin below the provider's own token buckets: it
// sends at the number's throughput with a burst of at most 50 ms of it
// (4 messages at 80 per second, 50 at 1,000; the provider's bucket holds a
// whole second), so that the time it spends reading and marking the queue
// between turns is not lost throughput, and allows one message less in a
// burst to a customer than the provider does. Had it buckets identical to the
// provider's, a few milliseconds of network delay bunching its calls up
// would be enough for the provider to count more than it allows and answer
// 130429 or 131056 (measured by BenchmarkOutbox against the simulator).
const (
	DefaultThroughput      = 80
	DefaultBurstWindow     = 50 * time.Millisecond
	DefaultPairInterval    = 6 * time.Second
	DefaultPairBurst       = 4
	DefaultMaxBackoff      = 10 * time.Minute
	DefaultMaxAttempts     = 10
	DefaultMaxInFlight     = 16
	DefaultInFlightCeiling = 4096
	// DefaultLatencyBound bounds the call time the in-flight allowance is
	// computed from: a provider that answers slower than this is not
	// given more calls at once for it.
	DefaultLatencyBound = 2 * time.Second
	DefaultSendTimeout  = 60 * time.Second
)

// UnconfirmedReason is the failure reason of a message whose send ended
// without a clear answer from the provider.
const UnconfirmedReason = "The provider did not confirm this message, so it may or may not have reached the customer. Check the conversation on the customer's side before sending it again."

// Config paces a Sender. Zero fields take the defaults.
type Config struct {
	// Throughput is the messages per second one business number may send
	// (default 80); ThroughputBurst how many may leave at once (default:
	// DefaultBurstWindow of the throughput, at least 1).
	Throughput      float64
	ThroughputBurst int
	// PairInterval and PairBurst pace messages to one customer from one
	// number: one every PairInterval (default 6 s), PairBurst at once
	// (default 4, one below the provider's 5).
	PairInterval time.Duration
	PairBurst    int
	// MaxBackoff caps the wait before a refused message is tried again
	// (default 10 min). The waits follow providers.Error.RetryDelay.
	MaxBackoff time.Duration
	// MaxAttempts is how many times a message is tried before it fails
	// with the provider's last refusal (default 10).
	MaxAttempts int
	// MaxInFlight is the fewest provider calls one number may have open
	// at once (default 16). The sender allows more when the number's
	// throughput times the provider's measured answer time needs more
	// (80 per second answered after 150 ms: 12 open calls; 1,000 per
	// second: 150), up to InFlightCeiling (default 4,096); without that,
	// 16 calls of 150 ms would cap a number near 100 messages a second.
	MaxInFlight     int
	InFlightCeiling int
	// ThroughputOf, when set, returns a business number's throughput in
	// messages per second (80 by default, 1,000 once Meta upgraded the
	// number); 0 or less means Throughput. It is asked when a number's
	// worker starts.
	ThroughputOf func(phoneNumberID string) float64
	// SendTimeout bounds one provider call (default 60 s). Calls are not
	// cancelled when Run's context ends: Run waits for them, so that their
	// outcome is recorded.
	SendTimeout time.Duration
	Logger      *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Throughput <= 0 {
		c.Throughput = DefaultThroughput
	}
	if c.PairInterval <= 0 {
		c.PairInterval = DefaultPairInterval
	}
	if c.PairBurst <= 0 {
		c.PairBurst = DefaultPairBurst
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.InFlightCeiling < c.MaxInFlight {
		c.InFlightCeiling = max(c.MaxInFlight, DefaultInFlightCeiling)
	}
	if c.SendTimeout <= 0 {
		c.SendTimeout = DefaultSendTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Stats counts what a Sender did since it was created.
type Stats struct {
	Sent    int64
	Failed  int64
	Unknown int64
	// Retries after a refusal, by reason.
	ThroughputRetries int64
	PairRateRetries   int64
	OtherRetries      int64
}

// Sender sends the outbox. Create it with NewSender, start Run once, and
// call Notify after queuing messages.
type Sender struct {
	db      *store.DB
	connect Connector
	cfg     Config
	log     *slog.Logger
	// OnChange, when set, hears of every message status the sender sets:
	// "sending" (queued by Sender.Enqueue), "sent" (or a higher status
	// that arrived by webhook before the provider answered) and "failed".
	// Set it before Run; it is called from the sender's goroutines.
	OnChange func(messageID, conversationID int64, status string)
	// Pricer, when set, estimates the price stored with each message
	// Sender.Enqueue queues (see package costs).
	Pricer Pricer
	// OnWindowClosed, when set, hears that the provider's refusal of a
	// message closed its conversation's customer service window. Set it
	// before Run; it is called from the sender's goroutines, after
	// OnChange for the same message.
	OnWindowClosed func(conversationID int64)
	// OnSend, when set, hears of every provider call: the sending number,
	// how long the call took and its error (nil when accepted). Set it
	// before Run; it is called from the sender's goroutines.
	OnSend func(number string, took time.Duration, err error)

	wake chan struct{}
	// accepted carries the provider's acceptances to the recorder, which
	// commits them together (see recordAccepted).
	accepted chan acceptance
	runID    string
	seq      atomic.Uint64

	mu      sync.Mutex
	workers map[string]*worker
	limits  map[string]*numberLimits

	sent, failed, unknown                 atomic.Int64
	throughputRetries, pairRetries, other atomic.Int64
}

// NewSender returns a sender that gets each channel's client from connect.
func NewSender(db *store.DB, connect Connector, cfg Config) *Sender {
	cfg = cfg.withDefaults()
	var b [6]byte
	rand.Read(b[:])
	return &Sender{db: db, connect: connect, cfg: cfg, log: cfg.Logger, wake: make(chan struct{}, 1), accepted: make(chan acceptance, 1024),
		runID: hex.EncodeToString(b[:]), workers: map[string]*worker{}, limits: map[string]*numberLimits{}}
}

// Stats returns the counters.
func (s *Sender) Stats() Stats {
	return Stats{Sent: s.sent.Load(), Failed: s.failed.Load(), Unknown: s.unknown.Load(),
		ThroughputRetries: s.throughputRetries.Load(), PairRateRetries: s.pairRetries.Load(), OtherRetries: s.other.Load()}
}

// Enqueue stores msg (see the package function Enqueue), reports it as
// "sending" and wakes the sender.
func (s *Sender) Enqueue(ctx context.Context, conversationID int64, msg providers.OutboundMessage, opts ...Option) (store.OutboundMessage, error) {
	if s.Pricer != nil {
		opts = append([]Option{WithPricer(s.Pricer)}, opts...)
	}
	m, err := Enqueue(ctx, s.db, conversationID, msg, opts...)
	if err != nil {
		return m, err
	}
	s.changed(m)
	s.Notify()
	return m, nil
}

// Notify wakes the sender: messages were queued.
func (s *Sender) Notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Sender) changed(m store.OutboundMessage) {
	if s.OnChange != nil && m.MessageID != 0 {
		s.OnChange(m.MessageID, m.ConversationID, m.Status)
	}
	if s.OnWindowClosed != nil && m.WindowClosed {
		s.OnWindowClosed(m.ConversationID)
	}
}

// Run sends until ctx is done, then waits for the provider calls under way
// and records their outcome. It first settles what a previous run left
// half done (see store.ReconcileOutbox): nothing found "attempting" is
// sent again.
func (s *Sender) Run(ctx context.Context) {
	for {
		changed, err := s.db.ReconcileOutbox(ctx)
		if err == nil {
			for _, m := range changed {
				s.log.Warn("outbound message interrupted while sending; marked failed, not resent",
					"message_id", m.MessageID, "conversation_id", m.ConversationID)
				s.unknown.Add(1)
				s.changed(m)
			}
			break
		}
		s.log.Error("outbox reconciliation failed; retrying", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
	var wg sync.WaitGroup
	var recorder sync.WaitGroup
	recorder.Go(s.recordAccepted)
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		numbers, err := s.db.OutboxNumbers(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("read outbox", "err", err)
		}
		for _, n := range numbers {
			s.startWorker(ctx, &wg, n)
		}
		select {
		case <-ctx.Done():
			wg.Wait()
			// Every call has answered: record the last acceptances.
			close(s.accepted)
			recorder.Wait()
			return
		case <-s.wake:
		case <-tick.C:
		}
	}
}

// startWorker wakes the number's worker, or starts one.
func (s *Sender) startWorker(ctx context.Context, wg *sync.WaitGroup, number string) {
	s.mu.Lock()
	if w := s.workers[number]; w != nil {
		w.notify()
		s.mu.Unlock()
		return
	}
	lim := s.limits[number]
	fresh := lim != nil && time.Since(lim.readAt) < throughputTTL
	s.mu.Unlock()
	// The number's throughput is read at most every throughputTTL (a
	// worker starts for nearly every message when they come one by one),
	// without holding the lock the workers pace themselves with.
	perSecond := s.cfg.Throughput
	if fresh {
		perSecond = float64(lim.throughput.Limit())
	} else if s.cfg.ThroughputOf != nil {
		if v := s.cfg.ThroughputOf(number); v > 0 {
			perSecond = v
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.workers[number]; w != nil {
		w.notify()
		return
	}
	burst := s.cfg.ThroughputBurst
	if burst <= 0 {
		burst = max(1, int(math.Ceil(perSecond*DefaultBurstWindow.Seconds())))
	}
	lim = s.limits[number]
	if lim == nil {
		lim = &numberLimits{
			throughput: rate.NewLimiter(rate.Limit(perSecond), burst),
			pairs:      map[string]*rate.Limiter{},
		}
		s.limits[number] = lim
	} else if lim.throughput.Limit() != rate.Limit(perSecond) || lim.throughput.Burst() != burst {
		lim.throughput.SetLimit(rate.Limit(perSecond))
		lim.throughput.SetBurst(burst)
	}
	if !fresh {
		lim.readAt = time.Now()
	}
	w := &worker{s: s, number: number, lim: lim, wake: make(chan struct{}, 1)}
	s.workers[number] = w
	wg.Go(func() { w.run(ctx) })
}

// numberLimits paces one business number. It outlives the number's worker
// so that a worker started again does not start with full buckets.
type numberLimits struct {
	throughput *rate.Limiter
	// pausedUntil holds every send of the number after a throughput refusal.
	pausedUntil time.Time
	pairs       map[string]*rate.Limiter
	// readAt is when the throughput was last read (ThroughputOf).
	readAt time.Time
	// latency is the moving average of the provider's answer time for
	// this number (zero until the first answer).
	latency time.Duration
}

type worker struct {
	s      *Sender
	number string
	lim    *numberLimits
	wake   chan struct{}
	// inFlight counts the provider calls under way.
	inFlight atomic.Int64
	calls    sync.WaitGroup
}

// throughputTTL is how long a number's throughput, once read, is used
// before it is read again.
const throughputTTL = 30 * time.Second

// InFlightAllowance is how many provider calls a number may have open at
// once: enough for its throughput while each call takes latency (bounded
// by DefaultLatencyBound), with a quarter more for the variation of answer
// times, never fewer than least nor more than most.
func InFlightAllowance(perSecond float64, latency time.Duration, least, most int) int {
	latency = min(max(latency, 0), DefaultLatencyBound)
	need := int(math.Ceil(perSecond*latency.Seconds()*1.25)) + 1
	return min(max(need, least), most)
}

// allowance is the worker's current in-flight allowance.
func (w *worker) allowance() int {
	w.s.mu.Lock()
	lat := w.lim.latency
	w.s.mu.Unlock()
	return InFlightAllowance(float64(w.lim.throughput.Limit()), lat, w.s.cfg.MaxInFlight, w.s.cfg.InFlightCeiling)
}

// observe folds one call's answer time into the number's average.
func (w *worker) observe(took time.Duration) {
	w.s.mu.Lock()
	if w.lim.latency == 0 {
		w.lim.latency = took
	} else {
		w.lim.latency += (took - w.lim.latency) / 8
	}
	w.s.mu.Unlock()
}

func (w *worker) notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// pair returns the customer's limiter, dropping limiters that are full
// again (they behave like new ones) when there are many.
func (w *worker) pair(recipient string, now time.Time) *rate.Limiter {
	cfg := w.s.cfg
	if len(w.lim.pairs) > 4096 {
		for k, l := range w.lim.pairs {
			if l.TokensAt(now) >= float64(cfg.PairBurst) {
				delete(w.lim.pairs, k)
			}
		}
	}
	l := w.lim.pairs[recipient]
	if l == nil {
		l = rate.NewLimiter(rate.Every(cfg.PairInterval), cfg.PairBurst)
		w.lim.pairs[recipient] = l
	}
	return l
}

// run sends the number's queue until it is empty (then the worker ends;
// the sender starts another when messages are queued) or ctx is done.
func (w *worker) run(ctx context.Context) {
	defer w.calls.Wait()
	s := w.s
	for {
		if ctx.Err() != nil {
			w.exit()
			return
		}
		now := time.Now()
		var wakeAt time.Time
		idle := false
		s.mu.Lock()
		paused := w.lim.pausedUntil
		s.mu.Unlock()
		if now.Before(paused) {
			wakeAt = paused
		} else if free := w.allowance() - int(w.inFlight.Load()); free > 0 {
			batch, next, err := w.pick(ctx, now, free)
			if err != nil {
				if ctx.Err() == nil {
					s.log.Error("read outbox", "phone_number_id", w.number, "err", err)
				}
				wakeAt = now.Add(2 * time.Second)
			} else if len(batch) > 0 {
				if ctx.Err() == nil {
					w.dispatch(ctx, batch)
				}
				continue
			} else {
				wakeAt = next
				idle = next.IsZero() && w.inFlight.Load() == 0
			}
		}
		if idle && w.exit() {
			return
		}
		var timer <-chan time.Time
		var t *time.Timer
		if !wakeAt.IsZero() {
			t = time.NewTimer(time.Until(wakeAt))
			timer = t.C
		}
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-timer:
		}
		if t != nil {
			t.Stop()
		}
	}
}

// exit removes the worker unless it was woken since it last looked at the
// queue (Run then found new messages and kept it).
func (w *worker) exit() bool {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	select {
	case <-w.wake:
		return false
	default:
	}
	delete(w.s.workers, w.number)
	return true
}

// pick returns up to free messages that both limiters allow now, taking
// their tokens (waiting for the number's throughput as needed), and the
// time to look again when none is allowed.
func (w *worker) pick(ctx context.Context, now time.Time, free int) ([]store.OutboxJob, time.Time, error) {
	due, next, err := w.s.db.DueOutbound(ctx, w.number, now, 512)
	if err != nil {
		return nil, time.Time{}, err
	}
	// A batch waits for each of its messages' throughput turns before any
	// is sent: keep that under about 50 ms (4 messages at 80 per second,
	// 50 at 1,000), so that messages leave close to their turn.
	free = min(free, max(4, int(math.Ceil(float64(w.lim.throughput.Limit())*0.05))))
	var batch []store.OutboxJob
	for _, j := range due {
		if len(batch) == free {
			break
		}
		r := w.pair(j.Recipient, now).ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			if at := now.Add(d); next.IsZero() || at.Before(next) {
				next = at
			}
			continue
		}
		if err := w.lim.throughput.Wait(ctx); err != nil {
			r.Cancel()
			break
		}
		batch = append(batch, j)
	}
	if len(batch) > 0 {
		next = time.Time{}
	}
	return batch, next, nil
}

// dispatch connects, marks the batch attempting (durably) and starts one
// provider call per message.
func (w *worker) dispatch(ctx context.Context, batch []store.OutboxJob) {
	s := w.s
	rec := context.WithoutCancel(ctx)
	clients := map[int64]providers.MessageSender{}
	var ready []store.OutboxJob
	for _, j := range batch {
		if _, ok := clients[j.ChannelID]; !ok {
			c, err := s.connect(j.ChannelID)
			if err == nil && c == nil {
				err = errors.New("outbox: the connector returned no client")
			}
			if err != nil {
				w.connectFailed(rec, j, err)
				continue
			}
			clients[j.ChannelID] = c
		}
		ready = append(ready, j)
	}
	if len(ready) == 0 {
		return
	}
	ids := make([]int64, len(ready))
	for i, j := range ready {
		ids[i] = j.MessageID
	}
	attemptID := s.runID + "-" + strconv.FormatUint(s.seq.Add(1), 10)
	claimed, err := s.db.MarkOutboundAttempting(rec, ids, attemptID)
	if err != nil {
		s.log.Error("mark outbound messages attempting", "phone_number_id", w.number, "err", err)
		return
	}
	ok := map[int64]bool{}
	for _, id := range claimed {
		ok[id] = true
	}
	for _, j := range ready {
		if !ok[j.MessageID] {
			continue
		}
		j.Attempts++
		client := clients[j.ChannelID]
		w.inFlight.Add(1)
		w.calls.Go(func() {
			defer func() {
				w.inFlight.Add(-1)
				w.notify()
			}()
			w.send(rec, client, j)
		})
	}
}

// connectFailed handles a channel whose client could not be made; nothing
// was sent.
func (w *worker) connectFailed(ctx context.Context, j store.OutboxJob, err error) {
	s := w.s
	if errors.Is(err, ErrNoChannel) {
		m, ferr := s.db.RecordOutboundFailure(ctx, j.MessageID, store.OutboundFailure{State: store.OutboxFailed,
			Reason: "The channel of this conversation was removed, so the message cannot be sent.", Detail: err.Error()})
		if ferr != nil {
			s.log.Error("fail outbound message", "message_id", j.MessageID, "err", ferr)
			return
		}
		s.failed.Add(1)
		s.changed(m)
		return
	}
	delay := min(s.cfg.MaxBackoff, backoff(j.Attempts))
	s.log.Error("cannot connect the channel; outbound message waits", "channel_id", j.ChannelID, "message_id", j.MessageID,
		"retry_in", delay, "err", err)
	s.other.Add(1)
	if rerr := s.db.RecordOutboundRetry(ctx, j.MessageID, time.Now().Add(delay), err.Error(), 0); rerr != nil {
		s.log.Error("reschedule outbound message", "message_id", j.MessageID, "err", rerr)
	}
}

// backoff doubles from 2 s, like providers.Error.RetryDelay for errors
// that are not the provider's.
func backoff(attempt int) time.Duration {
	return (&providers.Error{Kind: providers.ErrorKindTemporary}).RetryDelay(attempt)
}

// send calls the provider for one attempted message and records the
// outcome.
func (w *worker) send(ctx context.Context, client providers.MessageSender, j store.OutboxJob) {
	s := w.s
	msg, err := decode(j.Request, j.Recipient)
	if err != nil {
		w.fail(ctx, j, store.OutboundFailure{State: store.OutboxFailed, Reason: "wadesk could not read this message back to send it.",
			Detail: "decode request: " + err.Error()})
		return
	}
	callCtx, cancel := context.WithTimeout(ctx, s.cfg.SendTimeout)
	start := time.Now()
	res, err := client.SendMessage(callCtx, w.number, msg)
	cancel()
	w.observe(time.Since(start))
	if s.OnSend != nil {
		s.OnSend(w.number, time.Since(start), err)
	}
	if err == nil {
		s.accepted <- acceptance{messageID: j.MessageID, wamid: res.MessageID}
		return
	}
	switch verdict, pe := classify(err); verdict {
	case retry:
		if j.Attempts >= s.cfg.MaxAttempts {
			w.fail(ctx, j, failure(err, pe))
			return
		}
		delay := backoff(j.Attempts - 1)
		code := 0
		if pe != nil {
			delay = pe.RetryDelay(j.Attempts - 1)
			code = pe.Code
			switch pe.Kind {
			case providers.ErrorKindThroughput:
				s.throughputRetries.Add(1)
			case providers.ErrorKindPairRate:
				s.pairRetries.Add(1)
			default:
				s.other.Add(1)
			}
		} else {
			s.other.Add(1)
		}
		delay = min(delay, s.cfg.MaxBackoff)
		retryAt := time.Now().Add(delay)
		if pe != nil && pe.Kind == providers.ErrorKindThroughput {
			s.mu.Lock()
			if retryAt.After(w.lim.pausedUntil) {
				w.lim.pausedUntil = retryAt
			}
			s.mu.Unlock()
		}
		s.log.Info("outbound message refused for now; retrying", "message_id", j.MessageID, "attempt", j.Attempts,
			"retry_in", delay, "err", err)
		if rerr := s.db.RecordOutboundRetry(ctx, j.MessageID, retryAt, err.Error(), code); rerr != nil {
			s.log.Error("reschedule outbound message", "message_id", j.MessageID, "err", rerr)
		}
	case fail:
		w.fail(ctx, j, failure(err, pe))
	default:
		w.fail(ctx, j, store.OutboundFailure{State: store.OutboxUnknown, Reason: UnconfirmedReason, Detail: err.Error()})
	}
}

func failure(err error, pe *providers.Error) store.OutboundFailure {
	f := store.OutboundFailure{State: store.OutboxFailed, Reason: providers.Plain(err), Detail: err.Error(),
		ClosesWindow: window.IsWindowClosedError(err)}
	if pe != nil {
		f.Code = pe.Code
	}
	return f
}

func (w *worker) fail(ctx context.Context, j store.OutboxJob, f store.OutboundFailure) {
	s := w.s
	m, err := s.db.RecordOutboundFailure(ctx, j.MessageID, f)
	if err != nil {
		s.log.Error("fail outbound message", "message_id", j.MessageID, "err", err)
		return
	}
	if f.State == store.OutboxUnknown {
		s.unknown.Add(1)
	} else {
		s.failed.Add(1)
	}
	s.log.Warn("outbound message failed", "message_id", j.MessageID, "state", f.State, "code", f.Code, "detail", f.Detail)
	s.changed(m)
}

type verdict int

const (
	// unknown: the provider may have the message; never resent.
	unknown verdict = iota
	// retry: the provider refused it for now, or was never reached.
	retry
	// fail: the provider (or wadesk's validation) refused it for good.
	fail
)

// classify decides what a failed call means. Only a call that certainly
// did not leave a message at the provider may be retried: an error answer,
// or a connection that was never opened.
func classify(err error) (verdict, *providers.Error) {
	var ve *providers.ValidationError
	if errors.As(err, &ve) {
		return fail, nil
	}
	pe, ok := providers.AsError(err)
	if !ok {
		return unknown, nil
	}
	if pe.Kind == providers.ErrorKindNetwork {
		var op *net.OpError
		if errors.As(pe.Err, &op) && op.Op == "dial" {
			return retry, pe
		}
		var dns *net.DNSError
		if errors.As(pe.Err, &dns) {
			return retry, pe
		}
		return unknown, pe
	}
	if pe.HTTPStatus < 400 {
		// A success status without a usable answer: it may have been sent.
		return unknown, pe
	}
	if pe.Retryable() {
		return retry, pe
	}
	return fail, pe
}

// acceptance is a message the provider accepted, to be recorded.
type acceptance struct {
	messageID int64
	wamid     string
}

// recordAccepted records acceptances until the channel is closed, as many
// as are waiting in one transaction: a number sending 1,000 messages a
// second then commits a few dozen times a second rather than a thousand.
// Until its acceptance is committed a message stays "attempting", so a
// crash in between leaves it unknown, never sent twice.
func (s *Sender) recordAccepted() {
	ctx := context.Background()
	const most = 256
	batch := make([]acceptance, 0, most)
	for first := range s.accepted {
		batch = append(batch[:0], first)
	more:
		for len(batch) < most {
			select {
			case a, ok := <-s.accepted:
				if !ok {
					break more
				}
				batch = append(batch, a)
			default:
				break more
			}
		}
		recs := make([]store.SentRecord, len(batch))
		for i, a := range batch {
			recs[i] = store.SentRecord{MessageID: a.messageID, WAMID: a.wamid}
		}
		ms, err := s.db.RecordOutboundSentBatch(ctx, recs)
		if err != nil {
			// One of them could not be recorded: record them one by one so
			// that the others are.
			ms = ms[:0]
			for _, a := range batch {
				m, rerr := s.db.RecordOutboundSent(ctx, a.messageID, a.wamid)
				if rerr != nil {
					// The row stays attempting: the next start marks it
					// unknown rather than sending it twice.
					s.log.Error("record sent message", "message_id", a.messageID, "wamid", a.wamid, "err", rerr)
					continue
				}
				ms = append(ms, m)
			}
		}
		for _, m := range ms {
			s.sent.Add(1)
			s.changed(m)
		}
		// The customers' next messages may go now.
		s.Notify()
	}
}
