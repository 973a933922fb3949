package e2e

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/mailer/mailtest"
)

// checkPage runs axe-core at desktop and phone widths and checks the page
// does not scroll sideways on the phone.
func checkPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	checkAccessible(t, ctx, name+" (desktop)")
	run(t, ctx, "phone width", phoneWidth.at())
	checkAccessible(t, ctx, name+" (phone)")
	checkNoSideScroll(t, ctx, name)
	run(t, ctx, "desktop width", desktopWidth.at())
}

// signOut presses Sign out in the top bar.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, "sign out",
		chromedp.Click(byTestID("logout"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("login"), chromedp.ByQuery),
	)
}

// enterCode types a code in the second sign-in step and presses Enter.
func enterCode(t *testing.T, ctx context.Context, code string) {
	t.Helper()
	run(t, ctx, "enter code "+code,
		chromedp.WaitVisible(byTestID("login-verify"), chromedp.ByQuery),
		chromedp.SendKeys(`input[name="code"]`, code+kb.Enter, chromedp.ByQuery),
	)
}

// setField replaces the value of an input or select, as a person who
// selects all and types (or picks an option) would.
func setField(sel, value string) chromedp.Action {
	return chromedp.Evaluate(`(() => { const el = document.querySelector(`+strconv.Quote(sel)+`);
		el.value = `+strconv.Quote(value)+`; el.dispatchEvent(new Event("change", {bubbles: true})); })()`, nil)
}

// acceptConfirms makes the page's "Are you sure?" questions answer yes.
func acceptConfirms() chromedp.Action {
	return chromedp.Evaluate(`window.confirm = () => true`, nil)
}

func TestTwoFactorWithAnAuthenticatorApp(t *testing.T) {
	s := startServer(t, createUser("admin", "boss@example.com", "Boss"))
	ctx := newBrowser(t)
	signIn(t, ctx, s, "boss@example.com", password)
	run(t, ctx, "open the account page",
		chromedp.WaitVisible(byTestID("nav-account"), chromedp.ByQuery),
		chromedp.Click(byTestID("nav-account"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("account-two-factor"), chromedp.ByQuery),
		chromedp.Click(byTestID("two-factor-manage"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("totp-start"), chromedp.ByQuery),
	)
	checkPage(t, ctx, "two-step sign-in, off")
	run(t, ctx, "set up the app",
		chromedp.Click(byTestID("totp-start"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("totp-qr"), chromedp.ByQuery),
	)
	checkPage(t, ctx, "authenticator enrolment")
	// "Scan" the code: read the key the page shows, as an app would.
	secret := strings.ReplaceAll(textOf(t, ctx, byTestID("totp-secret")), " ", "")
	run(t, ctx, "a wrong first code",
		chromedp.SendKeys(`[data-testid="totp-confirm-form"] input[name="code"]`, "12345"+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-code"), chromedp.ByQuery),
	)
	code, err := auth.CurrentTOTP(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "confirm with the app's code",
		chromedp.SendKeys(`[data-testid="totp-confirm-form"] input[name="code"]`, code, chromedp.ByQuery),
		chromedp.Click(byTestID("totp-confirm"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("recovery-codes"), chromedp.ByQuery),
	)
	checkPage(t, ctx, "recovery codes")
	var codes []string
	run(t, ctx, "read recovery codes", chromedp.Evaluate(
		`[...document.querySelectorAll('[data-testid="recovery-code"]')].map(li => li.textContent.trim())`, &codes))
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
	downloads := t.TempDir()
	run(t, ctx, "download them as text",
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(downloads),
		chromedp.Click(byTestID("recovery-download"), chromedp.ByQuery),
	)
	saved := waitFile(t, filepath.Join(downloads, "wadesk-recovery-codes.txt"))
	for _, c := range codes {
		if !strings.Contains(saved, c+"\n") {
			t.Errorf("the downloaded file lacks %s:\n%s", c, saved)
		}
	}
	run(t, ctx, "saved them",
		chromedp.Click(byTestID("recovery-done"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("recovery-left"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("recovery-left")); got != "10 of 10" {
		t.Errorf("recovery codes left = %q", got)
	}
	checkPage(t, ctx, "two-step sign-in, on")

	// Password, then the code. The enrolment used this 30-second step's
	// code, so the app's next one is used (one step of skew is allowed).
	signOut(t, ctx)
	signIn(t, ctx, s, "boss@example.com", password)
	run(t, ctx, "code step", chromedp.WaitVisible(byTestID("login-verify"), chromedp.ByQuery))
	checkPage(t, ctx, "sign-in code step")
	next, _ := auth.CurrentTOTP(secret, time.Now().Add(30*time.Second))
	enterCode(t, ctx, next)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-account"), chromedp.ByQuery))

	// The same code again is refused.
	signOut(t, ctx)
	signIn(t, ctx, s, "boss@example.com", password)
	enterCode(t, ctx, next)
	run(t, ctx, "reused code refused", chromedp.WaitVisible(byTestID("error-code"), chromedp.ByQuery))
	if got := textOf(t, ctx, byTestID("error-code")); !strings.Contains(got, "already used") {
		t.Errorf("reused code error = %q", got)
	}

	// A recovery code signs in once and says how many remain.
	enterCode(t, ctx, codes[0])
	run(t, ctx, "signed in with a recovery code", chromedp.WaitVisible(byTestID("nav-account"), chromedp.ByQuery))
	var flash string
	run(t, ctx, "read flash", chromedp.Text(`.flash`, &flash, chromedp.ByQuery))
	if !strings.Contains(flash, "9 are left") {
		t.Errorf("after a recovery code the page says %q", flash)
	}
	signOut(t, ctx)
	signIn(t, ctx, s, "boss@example.com", password)
	enterCode(t, ctx, codes[0])
	run(t, ctx, "used recovery code refused", chromedp.WaitVisible(byTestID("error-code"), chromedp.ByQuery))
}

// freeLoopbackPort returns a port on 127.0.0.1 that was free a moment ago.
func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// addAuthenticator plugs in a virtual platform authenticator (a laptop's
// fingerprint reader, as far as the page can tell) and returns its id.
func addAuthenticator(t *testing.T, ctx context.Context) webauthn.AuthenticatorID {
	t.Helper()
	var id webauthn.AuthenticatorID
	run(t, ctx, "add a virtual authenticator", chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		id, err = webauthn.AddVirtualAuthenticator(&webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
			Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true,
			HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
		}).Do(ctx)
		return err
	}))
	return id
}

// addPasskey names and adds a passkey on the two-step sign-in page.
func addPasskey(t *testing.T, ctx context.Context, base, name string, wait string) {
	t.Helper()
	run(t, ctx, "add the passkey "+name,
		chromedp.Navigate(base+"/account/two-factor"),
		chromedp.WaitVisible(byTestID("passkey-form"), chromedp.ByQuery),
		chromedp.SendKeys(`[data-testid="passkey-form"] input[name="name"]`, name, chromedp.ByQuery),
		chromedp.Click(byTestID("passkey-add"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID(wait), chromedp.ByQuery),
	)
}

// passkeyNames lists the passkeys the page shows.
func passkeyNames(t *testing.T, ctx context.Context) []string {
	t.Helper()
	var names []string
	run(t, ctx, "list passkeys", chromedp.Evaluate(
		`[...document.querySelectorAll('[data-testid="passkey-row"] strong')].map(e => e.textContent.trim())`, &names))
	return names
}

// signInWithPasskey signs in with the password and then the passkey.
func signInWithPasskey(t *testing.T, ctx context.Context, s *server, email string) {
	t.Helper()
	signIn(t, ctx, s, email, password)
	run(t, ctx, "sign in with the passkey",
		chromedp.WaitVisible(byTestID("passkey-login-button"), chromedp.ByQuery),
		chromedp.Click(byTestID("passkey-login-button"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("nav-account"), chromedp.ByQuery),
	)
}

func TestPasskeyAsTheSecondFactor(t *testing.T) {
	// Browsers refuse passkeys on an IP address, so the console is opened
	// as localhost (still the loopback interface).
	port := freeLoopbackPort(t)
	base := "http://localhost:" + strconv.Itoa(port)
	s := startProgram(t, []string{"serve", "--addr", "127.0.0.1:" + strconv.Itoa(port), "--base-url", base},
		createUser("agent", "ana@example.com", "Ana"))
	s.URL = base
	ctx := newBrowser(t)
	run(t, ctx, "turn on the WebAuthn domain", webauthn.Enable())
	laptop := addAuthenticator(t, ctx)
	signIn(t, ctx, s, "ana@example.com", password)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-account"), chromedp.ByQuery))

	// The first passkey is the first second factor: recovery codes come with it.
	addPasskey(t, ctx, base, "Test laptop", "recovery-codes")
	run(t, ctx, "saved the codes",
		chromedp.Click(byTestID("recovery-done"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("passkey-row"), chromedp.ByQuery),
	)
	if got := passkeyNames(t, ctx); len(got) != 1 || got[0] != "Test laptop" {
		t.Errorf("passkeys = %q", got)
	}
	checkPage(t, ctx, "two-step sign-in with a passkey")

	signOut(t, ctx)
	signIn(t, ctx, s, "ana@example.com", password)
	run(t, ctx, "passkey step", chromedp.WaitVisible(byTestID("passkey-login-button"), chromedp.ByQuery))
	checkPage(t, ctx, "sign-in passkey step")
	run(t, ctx, "sign in with the passkey",
		chromedp.Click(byTestID("passkey-login-button"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("nav-account"), chromedp.ByQuery),
	)
	if loc := location(t, ctx); !strings.HasSuffix(loc, "/inbox") {
		t.Errorf("after the passkey the browser is at %s", loc)
	}

	// A second device: unplug the laptop's authenticator, plug in another.
	run(t, ctx, "unplug the laptop", webauthn.RemoveVirtualAuthenticator(laptop))
	addAuthenticator(t, ctx)
	addPasskey(t, ctx, base, "Phone", "flash-success")
	if got := passkeyNames(t, ctx); len(got) != 2 || got[0] != "Test laptop" || got[1] != "Phone" {
		t.Fatalf("passkeys after adding a second = %q", got)
	}
	run(t, ctx, "remove the laptop's passkey",
		// A fresh page: the "added" message must not pass for the "removed" one.
		chromedp.Navigate(base+"/account/two-factor"),
		chromedp.WaitVisible(byTestID("passkey-row"), chromedp.ByQuery),
		acceptConfirms(),
		chromedp.Click(byTestID("passkey-remove"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	if got := textOf(t, ctx, byTestID("flash-success")); !strings.Contains(got, "removed") {
		t.Errorf("after removing a passkey the page says %q", got)
	}
	if got := passkeyNames(t, ctx); len(got) != 1 || got[0] != "Phone" {
		t.Fatalf("passkeys after removing the laptop's = %q", got)
	}
	signOut(t, ctx)
	signInWithPasskey(t, ctx, s, "ana@example.com")
}

func TestRequiredTwoFactorSendsANewAgentToEnrolment(t *testing.T) {
	s := startServer(t, createUser("admin", "boss@example.com", "Boss"), createUser("agent", "new@example.com", "New Agent"))
	ctx := newBrowser(t)
	signIn(t, ctx, s, "boss@example.com", password)
	run(t, ctx, "require two-step sign-in for everyone",
		chromedp.WaitVisible(byTestID("nav-settings"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/settings/users"),
		chromedp.WaitVisible(byTestID("tab-security"), chromedp.ByQuery),
		chromedp.Click(byTestID("tab-security"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("security-form"), chromedp.ByQuery),
	)
	checkPage(t, ctx, "security settings")
	run(t, ctx, "save the policy",
		chromedp.Click(byTestID("policy-everyone"), chromedp.ByQuery),
		chromedp.Click(byTestID("security-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)

	agent := newBrowser(t)
	signIn(t, agent, s, "new@example.com", password)
	run(t, agent, "sent to enrolment", chromedp.WaitVisible(byTestID("two-factor-required"), chromedp.ByQuery))
	checkPage(t, agent, "required enrolment")
	run(t, agent, "the inbox is closed until enrolled",
		chromedp.Navigate(s.URL+"/inbox"),
		chromedp.WaitVisible(byTestID("two-factor-required"), chromedp.ByQuery),
		chromedp.Click(byTestID("totp-start"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("totp-secret"), chromedp.ByQuery),
	)
	secret := strings.ReplaceAll(textOf(t, agent, byTestID("totp-secret")), " ", "")
	code, _ := auth.CurrentTOTP(secret, time.Now())
	run(t, agent, "enrol",
		chromedp.SendKeys(`[data-testid="totp-confirm-form"] input[name="code"]`, code+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("recovery-codes"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/inbox"),
		chromedp.WaitVisible(byTestID("inbox-empty"), chromedp.ByQuery),
	)

	// The agent lost their phone: the admin resets their two-step sign-in,
	// which signs them out; at the next sign-in they enrol again.
	run(t, ctx, "open the agent's user page",
		chromedp.Navigate(s.URL+"/settings/users"),
		chromedp.WaitVisible(byTestID("users-table"), chromedp.ByQuery),
		chromedp.Click(`[data-testid="user-row-2"] [data-testid="user-edit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("user-two-factor-reset"), chromedp.ByQuery),
	)
	checkPage(t, ctx, "user page with sign-in controls")
	run(t, ctx, "reset the agent's two-step sign-in",
		acceptConfirms(),
		chromedp.Click(byTestID("user-two-factor-reset"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	run(t, agent, "the agent is signed out",
		chromedp.Navigate(s.URL+"/inbox"),
		chromedp.WaitVisible(byTestID("login"), chromedp.ByQuery),
	)
	signIn(t, agent, s, "new@example.com", password)
	run(t, agent, "sent to enrolment again", chromedp.WaitVisible(byTestID("two-factor-required"), chromedp.ByQuery))
}

var resetLink = regexp.MustCompile(`http://\S+/password/reset\?token=[A-Za-z0-9_-]+`)

func TestForgotPasswordByEmailSignsOutOldSessions(t *testing.T) {
	smtp := mailtest.Start(t, mailtest.Options{})
	// The test's mail server listens on loopback, which wadesk refuses
	// unless told otherwise.
	s := startProgram(t, []string{"serve", "--addr", "127.0.0.1:0", "--allow-private-targets"},
		createUser("admin", "boss@example.com", "Boss"), createUser("agent", "ana@example.com", "Ana"))
	ctx := newBrowser(t)
	signIn(t, ctx, s, "boss@example.com", password)
	run(t, ctx, "set up outgoing email",
		chromedp.WaitVisible(byTestID("nav-settings"), chromedp.ByQuery),
		chromedp.Navigate(s.URL+"/settings/email"),
		chromedp.WaitVisible(byTestID("email-settings-form"), chromedp.ByQuery),
		chromedp.SendKeys(`input[name="host"]`, "127.0.0.1", chromedp.ByQuery),
		setField(`input[name="port"]`, strconv.Itoa(smtp.Port)),
		setField(`select[name="tls_mode"]`, "none"),
		chromedp.SendKeys(`input[name="from_address"]`, "desk@example.com", chromedp.ByQuery),
		chromedp.Click(byTestID("email-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	// Ana is signed in in one browser (an old session) and forgets her
	// password in another (each browser has its own profile and cookies).
	old := newBrowser(t)
	signIn(t, old, s, "ana@example.com", password)
	run(t, old, "old session works", chromedp.WaitVisible(byTestID("nav-account"), chromedp.ByQuery))

	ana := newBrowser(t)
	run(t, ana, "forgot password",
		chromedp.Navigate(s.URL+"/login"),
		chromedp.WaitVisible(byTestID("forgot-link"), chromedp.ByQuery),
		chromedp.Click(byTestID("forgot-link"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("forgot-submit"), chromedp.ByQuery),
	)
	checkPage(t, ana, "forgot password")
	run(t, ana, "ask for a link",
		chromedp.SendKeys(`input[name="email"]`, "ana@example.com"+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("forgot-sent"), chromedp.ByQuery),
	)
	checkPage(t, ana, "reset link sent")
	msg := waitMail(t, smtp, 1)
	parsed, err := msg.Parse()
	if err != nil {
		t.Fatal(err)
	}
	link := resetLink.FindString(parsed.Text)
	if link == "" || strings.Join(msg.To, ",") != "ana@example.com" {
		t.Fatalf("reset mail to %v without a link:\n%s", msg.To, parsed.Text)
	}
	run(t, ana, "open the link", chromedp.Navigate(link), chromedp.WaitVisible(byTestID("reset-submit"), chromedp.ByQuery))
	checkPage(t, ana, "choose a new password")
	run(t, ana, "choose a new password",
		chromedp.SendKeys(`input[name="password"]`, "a whole new password", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="confirm"]`, "a whole new password", chromedp.ByQuery),
		chromedp.Click(byTestID("reset-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	signIn(t, ana, s, "ana@example.com", "a whole new password")
	run(t, ana, "signed in with the new password", chromedp.WaitVisible(byTestID("nav-account"), chromedp.ByQuery))
	run(t, old, "the old session is gone",
		chromedp.Navigate(s.URL+"/inbox"),
		chromedp.WaitVisible(byTestID("login"), chromedp.ByQuery),
	)
	notice := waitMail(t, smtp, 2)
	if p, _ := notice.Parse(); !strings.Contains(p.Subject, "password was changed") {
		t.Errorf("second mail: %q", p.Subject)
	}
	run(t, ana, "the link works once",
		chromedp.Navigate(link),
		chromedp.WaitVisible(byTestID("reset-invalid"), chromedp.ByQuery),
	)
}

func TestSessionsListSignsOutAnotherBrowser(t *testing.T) {
	s := startServer(t, createUser("agent", "ana@example.com", "Ana"))
	first := newBrowser(t)
	signIn(t, first, s, "ana@example.com", password)
	run(t, first, "signed in", chromedp.WaitVisible(byTestID("nav-account"), chromedp.ByQuery))
	second := newBrowser(t)
	signIn(t, second, s, "ana@example.com", password)
	run(t, second, "signed in too", chromedp.WaitVisible(byTestID("nav-account"), chromedp.ByQuery))

	run(t, first, "open the account page",
		chromedp.Click(byTestID("nav-account"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("account-sessions"), chromedp.ByQuery),
	)
	var rows int
	run(t, first, "count sessions", chromedp.Evaluate(`document.querySelectorAll('[data-testid="session-row"]').length`, &rows))
	if rows != 2 {
		t.Fatalf("%d sessions listed, want 2", rows)
	}
	if got := textOf(t, first, `[data-testid="session-row"][data-current]`); !strings.Contains(got, "This device") || !strings.Contains(got, "Chrome on Linux") {
		t.Errorf("this device's row = %q", got)
	}
	checkPage(t, first, "account with sessions")
	run(t, first, "sign the other browser out",
		chromedp.Focus(byTestID("session-end"), chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	run(t, first, "count sessions", chromedp.Evaluate(`document.querySelectorAll('[data-testid="session-row"]').length`, &rows))
	if rows != 1 {
		t.Errorf("%d sessions listed after signing one out, want 1", rows)
	}
	run(t, second, "the other browser is signed out",
		chromedp.Navigate(s.URL+"/inbox"),
		chromedp.WaitVisible(byTestID("login"), chromedp.ByQuery),
	)
	run(t, first, "this browser is still signed in",
		chromedp.Navigate(s.URL+"/inbox"),
		chromedp.WaitVisible(byTestID("nav-account"), chromedp.ByQuery),
	)
}

// waitFile returns a file's content once it exists (a download in progress
// is written under another name).
func waitFile(t *testing.T, name string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(name); err == nil && len(b) > 0 {
			return string(b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s was not saved", name)
	return ""
}

func waitMail(t *testing.T, srv *mailtest.Server, n int) mailtest.Message {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if msgs := srv.Messages(); len(msgs) >= n {
			return msgs[n-1]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("mail %d did not arrive", n)
	return mailtest.Message{}
}
