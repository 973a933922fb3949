// Command wadesk is a self-hosted console for WhatsApp Business API numbers:
// connect numbers, manage their profile and templates, and answer customers
// from the browser. One binary, one SQLite file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/wadesk/wadesk/autoreply"
	"github.com/wadesk/wadesk/costs"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wadesk/wadesk/api"
	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/consent"
	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/forward"
	"github.com/wadesk/wadesk/handlers"
	"github.com/wadesk/wadesk/health"
	"github.com/wadesk/wadesk/hours"
	"github.com/wadesk/wadesk/ingest"
	"github.com/wadesk/wadesk/limits"
	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/media"
	"github.com/wadesk/wadesk/metrics"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/providers/dialog360"
	"github.com/wadesk/wadesk/providers/maytapi"
	"github.com/wadesk/wadesk/providers/messagebird"
	"github.com/wadesk/wadesk/providers/partner"
	"github.com/wadesk/wadesk/providers/twilio"
	"github.com/wadesk/wadesk/providers/vonage"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "wadesk:", err)
		}
		os.Exit(2)
	}
}

const usage = `wadesk — a self-hosted console for WhatsApp Business API numbers

Usage:
  wadesk serve [flags]          start the web console
  wadesk demo [flags]           start the console and simulated providers (Meta's
                                Cloud API, 360dialog), with a demo admin and agent,
                                to try wadesk offline
  wadesk sim [flags]            start only the Meta Graph API simulator
  wadesk user create [flags]    create a user (e.g. the first admin)
  wadesk user reset-password [flags]
                                set a new password for a locked-out user
  wadesk backup [flags]         write a consistent backup while the console runs
  wadesk restore [flags]        restore a backup into a new, empty data directory
  wadesk doctor [serve flags]   check the installation serve would run; fails on problems
  wadesk user reset-2fa [flags] turn off a locked-out user's two-step sign-in
  wadesk version                print the version

Run "wadesk COMMAND -h" for a command's flags.
`

// run is the whole program: tests call it with their own arguments,
// environment and output, and stop it by cancelling ctx.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stdout, usage)
		return errors.New("no command given")
	}
	switch cmd, rest := args[1], args[2:]; cmd {
	case "serve":
		c, err := parseServe("serve", rest, getenv, stdout)
		if err != nil {
			return err
		}
		return serveConsole(ctx, c, stdout, nil)
	case "demo":
		return demo(ctx, rest, getenv, stdout)
	case "sim":
		return simulator.Run(ctx, rest, getenv, stdout)
	case "user":
		if len(rest) > 0 && rest[0] == "reset-password" {
			return userResetPassword(ctx, rest[1:], getenv, stdout)
		}
		if len(rest) > 0 && rest[0] == "reset-2fa" {
			return userResetTwoFactor(ctx, rest[1:], getenv, stdout)
		}
		if len(rest) == 0 || rest[0] != "create" {
			return errors.New(`usage: wadesk user create --email E --password P --role admin|agent [--name N] [--data DIR]
       wadesk user reset-password --email E [--password P] [--enable] [--data DIR]
       wadesk user reset-2fa --email E [--data DIR]`)
		}
		return userCreate(ctx, rest[1:], getenv, stdout)
	case "backup":
		return backupCmd(ctx, rest, getenv, stdout)
	case "restore":
		return restoreCmd(ctx, rest, getenv, stdout)
	case "doctor":
		return doctorCmd(ctx, rest, getenv, stdout)
	case "version":
		writeVersion(stdout, currentBuild())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stdout, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// envDefault returns the environment's value for key, or def.
func envDefault(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

type serveConfig struct {
	addr         string
	dataDir      string
	baseURL      string
	logFormat    string
	logLevel     string
	graphURL     string
	graphVersion string
	d360URL      string
	twilioURL    string
	contentURL   string
	birdURL      string
	maytapiURL   string
	vonageURL    string
	healthEvery  time.Duration
	backups      backupSchedule
	metricsAddr  string
	metricsToken string
	auditDays    int
	retainDays   int
	shutdown     time.Duration
	trusted      []netip.Prefix
	// allowPrivate lets the forward URL and the mail server be on the
	// local network (loopback, link-local, private addresses).
	allowPrivate bool
	// media is where kept files live (main_media.go).
	media *mediaStoreConfig
	// hoursClockFile pins the time business hours are judged at, for
	// end-to-end tests only (env hours.TestClockEnv; no flag).
	hoursClockFile string
}

// parseServe reads the console's flags, with environment fallbacks.
func parseServe(name string, args []string, getenv func(string) string, stdout io.Writer) (c serveConfig, err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.StringVar(&c.addr, "addr", envDefault(getenv, "WADESK_ADDR", "127.0.0.1:8080"), "address to listen on (env WADESK_ADDR)")
	fs.StringVar(&c.dataDir, "data", envDefault(getenv, "WADESK_DATA", "./data"), "data directory holding wadesk.db and secret.key (env WADESK_DATA)")
	fs.StringVar(&c.baseURL, "base-url", getenv("WADESK_BASE_URL"), "public URL of this console, used in webhook URLs; https makes cookies Secure (env WADESK_BASE_URL; default http://ADDR)")
	fs.StringVar(&c.logFormat, "log-format", envDefault(getenv, "WADESK_LOG_FORMAT", "text"), "log format: text or json (env WADESK_LOG_FORMAT)")
	fs.StringVar(&c.logLevel, "log-level", envDefault(getenv, "WADESK_LOG_LEVEL", "info"), "log level: debug, info, warn or error (env WADESK_LOG_LEVEL)")
	fs.StringVar(&c.graphURL, "graph-url", envDefault(getenv, "WADESK_GRAPH_URL", cloudapi.DefaultBaseURL), "Meta Graph API base URL (env WADESK_GRAPH_URL)")
	fs.StringVar(&c.graphVersion, "graph-version", envDefault(getenv, "WADESK_GRAPH_VERSION", cloudapi.DefaultVersion), "Meta Graph API version (env WADESK_GRAPH_VERSION)")
	fs.StringVar(&c.vonageURL, "vonage-url", envDefault(getenv, "WADESK_VONAGE_URL", vonage.DefaultBaseURL), "Vonage API base URL, e.g. https://api-eu.nexmo.com (env WADESK_VONAGE_URL)")
	fs.StringVar(&c.d360URL, "360dialog-url", envDefault(getenv, "WADESK_360DIALOG_URL", dialog360.DefaultBaseURL), "360dialog Messaging API base URL (env WADESK_360DIALOG_URL)")
	fs.StringVar(&c.twilioURL, "twilio-url", envDefault(getenv, "WADESK_TWILIO_URL", twilio.DefaultBaseURL), "Twilio REST API base URL (env WADESK_TWILIO_URL)")
	fs.StringVar(&c.contentURL, "twilio-content-url", envDefault(getenv, "WADESK_TWILIO_CONTENT_URL", ""), "Twilio Content API base URL (env WADESK_TWILIO_CONTENT_URL; default "+twilio.DefaultContentURL+", or the REST API URL when that is changed)")
	fs.StringVar(&c.birdURL, "messagebird-url", envDefault(getenv, "WADESK_MESSAGEBIRD_URL", messagebird.DefaultBaseURL), "MessageBird Conversations API base URL (env WADESK_MESSAGEBIRD_URL)")
	fs.StringVar(&c.maytapiURL, "maytapi-url", envDefault(getenv, "WADESK_MAYTAPI_URL", maytapi.DefaultBaseURL), "Maytapi API base URL, without the product id (env WADESK_MAYTAPI_URL)")
	fs.DurationVar(&c.healthEvery, "health-interval", 5*time.Minute, "how often channels are checked with their provider")
	c.backups.flags(fs, getenv)
	fs.DurationVar(&c.shutdown, "shutdown-timeout", 30*time.Second, "on SIGTERM, how long to finish requests and send queued messages before stopping")
	trusted := fs.String("trusted-proxy", getenv("WADESK_TRUSTED_PROXY"), "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed, e.g. 127.0.0.1 (env WADESK_TRUSTED_PROXY)")
	fs.IntVar(&c.retainDays, "retain-days", envInt(getenv, "WADESK_RETAIN_DAYS", 0), "delete messages and the webhooks that brought them this many days after they arrive; 0 keeps them (env WADESK_RETAIN_DAYS)")
	fs.IntVar(&c.auditDays, "audit-keep-days", envInt(getenv, "WADESK_AUDIT_KEEP_DAYS", 365), "how many days the audit log of admin actions is kept; 0 keeps it forever (env WADESK_AUDIT_KEEP_DAYS)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", getenv("WADESK_METRICS_ADDR"), "serve Prometheus metrics at /metrics on this separate address, e.g. 127.0.0.1:9120 (env WADESK_METRICS_ADDR)")
	fs.StringVar(&c.metricsToken, "metrics-token", getenv("WADESK_METRICS_TOKEN"), "serve /metrics only to requests with this bearer token; without --metrics-addr, on the console's address (env WADESK_METRICS_TOKEN)")
	fs.BoolVar(&c.allowPrivate, "allow-private-targets", envDefault(getenv, "WADESK_ALLOW_PRIVATE_TARGETS", "") == "true",
		"let the forward URL and the SMTP server be on loopback, link-local or private addresses, e.g. middleware on your LAN (env WADESK_ALLOW_PRIVATE_TARGETS=true)")
	c.media = addMediaFlags(fs, getenv)
	c.hoursClockFile = getenv(hours.TestClockEnv)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := c.media.check(); err != nil {
		return c, err
	}
	if err := c.backups.check(getenv); err != nil {
		return c, err
	}
	if c.trusted, err = parseTrustedProxies(*trusted); err != nil {
		return c, err
	}
	if c.shutdown < time.Second {
		return c, fmt.Errorf("--shutdown-timeout %s: use at least 1s", c.shutdown)
	}
	if c.retainDays < 0 {
		return c, fmt.Errorf("--retain-days %d: use 0 (keep) or more", c.retainDays)
	}
	if c.auditDays < 0 {
		return c, fmt.Errorf("--audit-keep-days %d: use 0 (forever) or more", c.auditDays)
	}
	if c.metricsToken != "" && len(c.metricsToken) < 16 {
		return c, errors.New("--metrics-token: use at least 16 characters")
	}
	if c.healthEvery < time.Minute {
		return c, fmt.Errorf("--health-interval %s: use at least 1m (providers rate-limit their APIs)", c.healthEvery)
	}
	return c, nil
}

// announceSetupCode prints the first-run setup code while no user exists:
// only whoever can read wadesk's output (or log) can create the first
// administrator, not whoever reaches the port first.
func announceSetupCode(ctx context.Context, srv *handlers.Server, base *url.URL, logger *slog.Logger, stdout io.Writer) error {
	needed, err := srv.NeedsSetup(ctx)
	if err != nil || !needed {
		return err
	}
	setup := base.JoinPath("setup").String()
	logger.Info("first-run setup: open the setup page and enter the setup code", "url", setup, "setup_code", srv.SetupCode())
	fmt.Fprintf(stdout, "wadesk: first-run setup code: %s (enter it at %s)\n", srv.SetupCode(), setup)
	return nil
}

// purgeDrafts removes channel wizard drafts abandoned for a week, hourly.
func purgeDrafts(ctx context.Context, db *store.DB, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := db.PurgeStaleChannelDrafts(ctx, time.Now().Add(-7*24*time.Hour)); err != nil && ctx.Err() == nil {
			logger.Error("purge stale channel drafts", "err", err)
		} else if n > 0 {
			logger.Info("purged abandoned channel drafts", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// serveConsole runs the web console until ctx is done. ready, when not
// nil, is called with the store, public URL and listen address once the
// console listens.
func serveConsole(ctx context.Context, c serveConfig, stdout io.Writer, ready func(db *store.DB, base *url.URL, listen net.Addr) error) error {
	logger, err := newLogger(stdout, c.logFormat, c.logLevel)
	if err != nil {
		return err
	}
	// Registered first, so it runs last: after background work and the
	// database have stopped.
	defer logger.Info("stopped")

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	defer ln.Close()
	base, err := publicURL(c.baseURL, ln.Addr().String())
	if err != nil {
		return err
	}

	db, box, err := openData(ctx, c.dataDir, logger)
	if err != nil {
		return err
	}
	defer db.Close()

	reg := registry(c, logger)
	if err := convertLegacyPayloads(ctx, db, reg, logger); err != nil {
		return err
	}
	mail := mailer.New(db, logger)
	mail.AllowPrivate = c.allowPrivate
	limitsMon := &limits.Monitor{DB: db, Mail: mail, Log: logger, BaseURL: base}
	checker, err := health.New(health.Config{DB: db, Logger: logger, BaseURL: base, Mailer: mail, OnNumber: limitsMon.RecordNumber,
		Connect: func(cr providers.Credentials) (health.NumberGetter, error) {
			client, err := reg.Connect(cr)
			if err != nil {
				return nil, err // never a nil client inside the interface
			}
			return client, nil
		}})
	if err != nil {
		return err
	}
	syncer, err := templates.NewSyncer(templates.SyncConfig{DB: db, Logger: logger,
		Connect: func(cr providers.Credentials) (templates.Lister, error) {
			client, err := reg.Connect(cr)
			if err != nil {
				return nil, err // never a nil client inside the interface
			}
			return client, nil
		}})
	if err != nil {
		return err
	}
	hub := events.NewHub()
	processor := ingest.NewProcessor(db, logger, hub, reg)
	processor.Templates = syncer.ApplyStatus
	processor.Health = limitsMon.ApplyWebhook
	fwd, err := forward.New(forward.Config{DB: db, Logger: logger, AllowPrivate: c.allowPrivate})
	if err != nil {
		return err
	}
	journal := ingest.NewJournal(db, logger, func() {
		processor.Notify()
		fwd.Notify()
	})
	processor.Busy = journal.Busy
	// Each number is paced to its own throughput (80 messages a second, or
	// 1,000 once Meta upgraded it).
	throughputOf := func(phoneNumberID string) float64 {
		n, err := db.ChannelThroughput(context.Background(), phoneNumberID)
		if err != nil {
			logger.Warn("read a number's throughput; using the default", "phone_number_id", phoneNumberID, "err", err)
			return 0
		}
		return float64(n)
	}
	sender := outbox.NewSender(db, outboxConnector(db, reg), outbox.Config{Logger: logger, ThroughputOf: throughputOf})
	campaigns := campaign.NewRunner(db)
	campaigns.Outbox, campaigns.ThroughputOf, campaigns.Logger = sender.Notify, throughputOf, logger
	// Every queued message gets its estimated price; status webhooks with
	// the provider's pricing (and failures) have it priced again.
	estimator := costs.New(db, logger)
	sender.Pricer = estimator
	// Campaign messages get their price and count against the messaging
	// limit as they are queued, like an agent's.
	campaigns.Pricer, campaigns.AfterSend = estimator, limitsMon.AfterSend
	processor.Statuses = estimator.Wake
	receipts := outbox.NewReadReceipts(db, outboxConnector(db, reg), outbox.ReceiptsConfig{Logger: logger})
	sender.OnChange = func(messageID, conversationID int64, status string) {
		hub.Publish(events.Event{Kind: events.MessageStatus, ConversationID: conversationID, MessageID: messageID, Status: status})
		if status == "failed" {
			estimator.Wake()
		}
	}
	sender.OnWindowClosed = func(conversationID int64) {
		hub.Publish(events.Event{Kind: events.WindowClosed, ConversationID: conversationID})
	}
	processor.OptedOut = func(ctx context.Context, m store.AppliedMessage) {
		err := consent.Confirm(ctx, db, m, func(ctx context.Context, conversationID int64, text string) error {
			_, err := sender.Enqueue(ctx, conversationID, providers.OutboundMessage{Text: &providers.Text{Body: text}})
			return err
		})
		if err != nil {
			logger.Warn("opt-out not confirmed to the customer", "conversation_id", m.ConversationID, "err", err)
		}
	}
	blobs, err := c.media.open(ctx, c.dataDir)
	if err != nil {
		return err
	}
	fetcher := media.NewFetcher(db, blobs, media.Source(mediaSource(db, reg)), logger)
	// Files are fetched seconds after their webhook was committed and
	// acknowledged: never before, never slowing the acknowledgement.
	// Automatic replies likewise run after the commit, through the outbox.
	replier := autoreply.NewWorker(db, sender, logger)
	var hoursNow func() time.Time
	if path := c.hoursClockFile; path != "" {
		logger.Warn("TESTING ONLY: business hours are judged at the time written in a file, not the real time", "env", hours.TestClockEnv, "file", path)
		hoursNow = hours.FileClock(path)
		replier.HoursNow = hoursNow
	}
	replier.Changed = func(channelID, conversationID int64) {
		hub.Publish(events.Event{Kind: events.ConversationAssigned, ChannelID: channelID, ConversationID: conversationID})
	}
	processor.NewMessages = func() {
		fetcher.Wake()
		replier.Notify()
	}
	mets := metrics.New(metrics.Config{DB: db, LivePages: hub.Subscribers, Logger: logger,
		Media: metrics.MediaSource{Usage: db.MediaUsage, Disk: func() (int64, int64, error) { return blobs.Usage(ctx) }}})
	sender.OnSend = mets.Send
	var consoleMetrics http.Handler
	if c.metricsToken != "" && c.metricsAddr == "" {
		consoleMetrics = mets.Handler(c.metricsToken)
	}
	vars := templates.DefaultVariables()
	if err := vars.Add(commerce.OrderTotalVariable(db)); err != nil {
		return err
	}
	srv, err := handlers.New(handlers.Config{DB: db, Box: box, Logger: logger, BaseURL: base, Version: version, Journal: journal, Ingest: processor,
		API:    api.New(api.Config{DB: db, Queue: sender, Logger: logger, Variables: vars}),
		Outbox: sender, Events: hub, Variables: vars, ReadReceipts: receipts, Typing: receipts.Typing, Media: mediaSource(db, reg), Providers: reg, Blobs: blobs, Fetcher: fetcher,
		Health: checker, Mail: mail, Webhooks: mets, Metrics: consoleMetrics, AuditKeepDays: c.auditDays, RetainDays: c.retainDays, TrustedProxies: c.trusted,
		Costs: estimator, HoursNow: hoursNow,
		Campaigns: handlers.CampaignDeps{Runner: campaigns, Outbox: sender, Estimator: campaign.RateCard{Book: estimator.Book},
			Limits: campaign.PortfolioLimits{DB: db}, Holds: campaigns},
		Limits: limitsMon})
	if err != nil {
		return err
	}
	defer srv.Close()

	// Background work stops after the HTTP server has drained (the journal
	// must outlive every request waiting on it), and finishes what it
	// started before the database closes.
	var background sync.WaitGroup
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer func() {
		stopBackground()
		background.Wait()
	}()
	background.Go(func() { journal.Run(bgCtx) })
	background.Go(func() { processor.Run(bgCtx) })
	background.Go(func() { fwd.Run(bgCtx) })
	background.Go(func() { sender.Run(bgCtx) })
	background.Go(func() { campaigns.Run(bgCtx) })
	background.Go(func() { receipts.Run(bgCtx) })
	background.Go(func() { estimator.Run(bgCtx) })
	background.Go(func() { fetcher.Run(bgCtx) })
	background.Go(func() { replier.Run(bgCtx) })
	background.Go(func() { wakeSnoozed(bgCtx, db, hub, logger) })
	background.Go(func() { checker.Run(bgCtx, c.healthEvery) })
	background.Go(func() { syncer.Run(bgCtx, templates.DefaultSyncInterval) })
	background.Go(func() { purgeDrafts(bgCtx, db, logger) })
	background.Go(func() { srv.SweepSessions(bgCtx, 10*time.Minute) })
	if c.retainDays > 0 {
		background.Go(func() { purgeOldMessages(bgCtx, db, c.retainDays, logger) })
	}
	if c.auditDays > 0 {
		background.Go(func() { purgeAudit(bgCtx, db, c.auditDays, logger) })
	}
	if c.backups.every > 0 {
		background.Go(func() { c.backups.schedule(c.dataDir, logger).Run(bgCtx) })
	}

	hs := &http.Server{
		Handler:           handlers.RequireHost(base.Host, srv.Handler()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	// Event streams never end on their own: end them when shutdown starts,
	// so that draining the other requests is not held up by open inboxes.
	hs.RegisterOnShutdown(srv.StopStreams)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	if c.metricsAddr != "" {
		ms, err := serveMetrics(c.metricsAddr, mets.Handler(c.metricsToken), logger, served)
		if err != nil {
			hs.Close()
			return err
		}
		defer ms.Close()
	}
	logger.Info("wadesk started", "version", version, "listen", "http://"+ln.Addr().String(), "base_url", base.String(), "data", c.dataDir)
	if ready != nil {
		if err := ready(db, base, ln.Addr()); err != nil {
			hs.Close()
			return err
		}
	}
	if err := announceSetupCode(ctx, srv, base, logger, stdout); err != nil {
		hs.Close()
		return err
	}
	fmt.Fprintf(stdout, "wadesk: listening on http://%s\n", ln.Addr())

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	if c.shutdown <= 0 {
		c.shutdown = 30 * time.Second // a config not from parseServe (the demo)
	}
	logger.Info("shutting down: closing live pages, finishing open requests and queued messages", "deadline", c.shutdown)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.shutdown)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		logger.Error("shutdown", "err", err)
		hs.Close()
	}
	drainOutbox(shutdownCtx, db, sender, logger)
	return nil
}

// openData prepares the data directory: the secret key and the database,
// migrated to this build's schema after a backup of the old one.
func openData(ctx context.Context, dir string, logger *slog.Logger) (*store.DB, *secrets.Box, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("create data directory: %w", err)
	}
	key, err := secrets.LoadOrCreateKey(dir)
	if err != nil {
		return nil, nil, err
	}
	box, err := secrets.NewBox(key)
	if err != nil {
		return nil, nil, err
	}
	if err := preUpgradeBackup(ctx, dir, logger); err != nil {
		return nil, nil, err
	}
	db, err := store.Open(ctx, filepath.Join(dir, "wadesk.db"))
	if err != nil {
		return nil, nil, err
	}
	db.UseBox(box)
	return db, box, nil
}

// registry holds every provider wadesk has an adapter for: adding a
// provider is adding its sub-package and one line here.
func registry(c serveConfig, logger *slog.Logger) *providers.Registry {
	return providers.NewRegistry().MustRegister(
		cloudapi.Provider(cloudapi.ProviderConfig{BaseURL: c.graphURL, Version: c.graphVersion, Logger: logger}),
		dialog360.Provider(dialog360.ProviderConfig{BaseURL: c.d360URL, Logger: logger}),
		messagebird.Provider(messagebird.ProviderConfig{BaseURL: c.birdURL, Logger: logger}),
		partner.Provider(logger),
		twilio.Provider(twilio.ProviderConfig{BaseURL: c.twilioURL, ContentBaseURL: c.contentURL, Logger: logger}),
		maytapi.Provider(maytapi.ProviderConfig{BaseURL: c.maytapiURL, Logger: logger}),
		vonage.Provider(vonage.ProviderConfig{BaseURL: c.vonageURL, Logger: logger}),
	)
}

// convertLegacyPayloads rewrites inbound messages stored before payloads
// became provider-neutral (they all hold Meta's message object), once.
func convertLegacyPayloads(ctx context.Context, db *store.DB, reg *providers.Registry, logger *slog.Logger) error {
	meta, ok := reg.Lookup(providers.MetaCloud)
	if !ok || meta.ParseMessage == nil {
		return errors.New("convert stored messages: the Cloud API provider is not registered")
	}
	n, err := db.ConvertLegacyPayloads(ctx, func(payload string) (string, error) {
		m, err := meta.ParseMessage([]byte(payload))
		if err != nil {
			return "", err
		}
		return providers.EncodeInbound(m)
	})
	if n > 0 {
		logger.Info("stored messages converted to the provider-neutral form", "messages", n)
	}
	return err
}

// outboxConnector returns the client that sends a channel's messages,
// built from the channel's stored credentials.
func outboxConnector(db *store.DB, reg *providers.Registry) outbox.Connector {
	return func(channelID int64) (providers.MessageSender, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		client, err := channelClient(ctx, db, reg, channelID)
		if err != nil {
			return nil, err // never a nil client inside the interface
		}
		return client, nil
	}
}

// mediaSource returns the media API of a channel's provider, for the
// inbox to show the files of messages.
func mediaSource(db *store.DB, reg *providers.Registry) handlers.MediaSource {
	return func(ctx context.Context, channelID int64) (providers.MediaStore, error) {
		client, err := channelClient(ctx, db, reg, channelID)
		if err != nil {
			return nil, err // never a nil client inside the interface
		}
		return client, nil
	}
}

// channelClient builds a channel's provider client from its stored
// credentials; a removed channel is outbox.ErrNoChannel.
func channelClient(ctx context.Context, db *store.DB, reg *providers.Registry, channelID int64) (providers.Client, error) {
	ch, err := db.ChannelByID(ctx, channelID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && ch.DeletedAt != nil) {
		return nil, fmt.Errorf("channel %d: %w", channelID, outbox.ErrNoChannel)
	}
	if err != nil {
		return nil, err
	}
	sec, err := db.ChannelSecrets(ctx, channelID)
	if err != nil {
		return nil, err
	}
	client, err := reg.Connect(ch.Credentials(sec))
	if err != nil {
		return nil, fmt.Errorf("channel %d: %w", channelID, err)
	}
	return client, nil
}

// publicURL parses --base-url, defaulting to the listen address.
func publicURL(raw, listenAddr string) (*url.URL, error) {
	if raw == "" {
		raw = "http://" + listenAddr
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--base-url %q: want an absolute http(s) URL such as https://desk.example.com", raw)
	}
	return u, nil
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

func userCreate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dataDir := fs.String("data", envDefault(getenv, "WADESK_DATA", "./data"), "data directory (env WADESK_DATA)")
	email := fs.String("email", "", "email address used to sign in (required)")
	password := fs.String("password", "", "password, at least 10 characters (required)")
	role := fs.String("role", store.RoleAgent, "admin or agent")
	name := fs.String("name", "", "display name (default: the part of the email before @)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *email == "" || !strings.Contains(*email, "@"):
		return errors.New("--email is required and must be an email address")
	case *role != store.RoleAdmin && *role != store.RoleAgent:
		return fmt.Errorf("--role %q: want admin or agent", *role)
	}
	if msg := auth.CheckPasswordRules(*password); msg != "" {
		return fmt.Errorf("--password: %s", msg)
	}
	if *name == "" {
		*name, _, _ = strings.Cut(*email, "@")
	}
	db, _, err := openData(ctx, *dataDir, slog.New(slog.NewTextHandler(stdout, nil)))
	if err != nil {
		return err
	}
	defer db.Close()
	hash, err := auth.HashPassword(ctx, *password)
	if err != nil {
		return err
	}
	u, err := db.CreateUser(ctx, store.NewUser{Email: *email, Name: *name, Role: *role, PasswordHash: hash})
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("a user with email %s already exists", *email)
	}
	if err != nil {
		return err
	}
	if _, err := db.RecordAudit(ctx, store.AuditEntry{Actor: "command line", Source: "command line", Action: "user.created",
		TargetType: "user", TargetID: u.ID, TargetName: u.Email, Changes: map[string]any{"name": u.Name, "role": u.Role}}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	return nil
}
