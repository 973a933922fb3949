package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/handlers"
	"github.com/wadesk/wadesk/ingest"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

// stuckProcessor is a webhook processor failing on storage since a while.
type stuckProcessor struct{ since time.Time }

func (stuckProcessor) Notify() {}
func (p stuckProcessor) State() ingest.ProcessorState {
	return ingest.ProcessorState{FailingSince: p.since, Attempts: 9, LastError: "database or disk is full", Stuck: true}
}

// TestReadinessReportsStuckWork: /healthz stays ok (the process runs)
// while /readyz answers 503 naming journaled webhooks that wait too long
// and a processor that fails; with neither it is ready.
func TestReadinessReportsStuckWork(t *testing.T) {
	ctx := context.Background()
	db, box := storetest.OpenWithBox(t, t.TempDir())
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Sales", Provider: "meta_cloud", BusinessID: "1", WABAID: "2",
		PhoneNumberID: "3", Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: "s", VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	serve := func(ingestState handlers.IngestProcessor) (int, string) {
		srv, err := handlers.New(handlers.Config{DB: db, Box: box, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			BaseURL: &url.URL{Scheme: "http", Host: "127.0.0.1"}, Ingest: ingestState,
			Providers: testRegistry("http://127.0.0.1:1")})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/healthz", "/readyz"} {
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			if path == "/healthz" {
				if rec.Code != 200 {
					t.Fatalf("/healthz = %d", rec.Code)
				}
				continue
			}
			return rec.Code, rec.Body.String()
		}
		return 0, ""
	}
	if code, body := serve(nil); code != 200 || !strings.HasPrefix(body, "ready\n") {
		t.Fatalf("idle: /readyz = %d\n%s", code, body)
	}
	// A webhook journaled ten minutes ago and never applied.
	if _, err := db.AppendWebhookEvents(ctx, []store.NewWebhookEvent{{ChannelID: ch.ID, Body: []byte(`{}`),
		ReceivedAt: time.Now().Add(-10 * time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	code, body := serve(stuckProcessor{since: time.Now().Add(-5 * time.Minute)})
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "webhook journal: 1 webhooks wait to be applied") ||
		!strings.Contains(body, "webhook processing: applying webhooks fails since") || !strings.Contains(body, "disk: ok") {
		t.Fatalf("stuck: /readyz = %d\n%s", code, body)
	}
}
