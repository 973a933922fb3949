package templates

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// Lister lists the templates of a WhatsApp Business Account, all pages.
type Lister interface {
	ListTemplates(ctx context.Context, wabaID string) ([]providers.Template, error)
}

// Connector returns a template lister for a channel's credentials.
type Connector func(c providers.Credentials) (Lister, error)

// Defaults for SyncConfig and Run.
const (
	DefaultSyncTimeout  = 60 * time.Second
	DefaultSyncInterval = 30 * time.Minute
)

// SyncConfig is what a Syncer needs.
type SyncConfig struct {
	DB      *store.DB
	Connect Connector
	Logger  *slog.Logger
	// Timeout bounds one channel's sync, paging included (default
	// DefaultSyncTimeout).
	Timeout time.Duration
}

// Syncer keeps the stored templates of every channel in step with the
// provider: on a schedule, on demand, and from status webhooks.
type Syncer struct {
	db      *store.DB
	connect Connector
	log     *slog.Logger
	timeout time.Duration
}

// NewSyncer returns a Syncer for cfg.
func NewSyncer(cfg SyncConfig) (*Syncer, error) {
	if cfg.DB == nil || cfg.Connect == nil {
		return nil, errors.New("templates: DB and Connect are required")
	}
	s := &Syncer{db: cfg.DB, connect: cfg.Connect, log: cfg.Logger, timeout: cfg.Timeout}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.timeout <= 0 {
		s.timeout = DefaultSyncTimeout
	}
	return s, nil
}

// Sync lists a channel's templates with l and stores them, replacing what
// was stored. A failure is recorded on the channel (shown on its templates
// page) and returned; the stored templates then stay as they were.
//
// A provider that cannot list templates (its client's capabilities lack
// providers.CapTemplates) is not asked: its templates are declared by an
// admin and stay as they are.
func Sync(ctx context.Context, db *store.DB, l Lister, ch store.Channel) (store.TemplateSyncResult, error) {
	if c, ok := l.(interface{ Capabilities() providers.Capabilities }); ok && !c.Capabilities().Has(providers.CapTemplates) {
		return store.TemplateSyncResult{}, nil
	}
	started := time.Now()
	list, err := l.ListTemplates(ctx, ch.WABAID)
	if err != nil {
		// A caller that gave up (shutdown, a closed page) learns nothing
		// about the channel; anything else, a timeout included, is recorded.
		if !errors.Is(ctx.Err(), context.Canceled) {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			if rerr := db.RecordTemplateSyncFailure(rctx, ch.ID, Explain(err), time.Now()); rerr != nil {
				err = errors.Join(err, rerr)
			}
			cancel()
		}
		return store.TemplateSyncResult{}, fmt.Errorf("templates: sync channel %d: %w", ch.ID, err)
	}
	recs := make([]store.TemplateRecord, 0, len(list))
	for _, t := range list {
		r, err := Record(t)
		if err != nil {
			return store.TemplateSyncResult{}, fmt.Errorf("templates: sync channel %d: %w", ch.ID, err)
		}
		recs = append(recs, r)
	}
	res, err := db.ReplaceChannelTemplates(ctx, ch.ID, recs, started)
	if err != nil {
		return store.TemplateSyncResult{}, fmt.Errorf("templates: sync channel %d: %w", ch.ID, err)
	}
	return res, nil
}

// Explain says in plain words why a provider call failed, with the
// provider's error code when there is one.
func Explain(err error) string {
	msg := providers.Plain(err)
	if pe, ok := providers.AsError(err); ok && pe.Code != 0 {
		msg += " (error code " + strconv.Itoa(pe.Code) + ")"
	}
	return msg
}

// SyncChannel syncs one connected channel's templates now.
func (s *Syncer) SyncChannel(ctx context.Context, channelID int64) (store.TemplateSyncResult, error) {
	ch, err := s.db.ChannelByID(ctx, channelID)
	if err != nil {
		return store.TemplateSyncResult{}, fmt.Errorf("templates: sync channel %d: %w", channelID, err)
	}
	if ch.DeletedAt != nil || ch.State == store.ChannelPending {
		return store.TemplateSyncResult{}, fmt.Errorf("templates: sync channel %d: not connected: %w", channelID, store.ErrNotFound)
	}
	sec, err := s.db.ChannelSecrets(ctx, channelID)
	if err != nil {
		return store.TemplateSyncResult{}, fmt.Errorf("templates: sync channel %d: %w", channelID, err)
	}
	l, err := s.connect(ch.Credentials(sec))
	if err != nil {
		return store.TemplateSyncResult{}, fmt.Errorf("templates: sync channel %d: connect to %s: %w", channelID, ch.Provider, err)
	}
	cctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := Sync(cctx, s.db, l, ch)
	if err != nil {
		return res, err
	}
	s.log.InfoContext(ctx, "templates synced", "channel_id", ch.ID, "waba_id", ch.WABAID,
		"total", res.Total, "added", res.Added, "changed", res.Changed, "removed", res.Removed)
	return res, nil
}

// SyncAll syncs every connected channel, one after another. A channel that
// fails is logged and the others are still synced; the failures are
// returned joined.
func (s *Syncer) SyncAll(ctx context.Context) error {
	chans, err := s.db.ListChannels(ctx)
	if err != nil {
		return fmt.Errorf("templates: list channels: %w", err)
	}
	var failures []error
	for _, ch := range chans {
		if ctx.Err() != nil {
			return errors.Join(append(failures, ctx.Err())...)
		}
		if _, err := s.SyncChannel(ctx, ch.ID); err != nil {
			failures = append(failures, err)
			if ctx.Err() == nil {
				s.log.Warn("template sync failed", "channel_id", ch.ID, "err", err)
			}
		}
	}
	return errors.Join(failures...)
}

// Run syncs all channels right away and then every interval (default
// DefaultSyncInterval), until ctx is done. Start it in its own goroutine
// and wait for it to return before closing the database.
func (s *Syncer) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = DefaultSyncInterval
	}
	s.log.Info("template sync started", "every", every.String())
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		// Failures were logged channel by channel.
		_ = s.SyncAll(ctx)
		select {
		case <-ctx.Done():
			s.log.Info("template sync stopped")
			return
		case <-t.C:
		}
	}
}

// ApplyStatus records a template status webhook (approval, rejection,
// pause…) for the account's channels. Its signature fits the webhook
// processor's template hook. A template wadesk does not know yet is left
// for the next sync.
func (s *Syncer) ApplyStatus(ctx context.Context, wabaID string, u providers.TemplateStatusUpdate) error {
	c := StatusChange(u)
	if c.Status == "" {
		return nil
	}
	n, err := s.db.ApplyTemplateStatus(ctx, wabaID, c)
	if err != nil {
		return err
	}
	if n == 0 {
		s.log.InfoContext(ctx, "template status for a template not stored yet; the next sync brings it",
			"waba_id", wabaID, "template_id", c.TemplateID, "name", c.Name, "language", c.Language, "status", c.Status)
		return nil
	}
	s.log.InfoContext(ctx, "template status updated", "waba_id", wabaID, "template_id", c.TemplateID,
		"name", c.Name, "language", c.Language, "status", c.Status, "reason", c.Reason, "rows", n)
	return nil
}
