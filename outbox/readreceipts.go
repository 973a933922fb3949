package outbox

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// Read receipt defaults.
const (
	// DefaultReceiptAttempts is how often a read receipt is tried before
	// wadesk gives up on it (the customer only misses blue ticks).
	DefaultReceiptAttempts = 8
	// DefaultReceiptTimeout bounds one MarkRead call.
	DefaultReceiptTimeout = 30 * time.Second
)

// ReadReceipts sends the read receipts the inbox queues when an agent
// looks at a conversation (store.QueueReadReceipt): the provider marks the
// customer's newest message, and the ones before it, read, and the
// customer's ticks turn blue. Receipts wait in the database, so one queued
// before wadesk stops is sent after it starts again; one the provider may
// have got before a stop is sent again, which is harmless. A receipt the
// provider refuses for good (or that keeps failing) is given up on: it
// only costs the blue ticks.
type ReadReceipts struct {
	db          *store.DB
	connect     Connector
	log         *slog.Logger
	maxAttempts int
	timeout     time.Duration
	wake        chan struct{}
}

// ReceiptsConfig tunes ReadReceipts; zero fields take the defaults.
type ReceiptsConfig struct {
	MaxAttempts int
	Timeout     time.Duration
	Logger      *slog.Logger
}

// NewReadReceipts returns a worker that gets each channel's client from
// connect (the Sender's connector).
func NewReadReceipts(db *store.DB, connect Connector, cfg ReceiptsConfig) *ReadReceipts {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultReceiptAttempts
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultReceiptTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &ReadReceipts{db: db, connect: connect, log: cfg.Logger, maxAttempts: cfg.MaxAttempts, timeout: cfg.Timeout,
		wake: make(chan struct{}, 1)}
}

// Notify wakes the worker: a receipt was queued.
func (rr *ReadReceipts) Notify() {
	select {
	case rr.wake <- struct{}{}:
	default:
	}
}

// Run sends receipts until ctx is done.
func (rr *ReadReceipts) Run(ctx context.Context) {
	const idle = 30 * time.Second
	for {
		next, err := rr.SendDue(ctx)
		wait := idle
		switch {
		case err != nil && ctx.Err() == nil:
			rr.log.Error("send read receipts", "err", err)
			wait = 5 * time.Second
		case !next.IsZero():
			wait = min(idle, max(0, time.Until(next)))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-rr.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// SendDue sends the receipts that are due now, one provider call each, and
// returns when the next waiting one is due (zero when none waits).
func (rr *ReadReceipts) SendDue(ctx context.Context) (time.Time, error) {
	for {
		due, next, err := rr.db.DueReadReceipts(ctx, time.Now(), 100)
		if err != nil {
			return time.Time{}, err
		}
		if len(due) == 0 {
			return next, nil
		}
		clients := map[int64]providers.MessageSender{}
		for _, r := range due {
			if ctx.Err() != nil {
				return time.Time{}, ctx.Err()
			}
			if err := rr.send(ctx, clients, r); err != nil {
				return time.Time{}, err
			}
		}
	}
}

// send tries one receipt and records the outcome; the error is the
// database's.
func (rr *ReadReceipts) send(ctx context.Context, clients map[int64]providers.MessageSender, r store.ReadReceipt) error {
	giveUp := func(problem string) error {
		rr.log.Warn("read receipt not sent", "conversation_id", r.ConversationID, "message_id", r.MessageID, "reason", problem)
		return rr.db.ReadReceiptDone(ctx, r.ConversationID, r.MessageID, problem)
	}
	if r.ChannelGone {
		return giveUp("the channel was removed")
	}
	if r.WAMID == "" {
		return giveUp("the message has no WhatsApp ID")
	}
	client, ok := clients[r.ChannelID]
	if !ok {
		c, err := rr.connect(r.ChannelID)
		if err == nil && c == nil {
			err = errors.New("outbox: the connector returned no client")
		}
		if errors.Is(err, ErrNoChannel) {
			return giveUp(err.Error())
		}
		if err != nil {
			return rr.retry(ctx, r, err)
		}
		clients[r.ChannelID] = c
		client = c
	}
	callCtx, cancel := context.WithTimeout(ctx, rr.timeout)
	err := client.MarkRead(callCtx, r.PhoneNumberID, r.WAMID, false)
	cancel()
	if err == nil {
		rr.log.Debug("read receipt sent", "conversation_id", r.ConversationID, "message_id", r.MessageID)
		return rr.db.ReadReceiptDone(ctx, r.ConversationID, r.MessageID, "")
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ve *providers.ValidationError
	if pe, isProvider := providers.AsError(err); errors.As(err, &ve) || (isProvider && !pe.Retryable()) {
		return giveUp(err.Error())
	}
	return rr.retry(ctx, r, err)
}

// retry waits before trying a receipt again, or gives up on it after
// MaxAttempts tries.
func (rr *ReadReceipts) retry(ctx context.Context, r store.ReadReceipt, cause error) error {
	if r.Attempts+1 >= rr.maxAttempts {
		rr.log.Warn("read receipt not sent; giving up", "conversation_id", r.ConversationID, "message_id", r.MessageID,
			"attempts", r.Attempts+1, "err", cause)
		return rr.db.ReadReceiptDone(ctx, r.ConversationID, r.MessageID, cause.Error())
	}
	delay := backoff(r.Attempts)
	if pe, ok := providers.AsError(cause); ok {
		delay = pe.RetryDelay(r.Attempts)
	}
	rr.log.Info("read receipt refused for now; retrying", "conversation_id", r.ConversationID, "message_id", r.MessageID,
		"retry_in", delay, "err", cause)
	return rr.db.ReadReceiptRetry(ctx, r.ConversationID, r.MessageID, time.Now().Add(delay), cause.Error())
}

// Typing shows the customer of a conversation that someone is typing (the
// Cloud API shows it until the next reply or for 25 seconds; providers
// without it ignore the request). It also marks their newest message read.
// It is best-effort and not queued: a lost indicator only shows nothing.
func (rr *ReadReceipts) Typing(ctx context.Context, conversationID int64) error {
	r, ok, err := rr.db.TypingTarget(ctx, conversationID)
	if err != nil || !ok {
		return err
	}
	client, err := rr.connect(r.ChannelID)
	if err != nil {
		return err
	}
	if client == nil {
		return errors.New("outbox: the connector returned no client")
	}
	callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return client.MarkRead(callCtx, r.PhoneNumberID, r.WAMID, true)
}
