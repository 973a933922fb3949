// Package doctor checks a wadesk installation without changing it: the
// configuration, the data directory, the secret key, the database, free
// disk space, the public URL and every channel's provider. Each finding
// is in plain words with what to do about it.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/wadesk/wadesk/health"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

// Status is how a check came out.
type Status int

// Statuses, from good to bad.
const (
	OK Status = iota
	Warn
	Fail
)

func (s Status) String() string {
	switch s {
	case OK:
		return "ok"
	case Warn:
		return "WARN"
	}
	return "FAIL"
}

// Result is one finding.
type Result struct {
	Check  string
	Status Status
	Detail string
}

// Config is what the doctor looks at.
type Config struct {
	DataDir string
	// BaseURL is the console's public URL (--base-url); empty when not set.
	BaseURL string
	// ConfigErr is the error from reading the flags, if any.
	ConfigErr error
	// HTTP fetches BaseURL/healthz; nil: a client with a 10 s timeout.
	HTTP *http.Client
	// Connect reaches a channel's provider; nil skips the channel checks.
	Connect health.Connector
	// MinFree is the free disk space under which the check fails (default
	// 200 MiB); under four times that it warns.
	MinFree uint64
	// Timeout bounds each network check (default 15 s).
	Timeout time.Duration
	// MediaStore, when set, reaches the media store kept apart from the
	// data directory (an S3-compatible bucket) and names it.
	MediaStore func(ctx context.Context) (string, error)
}

// Run performs every check in order and returns the findings. Checks that
// need an earlier one (the channels need the key and the database) are
// skipped with a word when it failed.
func Run(ctx context.Context, c Config) []Result {
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if c.MinFree == 0 {
		c.MinFree = 200 << 20
	}
	if c.Timeout == 0 {
		c.Timeout = 15 * time.Second
	}
	var rs []Result
	add := func(check string, s Status, format string, args ...any) {
		rs = append(rs, Result{Check: check, Status: s, Detail: fmt.Sprintf(format, args...)})
	}

	if c.ConfigErr != nil {
		add("configuration", Fail, "%v", c.ConfigErr)
	} else {
		add("configuration", OK, "flags and environment read without error")
	}

	dirOK := checkDataDir(c.DataDir, add)
	key, keyOK := checkKey(c.DataDir, dirOK, add)
	dbPath := filepath.Join(c.DataDir, "wadesk.db")
	dbOK := checkDatabase(ctx, dbPath, dirOK, add)
	checkDisk(c.DataDir, dirOK, c.MinFree, add)
	checkBaseURL(ctx, c, add)
	if c.MediaStore != nil {
		mctx, cancel := context.WithTimeout(ctx, c.Timeout)
		what, err := c.MediaStore(mctx)
		cancel()
		if err != nil {
			add("media store", Fail, "%s: %v", what, err)
		} else {
			add("media store", OK, "%s is reachable", what)
		}
	}

	if !dbOK {
		add("channels", Warn, "not checked: the database needs attention first")
		return rs
	}
	db, err := store.OpenReadOnly(ctx, dbPath)
	if err != nil {
		add("channels", Fail, "cannot open the database to read the channels: %v", err)
		return rs
	}
	defer db.Close()
	var box *secrets.Box
	if keyOK {
		box, err = secrets.NewBox(key)
		if err != nil {
			keyOK = false
		} else {
			db.UseBox(box)
		}
	}
	chans, err := db.ListChannels(ctx)
	if err != nil {
		add("channels", Fail, "cannot read the channels: %v", err)
		return rs
	}
	if len(chans) == 0 {
		add("secret.key matches", OK, "no channel yet, so no stored secret to check the key against")
		add("channels", OK, "no channel connected yet")
		return rs
	}
	if !keyOK {
		add("channels", Warn, "not checked: secret.key needs attention first")
		return rs
	}
	secs := map[int64]store.ChannelSecrets{}
	var undecryptable []string
	for _, ch := range chans {
		s, err := db.ChannelSecrets(ctx, ch.ID)
		if errors.Is(err, secrets.ErrDecrypt) {
			undecryptable = append(undecryptable, ch.Title)
			continue
		}
		if err != nil {
			add("channel "+ch.Title, Fail, "cannot read its stored credentials: %v", err)
			continue
		}
		secs[ch.ID] = s
	}
	if len(undecryptable) > 0 {
		add("secret.key matches", Fail, "secret.key does not open the credentials stored for %d channel(s) (%s): it is not the key this database was used with. "+
			"Put the original secret.key back (from a backup), or paste the access tokens and app secrets again on each channel's edit page.",
			len(undecryptable), undecryptable[0])
	} else {
		add("secret.key matches", OK, "it opens the credentials stored for all %d channel(s)", len(chans))
	}
	if c.Connect == nil {
		return rs
	}
	for _, ch := range chans {
		sec, ok := secs[ch.ID]
		if !ok {
			continue
		}
		name := "channel " + ch.Title
		client, err := c.Connect(ch.Credentials(sec))
		if err != nil {
			add(name, Fail, "%v", err)
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, c.Timeout)
		pn, perr := client.GetPhoneNumber(cctx, ch.PhoneNumberID)
		cancel()
		d := health.Diagnose(providers.ProviderID(ch.Provider), ch.Title, pn, perr)
		switch {
		case d.Unreachable:
			add(name, Fail, "the provider could not be reached: %v. Check the server's outbound internet access (HTTPS) and DNS.", perr)
		case d.State == store.ChannelDisconnected:
			add(name, Fail, "%s %s", d.Reason, d.Action)
		case d.State == store.ChannelNeedsAttention:
			add(name, Warn, "%s", d.Reason)
		default:
			detail := "the provider answers and accepts the access token"
			if pn.DisplayPhoneNumber != "" {
				detail += "; number " + pn.DisplayPhoneNumber
			}
			if d.Reason != "" {
				detail += " (" + d.Reason + ")"
			}
			add(name, OK, "%s", detail)
		}
	}
	return rs
}

type adder func(check string, s Status, format string, args ...any)

func checkDataDir(dir string, add adder) bool {
	const check = "data directory"
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		add(check, Fail, "%s does not exist: check --data (or WADESK_DATA)", dir)
		return false
	}
	if err != nil {
		add(check, Fail, "cannot read %s: %v", dir, err)
		return false
	}
	if !st.IsDir() {
		add(check, Fail, "%s is not a directory", dir)
		return false
	}
	perm := st.Mode().Perm()
	switch {
	case perm&0o002 != 0:
		add(check, Fail, "%s can be written by every user of this machine (mode %04o): run chmod 700 %s", dir, perm, dir)
		return true
	case perm&0o077 != 0:
		add(check, Fail, "%s can be read by other users of this machine (mode %04o); it holds every conversation: run chmod 700 %s", dir, perm, dir)
		return true
	}
	probe := filepath.Join(dir, ".wadesk-doctor-probe")
	f, err := os.OpenFile(probe, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		add(check, Fail, "wadesk cannot write in %s: %v. Run the doctor as the user wadesk runs as, and make that user own the directory.", dir, err)
		return true
	}
	f.Close()
	os.Remove(probe)
	add(check, OK, "%s is private (mode %04o) and writable", dir, perm)
	return true
}

func checkKey(dir string, dirOK bool, add adder) ([]byte, bool) {
	const check = "secret.key"
	if !dirOK {
		add(check, Warn, "not checked: the data directory needs attention first")
		return nil, false
	}
	path := filepath.Join(dir, secrets.KeyFile)
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(dir, "wadesk.db")); err == nil {
			add(check, Fail, "%s is missing. Without it the access tokens and app secrets stored in the database cannot be read: "+
				"put the original back from your backup before starting wadesk (it would otherwise make a new, different key).", path)
		} else {
			add(check, Warn, "%s does not exist yet; wadesk creates it on first start", path)
		}
		return nil, false
	}
	if err != nil {
		add(check, Fail, "cannot read %s: %v", path, err)
		return nil, false
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		add(check, Fail, "%s can be read by other users (mode %04o): run chmod 600 %s", path, perm, path)
		return nil, false
	}
	key, err := secrets.LoadOrCreateKey(dir)
	if err != nil {
		add(check, Fail, "%v", err)
		return nil, false
	}
	add(check, OK, "present, 32 bytes, readable only by its owner")
	return key, true
}

func checkDatabase(ctx context.Context, path string, dirOK bool, add adder) bool {
	if !dirOK {
		add("database", Warn, "not checked: the data directory needs attention first")
		return false
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		add("database", Warn, "%s does not exist yet; wadesk creates it on first start", path)
		return false
	}
	info, err := store.CheckFile(ctx, path)
	if err != nil {
		add("database", Fail, "%s cannot be read as a SQLite database (%v). Restore the latest backup into a new directory (wadesk restore).", path, err)
		return false
	}
	if info.Integrity != nil {
		add("database", Fail, "%s is damaged: %v. Stop wadesk and restore the latest backup into a new directory (wadesk restore).", path, info.Integrity)
		return false
	}
	add("database", OK, "integrity check passed")
	switch {
	case len(info.Unknown) > 0:
		add("migrations", Fail, "the database was upgraded by a newer wadesk (migrations %v are unknown to this one): run the newer version", info.Unknown)
		return false
	case len(info.Pending) > 0:
		add("migrations", Warn, "%d migration(s) will run at the next start, after an automatic backup", len(info.Pending))
		return false
	}
	add("migrations", OK, "the database is at this version's schema (%d migrations)", len(info.Applied))
	return true
}

func checkDisk(dir string, dirOK bool, minFree uint64, add adder) {
	if !dirOK {
		return
	}
	free, err := freeSpace(dir)
	if err != nil {
		add("disk space", Warn, "cannot tell the free space of %s: %v", dir, err)
		return
	}
	switch {
	case free < minFree:
		add("disk space", Fail, "only %s free where %s is: SQLite stops writing (and webhooks stop being accepted) when the disk is full. Free some space.", human(free), dir)
	case free < 4*minFree:
		add("disk space", Warn, "%s free where %s is: running low", human(free), dir)
	default:
		add("disk space", OK, "%s free", human(free))
	}
}

func human(b uint64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", b>>10)
}

func checkBaseURL(ctx context.Context, c Config, add adder) {
	const check = "public URL"
	if c.BaseURL == "" {
		add(check, Fail, "--base-url (WADESK_BASE_URL) is not set: providers cannot deliver webhooks. Set it to the https address of this console.")
		return
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Host == "" {
		add(check, Fail, "--base-url %q is not an absolute URL", c.BaseURL)
		return
	}
	if u.Scheme != "https" {
		add(check, Fail, "%s is not HTTPS: Meta delivers webhooks only to https addresses, and browsers would send the session cookie in clear. "+
			"Put wadesk behind a TLS proxy (see deploy/) and set --base-url https://…", c.BaseURL)
		return
	}
	cctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(cctx, http.MethodGet, c.BaseURL+"/healthz", nil)
	res, err := c.HTTP.Do(req)
	if err != nil {
		add(check, Fail, "%s/healthz cannot be reached over HTTPS from here: %v. Check DNS, the TLS certificate and the proxy.", c.BaseURL, err)
		return
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		add(check, Fail, "%s/healthz answered %s: the proxy does not reach a running wadesk", c.BaseURL, res.Status)
		return
	}
	add(check, OK, "%s answers over HTTPS", c.BaseURL)
}

// Print writes the findings as a table and returns how many failed.
func Print(w io.Writer, rs []Result) int {
	width := 0
	for _, r := range rs {
		width = max(width, len(r.Check))
	}
	failed := 0
	for _, r := range rs {
		fmt.Fprintf(w, "%-4s  %-*s  %s\n", r.Status, width, r.Check, r.Detail)
		if r.Status == Fail {
			failed++
		}
	}
	return failed
}
