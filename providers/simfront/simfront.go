// Package simfront is the plumbing every provider simulator's front shares:
// calling the simulated WhatsApp side in process, delivering webhooks to a
// host name the demo resolves to a local address, and keeping what a person
// set in a simulated dashboard (webhook URLs) across restarts. It is used by
// the simulators only, never by the product they test.
package simfront

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"time"

	wa "github.com/wadesk/wadesk/providers/cloudapi/simulator"
)

// Backend calls the WhatsApp side's Graph API in process, as the
// provider's platform does.
type Backend struct {
	Sim   *wa.Sim
	Token string
}

// Do runs one request on the WhatsApp side and returns its answer.
func (b Backend) Do(ctx context.Context, method, path, rawQuery string, body []byte, contentType string) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
	req.URL.RawQuery = rawQuery
	req.Host = "graph.facebook.com"
	req.Header.Set("Authorization", "Bearer "+b.Token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	b.Sim.Handler().ServeHTTP(rec, req)
	return rec
}

// Resolver sends webhook deliveries for a host name to a local address, as
// DNS would (the demo's console name to its listener).
type Resolver struct {
	mu sync.Mutex
	to map[string]string
}

// NewResolver returns a Resolver that resolves nothing yet.
func NewResolver() *Resolver { return &Resolver{to: map[string]string{}} }

// Set makes connections to host go to addr (host:port).
func (r *Resolver) Set(host, addr string) {
	r.mu.Lock()
	r.to[host] = addr
	r.mu.Unlock()
}

// Client is an HTTP client for webhook deliveries through r; it does not
// follow redirects (providers do not).
func (r *Resolver) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, _, err := net.SplitHostPort(addr); err == nil {
				r.mu.Lock()
				to, ok := r.to[host]
				r.mu.Unlock()
				if ok {
					addr = to
				}
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Load reads JSON state saved by Save into v; a missing file (or an empty
// path) leaves v as it is.
func Load(path string, v any) error {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("simulator state %s: %w", path, err)
	}
	return nil
}

// Save writes v as JSON to path (nothing for an empty path), replacing the
// file whole so a crash never leaves half of it.
func Save(path string, v any) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".simstate-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
