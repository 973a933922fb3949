package handlers_test

import (
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/handlers"
	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/mailer/mailtest"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

// signinSite is the HTTP interface in process, so that each client can
// come from its own address (the throttles key on it).
type signinSite struct {
	t  *testing.T
	db *store.DB
	h  http.Handler
}

func startSigninSite(t *testing.T) *signinSite {
	t.Helper()
	ctx := context.Background()
	db, box := storetest.OpenWithBox(t, t.TempDir())
	hash, err := auth.HashPassword(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.NewUser{
		{Email: "admin@example.com", Name: "Ada Admin", Role: store.RoleAdmin, PasswordHash: hash},
		{Email: "agent@example.com", Name: "Alex Agent", Role: store.RoleAgent, PasswordHash: hash},
	} {
		if _, err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	mail := mailer.New(db, logger)
	mail.AllowPrivate = true // the tests' mail servers listen on 127.0.0.1
	srv, err := handlers.New(handlers.Config{DB: db, Box: box, Logger: logger, Mail: mail,
		BaseURL:   &url.URL{Scheme: "http", Host: "desk.example.com"},
		Providers: testRegistry("http://127.0.0.1:1")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &signinSite{t: t, db: db, h: srv.Handler()}
}

// fromAddr serves requests in process as if they came from addr.
type fromAddr struct {
	h    http.Handler
	addr string
}

func (f fromAddr) RoundTrip(req *http.Request) (*http.Response, error) {
	req.RemoteAddr = f.addr + ":40000"
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec.Result(), nil
}

// client is a browser at an address; it does not follow redirects.
func (s *signinSite) client(addr string) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return &http.Client{Jar: jar, Transport: fromAddr{s.h, addr},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (s *signinSite) do(c *http.Client, method, path string, form url.Values) page {
	s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, "http://desk.example.com"+path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b)}
}

func (s *signinSite) get(c *http.Client, path string) page { return s.do(c, http.MethodGet, path, nil) }
func (s *signinSite) post(c *http.Client, path string, form url.Values) page {
	return s.do(c, http.MethodPost, path, form)
}

// password signs in with the password and returns where it went.
func (s *signinSite) password(c *http.Client, email string) page {
	s.t.Helper()
	return s.post(c, "/login", url.Values{"email": {email}, "password": {testPassword}})
}

var (
	secretRe   = regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7 ]+)<`)
	recoveryRe = regexp.MustCompile(`data-testid="recovery-code">([a-z0-9-]+)<`)
)

// enrolTOTP turns on the authenticator for a signed-in client and returns
// the secret, the step its first code used and the recovery codes.
func (s *signinSite) enrolTOTP(c *http.Client) (string, []string) {
	s.t.Helper()
	if p := s.post(c, "/account/two-factor/totp", url.Values{}); p.status != http.StatusSeeOther {
		s.t.Fatalf("start enrolment: %d\n%s", p.status, p.body)
	}
	p := s.get(c, "/account/two-factor")
	m := secretRe.FindStringSubmatch(p.body)
	if m == nil || !strings.Contains(p.body, `src="data:image/png;base64,`) {
		s.t.Fatalf("enrolment page shows no QR code and secret:\n%s", p.body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	if p := s.post(c, "/account/two-factor/totp/confirm", url.Values{"code": {"000000"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "not right") {
		// 000000 could be the right code once in a million runs.
		if p.status != http.StatusOK {
			s.t.Fatalf("a wrong first code: %d", p.status)
		}
	}
	code, _ := auth.CurrentTOTP(secret, time.Now())
	p = s.post(c, "/account/two-factor/totp/confirm", url.Values{"code": {code}})
	if p.status != http.StatusOK {
		s.t.Fatalf("confirm: %d\n%s", p.status, p.body)
	}
	var codes []string
	for _, m := range recoveryRe.FindAllStringSubmatch(p.body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != 10 {
		s.t.Fatalf("got %d recovery codes:\n%s", len(codes), p.body)
	}
	return secret, codes
}

func TestTwoFactorSignInWithCodesAndRecoveryCodes(t *testing.T) {
	s := startSigninSite(t)
	first := s.client("192.0.2.1")
	if p := s.password(first, "agent@example.com"); p.status != http.StatusSeeOther || p.location != "/inbox" {
		t.Fatalf("sign in without two-factor: %d %q", p.status, p.location)
	}
	other := s.client("192.0.2.2")
	s.password(other, "agent@example.com")
	secret, codes := s.enrolTOTP(first)

	// Turning it on signed out the other device, not this one.
	if p := s.get(other, "/inbox"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
		t.Errorf("other device after enrolment: %d %q", p.status, p.location)
	}
	if p := s.get(first, "/account"); p.status != http.StatusOK {
		t.Errorf("enrolling device after enrolment: %d", p.status)
	}

	// The password alone no longer signs in.
	c := s.client("192.0.2.3")
	if p := s.password(c, "agent@example.com"); p.location != "/login/verify" {
		t.Fatalf("password step went to %q", p.location)
	}
	if p := s.get(c, "/inbox"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
		t.Fatalf("between the steps /inbox answered %d %q", p.status, p.location)
	}
	// The enrolment used the current step; the next step's code (one step
	// of skew) signs in once.
	code, _ := auth.CurrentTOTP(secret, time.Now().Add(30*time.Second))
	if p := s.post(c, "/login/verify", url.Values{"code": {code}}); p.status != http.StatusSeeOther || p.location != "/inbox" {
		t.Fatalf("verify: %d %q\n%s", p.status, p.location, p.body)
	}
	if p := s.get(c, "/inbox"); p.status != http.StatusOK {
		t.Fatalf("signed in with the code, /inbox: %d", p.status)
	}
	again := s.client("192.0.2.4")
	s.password(again, "agent@example.com")
	if p := s.post(again, "/login/verify", url.Values{"code": {code}}); p.status != http.StatusUnauthorized ||
		!strings.Contains(p.body, "already used") {
		t.Fatalf("a reused code: %d\n%s", p.status, p.body)
	}

	// A recovery code signs in once and says how many are left.
	if p := s.post(again, "/login/verify", url.Values{"code": {strings.ToUpper(codes[3])}}); p.status != http.StatusSeeOther {
		t.Fatalf("recovery code: %d\n%s", p.status, p.body)
	}
	if p := s.get(again, "/inbox"); !strings.Contains(html.UnescapeString(p.body), "You used a recovery code. 9 are left.") {
		t.Errorf("no count of recovery codes left:\n%s", p.body)
	}
	third := s.client("192.0.2.5")
	s.password(third, "agent@example.com")
	if p := s.post(third, "/login/verify", url.Values{"code": {codes[3]}}); p.status != http.StatusUnauthorized {
		t.Errorf("a used recovery code: %d", p.status)
	}

	// New recovery codes need the password and replace the old ones.
	if p := s.post(again, "/account/two-factor/recovery-codes", url.Values{"password": {"wrong password!"}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("regenerate with a wrong password: %d", p.status)
	}
	p := s.post(again, "/account/two-factor/recovery-codes", url.Values{"password": {testPassword}})
	if n := len(recoveryRe.FindAllStringSubmatch(p.body, -1)); p.status != http.StatusOK || n != 10 {
		t.Fatalf("regenerate: %d, %d codes", p.status, n)
	}
	if p := s.post(third, "/login/verify", url.Values{"code": {codes[5]}}); p.status != http.StatusUnauthorized {
		t.Errorf("an old recovery code after regenerating: %d", p.status)
	}

	// The secret is sealed at rest.
	tot, err := s.db.TOTPOf(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(tot.SecretEnc), secret) {
		t.Error("the authenticator secret is stored in the clear")
	}
}

func TestWrongCodesSlowTheAddressNotTheOwner(t *testing.T) {
	s := startSigninSite(t)
	owner := s.client("198.51.100.7")
	s.password(owner, "admin@example.com")
	secret, _ := s.enrolTOTP(owner)

	attacker := s.client("203.0.113.9")
	var statuses []int
	for i := 0; i < 10; i++ {
		p := s.get(attacker, "/login/verify")
		if p.status != http.StatusOK {
			// Sent back to the password after too many wrong codes.
			if p := s.password(attacker, "admin@example.com"); p.location != "/login/verify" {
				t.Fatalf("attacker's password step %d: %d %q", i, p.status, p.location)
			}
		}
		p = s.post(attacker, "/login/verify", url.Values{"code": {"000001"}})
		statuses = append(statuses, p.status)
	}
	if statuses[0] != http.StatusUnauthorized || statuses[9] != http.StatusTooManyRequests {
		t.Fatalf("10 wrong codes from one address answered %v; want the first refused and the last slowed", statuses)
	}
	// The owner, elsewhere, is not slowed.
	c := s.client("198.51.100.8")
	if p := s.password(c, "admin@example.com"); p.location != "/login/verify" {
		t.Fatalf("owner's password step: %d %q", p.status, p.location)
	}
	code, _ := auth.CurrentTOTP(secret, time.Now().Add(30*time.Second))
	if p := s.post(c, "/login/verify", url.Values{"code": {code}}); p.status != http.StatusSeeOther || p.location != "/inbox" {
		t.Fatalf("owner's code after the attack: %d %q\n%s", p.status, p.location, p.body)
	}
	// The attacker's address still waits.
	s.password(attacker, "admin@example.com")
	if p := s.post(attacker, "/login/verify", url.Values{"code": {"000002"}}); p.status != http.StatusTooManyRequests {
		t.Errorf("attacker after the owner signed in: %d", p.status)
	}
}

var sessionEndRe = regexp.MustCompile(`action="(/account/sessions/[^/"]+/end)"`)

func TestSessionsListedAndSignedOut(t *testing.T) {
	s := startSigninSite(t)
	a, b, c := s.client("192.0.2.10"), s.client("192.0.2.11"), s.client("192.0.2.12")
	for _, x := range []*http.Client{a, b, c} {
		s.password(x, "agent@example.com")
	}
	p := s.get(a, "/account")
	if n := strings.Count(p.body, `data-testid="session-row"`); n != 3 {
		t.Fatalf("account lists %d sessions, want 3", n)
	}
	for _, want := range []string{"Firefox on Linux", "192.0.2.11", "This device"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("sessions list lacks %q", want)
		}
	}
	ends := sessionEndRe.FindAllStringSubmatch(p.body, -1)
	if len(ends) != 2 {
		t.Fatalf("%d Sign out buttons, want 2 (not this device)", len(ends))
	}
	// Sign out one other session: exactly one of b and c is signed out.
	s.post(a, ends[0][1], url.Values{})
	out := 0
	for _, x := range []*http.Client{b, c} {
		if p := s.get(x, "/inbox"); p.status == http.StatusSeeOther {
			out++
		}
	}
	if out != 1 {
		t.Fatalf("%d sessions signed out, want 1", out)
	}
	s.post(a, "/account/sessions/end-others", url.Values{})
	for _, x := range []*http.Client{b, c} {
		if p := s.get(x, "/inbox"); p.status != http.StatusSeeOther {
			t.Errorf("after Sign out everywhere else a session still opens /inbox: %d", p.status)
		}
	}
	if p := s.get(a, "/inbox"); p.status != http.StatusOK {
		t.Errorf("this device was signed out too: %d", p.status)
	}

	// An admin signs the agent out everywhere.
	admin := s.client("192.0.2.20")
	s.password(admin, "admin@example.com")
	if p := s.post(admin, "/settings/users/2/sessions/end", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("admin sign out everywhere: %d", p.status)
	}
	if p := s.get(a, "/inbox"); p.status != http.StatusSeeOther {
		t.Errorf("agent still signed in after the admin signed them out everywhere: %d", p.status)
	}
	if p := s.post(a, "/settings/users/1/sessions/end", url.Values{}); p.status == http.StatusSeeOther && p.location == "/settings/users/1" {
		t.Error("a signed-out agent could sign an admin out")
	}
}

var resetLinkRe = regexp.MustCompile(`http://desk\.example\.com(/password/reset\?token=[A-Za-z0-9_-]+)`)

func TestPasswordResetByEmail(t *testing.T) {
	s := startSigninSite(t)
	ctx := context.Background()
	anon := s.client("192.0.2.30")
	if p := s.get(anon, "/password/forgot"); !strings.Contains(p.body, "Ask an administrator") {
		t.Errorf("without SMTP the page does not say to ask an admin:\n%s", p.body)
	}
	smtpSrv := mailtest.Start(t, mailtest.Options{})
	if err := s.db.SaveMailSettings(ctx, store.MailSettingsUpdate{Host: "127.0.0.1", Port: smtpSrv.Port,
		FromAddress: "desk@example.com", TLSMode: store.MailTLSNone}); err != nil {
		t.Fatal(err)
	}
	old := s.client("192.0.2.31")
	s.password(old, "agent@example.com")

	unknown := s.post(anon, "/password/forgot", url.Values{"email": {"nobody@example.com"}})
	known := s.post(anon, "/password/forgot", url.Values{"email": {"agent@example.com"}})
	if unknown.status != known.status || strings.ReplaceAll(unknown.body, "nobody@", "agent@") != known.body {
		t.Errorf("the answer differs for an unknown address:\n%s\n---\n%s", unknown.body, known.body)
	}
	msg := waitForMail(t, smtpSrv, 1)
	if strings.Join(msg.To, ",") != "agent@example.com" {
		t.Fatalf("reset mail went to %v", msg.To)
	}
	parsed, err := msg.Parse()
	if err != nil {
		t.Fatal(err)
	}
	m := resetLinkRe.FindStringSubmatch(parsed.Text)
	if m == nil {
		t.Fatalf("no reset link in:\n%s", parsed.Text)
	}
	token := strings.TrimPrefix(m[1], "/password/reset?token=")
	if _, err := s.db.PasswordResetUser(ctx, token, time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Error("the token is stored as it is, not hashed")
	}
	if _, err := s.db.PasswordResetUser(ctx, hashForTest(token), time.Now()); err != nil {
		t.Errorf("the token's hash is not stored: %v", err)
	}
	browser := s.client("192.0.2.32")
	if p := s.get(browser, m[1]); p.status != http.StatusOK || !strings.Contains(p.body, `name="password"`) {
		t.Fatalf("reset link: %d", p.status)
	}
	if p := s.post(browser, "/password/reset", url.Values{"token": {token},
		"password": {"a brand new password"}, "confirm": {"a brand new password"}}); p.status != http.StatusSeeOther || p.location != "/login" {
		t.Fatalf("reset: %d %q\n%s", p.status, p.location, p.body)
	}
	if p := s.get(old, "/inbox"); p.status != http.StatusSeeOther {
		t.Errorf("the old session survived the reset: %d", p.status)
	}
	if p := s.get(browser, m[1]); p.status != http.StatusNotFound || !strings.Contains(p.body, "already used") {
		t.Errorf("a used link: %d", p.status)
	}
	notice := waitForMail(t, smtpSrv, 2)
	if np, _ := notice.Parse(); !strings.Contains(np.Subject, "password was changed") {
		t.Errorf("second mail = %q, want the password-changed notice", np.Subject)
	}
	if p := s.post(browser, "/login", url.Values{"email": {"agent@example.com"}, "password": {"a brand new password"}}); p.location != "/inbox" {
		t.Errorf("sign in with the new password: %d %q", p.status, p.location)
	}
}

func TestPasswordResetAsksForTheSecondFactor(t *testing.T) {
	s := startSigninSite(t)
	ctx := context.Background()
	c := s.client("192.0.2.40")
	s.password(c, "agent@example.com")
	secret, _ := s.enrolTOTP(c)
	if err := s.db.CreatePasswordReset(ctx, 2, hashForTest("tok"), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if p := s.get(c, "/password/reset?token=tok"); !strings.Contains(p.body, `name="code"`) {
		t.Fatal("the reset form of an account with two-step sign-in asks for no code")
	}
	form := url.Values{"token": {"tok"}, "password": {"another new password"}, "confirm": {"another new password"}, "code": {"000003"}}
	if p := s.post(c, "/password/reset", form); p.status != http.StatusUnauthorized {
		t.Fatalf("reset with a wrong code: %d", p.status)
	}
	code, _ := auth.CurrentTOTP(secret, time.Now().Add(30*time.Second))
	form.Set("code", code)
	if p := s.post(c, "/password/reset", form); p.status != http.StatusSeeOther {
		t.Fatalf("reset with the code: %d\n%s", p.status, p.body)
	}
}

func TestPolicySendsToEnrolment(t *testing.T) {
	s := startSigninSite(t)
	admin := s.client("192.0.2.50")
	s.password(admin, "admin@example.com")
	if p := s.post(admin, "/settings/security", url.Values{"two_factor": {"everyone"}}); p.status != http.StatusSeeOther {
		t.Fatalf("save policy: %d", p.status)
	}
	agent := s.client("192.0.2.51")
	if p := s.password(agent, "agent@example.com"); p.location != "/account/two-factor" {
		t.Fatalf("agent without two-factor went to %q", p.location)
	}
	for _, path := range []string{"/inbox", "/account", "/settings/users"} {
		if p := s.get(agent, path); p.status != http.StatusSeeOther || p.location != "/account/two-factor" {
			t.Errorf("%s before enrolling: %d %q", path, p.status, p.location)
		}
	}
	s.enrolTOTP(agent)
	if p := s.get(agent, "/inbox"); p.status != http.StatusOK {
		t.Errorf("/inbox after enrolling: %d", p.status)
	}
	// The required last factor cannot be removed.
	if p := s.post(agent, "/account/two-factor/totp/delete", url.Values{"password": {testPassword}}); p.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", p.status)
	}
	if st, _ := s.db.TwoFactorStatusOf(context.Background(), 2); !st.TOTP {
		t.Error("the only second factor was removed although the policy requires one")
	}
	// An admin resets it; the agent is signed out and must enrol again.
	if p := s.post(admin, "/settings/users/2/two-factor/reset", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("admin reset: %d", p.status)
	}
	if p := s.get(agent, "/inbox"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
		t.Errorf("agent after the reset: %d %q", p.status, p.location)
	}
	again := s.client("192.0.2.52")
	if p := s.password(again, "agent@example.com"); p.location != "/account/two-factor" {
		t.Errorf("after the reset the agent went to %q, want enrolment", p.location)
	}
}

func waitForMail(t *testing.T, srv *mailtest.Server, n int) mailtest.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if msgs := srv.Messages(); len(msgs) >= n {
			return msgs[n-1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("mail %d did not arrive", n)
	return mailtest.Message{}
}

func hashForTest(token string) string {
	return handlers.HashResetToken(token)
}

func TestNewBrowserNotice(t *testing.T) {
	s := startSigninSite(t)
	ctx := context.Background()
	smtpSrv := mailtest.Start(t, mailtest.Options{})
	if err := s.db.SaveMailSettings(ctx, store.MailSettingsUpdate{Host: "127.0.0.1", Port: smtpSrv.Port,
		FromAddress: "desk@example.com", TLSMode: store.MailTLSNone}); err != nil {
		t.Fatal(err)
	}
	admin := s.client("192.0.2.60")
	s.password(admin, "admin@example.com")
	if p := s.post(admin, "/settings/security", url.Values{"two_factor": {"optional"}, "new_browser_notice": {"on"}}); p.status != http.StatusSeeOther {
		t.Fatalf("save: %d", p.status)
	}
	if p := s.get(admin, "/settings/security"); !strings.Contains(p.body, `name="new_browser_notice" value="on" checked`) {
		t.Error("the setting did not stick")
	}

	// The agent's first sign-in ever is not news; the same browser again
	// is known; another browser is told by email.
	phone := s.client("192.0.2.61")
	s.password(phone, "agent@example.com")
	s.post(phone, "/logout", url.Values{})
	s.password(phone, "agent@example.com")
	laptop := s.client("192.0.2.62")
	s.password(laptop, "agent@example.com")
	msg := waitForMail(t, smtpSrv, 1)
	time.Sleep(200 * time.Millisecond)
	if n := len(smtpSrv.Messages()); n != 1 {
		t.Fatalf("%d mails, want 1 (only the new browser)", n)
	}
	p, err := msg.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(msg.To, ",") != "agent@example.com" || !strings.Contains(p.Text, "Firefox on Linux, address 192.0.2.62") {
		t.Errorf("notice to %v:\n%s", msg.To, p.Text)
	}
}

func TestPasskeysNeedAHostName(t *testing.T) {
	site := startEmailSite(t) // served as 127.0.0.1
	c := site.signIn("agent@example.com")
	if p := site.get(c, "/account/two-factor"); !strings.Contains(p.body, `data-testid="passkeys-off"`) ||
		strings.Contains(p.body, `data-testid="passkey-form"`) {
		t.Error("the two-step page offers passkeys on an IP address, where browsers refuse them")
	}
	p := site.post(c, "/account/passkeys/options", url.Values{})
	if p.status != http.StatusConflict || !strings.Contains(p.body, "not an IP address") {
		t.Errorf("passkey options on an IP address: %d %s", p.status, p.body)
	}
}

func TestPolicyForAdminsOnly(t *testing.T) {
	s := startSigninSite(t)
	if err := s.db.SetTwoFactorPolicy(context.Background(), store.TwoFactorAdmins); err != nil {
		t.Fatal(err)
	}
	if p := s.password(s.client("192.0.2.70"), "agent@example.com"); p.location != "/inbox" {
		t.Errorf("an agent went to %q, want the inbox", p.location)
	}
	if p := s.password(s.client("192.0.2.71"), "admin@example.com"); p.location != "/account/two-factor" {
		t.Errorf("an admin went to %q, want enrolment", p.location)
	}
}
