// Package health checks connected channels against their provider, records
// what it found on the channel, and emails the channel's alert addresses
// once when a channel disconnects and once when it works again.
package health

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// NumberGetter reads one phone number's current state from a provider.
type NumberGetter interface {
	GetPhoneNumber(ctx context.Context, phoneNumberID string) (providers.PhoneNumber, error)
}

// Connector returns a provider adapter for a channel's credentials.
type Connector func(c providers.Credentials) (NumberGetter, error)

// Mailer sends one email; *mailer.SMTP is the real one. It returns
// mailer.ErrNotConfigured when outgoing email is not set up.
type Mailer interface {
	Send(ctx context.Context, m mailer.Message) error
}

// Defaults for Config.
const (
	DefaultCheckTimeout = 30 * time.Second
	DefaultMailTimeout  = 90 * time.Second
)

// Config is what a Checker needs.
type Config struct {
	DB      *store.DB
	Connect Connector
	// Mailer sends alert emails; nil leaves them unsent (and logged).
	Mailer Mailer
	// OnNumber, when set, gets what the provider reported of a checked
	// number (its quality and the portfolio's messaging limit).
	OnNumber func(ctx context.Context, ch store.Channel, pn providers.PhoneNumber)
	Logger   *slog.Logger
	// BaseURL is wadesk's public address, for the links in emails.
	BaseURL *url.URL
	// Now is the clock (default time.Now).
	Now func() time.Time
	// CheckTimeout bounds one provider call (default DefaultCheckTimeout).
	CheckTimeout time.Duration
	// MailTimeout bounds sending one alert (default DefaultMailTimeout).
	MailTimeout time.Duration
}

// Checker checks channels and sends their alerts. It is safe for concurrent
// use: the background loop and an admin's "Check now" may run at once, and
// the state change they record decides, atomically, who sends the alert.
type Checker struct {
	db           *store.DB
	connect      Connector
	mail         Mailer
	onNumber     func(ctx context.Context, ch store.Channel, pn providers.PhoneNumber)
	log          *slog.Logger
	baseURL      *url.URL
	now          func() time.Time
	checkTimeout time.Duration
	mailTimeout  time.Duration
}

// New returns a Checker for cfg.
func New(cfg Config) (*Checker, error) {
	if cfg.DB == nil || cfg.Connect == nil || cfg.BaseURL == nil {
		return nil, errors.New("health: DB, Connect and BaseURL are required")
	}
	c := &Checker{
		db:           cfg.DB,
		connect:      cfg.Connect,
		mail:         cfg.Mailer,
		onNumber:     cfg.OnNumber,
		log:          cfg.Logger,
		baseURL:      cfg.BaseURL,
		now:          cfg.Now,
		checkTimeout: cfg.CheckTimeout,
		mailTimeout:  cfg.MailTimeout,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.checkTimeout <= 0 {
		c.checkTimeout = DefaultCheckTimeout
	}
	if c.mailTimeout <= 0 {
		c.mailTimeout = DefaultMailTimeout
	}
	return c, nil
}

// ErrUnreachable means the provider could not be asked (network failure,
// a server error, a rate limit); the channel's state was left as it was.
var ErrUnreachable = errors.New("health: provider unreachable; state unchanged")

// CheckChannel asks the provider about one channel now, records the result
// and sends an alert when the channel entered or left the disconnected
// state. It returns an error wrapping ErrUnreachable when the provider
// could not be asked, and other errors when the check could not run at
// all; a failed alert email is logged and recorded, not returned.
func (c *Checker) CheckChannel(ctx context.Context, channelID int64) error {
	ch, err := c.db.ChannelByID(ctx, channelID)
	if err != nil {
		return fmt.Errorf("health: check channel %d: %w", channelID, err)
	}
	if ch.DeletedAt != nil || ch.State == store.ChannelPending {
		return fmt.Errorf("health: check channel %d: it is %s, not connected: %w", channelID, describeLifecycle(ch), store.ErrNotFound)
	}
	sec, err := c.db.ChannelSecrets(ctx, channelID)
	if err != nil {
		return fmt.Errorf("health: check channel %d: %w", channelID, err)
	}
	client, err := c.connect(ch.Credentials(sec))
	if err != nil {
		return fmt.Errorf("health: check channel %d: connect to %s: %w", channelID, ch.Provider, err)
	}

	cctx, cancel := context.WithTimeout(ctx, c.checkTimeout)
	pn, perr := client.GetPhoneNumber(cctx, ch.PhoneNumberID)
	cancel()
	if perr != nil && ctx.Err() != nil {
		// The caller gave up (shutdown, a closed page): that says nothing
		// about the channel.
		return fmt.Errorf("health: check channel %d: %w", channelID, ctx.Err())
	}
	now := c.now()
	f := assess(providers.ProviderID(ch.Provider), ch.Title, pn, perr, now)
	f = c.checkSubscription(ctx, client, ch, f)

	if f.transient {
		c.log.WarnContext(ctx, "channel check: provider not reachable; state kept", "channel_id", ch.ID, "state", ch.State, "err", perr)
		if err := c.db.NoteChannelCheckProblem(ctx, ch.ID, f.reason); err != nil {
			return fmt.Errorf("health: check channel %d: %w", channelID, err)
		}
		return fmt.Errorf("health: check channel %d: %w: %w", channelID, ErrUnreachable, perr)
	}

	prev, err := c.db.SetChannelHealth(ctx, ch.ID, store.ChannelHealth{
		State:                  f.state,
		Reason:                 f.reason,
		QualityRating:          pn.QualityRating,
		MessagingLimitTier:     pn.MessagingLimitTier,
		NumberStatus:           pn.Status,
		CodeVerificationStatus: pn.CodeVerificationStatus,
		CheckedAt:              now,
	})
	if err != nil {
		return fmt.Errorf("health: check channel %d: %w", channelID, err)
	}
	attrs := []any{"channel_id", ch.ID, "previous", prev, "state", f.state, "reason", f.reason}
	if perr != nil {
		attrs = append(attrs, "err", perr)
	}
	switch {
	case prev != f.state && f.state == store.ChannelDisconnected:
		c.log.WarnContext(ctx, "channel disconnected", attrs...)
	case prev != f.state:
		c.log.InfoContext(ctx, "channel state changed", attrs...)
	default:
		c.log.DebugContext(ctx, "channel checked", attrs...)
	}

	if pn.DisplayPhoneNumber != "" {
		ch.DisplayPhoneNumber = pn.DisplayPhoneNumber
	}
	if c.onNumber != nil && perr == nil {
		c.onNumber(ctx, ch, pn)
	}
	switch {
	case f.state == store.ChannelDisconnected && prev != store.ChannelDisconnected:
		c.alert(ctx, ch, store.AlertDisconnected, f, now)
	case prev == store.ChannelDisconnected && f.state != store.ChannelDisconnected:
		c.alert(ctx, ch, store.AlertRecovered, f, now)
	}
	return nil
}

func describeLifecycle(ch store.Channel) string {
	if ch.DeletedAt != nil {
		return "deleted"
	}
	return "still being connected"
}

// CheckAll checks every listed channel once, one after another. A channel
// whose check fails is logged and skipped; the others are still checked.
// It returns the failures joined, or the error listing the channels.
func (c *Checker) CheckAll(ctx context.Context) error {
	failures, err := c.checkAll(ctx)
	return errors.Join(append([]error{err}, failures...)...)
}

func (c *Checker) checkAll(ctx context.Context) (failures []error, err error) {
	chans, err := c.db.ListChannels(ctx)
	if err != nil {
		return nil, fmt.Errorf("health: list channels: %w", err)
	}
	for _, ch := range chans {
		if ctx.Err() != nil {
			return append(failures, ctx.Err()), nil
		}
		if err := c.checkOne(ctx, ch.ID); err != nil {
			failures = append(failures, err)
			level := slog.LevelError
			if errors.Is(err, ErrUnreachable) {
				level = slog.LevelWarn
			}
			if ctx.Err() == nil {
				c.log.Log(ctx, level, "channel check failed", "channel_id", ch.ID, "err", err)
			}
		}
	}
	return failures, nil
}

// checkOne runs one check, turning a panic into an error so that one bad
// channel cannot stop the loop.
func (c *Checker) checkOne(ctx context.Context, id int64) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("health: check channel %d: panic: %v", id, v)
		}
	}()
	return c.CheckChannel(ctx, id)
}

// Run checks all channels right away and then every interval, until ctx is
// done. Start it in its own goroutine and wait for it to return before
// closing the database.
func (c *Checker) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 5 * time.Minute
	}
	c.log.Info("channel health checks started", "every", every.String())
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		// Failed channels were logged one by one.
		if _, err := c.checkAll(ctx); err != nil && ctx.Err() == nil {
			c.log.Error("channel health checks", "err", err)
		}
		select {
		case <-ctx.Done():
			c.log.Info("channel health checks stopped")
			return
		case <-t.C:
		}
	}
}
