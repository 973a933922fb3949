package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

// X-Forwarded-For names the client only when the request comes from a
// proxy given with --trusted-proxy, and only the part trusted proxies
// added: a client cannot choose its address by sending the header.
func TestTrustedProxy(t *testing.T) {
	for _, tt := range []struct {
		name    string
		flags   []string
		xff     string
		want    string
		refused bool
	}{
		{"no proxy trusted: header ignored", nil, "203.0.113.7", "127.0.0.1", false},
		{"trusted proxy", []string{"--trusted-proxy", "127.0.0.1"}, "203.0.113.7", "203.0.113.7", false},
		{"client-sent entries are not believed", []string{"--trusted-proxy", "127.0.0.1"}, "6.6.6.6, 203.0.113.7", "203.0.113.7", false},
		{"a chain of trusted proxies", []string{"--trusted-proxy", "127.0.0.1,10.0.0.0/8"}, "203.0.113.7, 10.1.2.3", "203.0.113.7", false},
		{"proxy not trusted", []string{"--trusted-proxy", "10.0.0.1"}, "203.0.113.7", "127.0.0.1", false},
		{"a bad flag", []string{"--trusted-proxy", "not-an-ip"}, "", "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := t.TempDir()
			mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
			if tt.refused {
				args := append([]string{"wadesk", "serve", "--addr", "127.0.0.1:0", "--data", data}, tt.flags...)
				if err := run(context.Background(), args, noenv, io.Discard); err == nil || !strings.Contains(err.Error(), "--trusted-proxy") {
					t.Fatalf("serve with %v: %v", tt.flags, err)
				}
				return
			}
			a := startApp(t, data, tt.flags...)
			c := browser(t)
			login(t, c, a, "admin@example.com", adminPassword)
			r := do(t, c, http.MethodPost, a.URL+"/settings/departments", url.Values{"name": {"Sales"}},
				http.Header{"Sec-Fetch-Site": {"same-origin"}, "X-Forwarded-For": {tt.xff}})
			if r.Status != http.StatusSeeOther {
				t.Fatalf("create department: %d", r.Status)
			}
			es, err := openDB(t, data).AuditEntries(context.Background(), store.AuditFilter{Action: "department.created"})
			if err != nil || len(es) != 1 {
				t.Fatalf("audit: %v %v", es, err)
			}
			if es[0].Source != tt.want {
				t.Errorf("the request came from %q, want %q", es[0].Source, tt.want)
			}
		})
	}
}

// On shutdown, open live pages are closed at once and messages agents
// queued are still sent before wadesk stops, within the deadline.
func TestShutdownDrainsStreamsAndOutbox(t *testing.T) {
	var sent atomic.Int64
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages") {
			time.Sleep(150 * time.Millisecond) // a provider taking its time
			fmt.Fprintf(w, `{"messaging_product":"whatsapp","success":true,"messages":[{"id":"wamid.out.%d"}]}`, sent.Add(1))
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	defer graph.Close()
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	chID := createBusyChannel(t, data)

	ctx, cancel := context.WithCancel(context.Background())
	out := newLogBuffer()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"wadesk", "serve", "--addr", "127.0.0.1:0", "--data", data, "--graph-url", graph.URL, "--shutdown-timeout", "20s"}, noenv, out)
	}()
	var addr string
	select {
	case addr = <-out.listening:
	case err := <-done:
		t.Fatalf("exited: %v\n%s", err, out)
	case <-time.After(30 * time.Second):
		t.Fatal("did not start")
	}
	base := "http://" + addr
	if s := signedPost(t, base+"/webhooks/"+itoa(chID), busyAppSecret, "application/json", inboundHook("wamid.sd.1", "hi")); s != 200 {
		t.Fatalf("webhook: %d", s)
	}
	db := openDB(t, data)
	var conv int64
	waitFor(t, "the conversation", 20*time.Second, func() (bool, error) {
		return db.R.QueryRow("SELECT conversation_id FROM messages WHERE wamid = 'wamid.sd.1'").Scan(&conv) == nil, nil
	})
	a := &app{URL: base}
	c := browser(t)
	login(t, c, a, "admin@example.com", adminPassword)
	// A live page.
	req, _ := http.NewRequest(http.MethodGet, base+"/inbox/events", nil)
	stream, err := c.Do(req)
	if err != nil || stream.StatusCode != 200 {
		t.Fatalf("event stream: %v", err)
	}
	streamEnded := make(chan struct{})
	go func() { io.Copy(io.Discard, stream.Body); close(streamEnded) }()
	// Replies queued, then SIGTERM before the provider answered them all:
	// the customer pacing (4 at once, then one every 6 s) sends four now.
	for n := range 4 {
		if r := post(t, c, base+"/inbox/"+itoa(conv)+"/messages", url.Values{"text": {fmt.Sprintf("reply %d", n)}}); r.Status >= 400 {
			t.Fatalf("reply: %d", r.Status)
		}
	}
	start := time.Now()
	cancel()
	select {
	case <-streamEnded:
	case <-time.After(5 * time.Second):
		t.Fatal("the live page's stream stayed open during shutdown")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop")
	}
	t.Logf("stopped %s after the signal", time.Since(start).Round(time.Millisecond))
	var queued, delivered int
	db.R.QueryRow("SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'attempting', 'unknown')").Scan(&queued)
	db.R.QueryRow("SELECT COUNT(*) FROM outbox WHERE state = 'sent'").Scan(&delivered)
	if queued != 0 || delivered != 4 || sent.Load() != 4 {
		t.Fatalf("after shutdown: %d sent, %d left; provider got %d", delivered, queued, sent.Load())
	}
}
