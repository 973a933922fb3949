package e2e

// Helpers shared by the webhook crash test and the ingestion benchmark:
// a channel created straight in the store, signed Meta webhook bodies, and
// a wadesk process that can be killed with SIGKILL.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

// The channel the webhook tests deliver to.
const (
	hookAppSecret     = "c0ffee00c0ffee00c0ffee00c0ffee00"
	hookPhoneNumberID = "200000000000001"
	hookDisplayPhone  = "15550100200"
	hookWABAID        = "300000000000001"
)

// hookProvider is how one provider's webhooks are authenticated, for the
// tests that fire webhooks straight at wadesk.
type hookProvider struct {
	name string
	id   string // the channel's provider
	// secrets are the channel's, as the wizard would have stored them.
	secrets store.ChannelSecrets
	// sign adds the provider's authentication to a delivery of body.
	sign func(h http.Header, body []byte)
	// signURL, when set, is used instead of sign by providers whose
	// signature covers the URL the delivery is posted to.
	signURL func(h http.Header, url string, body []byte)
	// body, when set, is the provider's own webhook body for m (default:
	// Meta's envelope).
	body func(m inboundText) []byte
	// contentType of a delivery (default application/json).
	contentType string
	// phoneNumberID, when set, is the channel's number as the provider's
	// events name it (default hookPhoneNumberID); settings are its
	// non-secret provider settings.
	phoneNumberID string
	settings      map[string]string
}

// payloadFor is the webhook body provider p sends for m.
func (p hookProvider) payloadFor(m inboundText) []byte {
	if p.body != nil {
		return p.body(m)
	}
	return m.payload()
}

// hook360Secret is the 360dialog test channel's webhook secret.
const hook360Secret = "webhook-load-360dialog-secret-0123456789"

var (
	metaHooks = hookProvider{name: "Cloud API", id: "meta_cloud",
		secrets: store.ChannelSecrets{AccessToken: "EAAwebhookload", AppSecret: hookAppSecret, VerifyToken: "webhook-load-verify"},
		sign: func(h http.Header, body []byte) {
			h.Set("X-Hub-Signature-256", signature(hookAppSecret, body))
		}}
	// dialog360Hooks: Meta's envelope, authenticated by the channel's
	// secret in the header wadesk asks 360dialog to send.
	dialog360Hooks = hookProvider{name: "360dialog", id: "360dialog",
		secrets: store.ChannelSecrets{AccessToken: "d360webhookloadkey", VerifyToken: hook360Secret},
		sign: func(h http.Header, body []byte) {
			h.Set("X-Wadesk-Webhook-Token", hook360Secret)
		}}
)

// createHookChannel creates a connected Meta Cloud API channel with a known
// app secret in dir's database, before wadesk runs there, and closes the
// store again. It returns the channel's id.
func createHookChannel(tb testing.TB, dir string) int64 {
	return createHookChannelFor(tb, dir, metaHooks)
}

// createHookChannelFor is createHookChannel for the provider p.
func createHookChannelFor(tb testing.TB, dir string, p hookProvider) int64 {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "wadesk.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	key, err := secrets.LoadOrCreateKey(dir)
	if err != nil {
		tb.Fatal(err)
	}
	box, err := secrets.NewBox(key)
	if err != nil {
		tb.Fatal(err)
	}
	db.UseBox(box)
	phoneNumberID := hookPhoneNumberID
	if p.phoneNumberID != "" {
		phoneNumberID = p.phoneNumberID
	}
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{
		Title: "Webhook load", Provider: p.id, BusinessID: "100000000000001",
		WABAID: hookWABAID, PhoneNumberID: phoneNumberID, DisplayPhoneNumber: hookDisplayPhone,
		Secrets: p.secrets, Settings: p.settings,
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		tb.Fatal(err)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	return ch.ID
}

// The shape of a Meta "messages" webhook carrying one inbound text message.
type (
	hookEnvelope struct {
		Object string      `json:"object"`
		Entry  []hookEntry `json:"entry"`
	}
	hookEntry struct {
		ID      string       `json:"id"`
		Changes []hookChange `json:"changes"`
	}
	hookChange struct {
		Value hookValue `json:"value"`
		Field string    `json:"field"`
	}
	hookValue struct {
		MessagingProduct string        `json:"messaging_product"`
		Metadata         hookMetadata  `json:"metadata"`
		Contacts         []hookContact `json:"contacts"`
		Messages         []hookMessage `json:"messages"`
	}
	hookMetadata struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	}
	hookContact struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID string `json:"wa_id"`
	}
	hookMessage struct {
		From      string `json:"from"`
		ID        string `json:"id"`
		Timestamp string `json:"timestamp"`
		Type      string `json:"type"`
		Text      struct {
			Body string `json:"body"`
		} `json:"text"`
	}
)

// hookCustomers is how many different customers write in: messages share
// contacts and conversations, so their creation races too.
const hookCustomers = 37

// inboundText is what one generated webhook says: message n, sent under
// the wamid prefix.n by one of hookCustomers customers.
type inboundText struct {
	wamid, from, name, body, timestamp string
}

func newInboundText(prefix string, n int) inboundText {
	c := n % hookCustomers
	return inboundText{
		wamid:     prefix + "." + strconv.Itoa(n),
		from:      fmt.Sprintf("1555010%04d", c),
		name:      fmt.Sprintf("Customer %02d", c),
		body:      fmt.Sprintf("Hello, this is message %d. Do you deliver on Sundays? Olá, ça va 🙂", n),
		timestamp: strconv.FormatInt(1751372400+int64(n), 10),
	}
}

// payload is the webhook body Meta would send for m, compact JSON with
// non-ASCII escaped as \uXXXX the way Meta signs it.
func (m inboundText) payload() []byte {
	contact := hookContact{WaID: m.from}
	contact.Profile.Name = m.name
	msg := hookMessage{From: m.from, ID: m.wamid, Timestamp: m.timestamp, Type: "text"}
	msg.Text.Body = m.body
	env := hookEnvelope{Object: "whatsapp_business_account", Entry: []hookEntry{{
		ID: hookWABAID,
		Changes: []hookChange{{Field: "messages", Value: hookValue{
			MessagingProduct: "whatsapp",
			Metadata:         hookMetadata{DisplayPhoneNumber: hookDisplayPhone, PhoneNumberID: hookPhoneNumberID},
			Contacts:         []hookContact{contact},
			Messages:         []hookMessage{msg},
		}}},
	}}}
	b, err := json.Marshal(env)
	if err != nil {
		panic(err) // the types above always marshal
	}
	return asciiJSON(b)
}

// asciiJSON rewrites every non-ASCII rune of a JSON text as \uXXXX (with
// surrogate pairs above U+FFFF). Non-ASCII only occurs inside strings.
func asciiJSON(b []byte) []byte {
	var out bytes.Buffer
	for _, r := range string(b) {
		switch {
		case r < 0x80:
			out.WriteRune(r)
		case r > 0xFFFF:
			r -= 0x10000
			fmt.Fprintf(&out, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
	}
	return out.Bytes()
}

// signature is the X-Hub-Signature-256 value for body.
func signature(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// postHook delivers a signed Cloud API body and returns the status code;
// the response body is read to the end so the connection is reused.
func postHook(ctx context.Context, c *http.Client, url string, body []byte) (int, error) {
	return postHookAs(ctx, metaHooks, c, url, body)
}

// postHookAs is postHook with provider p's authentication.
func postHookAs(ctx context.Context, p hookProvider, c *http.Client, url string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	ct := p.contentType
	if ct == "" {
		ct = "application/json"
	}
	req.Header.Set("Content-Type", ct)
	if p.signURL != nil {
		p.signURL(req.Header, url, body)
	} else {
		p.sign(req.Header, body)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// hookClient is a keep-alive client for n concurrent senders.
func hookClient(n int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        n,
			MaxIdleConnsPerHost: n,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
		},
	}
}

// process is a child process serving HTTP on a loopback port it reports as
// "... listening on http://…" on stdout.
type process struct {
	cmd  *exec.Cmd
	URL  string
	log  *lockedBuffer
	done chan struct{}
	err  error // cmd.Wait's result, set before done closes
}

var anyListenLine = regexp.MustCompile(`listening on (http://\S+)`)

// launch starts cmd and waits (up to 30 s) for its listening line. The
// process is killed at the end of the test if still running.
func launch(tb testing.TB, cmd *exec.Cmd) *process {
	tb.Helper()
	p := &process{cmd: cmd, log: &lockedBuffer{}, done: make(chan struct{})}
	found := make(chan string, 1)
	w := &lineWatcher{log: p.log, found: found}
	cmd.Stdout = w
	cmd.Stderr = p.log
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	tb.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case p.URL = <-found:
	case <-p.done:
		tb.Fatalf("%s exited before listening (%v):\n%s", cmd.Path, p.err, p.log.String())
	case <-time.After(30 * time.Second):
		tb.Fatalf("%s did not start:\n%s", cmd.Path, p.log.String())
	}
	return p
}

// launchWadesk runs `wadesk serve` on a free loopback port with dir as its
// data directory. Its Graph API address is a closed loopback port: the
// channel health check at start-up fails as "not reachable" (which keeps
// the channel's state) instead of calling graph.facebook.com.
func launchWadesk(tb testing.TB, dir string) *process {
	tb.Helper()
	return launch(tb, exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--data", dir,
		"--graph-url", closedLoopbackURL(tb)))
}

// closedLoopbackURL is an http:// address on 127.0.0.1 where nothing
// listens, so connections to it are refused at once.
func closedLoopbackURL(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// kill ends the process with SIGKILL and waits for it.
func (p *process) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// stop interrupts the process and waits up to 20 s for it to exit, then
// kills it. It returns the exit error, or an error when it had to kill.
func (p *process) stop() error {
	select {
	case <-p.done:
		return p.err
	default:
	}
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
		return p.err
	case <-time.After(20 * time.Second):
		p.kill()
		return fmt.Errorf("did not exit within 20 s of an interrupt")
	}
}

// procStatus reads a kB field (VmHWM, VmRSS) of /proc/<pid>/status, in bytes.
func procStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s: %q: %w", field, line, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// procCPU is the user+system CPU time a process has used so far.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: %q", pid, b)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %q", pid, b)
	}
	// utime and stime are fields 14 and 15 of stat, in clock ticks (USER_HZ,
	// 100 on Linux).
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %q", pid, b)
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}

// lineWatcher keeps a process's stdout and reports the first listening URL.
type lineWatcher struct {
	log     *lockedBuffer
	found   chan string
	partial []byte
	sent    bool
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.log.Write(p)
	if w.sent {
		return len(p), nil
	}
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		line := w.partial[:i]
		w.partial = w.partial[i+1:]
		if m := anyListenLine.FindSubmatch(line); m != nil {
			w.found <- string(m[1])
			w.sent, w.partial = true, nil
			break
		}
	}
	return len(p), nil
}

// openReadOnly opens dir's database read-only, alongside a running wadesk.
func openReadOnly(tb testing.TB, dir string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "wadesk.db")+"?mode=ro&_query_only=true&_busy_timeout=10000")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// countRows runs a COUNT(*) query.
func countRows(tb testing.TB, db *sql.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

// waitProcessed polls until no webhook_events row is 'new', up to limit;
// it returns how long that took and the backlog left (0 when drained).
func waitProcessed(tb testing.TB, db *sql.DB, limit time.Duration) (time.Duration, int) {
	tb.Helper()
	start := time.Now()
	for {
		n := countRows(tb, db, `SELECT COUNT(*) FROM webhook_events WHERE state = 'new'`)
		if n == 0 || time.Since(start) > limit {
			return time.Since(start), n
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// wamidSet records wamids from concurrent senders.
type wamidSet struct {
	mu sync.Mutex
	m  map[string]int // wamid -> message number
}

func (s *wamidSet) add(wamid string, n int) {
	s.mu.Lock()
	s.m[wamid] = n
	s.mu.Unlock()
}
