package forward

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wadesk/wadesk/netguard"
	"github.com/wadesk/wadesk/store"
	"net/http/httptest"
	"strconv"
)

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		failures int
		r        float64
		want     time.Duration
	}{
		{1, 0, 10 * time.Second},
		{2, 0, 20 * time.Second},
		{3, 0, 40 * time.Second},
		{4, 0, 80 * time.Second},
		{8, 0, 1280 * time.Second},
		{9, 0, 2560 * time.Second},
		{10, 0, time.Hour}, // 5120 s, capped
		{11, 0, time.Hour},
		{64, 0, time.Hour}, // no overflow
		{1000, 0, time.Hour},
		{0, 0, 10 * time.Second},  // treated as the first failure
		{-3, 0, 10 * time.Second}, // likewise
		{1, 0.5, 9 * time.Second},
		{2, 0.5, 18 * time.Second},
		{10, 0.5, 54 * time.Minute},
		{1, 0.999999, 8*time.Second + 2*time.Microsecond},
		{1, 1.5, 8 * time.Second}, // out of range: clamped
		{1, -1, 10 * time.Second},
	} {
		t.Run(fmt.Sprintf("%d failures r=%v", tc.failures, tc.r), func(t *testing.T) {
			if got := Backoff(tc.failures, tc.r); got != tc.want {
				t.Errorf("Backoff(%d, %v) = %s; want %s", tc.failures, tc.r, got, tc.want)
			}
		})
	}
}

func TestBackoffStaysWithinJitterBounds(t *testing.T) {
	for failures := 1; failures <= 40; failures++ {
		top := Backoff(failures, 0)
		for _, r := range []float64{0, 0.1, 0.33, 0.5, 0.9, 0.999} {
			got := Backoff(failures, r)
			if got > top || got < top-top/5 || got <= 0 {
				t.Errorf("Backoff(%d, %v) = %s; want within [%s, %s]", failures, r, got, top-top/5, top)
			}
		}
		if failures > 1 && top < Backoff(failures-1, 0) {
			t.Errorf("the wait shrank after %d failures", failures)
		}
	}
}

func TestNext(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	deadline := t0.Add(MaxAge)
	for _, tc := range []struct {
		name     string
		attempts int // failures before this one
		now      time.Time
		state    string
		retryAt  time.Time
	}{
		{"first failure", 0, t0, store.ForwardPending, t0.Add(10 * time.Second)},
		{"third failure", 2, t0.Add(time.Minute), store.ForwardPending, t0.Add(time.Minute + 40*time.Second)},
		{"capped at an hour", 30, t0.Add(3 * 24 * time.Hour), store.ForwardPending, t0.Add(3*24*time.Hour + time.Hour)},
		{"last retry at the deadline", 30, deadline.Add(-time.Minute), store.ForwardPending, deadline},
		{"just before the deadline", 0, deadline.Add(-time.Second), store.ForwardPending, deadline},
		{"at the deadline", 170, deadline, store.ForwardGivenUp, time.Time{}},
		{"after the deadline", 3, deadline.Add(time.Hour), store.ForwardGivenUp, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := store.ForwardDelivery{Attempts: tc.attempts, CreatedAt: t0}
			state, retryAt := next(d, tc.now, 0)
			if state != tc.state || !retryAt.Equal(tc.retryAt) {
				t.Errorf("next = %s, %s; want %s, %s", state, retryAt, tc.state, tc.retryAt)
			}
		})
	}
}

func TestPlain(t *testing.T) {
	wrap := func(err error) error {
		return &url.Error{Op: "Post", URL: "https://mw.example.com/hook?token=s3cret", Err: err}
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"timeout", wrap(&timeoutError{}), "No answer within 30 seconds."},
		{"no such host", wrap(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "mw.example.com", IsNotFound: true}}),
			"Could not find the server mw.example.com (no such host)."},
		{"dns failure", wrap(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "server misbehaving", Name: "mw.example.com"}}),
			"Could not look up the server mw.example.com: server misbehaving."},
		{"refused", wrap(&net.OpError{Op: "dial", Err: fmt.Errorf("connect: %w", syscall.ECONNREFUSED)}),
			"Connection refused: nothing accepts connections at that address."},
		{"reset", wrap(&net.OpError{Op: "read", Err: fmt.Errorf("read: %w", syscall.ECONNRESET)}),
			"The connection was closed before the middleware answered."},
		{"unreachable", wrap(&net.OpError{Op: "dial", Err: fmt.Errorf("connect: %w", syscall.EHOSTUNREACH)}),
			"The server cannot be reached from here (no route to it)."},
		{"bad certificate", wrap(x509.UnknownAuthorityError{}), "The server's HTTPS certificate is not valid: x509: certificate signed by unknown authority."},
		{"other", wrap(errors.New("something odd")), "Could not deliver: something odd."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := plain(tc.err, 30*time.Second)
			if got != tc.want {
				t.Errorf("plain = %q; want %q", got, tc.want)
			}
			if strings.Contains(got, "s3cret") {
				t.Error("the URL leaked into the message")
			}
		})
	}
}

type timeoutError struct{}

func (*timeoutError) Error() string   { return "i/o timeout" }
func (*timeoutError) Timeout() bool   { return true }
func (*timeoutError) Temporary() bool { return true }

// TestAnswerText: a failed answer is shown as its status code and the
// standard words for it, never its body or the server's reason phrase,
// so the console cannot be used to read what an address answers.
func TestAnswerText(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		reason string
		header http.Header
		want   string
	}{
		{"plain", 503, "Service Unavailable", nil, "The middleware answered 503 Service Unavailable."},
		{"reason phrase not echoed", 400, "ami-id: ami-0abc secret", nil, "The middleware answered 400 Bad Request."},
		{"unknown code", 599, "whatever", nil, "The middleware answered 599."},
		{"redirect", 301, "Moved", http.Header{"Location": {"http://169.254.169.254/latest/meta-data/"}},
			"The middleware answered 301 Moved Permanently. Redirects are not followed: set the forward URL to the address it redirects to."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tc.status, Status: fmt.Sprintf("%d %s", tc.status, tc.reason), Header: tc.header,
				Body: io.NopCloser(strings.NewReader("internal secret body"))}
			if got := answerText(resp); got != tc.want {
				t.Errorf("answerText = %q; want %q", got, tc.want)
			}
		})
	}
}

// TestDeliveryToLocalAddressIsRefused: without AllowPrivate the delivery
// client refuses a local middleware at dial time (nothing reaches it), and
// the channel page says why in words; with it the delivery goes through.
func TestDeliveryToLocalAddressIsRefused(t *testing.T) {
	hits := 0
	mw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer mw.Close()
	port := mw.Listener.Addr().(*net.TCPAddr).Port
	for _, u := range []string{mw.URL, "http://localhost:" + strconv.Itoa(port), "http://[::1]:" + strconv.Itoa(port)} {
		_, err := newClient(2*time.Second, netguard.Policy{}).Post(u, "application/json", strings.NewReader("{}"))
		if !errors.Is(err, netguard.ErrPrivateTarget) {
			t.Errorf("POST %s: %v; want a refusal", u, err)
			continue
		}
		if got := plain(err, time.Second); !strings.HasPrefix(got, "Refused: the forward URL leads to ") || !strings.Contains(got, "loopback address") {
			t.Errorf("POST %s: channel page says %q", u, got)
		}
	}
	if hits != 0 {
		t.Fatalf("the local middleware was reached %d times", hits)
	}
	resp, err := newClient(2*time.Second, netguard.Policy{AllowPrivate: true}).Post(mw.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hits != 1 {
		t.Errorf("with AllowPrivate the middleware was reached %d times", hits)
	}
}
