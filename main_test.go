package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
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

// app is a running wadesk, started in-process by run() on 127.0.0.1:0.
type app struct {
	URL  string
	Data string
	out  *logBuffer
	stop context.CancelFunc
	done chan error
}

// startApp runs `wadesk serve` against dataDir and waits until it listens.
// It is stopped (and its clean exit checked) when the test ends.
func startApp(t *testing.T, dataDir string, extra ...string) *app {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a := &app{Data: dataDir, out: newLogBuffer(), stop: cancel, done: make(chan error, 1)}
	args := append([]string{"wadesk", "serve", "--addr", "127.0.0.1:0", "--data", dataDir}, extra...)
	go func() { a.done <- run(ctx, args, func(string) string { return "" }, a.out) }()
	select {
	case addr := <-a.out.listening:
		a.URL = "http://" + addr
	case err := <-a.done:
		t.Fatalf("wadesk exited before listening: %v\n%s", err, a.out)
	case <-time.After(30 * time.Second):
		t.Fatalf("wadesk did not start listening\n%s", a.out)
	}
	t.Cleanup(func() {
		a.stop()
		if err := <-a.done; err != nil {
			t.Errorf("wadesk did not stop cleanly: %v", err)
		}
		if t.Failed() {
			t.Logf("wadesk output:\n%s", a.out)
		}
	})
	return a
}

// logBuffer collects the program's output and reports the listen address.
type logBuffer struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	listening chan string
	sent      bool
}

func newLogBuffer() *logBuffer { return &logBuffer{listening: make(chan string, 1)} }

var listenLine = regexp.MustCompile(`wadesk: listening on http://(\S+)`)

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if !l.sent {
		if m := listenLine.FindSubmatch(l.buf.Bytes()); m != nil {
			l.listening <- string(m[1])
			l.sent = true
		}
	}
	return len(p), nil
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// browser is an HTTP client with a cookie jar that does not follow redirects,
// so tests see each 303.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

func get(t *testing.T, c *http.Client, u string) response {
	t.Helper()
	return do(t, c, http.MethodGet, u, nil, nil)
}

// post sends a form as a same-origin browser would.
func post(t *testing.T, c *http.Client, u string, form url.Values) response {
	t.Helper()
	return do(t, c, http.MethodPost, u, form, http.Header{"Sec-Fetch-Site": {"same-origin"}})
}

func do(t *testing.T, c *http.Client, method, u string, form url.Values, h http.Header) response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range h {
		req.Header[k] = v
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"wadesk"}, args...), func(string) string { return "" }, &out); err != nil {
		t.Fatalf("wadesk %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

func login(t *testing.T, c *http.Client, a *app, email, password string) response {
	t.Helper()
	return post(t, c, a.URL+"/login", url.Values{"email": {email}, "password": {password}})
}

const adminPassword = "correct horse battery"

func TestVersion(t *testing.T) {
	if out := mustRun(t, "version"); !strings.HasPrefix(out, "wadesk ") {
		t.Fatalf("version printed %q", out)
	}
}

func TestBadCommandsFail(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"user"},
		{"user", "create", "--email", "x@example.com", "--password", "short"},
		{"user", "create", "--email", "nope", "--password", adminPassword},
		{"user", "create", "--email", "x@example.com", "--password", adminPassword, "--role", "root"},
		{"serve", "--log-format", "xml"},
		{"serve", "--base-url", "ftp://example.com"},
	} {
		var out bytes.Buffer
		data := t.TempDir()
		full := append([]string{"wadesk"}, args...)
		if len(args) > 0 && (args[0] == "user" || args[0] == "serve") {
			full = append(full, "--data", data, "--addr", "127.0.0.1:0")[:len(full)+2]
		}
		if err := run(context.Background(), full, func(string) string { return "" }, &out); err == nil {
			t.Errorf("wadesk %v succeeded, want an error", args)
		}
	}
}

func TestFirstRunSetup(t *testing.T) {
	a := startApp(t, t.TempDir())
	c := browser(t)

	if r := get(t, c, a.URL+"/healthz"); r.Status != 200 || strings.TrimSpace(r.Body) != "ok" {
		t.Fatalf("healthz = %d %q", r.Status, r.Body)
	}
	for _, path := range []string{"/", "/inbox", "/login", "/settings/users"} {
		if r := get(t, c, a.URL+path); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/setup" {
			t.Errorf("GET %s before setup = %d → %q, want 303 → /setup", path, r.Status, r.Header.Get("Location"))
		}
	}
	r := get(t, c, a.URL+"/setup")
	if r.Status != 200 || !strings.Contains(r.Body, `data-testid="setup"`) {
		t.Fatalf("setup page = %d", r.Status)
	}

	code := setupCodeOf(t, a)
	// Mistakes re-render with the input kept and field errors.
	r = post(t, c, a.URL+"/setup", url.Values{"code": {code}, "name": {"Ada"}, "email": {"ada@example"}, "password": {"pw-xq7"}, "confirm": {"other"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad setup = %d, want 422", r.Status)
	}
	for _, want := range []string{`value="Ada"`, `value="ada@example"`, `data-testid="error-email"`, `data-testid="error-password"`, `data-testid="error-confirm"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("bad setup page lacks %s", want)
		}
	}
	if strings.Contains(r.Body, "pw-xq7") {
		t.Error("the password was echoed back into the page")
	}

	r = post(t, c, a.URL+"/setup", url.Values{"code": {code}, "name": {"Ada"}, "email": {"ada@example.com"}, "password": {adminPassword}, "confirm": {adminPassword}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/inbox" {
		t.Fatalf("setup = %d → %q", r.Status, r.Header.Get("Location"))
	}
	r = get(t, c, a.URL+"/inbox")
	if r.Status != 200 || !strings.Contains(r.Body, "Ada") || !strings.Contains(r.Body, `data-testid="nav-settings"`) {
		t.Fatalf("inbox after setup = %d", r.Status)
	}

	// The setup page is gone for good, even for another browser.
	other := browser(t)
	if r := get(t, other, a.URL+"/setup"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("setup after setup = %d → %q", r.Status, r.Header.Get("Location"))
	}
	r = post(t, other, a.URL+"/setup", url.Values{"code": {code}, "name": {"Eve"}, "email": {"eve@example.com"}, "password": {adminPassword}, "confirm": {adminPassword}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("second setup = %d → %q, want 303 → /login", r.Status, r.Header.Get("Location"))
	}
}

func TestUserCreateCommandThenLogin(t *testing.T) {
	data := t.TempDir()
	out := mustRun(t, "user", "create", "--data", data, "--email", "boss@example.com", "--password", adminPassword, "--role", "admin", "--name", "Boss")
	if !strings.Contains(out, "created admin boss@example.com") {
		t.Fatalf("user create printed %q", out)
	}
	var dup bytes.Buffer
	if err := run(context.Background(), []string{"wadesk", "user", "create", "--data", data, "--email", "BOSS@example.com", "--password", adminPassword}, func(string) string { return "" }, &dup); err == nil {
		t.Error("creating the same email twice succeeded")
	}

	a := startApp(t, data)
	c := browser(t)
	u, _ := url.Parse(a.URL)
	// A token planted before sign-in (session fixation) must not survive it.
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "wadesk_session", Value: "planted-token", Path: "/"}})

	r := login(t, c, a, "boss@example.com", "wrong password!")
	if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, `data-testid="form-error"`) || !strings.Contains(r.Body, `value="boss@example.com"`) {
		t.Fatalf("wrong password = %d", r.Status)
	}
	r = login(t, c, a, "boss@example.com", adminPassword)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/inbox" {
		t.Fatalf("login = %d → %q", r.Status, r.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range readSetCookies(r.Header) {
		if ck.Name == "wadesk_session" {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("login set no session cookie")
	}
	if session.Value == "planted-token" || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure {
		t.Errorf("session cookie = %+v; want a new token, HttpOnly, SameSite=Lax, not Secure over http", session)
	}
	r = get(t, c, a.URL+"/inbox")
	if r.Status != 200 || !strings.Contains(r.Body, "Boss") {
		t.Fatalf("inbox = %d", r.Status)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("private page Cache-Control = %q, want no-store", cc)
	}

	// Logout ends the session: the old cookie no longer opens private pages.
	oldCookie := session.Value
	r = post(t, c, a.URL+"/logout", url.Values{})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("logout = %d → %q", r.Status, r.Header.Get("Location"))
	}
	if r := get(t, c, a.URL+"/inbox"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("inbox after logout = %d → %q", r.Status, r.Header.Get("Location"))
	}
	replay := browser(t)
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: "wadesk_session", Value: oldCookie, Path: "/"}})
	if r := get(t, replay, a.URL+"/inbox"); r.Status != http.StatusSeeOther {
		t.Errorf("replayed pre-logout cookie opened the inbox: %d", r.Status)
	}
}

func readSetCookies(h http.Header) []*http.Cookie {
	res := http.Response{Header: h}
	return res.Cookies()
}

func TestSecureCookieBehindHTTPS(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "a@example.com", "--password", adminPassword, "--role", "admin")
	a := startApp(t, data, "--base-url", "https://desk.example.com")
	r := login(t, browser(t), a, "a@example.com", adminPassword)
	found := false
	for _, ck := range readSetCookies(r.Header) {
		if ck.Name == "wadesk_session" {
			found = true
			if !ck.Secure {
				t.Error("session cookie not Secure with an https base URL")
			}
		}
	}
	if !found {
		t.Fatal("no session cookie")
	}
}

func TestCrossSiteRequestsRefused(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "a@example.com", "--password", adminPassword, "--role", "admin")
	a := startApp(t, data)
	c := browser(t)
	if r := login(t, c, a, "a@example.com", adminPassword); r.Status != http.StatusSeeOther {
		t.Fatalf("login = %d", r.Status)
	}
	form := url.Values{"name": {"Sales"}, "email": {"x@example.com"}, "password": {adminPassword}, "role": {"agent"}}
	for _, path := range []string{"/login", "/logout", "/setup", "/settings/users", "/settings/departments", "/settings/users/1/disable", "/account/password"} {
		for _, h := range []http.Header{
			{"Sec-Fetch-Site": {"cross-site"}},
			{"Origin": {"https://evil.example"}},
		} {
			r := do(t, c, http.MethodPost, a.URL+path, form, h)
			if r.Status != http.StatusForbidden {
				t.Errorf("cross-site POST %s with %v = %d, want 403", path, h, r.Status)
			}
		}
	}
	// Nothing was created, and the session is intact.
	if r := get(t, c, a.URL+"/settings/departments"); r.Status != 200 || strings.Contains(r.Body, "department-row-") {
		t.Errorf("a cross-site POST changed data (or the session ended): %d", r.Status)
	}
}

func TestLoginBurstIsThrottled(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "a@example.com", "--password", adminPassword, "--role", "admin")
	a := startApp(t, data)
	c := browser(t)
	var statuses []int
	for range 12 {
		statuses = append(statuses, login(t, c, a, "a@example.com", "guess guess guess").Status)
	}
	n429 := 0
	for _, s := range statuses {
		if s == http.StatusTooManyRequests {
			n429++
		} else if s != http.StatusUnauthorized {
			t.Errorf("unexpected status %d", s)
		}
	}
	if statuses[0] != http.StatusUnauthorized || n429 == 0 || n429 < len(statuses)-6 {
		t.Fatalf("statuses = %v; want a few 401s then 429s", statuses)
	}
	r := login(t, c, a, "a@example.com", adminPassword)
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "Too many sign-in attempts") {
		t.Errorf("right password while throttled = %d (Retry-After %q); want a readable 429", r.Status, r.Header.Get("Retry-After"))
	}
}

func TestAgentCannotOpenAdminPages(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "agent@example.com", "--password", adminPassword, "--role", "agent")
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	a := startApp(t, data)
	c := browser(t)
	if r := login(t, c, a, "agent@example.com", adminPassword); r.Status != http.StatusSeeOther {
		t.Fatalf("agent login = %d", r.Status)
	}
	r := get(t, c, a.URL+"/inbox")
	if r.Status != 200 || strings.Contains(r.Body, `data-testid="nav-settings"`) || strings.Contains(r.Body, `data-testid="nav-channels"`) {
		t.Errorf("agent inbox = %d, or shows admin navigation", r.Status)
	}
	for _, path := range []string{"/channels", "/channels/new", "/channels/1", "/channels/1/edit", "/templates", "/store",
		"/settings", "/settings/users", "/settings/users/new", "/settings/users/1", "/settings/departments"} {
		if r := get(t, c, a.URL+path); r.Status != http.StatusForbidden || !strings.Contains(r.Body, `data-testid="error-page-403"`) {
			t.Errorf("agent GET %s = %d, want the 403 page", path, r.Status)
		}
	}
	for _, path := range []string{"/settings/users", "/settings/users/2", "/settings/users/2/disable", "/settings/users/2/enable",
		"/settings/users/2/password", "/settings/departments", "/settings/departments/1", "/settings/departments/1/delete",
		"/channels/new/provider", "/channels/new/credentials", "/channels/new/finish", "/channels/new/cancel",
		"/channels/1", "/channels/1/default", "/channels/1/visibility", "/channels/1/verify-token", "/channels/1/check", "/channels/1/delete"} {
		r := post(t, c, a.URL+path, url.Values{"name": {"x"}, "role": {"admin"}, "password": {adminPassword}, "email": {"z@example.com"}})
		if r.Status != http.StatusForbidden {
			t.Errorf("agent POST %s = %d, want 403", path, r.Status)
		}
	}
	if r := get(t, c, a.URL+"/account"); r.Status != 200 {
		t.Errorf("agent account page = %d", r.Status)
	}
}

func TestDisablingAUserEndsTheirSession(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	mustRun(t, "user", "create", "--data", data, "--email", "agent@example.com", "--password", adminPassword, "--role", "agent")
	a := startApp(t, data)
	admin, agent := browser(t), browser(t)
	login(t, admin, a, "admin@example.com", adminPassword)
	login(t, agent, a, "agent@example.com", adminPassword)
	if r := get(t, agent, a.URL+"/inbox"); r.Status != 200 {
		t.Fatalf("agent inbox = %d", r.Status)
	}
	db := openDB(t, data)
	ag, err := db.UserByEmail(context.Background(), "agent@example.com")
	if err != nil {
		t.Fatal(err)
	}
	id := ag.ID
	if r := post(t, admin, a.URL+"/settings/users/"+itoa(id)+"/disable", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("disable = %d", r.Status)
	}
	if r := get(t, agent, a.URL+"/inbox"); r.Status != http.StatusSeeOther {
		t.Errorf("disabled agent still opens the inbox: %d", r.Status)
	}
	var n int
	if err := db.R.QueryRow("SELECT COUNT(*) FROM sessions").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d sessions stored after disabling the agent, want only the admin's", n)
	}
	if r := login(t, agent, a, "agent@example.com", adminPassword); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "disabled") {
		t.Errorf("disabled agent login = %d", r.Status)
	}
	// The last active admin cannot be disabled (here: by themselves).
	admins, _ := db.CountActiveAdmins(context.Background())
	if admins != 1 {
		t.Fatalf("admins = %d", admins)
	}
}

func openDB(t *testing.T, data string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(data, "wadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestShutdownOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := newLogBuffer()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"wadesk", "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, func(string) string { return "" }, out)
	}()
	var addr string
	select {
	case addr = <-out.listening:
	case <-time.After(30 * time.Second):
		t.Fatal("did not start")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after cancel", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("still answering after shutdown")
	}
	if !strings.Contains(out.String(), "stopped") {
		t.Error("no shutdown log line")
	}
}

func TestEnvironmentFallbacks(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"WADESK_ADDR": "127.0.0.1:0", "WADESK_DATA": data, "WADESK_LOG_FORMAT": "json"}
	ctx, cancel := context.WithCancel(context.Background())
	out := newLogBuffer()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"wadesk", "serve"}, func(k string) string { return env[k] }, out) }()
	select {
	case <-out.listening:
	case err := <-done:
		t.Fatalf("exited: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("did not start")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"msg":"wadesk started"`) {
		t.Errorf("WADESK_LOG_FORMAT=json ignored:\n%s", out)
	}
	if _, err := store.Open(context.Background(), filepath.Join(data, "wadesk.db")); err != nil {
		t.Errorf("WADESK_DATA ignored: %v", err)
	}
}

func TestWebhookVerificationHandshake(t *testing.T) {
	data := t.TempDir()
	a := startApp(t, data)
	db := openDB(t, data)
	key, err := secrets.LoadOrCreateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	box, _ := secrets.NewBox(key)
	db.UseBox(box)
	ch, err := db.CreatePendingChannel(context.Background(), store.NewChannel{
		Title: "Sales", Provider: "meta_cloud", BusinessID: "1", WABAID: "2", PhoneNumberID: "3",
		Secrets: store.ChannelSecrets{AccessToken: "EAAtoken", AppSecret: "0123456789abcdef0123456789abcdef", VerifyToken: "the-verify-token"},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := browser(t)
	base := a.URL + "/webhooks/" + itoa(ch.ID)
	for _, tc := range []struct {
		url    string
		status int
		body   string
	}{
		{base + "?hub.mode=subscribe&hub.verify_token=the-verify-token&hub.challenge=1158201444", 200, "1158201444"},
		{base + "?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444", 403, ""},
		{base + "?hub.mode=unsubscribe&hub.verify_token=the-verify-token&hub.challenge=1", 403, ""},
		{base + "?hub.mode=subscribe&hub.verify_token=the-verify-token", 403, ""},
		{base, 403, ""},
		{a.URL + "/webhooks/999?hub.mode=subscribe&hub.verify_token=the-verify-token&hub.challenge=1", 404, ""},
		{a.URL + "/webhooks/abc?hub.mode=subscribe&hub.verify_token=the-verify-token&hub.challenge=1", 404, ""},
	} {
		r := get(t, c, tc.url)
		if r.Status != tc.status || (tc.body != "" && r.Body != tc.body) {
			t.Errorf("GET %s = %d %q, want %d %q", strings.TrimPrefix(tc.url, a.URL), r.Status, r.Body, tc.status, tc.body)
		}
		if r.Header.Get("Set-Cookie") != "" {
			t.Errorf("GET %s set a cookie; webhook routes have no session", tc.url)
		}
	}
	// After deletion the channel no longer answers.
	if err := db.ActivateChannel(context.Background(), ch.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteChannel(context.Background(), ch.ID); err != nil {
		t.Fatal(err)
	}
	if r := get(t, c, base+"?hub.mode=subscribe&hub.verify_token=the-verify-token&hub.challenge=1"); r.Status != 404 {
		t.Errorf("deleted channel answered the handshake: %d", r.Status)
	}
}

// signedPost sends a webhook body signed with secret (unsigned when secret is "").
func signedPost(t *testing.T, url, secret, contentType string, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if secret != "" {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func TestWebhookBadInput(t *testing.T) {
	data := t.TempDir()
	a := startApp(t, data)
	db := openDB(t, data)
	key, _ := secrets.LoadOrCreateKey(data)
	box, _ := secrets.NewBox(key)
	db.UseBox(box)
	const appSecret = "0123456789abcdef0123456789abcdef"
	ch, err := db.CreatePendingChannel(context.Background(), store.NewChannel{
		Title: "Sales", Provider: "meta_cloud", BusinessID: "1", WABAID: "102290129340398", PhoneNumberID: "106540352242922",
		Secrets: store.ChannelSecrets{AccessToken: "EAAtoken", AppSecret: appSecret, VerifyToken: "v"},
	})
	if err != nil {
		t.Fatal(err)
	}
	db.ActivateChannel(context.Background(), ch.ID)
	hook := a.URL + "/webhooks/" + itoa(ch.ID)
	msg := func(wamid string) []byte {
		return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",` +
			`"metadata":{"display_phone_number":"15555555555","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Ana"},"wa_id":"16505551234"}],` +
			`"messages":[{"from":"16505551234","id":"` + wamid + `","timestamp":"1700000000","type":"text","text":{"body":"Ol\u00e1"}}]},"field":"messages"}]}]}`)
	}
	var batch []string
	for i := range 1000 {
		batch = append(batch, `{"from":"16505551234","id":"wamid.batch.`+strconv.Itoa(i)+`","timestamp":"1700000000","type":"text","text":{"body":"x"}}`)
	}
	big := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":"15555555555","phone_number_id":"106540352242922"},"messages":[` + strings.Join(batch, ",") + `]},"field":"messages"}]}]}`)
	huge := bytes.Repeat([]byte("x"), 5<<20)

	cases := []struct {
		name        string
		url         string
		secret      string
		contentType string
		body        []byte
		status      int
		stored      bool
	}{
		{"good", hook, appSecret, "application/json", msg("wamid.good"), 200, true},
		{"wrong signature", hook, "ffffffffffffffffffffffffffffffff", "application/json", msg("wamid.badsig"), 401, false},
		{"no signature", hook, "", "application/json", msg("wamid.nosig"), 401, false},
		{"truncated JSON", hook, appSecret, "application/json", msg("wamid.trunc")[:60], 200, true},
		{"5 MB body", hook, appSecret, "application/json", huge, 413, false},
		{"wrong content type", hook, appSecret, "text/plain", msg("wamid.ct"), 415, false},
		{"unknown channel", a.URL + "/webhooks/999", appSecret, "application/json", msg("wamid.unknown"), 404, false},
		{"invalid UTF-8", hook, appSecret, "application/json; charset=utf-8", []byte("{\"object\":\"whatsapp_business_account\",\"entry\":[\xff\xfe]}"), 200, true},
		{"1,000-message batch", hook, appSecret, "application/json", big, 200, true},
	}
	stored := 0
	for _, tc := range cases {
		if got := signedPost(t, tc.url, tc.secret, tc.contentType, tc.body); got != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.status)
		}
		if tc.stored {
			stored++
		}
		var n int
		db.R.QueryRow("SELECT COUNT(*) FROM webhook_events").Scan(&n)
		if n != stored {
			t.Fatalf("%s: %d events journaled, want %d (acknowledged = stored, refused = not stored)", tc.name, n, stored)
		}
	}
	// Processing: every message of the accepted bodies, none of the refused.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var pending int
		db.R.QueryRow("SELECT COUNT(*) FROM webhook_events WHERE state = 'new'").Scan(&pending)
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events still unprocessed", pending)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var msgs, dead int
	db.R.QueryRow("SELECT COUNT(*) FROM messages").Scan(&msgs)
	db.R.QueryRow("SELECT COUNT(*) FROM webhook_events WHERE state = 'dead'").Scan(&dead)
	if msgs != 1001 || dead != 2 {
		t.Errorf("messages %d (want 1001), dead letters %d (want 2)", msgs, dead)
	}
	var text string
	db.R.QueryRow("SELECT text FROM messages WHERE wamid = 'wamid.good'").Scan(&text)
	if text != "Olá" {
		t.Errorf("text = %q, want the \\u-escaped body decoded", text)
	}
	var last sql.NullString
	db.R.QueryRow("SELECT last_webhook_at FROM channels WHERE id = ?", ch.ID).Scan(&last)
	if !last.Valid {
		t.Error("the channel's last webhook time was not recorded")
	}
}
