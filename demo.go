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
	"path/filepath"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/store"
)

// Demo accounts, created on first start of `wadesk demo`.
const (
	demoAdminEmail = "admin@demo.wadesk"
	demoAgentEmail = "agent@demo.wadesk"
	demoPassword   = "demo-password"
)

// demo runs the console with the Meta Graph API simulator in the same
// process: the console talks to the simulator instead of Meta, and the
// simulator's customer phone page plays the customer.
func demo(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", envDefault(getenv, "WADESK_ADDR", "127.0.0.1:8080"), "console address (env WADESK_ADDR)")
	simAddr := fs.String("sim-addr", envDefault(getenv, "WADESK_SIM_ADDR", "127.0.0.1:8790"), "simulator address (env WADESK_SIM_ADDR)")
	dataDir := fs.String("data", envDefault(getenv, "WADESK_DATA", "./demo-data"), "data directory (env WADESK_DATA)")
	logLevel := fs.String("log-level", envDefault(getenv, "WADESK_LOG_LEVEL", "info"), "log level")
	if err := fs.Parse(args); err != nil {
		return err
	}

	cfg := simulator.DefaultConfig()
	// The simulator remembers what Meta would (the webhook subscription
	// above all) in the demo's data directory, so a restarted demo still
	// receives the customer's messages.
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return fmt.Errorf("demo data directory: %w", err)
	}
	cfg.StateFile = filepath.Join(*dataDir, "simulator.json")
	ln, err := net.Listen("tcp", *simAddr)
	if err != nil {
		return fmt.Errorf("simulator: listen on %s: %w", *simAddr, err)
	}
	defer ln.Close()
	cfg.PublicURL = "http://" + ln.Addr().String()
	cfg.Logger = slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sim, err := simulator.New(cfg)
	if err != nil {
		return err
	}
	defer sim.Close()
	simSrv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	simDone := make(chan error, 1)
	go func() { simDone <- simSrv.Serve(ln) }()
	defer func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		simSrv.Shutdown(shutdownCtx)
		if err := <-simDone; err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(stdout, "simulator:", err)
		}
	}()

	c := serveConfig{addr: *addr, dataDir: *dataDir, logFormat: "text", logLevel: *logLevel,
		graphURL: cfg.PublicURL, graphVersion: "v23.0", healthEvery: 5 * time.Minute,
		// The demo runs offline on loopback: a forward URL or mail server
		// next to it (a local middleware, a test SMTP server) is allowed.
		allowPrivate: true}
	return serveConsole(ctx, c, stdout, func(db *store.DB, base *url.URL) error {
		if err := ensureDemoUsers(ctx, db); err != nil {
			return err
		}
		sum := sim.Summary()
		fmt.Fprintf(stdout, "\nwadesk demo\n")
		fmt.Fprintf(stdout, "  Console           : %s  (admin %s / agent %s, password %q)\n", base, demoAdminEmail, demoAgentEmail, demoPassword)
		fmt.Fprintf(stdout, "  Customer phone    : %s/  (open it in a second tab and play the customer)\n", cfg.PublicURL)
		fmt.Fprintf(stdout, "  To connect a channel, choose Meta Cloud API and enter:\n")
		fmt.Fprintf(stdout, "    System User Access Token : %s\n", cfg.AccessToken)
		if len(sum.Businesses) > 0 {
			fmt.Fprintf(stdout, "    Business Manager ID      : %s\n", sum.Businesses[0].ID)
		}
		fmt.Fprintf(stdout, "    App Secret               : %s\n", cfg.AppSecret)
		fmt.Fprintf(stdout, "    App ID (optional)        : %s  (lets wadesk change the profile picture)\n\n", cfg.AppID)
		return nil
	})
}

// ensureDemoUsers creates the demo admin and agent unless they exist.
func ensureDemoUsers(ctx context.Context, db *store.DB) error {
	for _, u := range []store.NewUser{
		{Email: demoAdminEmail, Name: "Demo Admin", Role: store.RoleAdmin},
		{Email: demoAgentEmail, Name: "Demo Agent", Role: store.RoleAgent},
	} {
		if _, err := db.UserByEmail(ctx, u.Email); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		hash, err := auth.HashPassword(ctx, demoPassword)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		if _, err := db.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("create demo user %s: %w", u.Email, err)
		}
	}
	return nil
}
