package forward_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store/storetest"

	"github.com/wadesk/wadesk/forward"
	"github.com/wadesk/wadesk/store"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	dir := t.TempDir()
	db := storetest.OpenIn(t, dir)
	return db
}

// channel creates a connected channel forwarding to url; secret "" leaves
// it without a forward secret.
func channel(t *testing.T, db *store.DB, phone, url, secret string) int64 {
	t.Helper()
	ctx := context.Background()
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Channel " + phone, Provider: "meta_cloud",
		BusinessID: "1234567890", WABAID: "waba-1", PhoneNumberID: phone, DisplayPhoneNumber: "+1 555 " + phone,
		Secrets: store.ChannelSecrets{AccessToken: "token-" + phone, AppSecret: "app-secret-" + phone, VerifyToken: "verify-" + phone}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateChannel(ctx, ch.ID, store.ChannelUpdate{Title: ch.Title, ForwardURL: url}); err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		if err := db.SetChannelSecrets(ctx, ch.ID, store.ChannelSecrets{ForwardSecret: secret}); err != nil {
			t.Fatal(err)
		}
	}
	return ch.ID
}

// accept journals a webhook body as ingestion does: the event and its
// forward_outbox row in one transaction.
func accept(t *testing.T, db *store.DB, channelID int64, body string, at time.Time) int64 {
	t.Helper()
	ids, err := db.AppendWebhookEvents(context.Background(), []store.NewWebhookEvent{{ChannelID: channelID, Body: []byte(body), ReceivedAt: at}})
	if err != nil {
		t.Fatal(err)
	}
	return ids[0]
}

// outbox reads an event's forward_outbox row.
type outboxRow struct {
	state    string
	attempts int
	next     string
}

func outbox(t *testing.T, db *store.DB, eventID int64) outboxRow {
	t.Helper()
	var r outboxRow
	err := db.R.QueryRowContext(context.Background(), "SELECT state, attempts, next_attempt_at FROM forward_outbox WHERE event_id = ?", eventID).
		Scan(&r.state, &r.attempts, &r.next)
	if errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("event %d is not queued", eventID)
	}
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitFor polls cond until it holds; the limit only stops a broken test
// from hanging.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	limit := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(limit) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func waitState(t *testing.T, db *store.DB, eventID int64, state string, attempts int) {
	t.Helper()
	waitFor(t, "event "+strconv.FormatInt(eventID, 10)+" "+state+" after "+strconv.Itoa(attempts)+" attempts", func() bool {
		r := outbox(t, db, eventID)
		return r.state == state && r.attempts == attempts
	})
}

// clock is a fake clock the test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// received is one request the receiver got.
type received struct {
	channel, event string
	body           string
	header         http.Header
}

// receiver is the business's middleware on 127.0.0.1. answer decides the
// status of each request from the event ID and how many times that event
// was received before.
type receiver struct {
	t      *testing.T
	url    string
	mu     sync.Mutex
	got    []received
	seen   map[string]int
	inside map[string]int // requests in progress per channel
	answer func(event string, before int) int
}

func newReceiver(t *testing.T, answer func(event string, before int) int) *receiver {
	rc := &receiver{t: t, seen: map[string]int{}, inside: map[string]int{}, answer: answer}
	srv := httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(srv.Close)
	rc.url = srv.URL + "/hook"
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rc.t.Errorf("receiver: read body: %v", err)
		return
	}
	chID, ev := r.Header.Get(forward.ChannelHeader), r.Header.Get(forward.EventHeader)
	rc.mu.Lock()
	rc.inside[chID]++
	if rc.inside[chID] > 1 {
		rc.t.Errorf("two requests of channel %s at once", chID)
	}
	before := rc.seen[ev]
	rc.seen[ev]++
	rc.got = append(rc.got, received{channel: chID, event: ev, body: string(body), header: r.Header.Clone()})
	answer := rc.answer
	rc.mu.Unlock()
	status := http.StatusOK
	if answer != nil {
		status = answer(ev, before)
	}
	rc.mu.Lock()
	rc.inside[chID]--
	rc.mu.Unlock()
	w.WriteHeader(status)
	if status >= 300 {
		io.WriteString(w, "try later")
	}
}

func (rc *receiver) setAnswer(f func(event string, before int) int) {
	rc.mu.Lock()
	rc.answer = f
	rc.mu.Unlock()
}

// events returns the event IDs received for a channel, in order.
func (rc *receiver) events(channelID int64) []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, g := range rc.got {
		if g.channel == strconv.FormatInt(channelID, 10) {
			out = append(out, g.event)
		}
	}
	return out
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// running is a Forwarder started in the background.
type running struct {
	*forward.Forwarder
	stop func()
}

func start(t *testing.T, db *store.DB, c *clock) *running {
	t.Helper()
	f, err := forward.New(forward.Config{DB: db, Logger: slog.New(slog.NewTextHandler(t.Output(), nil)), Now: c.Now, Timeout: 20 * time.Second,
		AllowPrivate: true}) // the middleware runs on 127.0.0.1
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		f.Run(ctx)
		close(stopped)
	}()
	var once sync.Once
	r := &running{Forwarder: f, stop: func() {
		once.Do(func() {
			cancel()
			<-stopped
		})
	}}
	t.Cleanup(r.stop)
	return r
}

func ev(id int64) string { return strconv.FormatInt(id, 10) }

func verify(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func TestDeliversSignedBodies(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	rc := newReceiver(t, nil)
	const secret = "4f2a9c-forward-secret-for-the-test"
	signed := channel(t, db, "1001", rc.url, secret)
	unsigned := channel(t, db, "1002", rc.url, "") // no secret yet
	c := &clock{now: t0}
	f := start(t, db, c)

	// The raw bytes, as received from the provider.
	body1 := "{\"object\":\"whatsapp_business_account\",\n  \"entry\":[{\"id\":\"waba-1\",\"name\":\"Zoë\"}]}"
	body2 := `{"object":"whatsapp_business_account","entry":[]}`
	e1 := accept(t, db, signed, body1, t0)
	e2 := accept(t, db, unsigned, body2, t0)
	f.Notify()
	waitState(t, db, e1, store.ForwardDelivered, 0)
	waitState(t, db, e2, store.ForwardDelivered, 0)

	sec2, err := db.ChannelSecrets(ctx, unsigned)
	if err != nil {
		t.Fatal(err)
	}
	if len(sec2.ForwardSecret) != 64 {
		t.Fatalf("generated forward secret = %q; want 64 hex characters", sec2.ForwardSecret)
	}
	if ch, _ := db.ChannelByID(ctx, unsigned); !ch.HasForwardSecret {
		t.Error("the channel page would not show the generated secret exists")
	}
	want := map[string]struct {
		channel int64
		body    string
		secret  string
	}{ev(e1): {signed, body1, secret}, ev(e2): {unsigned, body2, sec2.ForwardSecret}}
	got := rc.requests()
	if len(got) != 2 {
		t.Fatalf("received %d requests; want 2", len(got))
	}
	for _, g := range got {
		w, ok := want[g.event]
		if !ok {
			t.Fatalf("unexpected event %q", g.event)
		}
		if g.body != w.body {
			t.Errorf("event %s body = %q; want %q", g.event, g.body, w.body)
		}
		if sig := g.header.Get("X-Wadesk-Signature-256"); !hmac.Equal([]byte(sig), []byte(verify(w.secret, []byte(w.body)))) {
			t.Errorf("event %s signature %q does not verify", g.event, sig)
		}
		for h, v := range map[string]string{"Content-Type": "application/json", "User-Agent": "wadesk",
			"X-Wadesk-Channel-Id": strconv.FormatInt(w.channel, 10), "X-Wadesk-Event-Id": g.event} {
			if g.header.Get(h) != v {
				t.Errorf("event %s header %s = %q; want %q", g.event, h, g.header.Get(h), v)
			}
		}
	}
	attempts, err := db.ListForwardAttempts(ctx, signed, 0)
	if err != nil || len(attempts) != 1 || attempts[0].HTTPStatus != 200 || attempts[0].Error != "" || !attempts[0].AttemptedAt.Equal(t0) {
		t.Fatalf("attempts = %+v, %v", attempts, err)
	}
}

func TestInOrderPerChannelUnderFailures(t *testing.T) {
	db := openDB(t)
	var e1 int64
	rc := newReceiver(t, func(event string, before int) int {
		if event == ev(e1) && before < 2 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	a := channel(t, db, "1001", rc.url, "secret-a")
	b := channel(t, db, "1002", rc.url, "secret-b")
	c := &clock{now: t0}
	// Accepted before the forwarder starts; the answer func reads e1 only
	// once requests arrive.
	e1 = accept(t, db, a, `{"n":1}`, t0)
	e2 := accept(t, db, a, `{"n":2}`, t0.Add(time.Second))
	e3 := accept(t, db, b, `{"n":3}`, t0)
	f := start(t, db, c)

	// Channel b is not held up by a's failures.
	waitState(t, db, e3, store.ForwardDelivered, 0)
	for fails := 1; fails <= 2; fails++ {
		waitState(t, db, e1, store.ForwardPending, fails)
		if r := outbox(t, db, e2); r.state != store.ForwardPending || r.attempts != 0 {
			t.Fatalf("event 2 moved while event 1 was failing: %+v", r)
		}
		// Past any backoff.
		c.Set(c.Now().Add(2 * time.Hour))
		f.Notify()
	}
	waitState(t, db, e1, store.ForwardDelivered, 2)
	waitState(t, db, e2, store.ForwardDelivered, 0)
	if got, want := strings.Join(rc.events(a), ","), strings.Join([]string{ev(e1), ev(e1), ev(e1), ev(e2)}, ","); got != want {
		t.Fatalf("channel a received events %s; want %s", got, want)
	}

	attempts, err := db.ListForwardAttempts(context.Background(), a, 20)
	if err != nil {
		t.Fatal(err)
	}
	statuses := []int{}
	for _, at := range attempts {
		statuses = append(statuses, at.HTTPStatus)
	}
	if len(attempts) != 4 || statuses[0] != 200 || statuses[1] != 200 || statuses[2] != 500 || statuses[3] != 500 {
		t.Fatalf("attempt statuses, newest first = %v", statuses)
	}
	if attempts[2].Error != "The middleware answered 500 Internal Server Error." {
		t.Errorf("failed attempt error = %q", attempts[2].Error)
	}
}

func TestGivesUpAfterSevenDays(t *testing.T) {
	db := openDB(t)
	var e1 int64
	rc := newReceiver(t, func(event string, before int) int {
		if event == ev(e1) {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	})
	a := channel(t, db, "1001", rc.url, "secret-a")
	c := &clock{now: t0}
	e1 = accept(t, db, a, `{"n":1}`, t0)
	e2 := accept(t, db, a, `{"n":2}`, t0)
	f := start(t, db, c)

	waitState(t, db, e1, store.ForwardPending, 1)
	next := outbox(t, db, e1).next
	if next <= "2026-03-01T10:00:07" || next > "2026-03-01T10:00:10.000000000Z" {
		t.Errorf("first retry at %s; want 8-10 s after the first attempt", next)
	}

	// Five seconds before the deadline, the next retry is set at the
	// deadline, not after it.
	deadline := t0.Add(forward.MaxAge)
	c.Set(deadline.Add(-5 * time.Second))
	f.Notify()
	waitState(t, db, e1, store.ForwardPending, 2)
	if got := outbox(t, db, e1).next; got != "2026-03-08T10:00:00.000000000Z" {
		t.Errorf("last retry at %s; want the deadline", got)
	}
	if got := rc.events(a); len(got) != 2 {
		t.Fatalf("received %v", got)
	}

	c.Set(deadline)
	f.Notify()
	waitState(t, db, e1, store.ForwardGivenUp, 3)
	waitState(t, db, e2, store.ForwardDelivered, 0)
	if got, want := strings.Join(rc.events(a), ","), strings.Join([]string{ev(e1), ev(e1), ev(e1), ev(e2)}, ","); got != want {
		t.Fatalf("received %s; want %s", got, want)
	}
	attempts, _ := db.ListForwardAttempts(context.Background(), a, 0)
	if len(attempts) != 4 || attempts[1].OutboxState != store.ForwardGivenUp || attempts[1].HTTPStatus != 503 {
		t.Fatalf("attempts = %+v", attempts)
	}
}

func TestResumesAfterRestart(t *testing.T) {
	db := openDB(t)
	release := make(chan struct{})
	arrived := make(chan struct{}, 10)
	rc := newReceiver(t, func(event string, before int) int {
		arrived <- struct{}{}
		<-release // held until the test lets go
		return http.StatusOK
	})
	a := channel(t, db, "1001", rc.url, "secret-a")
	c := &clock{now: t0}
	e1 := accept(t, db, a, `{"n":1}`, t0)
	e2 := accept(t, db, a, `{"n":2}`, t0)

	// The first forwarder stops in the middle of delivering e1: no attempt
	// is recorded against the middleware, and e1 stays first in line.
	first := start(t, db, c)
	<-arrived
	first.stop()
	if r := outbox(t, db, e1); r.state != store.ForwardPending || r.attempts != 0 {
		t.Fatalf("after stopping mid-request, event 1 = %+v", r)
	}
	if n, _ := db.ListForwardAttempts(context.Background(), a, 0); len(n) != 0 {
		t.Fatalf("a shutdown was recorded as an attempt: %+v", n)
	}

	// The middleware answers again, and a new forwarder (a restart) picks up
	// where the first one stopped.
	close(release)
	rc.setAnswer(func(string, int) int { return http.StatusOK })
	start(t, db, c)
	waitState(t, db, e1, store.ForwardDelivered, 0)
	waitState(t, db, e2, store.ForwardDelivered, 0)
	if got, want := strings.Join(rc.events(a), ","), strings.Join([]string{ev(e1), ev(e1), ev(e2)}, ","); got != want {
		t.Fatalf("received %s; want %s (event 1 again, then event 2)", got, want)
	}
}

func TestResumesFailedRowsAfterRestart(t *testing.T) {
	db := openDB(t)
	rc := newReceiver(t, func(string, int) int { return http.StatusBadGateway })
	a := channel(t, db, "1001", rc.url, "secret-a")
	c := &clock{now: t0}
	e1 := accept(t, db, a, `{"n":1}`, t0)
	first := start(t, db, c)
	waitState(t, db, e1, store.ForwardPending, 1)
	first.stop()

	rc.setAnswer(func(string, int) int { return http.StatusOK })
	c.Set(t0.Add(time.Hour))
	start(t, db, c) // no Notify: a starting forwarder looks at the queue
	waitState(t, db, e1, store.ForwardDelivered, 1)
}

func TestFailuresWithoutAnAnswer(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/hook"
	ln.Close()
	// A middleware that moved: redirects are not followed.
	moved := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/new" {
			t.Error("the redirect was followed")
		}
		http.Redirect(w, r, "/new", http.StatusFound)
	}))
	t.Cleanup(moved.Close)

	refused := channel(t, db, "1001", closed, "s1")
	redirected := channel(t, db, "1002", moved.URL+"/hook", "s2")
	c := &clock{now: t0}
	e1 := accept(t, db, refused, `{}`, t0)
	e2 := accept(t, db, redirected, `{}`, t0)
	start(t, db, c)
	waitState(t, db, e1, store.ForwardPending, 1)
	waitState(t, db, e2, store.ForwardPending, 1)

	for _, tc := range []struct {
		channel int64
		status  int
		err     string
	}{
		{refused, 0, "Connection refused: nothing accepts connections at that address."},
		{redirected, 302, "The middleware answered 302 Found. Redirects are not followed: set the forward URL to the address it redirects to."},
	} {
		attempts, err := db.ListForwardAttempts(ctx, tc.channel, 0)
		if err != nil || len(attempts) != 1 || attempts[0].HTTPStatus != tc.status || attempts[0].Error != tc.err {
			t.Errorf("channel %d attempts = %+v, %v; want status %d, error %q", tc.channel, attempts, err, tc.status, tc.err)
		}
	}
}

func TestChannelsThatStoppedForwarding(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	rc := newReceiver(t, nil)
	off := channel(t, db, "1001", rc.url, "s1")
	deleted := channel(t, db, "1002", rc.url, "s2")
	moved := channel(t, db, "1003", "http://127.0.0.1:1/typo", "s3")
	c := &clock{now: t0}
	e1 := accept(t, db, off, `{}`, t0)
	e2 := accept(t, db, deleted, `{}`, t0)
	e3 := accept(t, db, moved, `{"n":3}`, t0)
	// After acceptance: forwarding turned off, the channel deleted, and the
	// mistyped URL corrected.
	for _, u := range []struct {
		id  int64
		url string
	}{{off, ""}, {moved, rc.url}} {
		if err := db.UpdateChannel(ctx, u.id, store.ChannelUpdate{Title: "t", ForwardURL: u.url}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteChannel(ctx, deleted); err != nil {
		t.Fatal(err)
	}
	start(t, db, c)
	waitState(t, db, e1, store.ForwardGivenUp, 1)
	waitState(t, db, e2, store.ForwardGivenUp, 1)
	waitState(t, db, e3, store.ForwardDelivered, 0)
	if got := rc.requests(); len(got) != 1 || got[0].event != ev(e3) {
		t.Fatalf("received %+v; want only event 3, at the corrected URL", got)
	}
	for id, want := range map[int64]string{off: "Not forwarded: forwarding was turned off for this channel.", deleted: "Not forwarded: the channel was deleted."} {
		attempts, _ := db.ListForwardAttempts(ctx, id, 0)
		if len(attempts) != 1 || attempts[0].Error != want {
			t.Errorf("channel %d attempts = %+v; want %q", id, attempts, want)
		}
	}
	if sec, _ := db.ChannelSecrets(ctx, deleted); sec.ForwardSecret != "" {
		t.Error("a deleted channel got a forward secret")
	}
}

func TestNewSecretAndSign(t *testing.T) {
	a, err := forward.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := forward.NewSecret()
	if len(a) != 64 || a == b {
		t.Fatalf("secrets %q, %q", a, b)
	}
	if _, err := hex.DecodeString(a); err != nil {
		t.Fatalf("secret is not hex: %v", err)
	}
	// RFC 4231 test case 2.
	got := forward.Sign("Jefe", []byte("what do ya want for nothing?"))
	if want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"; got != want {
		t.Fatalf("Sign = %s; want %s", got, want)
	}
}
