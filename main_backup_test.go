package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wadesk/wadesk/backup"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

const (
	busyAppSecret = "5ec2e75ec2e75ec2e75ec2e75ec2e75e"
	busyPhoneID   = "106540352242922"
)

// fakeGraph answers every send with a fresh wamid, as Meta does.
func fakeGraph(t *testing.T) *httptest.Server {
	var n atomic.Int64
	g := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages") {
			if strings.Contains(string(body), "please fail") {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"error":{"message":"Message Undeliverable.","type":"OAuthException","code":131026,"fbtrace_id":"A1"}}`)
				return
			}
			fmt.Fprintf(w, `{"messaging_product":"whatsapp","success":true,"contacts":[{"input":"15550001111","wa_id":"15550001111"}],"messages":[{"id":"wamid.out.%d"}]}`, n.Add(1))
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	t.Cleanup(g.Close)
	return g
}

// inboundHook is a Meta webhook body with one text message sent now.
func inboundHook(wamid, text string) []byte {
	b, _ := json.Marshal(map[string]any{
		"object": "whatsapp_business_account",
		"entry": []any{map[string]any{"id": "102290129340398", "changes": []any{map[string]any{
			"field": "messages",
			"value": map[string]any{
				"messaging_product": "whatsapp",
				"metadata":          map[string]any{"display_phone_number": "15550009999", "phone_number_id": busyPhoneID},
				"contacts":          []any{map[string]any{"profile": map[string]any{"name": "Ana"}, "wa_id": "15550001111"}},
				"messages": []any{map[string]any{"from": "15550001111", "id": wamid, "timestamp": strconv.FormatInt(time.Now().Unix(), 10),
					"type": "text", "text": map[string]any{"body": text}}},
			},
		}}}},
	})
	return b
}

// createBusyChannel adds a connected channel to a stopped installation.
func createBusyChannel(t *testing.T, data string) int64 {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(data, "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key, err := secrets.LoadOrCreateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	box, _ := secrets.NewBox(key)
	db.UseBox(box)
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{
		Title: "Sales", Provider: "meta_cloud", BusinessID: "1", WABAID: "102290129340398", PhoneNumberID: busyPhoneID,
		DisplayPhoneNumber: "15550009999",
		Secrets:            store.ChannelSecrets{AccessToken: "EAAtoken", AppSecret: busyAppSecret, VerifyToken: "v"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	return ch.ID
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type acked struct {
	key string
	at  time.Time
}

// A backup taken while webhooks arrive and agents send holds everything
// acknowledged before it began; restored into a new directory, wadesk
// starts on it and shows all of it, and the copy passes its integrity
// check.
func TestBackupWhileBusyThenRestore(t *testing.T) {
	graph := fakeGraph(t)
	data := filepath.Join(t.TempDir(), "data")
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	chID := createBusyChannel(t, data)
	a := startApp(t, data, "--graph-url", graph.URL)
	hookURL := a.URL + "/webhooks/" + itoa(chID)

	if s := signedPost(t, hookURL, busyAppSecret, "application/json", inboundHook("wamid.in.0", "first")); s != 200 {
		t.Fatalf("first webhook: %d", s)
	}
	db := openDB(t, data)
	var convID int64
	waitFor(t, "the first message's conversation", 20*time.Second, func() (bool, error) {
		err := db.R.QueryRow("SELECT conversation_id FROM messages WHERE wamid = 'wamid.in.0'").Scan(&convID)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	})
	c := browser(t)
	if r := login(t, c, a, "admin@example.com", adminPassword); r.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.Status)
	}

	var (
		mu          sync.Mutex
		hooks, sent []acked
	)
	flowCtx, stopFlows := context.WithCancel(context.Background())
	var flows sync.WaitGroup
	hc := &http.Client{Timeout: 30 * time.Second}
	for w := range 3 { // webhooks from three senders at once
		flows.Go(func() {
			for n := 0; flowCtx.Err() == nil; n++ {
				wamid := fmt.Sprintf("wamid.in.%d.%d", w, n)
				body := inboundHook(wamid, "message "+wamid)
				req, _ := http.NewRequest(http.MethodPost, hookURL, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Hub-Signature-256", signature(busyAppSecret, body))
				res, err := hc.Do(req)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == 200 {
					mu.Lock()
					hooks = append(hooks, acked{wamid, time.Now()})
					mu.Unlock()
				}
			}
		})
	}
	flows.Go(func() { // an agent replying
		for n := 0; flowCtx.Err() == nil; n++ {
			text := fmt.Sprintf("reply %d", n)
			r := do(t, c, http.MethodPost, a.URL+"/inbox/"+itoa(convID)+"/messages", url.Values{"text": {text}},
				http.Header{"Sec-Fetch-Site": {"same-origin"}, "Hx-Request": {"true"}})
			if r.Status < 400 {
				mu.Lock()
				sent = append(sent, acked{text, time.Now()})
				mu.Unlock()
			}
		}
	})

	time.Sleep(1500 * time.Millisecond)
	out := filepath.Join(t.TempDir(), "busy"+backup.Extension)
	began := time.Now()
	mustRun(t, "backup", "--data", data, "--out", out)
	time.Sleep(500 * time.Millisecond)
	stopFlows()
	flows.Wait()

	mu.Lock()
	var wantHooks, wantSent []string
	for _, h := range hooks {
		if h.at.Before(began) {
			wantHooks = append(wantHooks, h.key)
		}
	}
	for _, s := range sent {
		if s.at.Before(began) {
			wantSent = append(wantSent, s.key)
		}
	}
	afterHooks := len(hooks) - len(wantHooks)
	mu.Unlock()
	if len(wantHooks) < 10 || len(wantSent) < 3 {
		t.Fatalf("too little traffic before the backup: %d webhooks, %d replies", len(wantHooks), len(wantSent))
	}
	t.Logf("acknowledged before the backup began: %d webhooks, %d replies; webhooks after: %d", len(wantHooks), len(wantSent), afterHooks)

	restored := filepath.Join(t.TempDir(), "restored")
	mustRun(t, "restore", "--in", out, "--data", restored, "--key-file", filepath.Join(data, secrets.KeyFile))
	b := startApp(t, restored, "--graph-url", graph.URL)
	db2 := openDB(t, restored)
	waitFor(t, "every acknowledged webhook's message in the restored copy", 60*time.Second, func() (bool, error) {
		var missing []string
		for _, w := range wantHooks {
			var n int
			if err := db2.R.QueryRow("SELECT COUNT(*) FROM messages WHERE wamid = ?", w).Scan(&n); err != nil {
				return false, err
			}
			if n == 0 {
				missing = append(missing, w)
			}
		}
		if len(missing) > 0 {
			t.Logf("still missing %d, e.g. %s", len(missing), missing[0])
		}
		return len(missing) == 0, nil
	})
	for _, text := range wantSent {
		var n int
		if err := db2.R.QueryRow("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND text = ?", text).Scan(&n); err != nil || n != 1 {
			t.Errorf("reply %q in the restored copy: %d times (%v)", text, n, err)
		}
	}
	if err := db2.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The restored console answers and signs the admin in.
	c2 := browser(t)
	if r := login(t, c2, b, "admin@example.com", adminPassword); r.Status != http.StatusSeeOther {
		t.Fatalf("login to the restored console: %d", r.Status)
	}
	if r := get(t, c2, b.URL+"/inbox/"+itoa(convID)); r.Status != 200 || !strings.Contains(r.Body, "Ana") || !strings.Contains(r.Body, "reply ") {
		t.Fatalf("restored conversation: %d", r.Status)
	}
}

// A backup with the key sealed by a passphrase restores with it, and not
// without it or with a wrong one; restore never writes into a directory
// that holds anything.
func TestBackupWithKeyAndRestoreRules(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	pass := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(pass, []byte("a long backup passphrase\n"), 0o600)
	out := filepath.Join(t.TempDir(), "k"+backup.Extension)
	if o := mustRun(t, "backup", "--data", data, "--out", out, "--with-key", "--passphrase-file", pass); !strings.Contains(o, "sealed with your passphrase") {
		t.Fatalf("backup said %q", o)
	}
	// Never over an existing file.
	if err := run(context.Background(), []string{"wadesk", "backup", "--data", data, "--out", out}, noenv, io.Discard); err == nil {
		t.Fatal("backup overwrote an existing file")
	}

	wrong := filepath.Join(t.TempDir(), "wrong")
	os.WriteFile(wrong, []byte("not the passphrase at all"), 0o600)
	for name, args := range map[string][]string{
		"no passphrase":    {"restore", "--in", out, "--data", filepath.Join(t.TempDir(), "r")},
		"wrong passphrase": {"restore", "--in", out, "--data", filepath.Join(t.TempDir(), "r"), "--passphrase-file", wrong},
		"into a live dir":  {"restore", "--in", out, "--data", data, "--passphrase-file", pass},
	} {
		var o bytes.Buffer
		err := run(context.Background(), append([]string{"wadesk"}, args...), noenv, &o)
		if err == nil {
			t.Errorf("%s: restore succeeded", name)
		}
		t.Logf("%s: %v", name, err)
	}
	if _, err := os.Stat(filepath.Join(data, "wadesk.db")); err != nil {
		t.Fatal("the live database is gone", err)
	}

	restored := filepath.Join(t.TempDir(), "r")
	mustRun(t, "restore", "--in", out, "--data", restored, "--passphrase-file", pass)
	k1, _ := os.ReadFile(filepath.Join(data, secrets.KeyFile))
	k2, _ := os.ReadFile(filepath.Join(restored, secrets.KeyFile))
	if !bytes.Equal(k1, k2) {
		t.Fatal("restored key differs")
	}
	st, _ := os.Stat(restored)
	if st.Mode().Perm() != 0o700 {
		t.Errorf("restored directory mode %v", st.Mode().Perm())
	}
	// A damaged backup is refused.
	raw, _ := os.ReadFile(out)
	raw[len(raw)/2] ^= 0xff
	bad := filepath.Join(t.TempDir(), "bad"+backup.Extension)
	os.WriteFile(bad, raw, 0o600)
	if err := run(context.Background(), []string{"wadesk", "restore", "--in", bad, "--data", filepath.Join(t.TempDir(), "x"), "--passphrase-file", pass}, noenv, io.Discard); err == nil {
		t.Fatal("a damaged backup was restored")
	}
}

// Scheduled backups keep the newest N.
func TestScheduledBackupsArePruned(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	var c serveConfig
	c.backups = backupSchedule{every: time.Hour, keep: 2, dir: filepath.Join(t.TempDir(), "b")}
	s := c.backups.schedule(data, testLogger(t))
	for range 4 {
		if _, err := s.Once(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	entries, _ := os.ReadDir(c.backups.dir)
	if len(entries) != 2 {
		t.Fatalf("%d backups kept, want 2", len(entries))
	}
}

func noenv(string) string { return "" }

func signature(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func testLogger(t *testing.T) *slog.Logger { return slog.New(slog.NewTextHandler(t.Output(), nil)) }

// An existing database is backed up before migrations change it; the
// backup holds the database as it was.
func TestUpgradeTakesABackupFirst(t *testing.T) {
	files, err := filepath.Glob("store/migrations/*.sql")
	if err != nil || len(files) < 2 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	data := filepath.Join(t.TempDir(), "data")
	os.MkdirAll(data, 0o700)
	// An installation of the previous release: every migration but the last.
	old, err := sql.Open("sqlite3", filepath.Join(data, "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		t.Fatal(err)
	}
	for i, f := range files[:len(files)-1] {
		body, _ := os.ReadFile(f)
		if _, err := old.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		v, _ := strconv.Atoi(strings.SplitN(filepath.Base(f), "_", 2)[0])
		old.Exec("INSERT INTO schema_migrations VALUES (?, ?, ?)", v, fmt.Sprint(i), "2026-01-01T00:00:00.000000000Z")
	}
	old.Close()

	out := mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	if !strings.Contains(out, "database backed up before upgrading it") {
		t.Errorf("no word of the backup: %s", out)
	}
	backups, _ := filepath.Glob(filepath.Join(data, "backups", "pre-upgrade-*"+backup.Extension))
	if len(backups) != 1 {
		t.Fatalf("pre-upgrade backups: %v", backups)
	}
	restored := filepath.Join(t.TempDir(), "r")
	mustRun(t, "restore", "--in", backups[0], "--data", restored, "--key-file", filepath.Join(data, secrets.KeyFile))
	info, err := store.CheckFile(context.Background(), filepath.Join(restored, "wadesk.db"))
	if err != nil || info.Integrity != nil || len(info.Pending) != 1 {
		t.Fatalf("the backup should be the old database: %+v %v", info, err)
	}
	// Starting again takes no second backup: nothing is pending.
	mustRun(t, "user", "create", "--data", data, "--email", "agent@example.com", "--password", adminPassword, "--role", "agent")
	if b, _ := filepath.Glob(filepath.Join(data, "backups", "*")); len(b) != 1 {
		t.Fatalf("backups after a plain restart: %v", b)
	}
}

// A database a newer wadesk has migrated is refused with words that say
// what to do, and left untouched.
func TestDowngradeRefusesToStart(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	db, err := sql.Open("sqlite3", filepath.Join(data, "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO schema_migrations VALUES (9999, 'from_the_future', '2027-01-01T00:00:00.000000000Z')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var o bytes.Buffer
	err = run(context.Background(), []string{"wadesk", "serve", "--addr", "127.0.0.1:0", "--data", data}, noenv, &o)
	if err == nil || !errors.Is(err, store.ErrNewerSchema) || !strings.Contains(err.Error(), "9999") || !strings.Contains(err.Error(), "newer wadesk") {
		t.Fatalf("serve on a newer database: %v", err)
	}
	t.Log(err)
	if b, _ := filepath.Glob(filepath.Join(data, "backups", "*")); len(b) != 0 {
		t.Fatalf("a downgrade took a backup: %v", b)
	}
}
