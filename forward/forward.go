// Package forward delivers every accepted webhook body to the business's
// own middleware: the channel's forward URL.
//
// The ingestion journal queues a forward_outbox row in the transaction that
// accepts a body, then calls Notify. A Forwarder takes the rows from there:
// it POSTs each body unchanged, signed with the channel's forward secret,
// and retries failures with exponential backoff for up to seven days after
// the body was accepted. A channel's bodies are delivered one at a time, in
// the order they were accepted: a body waits until the one before it was
// delivered or given up. Different channels are served in parallel.
//
// Delivery is at least once: a body whose 2xx answer was lost (a timeout,
// a shutdown in the middle of a request) is sent again. Receivers remove
// duplicates by X-Wadesk-Event-Id.
package forward

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/wadesk/wadesk/netguard"
	"github.com/wadesk/wadesk/store"
)

// Headers of a forwarded request.
const (
	// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body
	// keyed with the channel's forward secret.
	SignatureHeader = "X-Wadesk-Signature-256"
	// ChannelHeader is the wadesk channel ID the body arrived on.
	ChannelHeader = "X-Wadesk-Channel-Id"
	// EventHeader is the ID of the accepted body; it is the same on every
	// retry, so that receivers can drop duplicates.
	EventHeader = "X-Wadesk-Event-Id"
)

// Retry policy.
const (
	// MaxAge is how long after acceptance a body is retried.
	MaxAge = 7 * 24 * time.Hour
	// BackoffBase is the wait after the first failure; it doubles with each
	// further failure up to BackoffCap.
	BackoffBase = 10 * time.Second
	BackoffCap  = time.Hour
	// backoffJitter is the largest share taken off a wait at random, so
	// that channels failing together do not retry in lockstep.
	backoffJitter = 0.2
)

// Defaults for Config.
const (
	DefaultTimeout = 30 * time.Second
	DefaultWorkers = 4
)

const (
	// maxSleep bounds how long Run waits without looking at the queue, so
	// that a missed Notify or a clock change costs at most this much.
	maxSleep = time.Minute
	// problemHold is how long a channel rests after its delivery could not
	// be recorded (a database error), instead of retrying at once.
	problemHold = 30 * time.Second
)

// Config is what a Forwarder needs.
type Config struct {
	DB     *store.DB
	Logger *slog.Logger
	// Client sends the requests; nil: a client with Timeout that does not
	// follow redirects and refuses local addresses unless AllowPrivate.
	Client *http.Client
	// AllowPrivate lets deliveries go to loopback, link-local and private
	// addresses (middleware on the admin's LAN); see package netguard.
	AllowPrivate bool
	// Timeout bounds one delivery (default DefaultTimeout); used when
	// Client is nil, and in the words shown for a timeout.
	Timeout time.Duration
	// Workers is how many channels are served at once (default
	// DefaultWorkers). Each channel is always served by one at a time.
	Workers int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Jitter returns a number in [0, 1) (default math/rand/v2.Float64).
	Jitter func() float64
}

// Forwarder delivers queued bodies. Create it with New, start Run once, and
// call Notify whenever a row was queued.
type Forwarder struct {
	db      *store.DB
	log     *slog.Logger
	client  *http.Client
	timeout time.Duration
	workers int
	now     func() time.Time
	jitter  func() float64
	wake    chan struct{}
}

// New returns a Forwarder for cfg.
func New(cfg Config) (*Forwarder, error) {
	if cfg.DB == nil {
		return nil, errors.New("forward: DB is required")
	}
	f := &Forwarder{
		db:      cfg.DB,
		log:     cfg.Logger,
		client:  cfg.Client,
		timeout: cfg.Timeout,
		workers: cfg.Workers,
		now:     cfg.Now,
		jitter:  cfg.Jitter,
		wake:    make(chan struct{}, 1),
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.timeout <= 0 {
		f.timeout = DefaultTimeout
	}
	if f.client == nil {
		f.client = newClient(f.timeout, netguard.Policy{AllowPrivate: cfg.AllowPrivate})
	}
	if f.workers <= 0 {
		f.workers = DefaultWorkers
	}
	if f.now == nil {
		f.now = time.Now
	}
	if f.jitter == nil {
		f.jitter = mrand.Float64
	}
	return f, nil
}

// newClient is an HTTP client for deliveries: bounded in time, and not
// following redirects (a redirected POST would turn into a GET without the
// body; a 3xx counts as a failure the admin can see), and connecting only
// where policy allows, checked on the address dialled.
func newClient(timeout time.Duration, policy netguard.Policy) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = policy.DialContext(timeout)
	t.Proxy = nil // a proxy would dial the target for us, unchecked
	t.ResponseHeaderTimeout = timeout
	t.MaxIdleConnsPerHost = 2
	return &http.Client{
		Transport:     t,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Notify wakes Run to look at the queue now. It never blocks.
func (f *Forwarder) Notify() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// NewSecret returns a new forward secret: 32 random bytes, hex-encoded.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("forward: new secret: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Sign returns the SignatureHeader value for body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Backoff is the wait before the next attempt after the given number of
// consecutive failures (1 or more): BackoffBase doubling up to BackoffCap,
// less up to a fifth of it at random; r is in [0, 1).
func Backoff(failures int, r float64) time.Duration {
	d := BackoffCap
	if failures < 1 {
		failures = 1
	}
	// 10 s << 9 is already past an hour; larger shifts would overflow.
	if failures <= 10 {
		d = min(BackoffBase<<(failures-1), BackoffCap)
	}
	r = min(max(r, 0), 1)
	return d - time.Duration(float64(d)*backoffJitter*r)
}

// next decides what becomes of a row after an attempt at now that did not
// deliver it: tried again after the backoff, but never later than MaxAge
// after acceptance, and given up once that time has come.
func next(d store.ForwardDelivery, now time.Time, r float64) (state string, retryAt time.Time) {
	deadline := d.CreatedAt.Add(MaxAge)
	if !now.Before(deadline) {
		return store.ForwardGivenUp, time.Time{}
	}
	retryAt = now.Add(Backoff(d.Attempts+1, r))
	if retryAt.After(deadline) {
		retryAt = deadline
	}
	return store.ForwardPending, retryAt
}

// done is a worker's report to Run.
type done struct {
	channelID int64
	// problem: the delivery could not be made or recorded; the channel
	// rests for problemHold.
	problem bool
}

// Run delivers queued bodies until ctx is cancelled, then waits for the
// deliveries under way to end. A request cut short by the cancellation is
// not counted as a failed attempt: its row stays pending and is sent again
// by the next Run, over the same database, which starts with the rows
// already due.
func (f *Forwarder) Run(ctx context.Context) {
	reports := make(chan done)
	busy := map[int64]bool{}
	held := map[int64]time.Time{}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		wait := f.dispatch(ctx, busy, held, reports)
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			for len(busy) > 0 {
				delete(busy, (<-reports).channelID)
			}
			return
		case r := <-reports:
			delete(busy, r.channelID)
			if r.problem {
				held[r.channelID] = f.now().Add(problemHold)
			}
		case <-f.wake:
		case <-timer.C:
		}
	}
}

// dispatch starts a worker for each due channel that is not busy or
// resting, as far as workers are free, and returns how long to wait before
// looking again.
func (f *Forwarder) dispatch(ctx context.Context, busy map[int64]bool, held map[int64]time.Time, reports chan<- done) time.Duration {
	if ctx.Err() != nil {
		return maxSleep
	}
	now := f.now()
	due, nextAt, err := f.db.DueForwards(ctx, now)
	if err != nil {
		if ctx.Err() == nil {
			f.log.Error("forward: read the queue", "err", err)
		}
		return problemHold
	}
	wait := maxSleep
	if !nextAt.IsZero() {
		wait = min(wait, nextAt.Sub(now))
	}
	for _, d := range due {
		if busy[d.ChannelID] {
			continue
		}
		if until, ok := held[d.ChannelID]; ok {
			if now.Before(until) {
				wait = min(wait, until.Sub(now))
				continue
			}
			delete(held, d.ChannelID)
		}
		if len(busy) >= f.workers {
			break // a worker's report triggers the next look
		}
		busy[d.ChannelID] = true
		go func() {
			err := f.deliver(ctx, d)
			if err != nil && ctx.Err() == nil {
				f.log.Error("forward: delivery not recorded; retrying later", "channel_id", d.ChannelID,
					"event_id", d.EventID, "outbox_id", d.ID, "err", err)
			}
			reports <- done{channelID: d.ChannelID, problem: err != nil}
		}()
	}
	return max(wait, time.Millisecond)
}

// deliver makes one attempt at a row and records it. It returns an error
// only when the attempt could not be made or recorded.
func (f *Forwarder) deliver(ctx context.Context, d store.ForwardDelivery) error {
	ch, err := f.db.ChannelByID(ctx, d.ChannelID)
	if err != nil {
		return err
	}
	a := store.ForwardAttempt{OutboxID: d.ID, ChannelID: d.ChannelID, EventID: d.EventID, AttemptedAt: f.now()}
	// The channel's current forward URL: an admin who corrects a mistyped
	// URL expects the bodies waiting for it to go to the new one.
	url := ch.ForwardURL
	switch {
	case ch.DeletedAt != nil:
		a.Error = "Not forwarded: the channel was deleted."
	case url == "":
		a.Error = "Not forwarded: forwarding was turned off for this channel."
	}
	if a.Error != "" {
		f.log.Info("forward: dropped", "channel_id", d.ChannelID, "event_id", d.EventID, "reason", a.Error)
		return f.db.RecordForwardAttempt(ctx, a, store.ForwardGivenUp, time.Time{})
	}

	secret, err := f.secret(ctx, ch.ID)
	if err != nil {
		return err
	}
	body, err := f.db.ForwardBody(ctx, d.EventID)
	if err != nil {
		return err
	}
	if f.post(ctx, &a, url, secret, body) {
		f.log.Debug("forward: delivered", "channel_id", d.ChannelID, "event_id", d.EventID, "status", a.HTTPStatus,
			"attempt", d.Attempts+1, "duration", a.Duration)
		// Recorded even when shutting down, so it is not sent again.
		return f.db.RecordForwardAttempt(context.WithoutCancel(ctx), a, store.ForwardDelivered, time.Time{})
	}
	if ctx.Err() != nil {
		// Shutting down: the middleware is not to blame; the row stays
		// pending for the next start.
		return ctx.Err()
	}
	state, retryAt := next(d, f.now(), f.jitter())
	attrs := []any{"channel_id", d.ChannelID, "event_id", d.EventID, "url", url, "status", a.HTTPStatus,
		"problem", a.Error, "attempt", d.Attempts + 1}
	if state == store.ForwardGivenUp {
		f.log.Warn("forward: given up after retrying for seven days", attrs...)
	} else {
		f.log.Warn("forward: delivery failed; will retry", append(attrs, "retry_at", retryAt)...)
	}
	return f.db.RecordForwardAttempt(ctx, a, state, retryAt)
}

// secret returns the channel's forward secret, generating one when the
// channel has none yet: bodies are only ever sent signed, and none waits
// for an admin. The admin sees a secret by generating a new one on the
// channel page.
func (f *Forwarder) secret(ctx context.Context, channelID int64) (string, error) {
	sec, err := f.db.ChannelSecrets(ctx, channelID)
	if err != nil {
		return "", err
	}
	if sec.ForwardSecret != "" {
		return sec.ForwardSecret, nil
	}
	candidate, err := NewSecret()
	if err != nil {
		return "", err
	}
	s, created, err := f.db.EnsureForwardSecret(ctx, channelID, candidate)
	if err != nil {
		return "", err
	}
	if created {
		f.log.Info("forward: generated a forward secret for a channel that had none; an admin can make a new one, shown once, on the channel page",
			"channel_id", channelID)
	}
	return s, nil
}

// post sends body and fills in a's outcome; it reports a 2xx answer.
func (f *Forwarder) post(ctx context.Context, a *store.ForwardAttempt, url, secret string, body []byte) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		a.Error = "The forward URL is not valid: " + err.Error()
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "wadesk")
	req.Header.Set(SignatureHeader, Sign(secret, body))
	req.Header.Set(ChannelHeader, strconv.FormatInt(a.ChannelID, 10))
	req.Header.Set(EventHeader, strconv.FormatInt(a.EventID, 10))
	start := time.Now()
	resp, err := f.client.Do(req)
	if err != nil {
		a.Duration = time.Since(start)
		a.Error = plain(err, f.timeout)
		return false
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	a.Duration = time.Since(start)
	a.HTTPStatus = resp.StatusCode
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return true
	}
	a.Error = answerText(resp)
	return false
}

// answerText describes a non-2xx answer for the channel page: the status
// code and its standard words, never the body or the server's own reason
// phrase (which would let the console read what an address answers).
func answerText(resp *http.Response) string {
	msg := "The middleware answered " + strconv.Itoa(resp.StatusCode)
	if t := http.StatusText(resp.StatusCode); t != "" {
		msg += " " + t
	}
	msg += "."
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		return msg + " Redirects are not followed: set the forward URL to the address it redirects to."
	}
	return msg
}
