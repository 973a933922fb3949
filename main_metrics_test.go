package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

const metricsToken = "scrape-token-0123456789"

// scrape fetches /metrics with the token and parses it with Prometheus's
// own text parser.
func scrape(t *testing.T, u, token string) map[string]*dto.MetricFamily {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parse metrics: %v", err)
	}
	return fams
}

// value sums a family's samples whose labels include want (counter,
// gauge, or a histogram's sample count).
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
	var sum float64
	found := false
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		found = true
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum, found
}

// The named series exist, and move when webhooks, sends, refusals and
// live pages come and go.
func TestMetricsMoveWithTraffic(t *testing.T) {
	graph := fakeGraph(t)
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	chID := createBusyChannel(t, data)
	a := startApp(t, data, "--graph-url", graph.URL, "--metrics-token", metricsToken)
	mu := a.URL + "/metrics"

	if r := get(t, browser(t), mu); r.Status != http.StatusUnauthorized {
		t.Fatalf("metrics without the token: %d", r.Status)
	}
	if r := do(t, browser(t), http.MethodGet, mu, nil, http.Header{"Authorization": {"Bearer wrong-token-0000000000"}}); r.Status != http.StatusUnauthorized {
		t.Fatalf("metrics with a wrong token: %d", r.Status)
	}
	before := scrape(t, mu, metricsToken)
	for _, name := range []string{"wadesk_journal_backlog", "wadesk_webhooks_unprocessable", "wadesk_db_bytes", "wadesk_wal_bytes", "wadesk_sse_clients", "wadesk_store_up", "wadesk_media_files", "wadesk_media_disk_bytes", "wadesk_media_blobs"} {
		if _, ok := value(before, name, nil); !ok {
			t.Errorf("series %s missing", name)
		}
	}
	if v, _ := value(before, "wadesk_db_bytes", nil); v <= 0 {
		t.Errorf("wadesk_db_bytes = %v", v)
	}

	hookURL := a.URL + "/webhooks/" + itoa(chID)
	for n := range 5 {
		if s := signedPost(t, hookURL, busyAppSecret, "application/json", inboundHook(fmt.Sprintf("wamid.m.%d", n), "hello")); s != 200 {
			t.Fatalf("webhook: %d", s)
		}
	}
	if s := signedPost(t, hookURL, "not-the-secret", "application/json", inboundHook("wamid.bad", "x")); s != 401 {
		t.Fatalf("badly signed webhook: %d", s)
	}
	db := openDB(t, data)
	var convID int64
	waitFor(t, "the conversation", 20*time.Second, func() (bool, error) {
		err := db.R.QueryRow("SELECT conversation_id FROM messages WHERE wamid = 'wamid.m.4'").Scan(&convID)
		return err == nil, nil
	})

	c := browser(t)
	login(t, c, a, "admin@example.com", adminPassword)
	// A live page: the inbox's event stream stays open.
	ctx, closeStream := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.URL+"/inbox/events", nil)
	stream, err := c.Do(req)
	if err != nil || stream.StatusCode != 200 {
		t.Fatalf("event stream: %v %v", err, stream)
	}
	for _, text := range []string{"one", "two", "please fail"} {
		if r := post(t, c, a.URL+"/inbox/"+itoa(convID)+"/messages", url.Values{"text": {text}}); r.Status >= 400 {
			t.Fatalf("send %q: %d", text, r.Status)
		}
	}
	var after map[string]*dto.MetricFamily
	waitFor(t, "the sends to be counted", 20*time.Second, func() (bool, error) {
		after = scrape(t, mu, metricsToken)
		v, _ := value(after, "wadesk_sends_total", map[string]string{"number": busyPhoneID})
		return v >= 3, nil
	})
	checks := []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"wadesk_webhooks_total", map[string]string{"provider": "meta_cloud", "code": "200"}, 5},
		{"wadesk_webhooks_total", map[string]string{"provider": "meta_cloud", "code": "401"}, 1},
		{"wadesk_webhook_ack_seconds", map[string]string{"provider": "meta_cloud"}, 5},
		{"wadesk_sends_total", map[string]string{"number": busyPhoneID, "result": "accepted"}, 2},
		{"wadesk_sends_total", map[string]string{"number": busyPhoneID, "result": "refused"}, 1},
		{"wadesk_send_seconds", map[string]string{"number": busyPhoneID}, 3},
		{"wadesk_provider_errors_total", map[string]string{"provider": "meta_cloud", "code": "131026"}, 1},
		{"wadesk_sse_clients", nil, 1},
	}
	for _, c := range checks {
		v, ok := value(after, c.name, c.labels)
		if !ok || v < c.min {
			t.Errorf("%s%v = %v (present %v), want at least %v", c.name, c.labels, v, ok, c.min)
		}
		if b, _ := value(before, c.name, c.labels); b >= v {
			t.Errorf("%s%v did not move: %v → %v", c.name, c.labels, b, v)
		}
	}
	closeStream()
	stream.Body.Close()
	waitFor(t, "the live page to be gone", 10*time.Second, func() (bool, error) {
		v, _ := value(scrape(t, mu, metricsToken), "wadesk_sse_clients", nil)
		return v == 0, nil
	})
}

// With --metrics-addr, /metrics is served on that address only.
func TestMetricsOnSeparateAddress(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "user", "create", "--data", data, "--email", "admin@example.com", "--password", adminPassword, "--role", "admin")
	a := startApp(t, data, "--metrics-addr", "127.0.0.1:0")
	var addr string
	waitFor(t, "the metrics address in the log", 10*time.Second, func() (bool, error) {
		m := regexp.MustCompile(`metrics served"? listen=(http://\S+/metrics)`).FindStringSubmatch(a.out.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil, nil
	})
	fams := scrape(t, addr, "")
	if _, ok := fams["wadesk_db_bytes"]; !ok {
		t.Fatal("no wadesk_db_bytes on the metrics address")
	}
	if r := get(t, browser(t), a.URL+"/metrics"); r.Status == 200 && strings.Contains(r.Body, "wadesk_db_bytes") {
		t.Fatal("metrics served on the console's address too")
	}
}
