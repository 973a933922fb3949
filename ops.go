package main

// Commands for running wadesk over the years: backup, restore, password
// reset; and the backup taken before migrations at start.

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/backup"
	"github.com/wadesk/wadesk/doctor"
	"github.com/wadesk/wadesk/health"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// readPassphrase reads a backup passphrase from a file (its first line) or
// WADESK_BACKUP_PASSPHRASE; never from the command line, where other users
// of the machine could see it.
func readPassphrase(file string, getenv func(string) string) (string, error) {
	if file == "" {
		return getenv("WADESK_BACKUP_PASSPHRASE"), nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read the passphrase file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimRight(line, "\r")
	if line == "" {
		return "", fmt.Errorf("the passphrase file %s is empty", file)
	}
	return line, nil
}

func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dataDir := fs.String("data", envDefault(getenv, "WADESK_DATA", "./data"), "data directory to back up (env WADESK_DATA)")
	out := fs.String("out", "", "backup file to write; must not exist (required)")
	withKey := fs.Bool("with-key", false, "include secret.key, sealed with a passphrase from --passphrase-file or WADESK_BACKUP_PASSPHRASE")
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase that seals secret.key")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("backup: --out FILE is required")
	}
	opts := backup.Options{DataDir: *dataDir, Version: version}
	if *withKey || *passFile != "" {
		pass, err := readPassphrase(*passFile, getenv)
		if err != nil {
			return err
		}
		if pass == "" {
			return errors.New("backup: --with-key needs a passphrase in --passphrase-file or WADESK_BACKUP_PASSPHRASE")
		}
		opts.Passphrase = pass
	}
	start := time.Now()
	m, err := backup.Create(ctx, *out, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s (database %d bytes, %d migrations, took %s)\n", *out, m.DBSize, len(m.Migrations), time.Since(start).Round(time.Millisecond))
	if m.KeyIncluded {
		fmt.Fprintln(stdout, "secret.key is included, sealed with your passphrase: keep the passphrase apart from the backup.")
	} else {
		fmt.Fprintln(stdout, "secret.key is NOT included: keep a copy of it apart from the backup, or use --with-key. Without it the stored provider secrets cannot be read.")
	}
	return nil
}

func restoreCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stdout)
	in := fs.String("in", "", "backup file to restore (required)")
	dataDir := fs.String("data", "", "new, empty data directory to restore into (required; never an existing installation)")
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase the key was sealed with (or WADESK_BACKUP_PASSPHRASE)")
	keyFile := fs.String("key-file", "", "a copy of the original secret.key, for a backup taken without --with-key")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *dataDir == "" {
		return errors.New("restore: --in FILE and --data DIR are required")
	}
	pass, err := readPassphrase(*passFile, getenv)
	if err != nil {
		return err
	}
	m, err := backup.Restore(ctx, *in, backup.RestoreOptions{DataDir: *dataDir, Passphrase: pass, KeyFile: *keyFile})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored the backup of %s (wadesk %s) into %s; integrity ok\n", m.CreatedAt.Format(time.RFC3339), m.Version, *dataDir)
	fmt.Fprintf(stdout, "start it with: wadesk serve --data %s\n", *dataDir)
	return nil
}

// preUpgradeBackup takes a backup into DIR/backups before migrations
// change an existing database, keeping the three newest such backups.
// A new or up-to-date database needs none.
func preUpgradeBackup(ctx context.Context, dir string, logger *slog.Logger) error {
	dbPath := filepath.Join(dir, backup.DBFile)
	applied, pending, unknown, err := store.MigrationState(ctx, dbPath)
	if err != nil {
		return err
	}
	if len(applied) == 0 || len(pending) == 0 || len(unknown) > 0 {
		return nil // nothing to protect, nothing to do, or store.Open refuses
	}
	backups := filepath.Join(dir, "backups")
	if err := os.MkdirAll(backups, 0o700); err != nil {
		return fmt.Errorf("pre-upgrade backup: %w", err)
	}
	out := filepath.Join(backups, backup.Name("pre-upgrade", time.Now()))
	if _, err := backup.Create(ctx, out, backup.Options{DataDir: dir, Version: version}); err != nil {
		return fmt.Errorf("the backup before upgrading the database failed, so the upgrade was not started: %w", err)
	}
	logger.Info("database backed up before upgrading it", "file", out, "migrations_pending", len(pending))
	if removed, err := backup.Prune(backups, "pre-upgrade-", 3); err != nil {
		logger.Warn("prune pre-upgrade backups", "err", err)
	} else if len(removed) > 0 {
		logger.Info("old pre-upgrade backups removed", "files", removed)
	}
	return nil
}

func userResetPassword(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("user reset-password", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dataDir := fs.String("data", envDefault(getenv, "WADESK_DATA", "./data"), "data directory (env WADESK_DATA)")
	email := fs.String("email", "", "email address of the user (required)")
	password := fs.String("password", "", "new password, at least 10 characters (default: a random one, printed once)")
	enable := fs.Bool("enable", false, "also re-enable the account if it was disabled")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("user reset-password: --email is required")
	}
	generated := false
	if *password == "" {
		*password = randomPassword()
		generated = true
	}
	if msg := auth.CheckPasswordRules(*password); msg != "" {
		return fmt.Errorf("--password: %s", msg)
	}
	db, _, err := openData(ctx, *dataDir, slog.New(slog.NewTextHandler(stdout, nil)))
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, *email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user has the email %s", *email)
	}
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(ctx, *password)
	if err != nil {
		return err
	}
	if err := db.SetPasswordHash(ctx, u.ID, hash); err != nil {
		return err
	}
	cli := store.AuditEntry{Actor: "command line", Source: "command line", TargetType: "user", TargetID: u.ID, TargetName: u.Email}
	reset := cli
	reset.Action, reset.Changes = "user.password_reset", map[string]any{"password": "replaced"}
	if _, err := db.RecordAudit(ctx, reset); err != nil {
		return err
	}
	if *enable && u.Disabled() {
		if err := db.SetUserDisabled(ctx, u.ID, false); err != nil {
			return err
		}
		enabled := cli
		enabled.Action = "user.enabled"
		if _, err := db.RecordAudit(ctx, enabled); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "re-enabled %s\n", u.Email)
	} else if u.Disabled() {
		fmt.Fprintf(stdout, "note: %s is disabled; add --enable to let them sign in\n", u.Email)
	}
	fmt.Fprintf(stdout, "the password of %s %s was reset; their sessions have ended\n", u.Role, u.Email)
	if generated {
		fmt.Fprintf(stdout, "new password: %s\n(change it after signing in, under Account)\n", *password)
	}
	return nil
}

// randomPassword returns 26 random base32 characters (130 bits).
func randomPassword() string { return rand.Text() }

// backupSchedule is serve's --backup-* flags.
type backupSchedule struct {
	every    time.Duration
	dir      string
	keep     int
	passFile string
	pass     string
}

func (b *backupSchedule) flags(fs *flag.FlagSet, getenv func(string) string) {
	fs.DurationVar(&b.every, "backup-every", 0, "take a backup this often, e.g. 24h (0: never; env WADESK_BACKUP_EVERY)")
	fs.StringVar(&b.dir, "backup-dir", getenv("WADESK_BACKUP_DIR"), "directory for scheduled backups (default DATA/backups; env WADESK_BACKUP_DIR)")
	fs.IntVar(&b.keep, "backup-keep", 7, "how many scheduled backups to keep")
	fs.StringVar(&b.passFile, "backup-passphrase-file", getenv("WADESK_BACKUP_PASSPHRASE_FILE"), "seal secret.key into each backup with the passphrase in this file (env WADESK_BACKUP_PASSPHRASE_FILE)")
}

func (b *backupSchedule) check(getenv func(string) string) error {
	if v := getenv("WADESK_BACKUP_EVERY"); v != "" && b.every == 0 {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("WADESK_BACKUP_EVERY %q: want a duration such as 24h", v)
		}
		b.every = d
	}
	if b.every == 0 {
		return nil
	}
	if b.every < time.Minute {
		return fmt.Errorf("--backup-every %s: use at least 1m", b.every)
	}
	if b.keep < 1 {
		return fmt.Errorf("--backup-keep %d: keep at least 1", b.keep)
	}
	if b.passFile != "" {
		pass, err := readPassphrase(b.passFile, getenv)
		if err != nil {
			return fmt.Errorf("--backup-passphrase-file: %w", err)
		}
		if len(pass) < backup.MinPassphrase {
			return fmt.Errorf("--backup-passphrase-file: the passphrase must be at least %d characters", backup.MinPassphrase)
		}
		b.pass = pass
	}
	return nil
}

func (b *backupSchedule) schedule(dataDir string, logger *slog.Logger) backup.Schedule {
	dir := b.dir
	if dir == "" {
		dir = filepath.Join(dataDir, "backups")
	}
	return backup.Schedule{Dir: dir, Every: b.every, Keep: b.keep,
		Options: backup.Options{DataDir: dataDir, Version: version, Passphrase: b.pass},
		Log:     logger.Info, Fail: logger.Error}
}

// doctorCmd checks the installation that `wadesk serve` with the same flags
// and environment would run, and fails when any check fails.
func doctorCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	c, cfgErr := parseServe("doctor", args, getenv, stdout)
	if errors.Is(cfgErr, flag.ErrHelp) {
		return cfgErr
	}
	reg := registry(c, slog.New(slog.DiscardHandler))
	var mediaStore func(context.Context) (string, error)
	if cfgErr == nil && c.media != nil && c.media.kind == "s3" {
		mediaStore = func(ctx context.Context) (string, error) {
			what := fmt.Sprintf("S3 bucket %q at %s", c.media.s3.Bucket, c.media.s3.Endpoint)
			// Its temporary folder, not the data directory's: the doctor
			// changes nothing.
			tmp, err := os.MkdirTemp("", "wadesk-doctor-")
			if err != nil {
				return what, err
			}
			defer os.RemoveAll(tmp)
			_, err = c.media.open(ctx, tmp)
			return what, err
		}
	}
	rs := doctor.Run(ctx, doctor.Config{
		DataDir: c.dataDir, BaseURL: strings.TrimRight(c.baseURL, "/"), ConfigErr: cfgErr, MediaStore: mediaStore,
		Connect: func(cr providers.Credentials) (health.NumberGetter, error) {
			client, err := reg.Connect(cr)
			if err != nil {
				return nil, err // never a nil client inside the interface
			}
			return client, nil
		},
	})
	if failed := doctor.Print(stdout, rs); failed > 0 {
		return fmt.Errorf("doctor: %d check(s) failed", failed)
	}
	fmt.Fprintln(stdout, "everything checked is in order")
	return nil
}

// serveMetrics serves /metrics alone on its own address (a private
// interface, or a port only the monitoring host may reach).
func serveMetrics(addr string, h http.Handler, logger *slog.Logger, failed chan<- error) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	ms := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := ms.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			select {
			case failed <- fmt.Errorf("metrics: %w", err):
			default:
			}
		}
	}()
	logger.Info("metrics served", "listen", "http://"+ln.Addr().String()+"/metrics")
	return ms, nil
}

// envInt returns the environment's integer for key, or def when unset or
// not a number.
func envInt(getenv func(string) string, key string, def int) int {
	if n, err := strconv.Atoi(getenv(key)); err == nil {
		return n
	}
	return def
}

// purgeAudit deletes audit entries older than days, hourly.
func purgeAudit(ctx context.Context, db *store.DB, days int, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := db.PurgeAudit(ctx, time.Now().AddDate(0, 0, -days)); err != nil && ctx.Err() == nil {
			logger.Error("purge old audit entries", "err", err)
		} else if n > 0 {
			logger.Info("old audit entries removed", "count", n, "keep_days", days)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// purgeOldMessages deletes messages and webhooks older than days, hourly,
// in batches so that webhooks are never kept waiting long for the writer.
func purgeOldMessages(ctx context.Context, db *store.DB, days int, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		cutoff := time.Now().AddDate(0, 0, -days)
		var msgs, hooks int64
		for ctx.Err() == nil {
			m, h, err := db.PurgeBefore(ctx, cutoff, 500)
			if err != nil {
				if ctx.Err() == nil {
					logger.Error("delete old messages", "err", err)
				}
				break
			}
			msgs, hooks = msgs+m, hooks+h
			if m == 0 && h == 0 {
				break
			}
		}
		if msgs+hooks > 0 {
			if err := db.OptimizeSearch(ctx); err != nil && ctx.Err() == nil {
				logger.Error("optimize search after deleting old messages", "err", err)
			}
			logger.Info("old messages deleted", "messages", msgs, "webhooks", hooks, "older_than_days", days)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// drainOutbox waits, until ctx's deadline, for the messages agents queued
// to be sent, so that a restart does not hold up replies typed just
// before it. Messages left (waiting out a back-off, or past the deadline)
// are sent after the next start.
func drainOutbox(ctx context.Context, db *store.DB, sender *outbox.Sender, logger *slog.Logger) {
	for {
		n, err := db.OutboxDue(ctx, time.Now())
		if err != nil || n == 0 {
			return
		}
		sender.Notify()
		select {
		case <-ctx.Done():
			logger.Warn("shutdown deadline passed with messages still being sent; they are sent after the next start", "left", n)
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// parseTrustedProxies reads --trusted-proxy: addresses or CIDRs.
func parseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy %q: want an IP address or a CIDR such as 10.0.0.0/8", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
