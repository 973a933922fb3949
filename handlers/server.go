// Package handlers is wadesk's HTTP layer: routes, middleware, and one file
// per resource action. Handlers parse and validate input, call the store or
// a domain package, and render views; they hold no business rules.
package handlers

import (
	"context"
	"fmt"
	"github.com/wadesk/wadesk/costs"
	"github.com/wadesk/wadesk/limits"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-playground/validator/v10"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/ingest"
	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/media"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

// Config is what the HTTP layer needs from the program.
type Config struct {
	DB     *store.DB
	Box    *secrets.Box
	Logger *slog.Logger
	// BaseURL is the public address; https turns on Secure cookies.
	BaseURL *url.URL
	Version string
	// Throttle limits sign-in attempts; nil uses the defaults.
	Throttle *auth.Throttle
	// Providers are the providers the program supports: how each one's
	// webhooks are checked and its clients built.
	Providers *providers.Registry
	// Health checks channels on demand (the details page's Check now).
	Health HealthChecker
	// Journal durably accepts webhook bodies.
	Journal Journal
	// Mail sends email with the stored outgoing-mail settings (Settings →
	// Email's test message). nil: a mailer reading DB's settings.
	Mail MailSender
	// Outbox queues the messages agents send (*outbox.Sender). nil: replies
	// are refused with an error page.
	Outbox MessageQueue
	// Limits applies and alerts on messaging limits (nil: no alerts after sends).
	Limits *limits.Monitor
	// Events tells open conversations that something changed (server-sent
	// events). nil: pages do not update live.
	Events *events.Hub
	// API serves /api/v1 (package api): no session, no cookies, no
	// cross-origin check (it authenticates by key). nil: no API.
	API http.Handler
	// Variables are the {variables} agents may use in templates. nil: the
	// built-in ones (templates.DefaultVariables).
	Variables *templates.Variables
	// Media reaches a channel's provider media API, to show the files of
	// messages. nil: files are not shown.
	Media MediaSource
	// Blobs is wadesk's own store of messages' files, filled by Fetcher.
	// nil: files are streamed from the provider each time.
	Blobs media.Store
	// Fetcher keeps messages' files in Blobs; woken after an upload and by
	// an agent's retry. nil with Blobs nil.
	Fetcher *media.Fetcher
	// ReadReceipts is woken when a read receipt is queued (the worker that
	// sends them). nil: the worker finds them on its own schedule.
	ReadReceipts Notifier
	// Typing shows a conversation's customer that an agent is typing
	// (outbox.ReadReceipts.Typing). nil: nothing is shown.
	Typing func(ctx context.Context, conversationID int64) error
	// HoursNow, when set, is the clock business hours are judged by (the
	// inbox's "outside business hours" and the hours page); only
	// end-to-end tests set it (hours.TestClockEnv). Nil: the wall clock.
	HoursNow func() time.Time
	// Webhooks hears of every answered webhook (monitoring). nil: none.
	Webhooks WebhookObserver
	// AuditKeepDays is how long the audit trail is kept, shown on its
	// page (0: forever).
	AuditKeepDays int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (--trusted-proxy). Empty: the header is ignored.
	TrustedProxies []netip.Prefix
	// RetainDays is the age at which messages are deleted automatically,
	// shown on the Privacy page (0: never).
	RetainDays int
	// Metrics, when set, is served at GET /metrics (it checks its own
	// token). nil: no /metrics route on this listener.
	Metrics http.Handler
	// SetupCode is the one-time code the first-run setup asks for, so that
	// only whoever can read wadesk's output creates the first admin. Empty:
	// New makes one (see Server.SetupCode).
	SetupCode string
	// Ingest is the webhook processor: woken when dead letters are queued
	// again, and asked whether it is stuck (admins' alert, readiness).
	// nil: neither.
	Ingest IngestProcessor
	// Campaigns are what the campaign pages need (see CampaignDeps).
	Campaigns CampaignDeps
	// Costs prices messages (the composer's estimate, Settings → Pricing,
	// the insights). nil: one reading DB.
	Costs *costs.Estimator
}

// IngestProcessor is what the handlers need of the webhook processor.
type IngestProcessor interface {
	Notify()
	State() ingest.ProcessorState
}

// MediaSource returns the media API of a channel's provider.
type MediaSource func(ctx context.Context, channelID int64) (providers.MediaStore, error)

// Notifier is woken when there is new work.
type Notifier interface {
	Notify()
}

// MessageQueue stores an agent's message and has it sent; opts change
// what the inbox shows for it (outbox.ShowText, outbox.ShowRendered).
type MessageQueue interface {
	Enqueue(ctx context.Context, conversationID int64, msg providers.OutboundMessage, opts ...outbox.Option) (store.OutboundMessage, error)
}

// MailSender sends one email; *mailer.SMTP is the real one.
type MailSender interface {
	Send(ctx context.Context, m mailer.Message) error
}

// Journal commits an accepted webhook body and returns once it is durable.
type Journal interface {
	Append(ctx context.Context, channelID int64, body []byte) error
}

// HealthChecker checks one channel now and records the result.
type HealthChecker interface {
	CheckChannel(ctx context.Context, channelID int64) error
}

// Server holds the handlers' shared state.
type Server struct {
	db       *store.DB
	box      *secrets.Box
	log      *slog.Logger
	baseURL  *url.URL
	version  string
	throttle *auth.Throttle
	// codes throttles second-factor codes per address and per account at
	// that address (a stranger's guesses never slow the owner elsewhere);
	// mails limits reset emails per address and per account.
	codes *auth.Throttle
	mails *auth.Throttle
	// webauthn is the passkey relying party; nil when the console's
	// address is an IP (browsers refuse passkeys there).
	webauthn  *webauthn.WebAuthn
	providers *providers.Registry
	health    HealthChecker
	journal   Journal
	mail      MailSender
	outbox    MessageQueue
	limits    *limits.Monitor
	events    *events.Hub
	vars      *templates.Variables
	api       http.Handler
	media     MediaSource
	blobs     media.Store
	fetcher   *media.Fetcher
	receipts  Notifier
	typing    func(ctx context.Context, conversationID int64) error
	// hoursNow is the clock business hours are judged by; nil: the wall
	// clock (Config.HoursNow).
	hoursNow  func() time.Time
	observer  WebhookObserver
	metrics   http.Handler
	campaigns CampaignDeps

	auditKeepDays int
	retainDays    int
	trusted       []netip.Prefix

	hookProviders webhookProviders
	ingest        IngestProcessor
	costs         *costs.Estimator
	// setupCode is asked for by /setup (see Config.SetupCode).
	setupCode string
	// streamsDone is closed by StopStreams: open event streams end so that
	// a graceful shutdown need not wait for them.
	streamsDone chan struct{}
	stopStreams sync.Once

	sessions *scs.SessionManager
	flash    *flashStore
	validate *validator.Validate
	secrets  appSecrets
	// setupDone caches that a user exists, so that the first-run check costs
	// nothing once setup is over.
	setupDone atomic.Bool
}

// New builds the HTTP layer.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil || cfg.Box == nil || cfg.Logger == nil || cfg.BaseURL == nil || cfg.Providers == nil {
		return nil, fmt.Errorf("handlers: DB, Box, Logger, BaseURL and Providers are required")
	}
	s := &Server{
		db:        cfg.DB,
		box:       cfg.Box,
		log:       cfg.Logger,
		baseURL:   cfg.BaseURL,
		version:   cfg.Version,
		throttle:  cfg.Throttle,
		providers: cfg.Providers,
		health:    cfg.Health,
		journal:   cfg.Journal,
		costs:     cfg.Costs,
		mail:      cfg.Mail,
		outbox:    cfg.Outbox,
		limits:    cfg.Limits,
		events:    cfg.Events,
		vars:      cfg.Variables,
		api:       cfg.API,
		media:     cfg.Media,
		blobs:     cfg.Blobs,
		fetcher:   cfg.Fetcher,
		receipts:  cfg.ReadReceipts,
		typing:    cfg.Typing,
		hoursNow:  cfg.HoursNow,
		observer:  cfg.Webhooks,
		metrics:   cfg.Metrics,
		campaigns: cfg.Campaigns.withDefaults(cfg.DB),

		auditKeepDays: cfg.AuditKeepDays,
		retainDays:    cfg.RetainDays,
		trusted:       cfg.TrustedProxies,
		ingest:        cfg.Ingest,
		setupCode:     cfg.SetupCode,
		validate:      newValidator(),

		streamsDone: make(chan struct{}),
	}
	if s.mail == nil {
		s.mail = mailer.New(cfg.DB, cfg.Logger)
	}
	if s.costs == nil {
		s.costs = costs.New(cfg.DB, cfg.Logger)
	}
	if s.setupCode == "" {
		code, err := auth.NewSetupCode()
		if err != nil {
			return nil, err
		}
		s.setupCode = code
	}
	if s.vars == nil {
		s.vars = templates.DefaultVariables()
	}
	if s.throttle == nil {
		s.throttle = auth.NewThrottle(auth.ThrottleConfig{})
	}
	s.codes = auth.NewThrottle(auth.ThrottleConfig{AccountBurst: 5, AccountEvery: 30 * time.Second, AddrBurst: 10, AddrEvery: 30 * time.Second})
	s.mails = auth.NewThrottle(auth.ThrottleConfig{AccountBurst: 3, AccountEvery: 10 * time.Minute, AddrBurst: 10, AddrEvery: time.Minute})
	if net.ParseIP(cfg.BaseURL.Hostname()) == nil {
		rp, err := newRelyingParty(cfg.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("handlers: passkeys for %s: %w", cfg.BaseURL, err)
		}
		s.webauthn = rp
	}
	secure := cfg.BaseURL.Scheme == "https"

	s.sessions = scs.New()
	s.sessions.Store = cfg.DB.Sessions()
	s.sessions.IdleTimeout = 12 * time.Hour
	s.sessions.Lifetime = 7 * 24 * time.Hour
	s.sessions.Cookie.Name = "wadesk_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = secure
	s.sessions.Cookie.Path = "/"
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.serverError(w, r, fmt.Errorf("session: %w", err))
	}

	s.flash = newFlashStore(cfg.Box.DeriveKey("flash cookie signing"), cfg.Box.DeriveKey("flash cookie encryption"), secure)
	return s, nil
}

// Close releases the server's resources. Expired sessions are swept by
// SweepSessions, which the program runs in the background.
func (s *Server) Close() {}

// StopStreams ends every open event stream (the inbox's live updates) and
// refuses new ones. Register it with http.Server.RegisterOnShutdown: the
// streams never end on their own, so Shutdown would otherwise wait for them.
func (s *Server) StopStreams() {
	s.stopStreams.Do(func() { close(s.streamsDone) })
}

// SweepSessions deletes expired sessions every interval until ctx is done.
func (s *Server) SweepSessions(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.db.Sessions().DeleteExpired(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("sweep expired sessions", "err", err)
			} else if n > 0 {
				s.log.Debug("expired sessions swept", "count", n)
			}
			now := time.Now()
			if _, err := s.db.DeleteStaleUserSessions(ctx, now.Add(-s.sessions.IdleTimeout), now.Add(-s.sessions.Lifetime)); err != nil && ctx.Err() == nil {
				s.log.Error("sweep stale session list", "err", err)
			}
			if _, err := s.db.DeleteOldPasswordResets(ctx, now.Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
				s.log.Error("sweep old password resets", "err", err)
			}
		}
	}
}

// needsSetup reports whether no user exists yet.
// SetupCode is the code the first-run setup page asks for; the program
// prints it when it starts with no user.
func (s *Server) SetupCode() string { return s.setupCode }

// NeedsSetup reports whether no user exists yet.
func (s *Server) NeedsSetup(ctx context.Context) (bool, error) { return s.needsSetup(ctx) }

func (s *Server) needsSetup(ctx context.Context) (bool, error) {
	if s.setupDone.Load() {
		return false, nil
	}
	has, err := s.db.HasUsers(ctx)
	if err != nil {
		return false, err
	}
	if has {
		s.setupDone.Store(true)
	}
	return !has, nil
}
