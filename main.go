// Command wadesk is a self-hosted console for WhatsApp Business API numbers:
// connect numbers, manage their profile and templates, and answer customers
// from the browser. One binary, one SQLite file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/commerce"
	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/forward"
	"github.com/wadesk/wadesk/handlers"
	"github.com/wadesk/wadesk/health"
	"github.com/wadesk/wadesk/ingest"
	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

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
  wadesk demo [flags]           start the console and a simulated Meta Graph API,
                                with a demo admin and agent, to try wadesk offline
  wadesk sim [flags]            start only the Meta Graph API simulator
  wadesk user create [flags]    create a user (e.g. the first admin)
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
		if len(rest) > 0 && rest[0] == "reset-2fa" {
			return userResetTwoFactor(ctx, rest[1:], getenv, stdout)
		}
		if len(rest) == 0 || rest[0] != "create" {
			return errors.New(`usage: wadesk user create --email E --password P --role admin|agent [--name N] [--data DIR]
       wadesk user reset-2fa --email E [--data DIR]`)
		}
		return userCreate(ctx, rest[1:], getenv, stdout)
	case "version":
		fmt.Fprintln(stdout, "wadesk", version)
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
	healthEvery  time.Duration
}

// parseServe reads the console's flags, with environment fallbacks.
func parseServe(name string, args []string, getenv func(string) string, stdout io.Writer) (serveConfig, error) {
	var c serveConfig
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.StringVar(&c.addr, "addr", envDefault(getenv, "WADESK_ADDR", "127.0.0.1:8080"), "address to listen on (env WADESK_ADDR)")
	fs.StringVar(&c.dataDir, "data", envDefault(getenv, "WADESK_DATA", "./data"), "data directory holding wadesk.db and secret.key (env WADESK_DATA)")
	fs.StringVar(&c.baseURL, "base-url", getenv("WADESK_BASE_URL"), "public URL of this console, used in webhook URLs; https makes cookies Secure (env WADESK_BASE_URL; default http://ADDR)")
	fs.StringVar(&c.logFormat, "log-format", envDefault(getenv, "WADESK_LOG_FORMAT", "text"), "log format: text or json (env WADESK_LOG_FORMAT)")
	fs.StringVar(&c.logLevel, "log-level", envDefault(getenv, "WADESK_LOG_LEVEL", "info"), "log level: debug, info, warn or error (env WADESK_LOG_LEVEL)")
	fs.StringVar(&c.graphURL, "graph-url", envDefault(getenv, "WADESK_GRAPH_URL", cloudapi.DefaultBaseURL), "Meta Graph API base URL (env WADESK_GRAPH_URL)")
	fs.StringVar(&c.graphVersion, "graph-version", envDefault(getenv, "WADESK_GRAPH_VERSION", cloudapi.DefaultVersion), "Meta Graph API version (env WADESK_GRAPH_VERSION)")
	fs.DurationVar(&c.healthEvery, "health-interval", 5*time.Minute, "how often channels are checked with their provider")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.healthEvery < time.Minute {
		return c, fmt.Errorf("--health-interval %s: use at least 1m (providers rate-limit their APIs)", c.healthEvery)
	}
	return c, nil
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
// nil, is called with the store and public URL once the console listens.
func serveConsole(ctx context.Context, c serveConfig, stdout io.Writer, ready func(*store.DB, *url.URL) error) error {
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

	db, box, err := openData(ctx, c.dataDir)
	if err != nil {
		return err
	}
	defer db.Close()

	connect := connector(c.graphURL, c.graphVersion, logger)
	mail := mailer.New(db, logger)
	checker, err := health.New(health.Config{DB: db, Logger: logger, BaseURL: base, Mailer: mail,
		Connect: func(p providers.ProviderID, token string) (health.NumberGetter, error) {
			client, err := connect(p, token)
			if err != nil {
				return nil, err // never a nil *cloudapi.Client inside the interface
			}
			return client, nil
		}})
	if err != nil {
		return err
	}
	syncer, err := templates.NewSyncer(templates.SyncConfig{DB: db, Logger: logger,
		Connect: func(p providers.ProviderID, token string) (templates.Lister, error) {
			client, err := connect(p, token)
			if err != nil {
				return nil, err // never a nil *cloudapi.Client inside the interface
			}
			return client, nil
		}})
	if err != nil {
		return err
	}
	hub := events.NewHub()
	processor := ingest.NewProcessor(db, logger, hub)
	processor.Templates = syncer.ApplyStatus
	fwd, err := forward.New(forward.Config{DB: db, Logger: logger})
	if err != nil {
		return err
	}
	journal := ingest.NewJournal(db, logger, func() {
		processor.Notify()
		fwd.Notify()
	})
	processor.Busy = journal.Busy
	sender := outbox.NewSender(db, outboxConnector(db, connect), outbox.Config{Logger: logger})
	receipts := outbox.NewReadReceipts(db, outboxConnector(db, connect), outbox.ReceiptsConfig{Logger: logger})
	sender.OnChange = func(messageID, conversationID int64, status string) {
		hub.Publish(events.Event{Kind: events.MessageStatus, ConversationID: conversationID, MessageID: messageID, Status: status})
	}
	sender.OnWindowClosed = func(conversationID int64) {
		hub.Publish(events.Event{Kind: events.WindowClosed, ConversationID: conversationID})
	}
	vars := templates.DefaultVariables()
	if err := vars.Add(commerce.OrderTotalVariable(db)); err != nil {
		return err
	}
	srv, err := handlers.New(handlers.Config{DB: db, Box: box, Logger: logger, BaseURL: base, Version: version, Journal: journal,
		Outbox: sender, Events: hub, Variables: vars, ReadReceipts: receipts, Media: mediaSource(db, connect),
		Connect: func(p providers.ProviderID, token string) (handlers.ChannelProvider, error) {
			client, err := connect(p, token)
			if err != nil {
				return nil, err
			}
			return client, nil
		},
		Health: checker, Mail: mail})
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
	background.Go(func() { receipts.Run(bgCtx) })
	background.Go(func() { checker.Run(bgCtx, c.healthEvery) })
	background.Go(func() { syncer.Run(bgCtx, templates.DefaultSyncInterval) })
	background.Go(func() { purgeDrafts(bgCtx, db, logger) })
	background.Go(func() { srv.SweepSessions(bgCtx, 10*time.Minute) })

	hs := &http.Server{
		Handler:           srv.Handler(),
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
	logger.Info("wadesk started", "version", version, "listen", "http://"+ln.Addr().String(), "base_url", base.String(), "data", c.dataDir)
	if ready != nil {
		if err := ready(db, base); err != nil {
			hs.Close()
			return err
		}
	}
	fmt.Fprintf(stdout, "wadesk: listening on http://%s\n", ln.Addr())

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing open requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		logger.Error("shutdown", "err", err)
		hs.Close()
	}
	return nil
}

// openData prepares the data directory: the secret key and the database.
func openData(ctx context.Context, dir string) (*store.DB, *secrets.Box, error) {
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
	db, err := store.Open(ctx, filepath.Join(dir, "wadesk.db"))
	if err != nil {
		return nil, nil, err
	}
	db.UseBox(box)
	return db, box, nil
}

// connector builds provider adapters for channel credentials.
func connector(graphURL, graphVersion string, logger *slog.Logger) func(providers.ProviderID, string) (*cloudapi.Client, error) {
	return func(p providers.ProviderID, token string) (*cloudapi.Client, error) {
		switch p {
		case providers.MetaCloud:
			return cloudapi.New(cloudapi.Config{BaseURL: graphURL, Version: graphVersion, Token: token, Logger: logger})
		}
		return nil, fmt.Errorf("provider %q has no adapter in wadesk yet", p)
	}
}

// outboxConnector returns the client that sends a channel's messages,
// built from the channel's stored credentials.
func outboxConnector(db *store.DB, connect func(providers.ProviderID, string) (*cloudapi.Client, error)) outbox.Connector {
	return func(channelID int64) (providers.MessageSender, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		client, err := channelClient(ctx, db, connect, channelID)
		if err != nil {
			return nil, err // never a nil *cloudapi.Client inside the interface
		}
		return client, nil
	}
}

// mediaSource returns the media API of a channel's provider, for the
// inbox to show the files of messages.
func mediaSource(db *store.DB, connect func(providers.ProviderID, string) (*cloudapi.Client, error)) handlers.MediaSource {
	return func(ctx context.Context, channelID int64) (providers.MediaStore, error) {
		client, err := channelClient(ctx, db, connect, channelID)
		if err != nil {
			return nil, err // never a nil *cloudapi.Client inside the interface
		}
		return client, nil
	}
}

// channelClient builds a channel's provider client from its stored
// credentials; a removed channel is outbox.ErrNoChannel.
func channelClient(ctx context.Context, db *store.DB, connect func(providers.ProviderID, string) (*cloudapi.Client, error), channelID int64) (*cloudapi.Client, error) {
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
	client, err := connect(providers.ProviderID(ch.Provider), sec.AccessToken)
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
	db, _, err := openData(ctx, *dataDir)
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
	fmt.Fprintf(stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	return nil
}
