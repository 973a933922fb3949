// Package e2e drives the real wadesk binary with a real browser: Debian's
// Chromium under chromedp, against `wadesk serve` on 127.0.0.1 with a fresh
// data directory per test.
package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// binary is the wadesk executable built once for this test run.
var binary string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	// BenchmarkIngest re-runs this binary as its baseline server.
	if os.Getenv(bareServerEnv) != "" {
		return runBareServer()
	}
	dir, err := os.MkdirTemp("", "wadesk-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "wadesk")
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building wadesk:", err)
		return 1
	}
	return m.Run()
}

// server is a running wadesk process.
type server struct {
	URL  string
	Data string
	// SimURL is the Meta simulator's address when started with startDemo.
	SimURL string
	mu     sync.Mutex
	// PartnerAPI is the Cloud API-compatible partner's API URL, and
	// PartnerDashboard its dashboard page, when started with startDemo.
	PartnerAPI, PartnerDashboard string
	log                          *lockedBuffer
}

var (
	listenLine   = regexp.MustCompile(`wadesk: listening on (http://\S+)`)
	simPhoneLine = regexp.MustCompile(`Customer phone\s*:\s*(http://[^/\s]+)`)
	partnerAPI   = regexp.MustCompile(`API URL\s*:\s*(http://\S+)`)
	partnerDash  = regexp.MustCompile(`partner's dashboard: (http://\S+)`)
)

// startServer runs `wadesk serve` on a free loopback port with a new data
// directory, after running each setup command (e.g. `user create`) there.
func startServer(t *testing.T, setup ...[]string) *server {
	t.Helper()
	return startProgram(t, []string{"serve", "--addr", "127.0.0.1:0"}, setup...)
}

// startDemo runs `wadesk demo`: the console plus the Meta Graph API
// simulator, both on free loopback ports, with the demo users.
func startDemo(t *testing.T) *server {
	t.Helper()
	return startDemoEnv(t, nil)
}

// startDemoEnv starts the demo with env (NAME=value) added to the test's
// own environment.
func startDemoEnv(t *testing.T, env []string) *server {
	t.Helper()
	return startProgramEnv(t, env, []string{"demo", "--addr", "127.0.0.1:0", "--sim-addr", "127.0.0.1:0",
		"--360dialog-sim-addr", "127.0.0.1:0", "--partner-sim-addr", "127.0.0.1:0", "--twilio-sim-addr", "127.0.0.1:0",
		"--messagebird-sim-addr", "127.0.0.1:0", "--maytapi-sim-addr", "127.0.0.1:0",
		"--vonage-sim-addr", "127.0.0.1:0"})
}

func startProgram(t *testing.T, command []string, setup ...[]string) *server {
	t.Helper()
	return startProgramEnv(t, nil, command, setup...)
}

func startProgramEnv(t *testing.T, env []string, command []string, setup ...[]string) *server {
	t.Helper()
	data := t.TempDir()
	for _, args := range setup {
		cmd := exec.Command(binary, append(args, "--data", data)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("wadesk %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, append(command, "--data", data)...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 20 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{Data: data, log: &lockedBuffer{}}
	cmd.Stderr = s.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	simFound := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			s.log.Write([]byte(line + "\n"))
			if m := partnerAPI.FindStringSubmatch(line); m != nil {
				s.setPartner(m[1], "")
			}
			if m := partnerDash.FindStringSubmatch(line); m != nil {
				s.setPartner("", m[1])
			}
			if m := simPhoneLine.FindStringSubmatch(line); m != nil {
				select {
				case simFound <- m[1]:
				default:
				}
			}
			if m := listenLine.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		err := cmd.Wait()
		if t.Failed() {
			t.Logf("wadesk output:\n%s", s.log.String())
		}
		// A clean stop after the interrupt reports ctx's error; anything
		// else (a non-zero exit, a crash) is a failure.
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("wadesk exited with %v", err)
		}
	})
	select {
	case s.URL = <-found:
	case <-time.After(30 * time.Second):
		t.Fatalf("wadesk did not start:\n%s", s.log.String())
	}
	select {
	case s.SimURL = <-simFound:
	default:
	}
	return s
}

// setPartner notes the partner simulator's addresses as they are printed
// (the demo prints them before it says it listens).
func (s *server) setPartner(api, dashboard string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if api != "" {
		s.PartnerAPI = api
	}
	if dashboard != "" {
		s.PartnerDashboard = dashboard
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

const chromiumPath = "/usr/bin/chromium"

// newBrowser starts a headless Chromium with a fresh profile and returns a
// context for chromedp actions. On failure it saves a screenshot.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing; CI must install Debian's chromium package", chromiumPath)
		}
		t.Skipf("browser tests need Debian's chromium at %s (apt-get install -y chromium)", chromiumPath)
	}
	// The profile is removed after Chromium has exited; t.TempDir's own
	// cleanup could race with the browser's last writes.
	profile, err := os.MkdirTemp("", "wadesk-e2e-profile-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			saveScreenshot(t, ctx)
		}
		cancelTimeout()
		chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelCtx()
		cancelAlloc()
		for i := 0; ; i++ {
			err := os.RemoveAll(profile)
			if err == nil || i == 20 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return ctx
}

// artifactsDir is where screenshots go: $WADESK_E2E_ARTIFACTS when set
// (CI keeps it), else a directory under the system temp dir that outlives
// the test's own.
func artifactsDir() (string, error) {
	dir := os.Getenv("WADESK_E2E_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "wadesk-e2e")
	}
	return dir, os.MkdirAll(dir, 0o755)
}

// saveScreenshot writes a full-page PNG for a failed test into
// artifactsDir.
func saveScreenshot(t *testing.T, ctx context.Context) {
	dir, err := artifactsDir()
	if err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	var png []byte
	shotCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Run(shotCtx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	name := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	t.Logf("screenshot of the failure: %s", name)
}

// run performs browser actions, failing the test with the step's name.
func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// byTestID selects an element by its data-testid.
func byTestID(id string) string { return `[data-testid="` + id + `"]` }

// textOf returns an element's visible text.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, "read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery, chromedp.NodeVisible))
	return s
}

// location returns the page's current URL.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	var u string
	run(t, ctx, "read location", chromedp.Location(&u))
	return u
}
