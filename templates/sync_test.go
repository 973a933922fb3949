package templates_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store/storetest"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

// The simulator's demo world (simulator.DefaultConfig).
const (
	simWABA  = "104500000000011"
	simPhone = "110200000000101"
)

// syncEnv is a Syncer wired to real parts on 127.0.0.1: a SQLite database
// and the Graph API simulator behind an HTTP server, reached with the real
// Cloud API client.
type syncEnv struct {
	db     *store.DB
	sim    *simulator.Sim
	client *cloudapi.Client
	syncer *templates.Syncer
	ch     store.Channel
}

func newSyncEnv(t *testing.T) *syncEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db := storetest.OpenIn(t, dir)

	cfg := simulator.DefaultConfig()
	cfg.Seed = 11
	cfg.TemplateReviewDelay = time.Hour // decided by the test
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	graph := httptest.NewServer(sim.Handler())
	t.Cleanup(graph.Close)
	newClient := func(token string) (*cloudapi.Client, error) {
		return cloudapi.New(cloudapi.Config{BaseURL: graph.URL, Token: token, HTTPClient: &http.Client{Timeout: 10 * time.Second}})
	}
	client, err := newClient(cfg.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	syncer, err := templates.NewSyncer(templates.SyncConfig{DB: db, Logger: logger,
		Connect: func(cr providers.Credentials) (templates.Lister, error) {
			if cr.Provider != providers.MetaCloud {
				return nil, errors.New("no adapter for " + string(cr.Provider))
			}
			c, err := newClient(cr.Token)
			if err != nil {
				return nil, err
			}
			return c, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Bakery", Provider: string(providers.MetaCloud),
		BusinessID: "512300000000001", WABAID: simWABA, PhoneNumberID: simPhone,
		Secrets: store.ChannelSecrets{AccessToken: cfg.AccessToken, AppSecret: cfg.AppSecret, VerifyToken: "verify"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	return &syncEnv{db: db, sim: sim, client: client, syncer: syncer, ch: ch}
}

func (e *syncEnv) stored(t *testing.T) map[string]store.Template {
	t.Helper()
	ts, err := e.db.ListTemplates(context.Background(), store.TemplateFilter{ChannelID: e.ch.ID})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Template{}
	for _, tpl := range ts {
		out[tpl.Name] = tpl
	}
	return out
}

func TestSyncerFollowsTheProvider(t *testing.T) {
	e := newSyncEnv(t)
	ctx := context.Background()

	res, err := e.syncer.SyncChannel(ctx, e.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 4 || res.Total != 4 {
		t.Fatalf("first sync = %+v, want the simulator's 4 templates", res)
	}
	got := e.stored(t)
	offer := got["weekend_offer"]
	if offer.Status != "APPROVED" || offer.Category != "MARKETING" || offer.Language != "en_US" || offer.RejectedReason != "" {
		t.Errorf("weekend_offer = %+v", offer)
	}
	p, err := templates.CountParamsJSON(offer.ComponentsJSON)
	if err != nil {
		t.Fatal(err)
	}
	if p.Header != 1 || p.Body != 2 || len(p.Buttons) != 2 || p.Buttons[0].Count != 1 {
		t.Errorf("weekend_offer parameters = %+v (from %s)", p, offer.ComponentsJSON)
	}
	if p, _ := templates.CountParamsJSON(got["login_code"].ComponentsJSON); p.Body != 1 || p.Buttons[0].SubType != "url" {
		t.Errorf("login_code parameters = %+v", p)
	}

	// A template submitted elsewhere appears as pending, then approved.
	d := valid().Normalize()
	d.Name = "made_in_whatsapp_manager"
	ref, err := e.client.CreateTemplate(ctx, simWABA, d.Template())
	if err != nil {
		t.Fatal(err)
	}
	if res, err = e.syncer.SyncChannel(ctx, e.ch.ID); err != nil || res.Added != 1 {
		t.Fatalf("sync after create = %+v, %v", res, err)
	}
	if tpl := e.stored(t)["made_in_whatsapp_manager"]; tpl.Status != "PENDING" || tpl.ProviderTemplateID != ref.ID {
		t.Errorf("new template = %+v", tpl)
	}
	e.sim.ReviewPendingTemplates()
	if res, err = e.syncer.SyncChannel(ctx, e.ch.ID); err != nil || res.Changed != 1 {
		t.Fatalf("sync after review = %+v, %v", res, err)
	}
	if st := e.stored(t)["made_in_whatsapp_manager"].Status; st != "APPROVED" {
		t.Errorf("after review: %s", st)
	}

	// Deleted at the provider: gone here too.
	if err := e.client.DeleteTemplate(ctx, simWABA, "hello_world", ""); err != nil {
		t.Fatal(err)
	}
	if res, err = e.syncer.SyncChannel(ctx, e.ch.ID); err != nil || res.Removed != 1 {
		t.Fatalf("sync after delete = %+v, %v", res, err)
	}
	if _, still := e.stored(t)["hello_world"]; still {
		t.Error("a template deleted at the provider is still stored")
	}

	// A rejected token: the sync fails, says why, and keeps the templates.
	e.sim.RevokeToken()
	if _, err := e.syncer.SyncChannel(ctx, e.ch.ID); err == nil {
		t.Fatal("sync with a revoked token succeeded")
	}
	s, err := e.db.TemplateSyncOf(ctx, e.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Error, "access token") || !strings.Contains(s.Error, "error code 190") || s.OKAt == nil {
		t.Errorf("sync state after failure = %+v", s)
	}
	if n := len(e.stored(t)); n != 4 {
		t.Errorf("%d templates after a failed sync, want 4 kept", n)
	}
	e.sim.RestoreToken()
	if err := e.syncer.SyncAll(ctx); err != nil {
		t.Fatalf("sync all: %v", err)
	}
	if s, _ := e.db.TemplateSyncOf(ctx, e.ch.ID); s.Error != "" {
		t.Errorf("a good sync left the error: %+v", s)
	}

	if _, err := e.syncer.SyncChannel(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown channel: %v", err)
	}
}

func TestApplyStatusFromWebhooks(t *testing.T) {
	e := newSyncEnv(t)
	ctx := context.Background()
	if _, err := e.syncer.SyncChannel(ctx, e.ch.ID); err != nil {
		t.Fatal(err)
	}
	id := e.stored(t)["order_ready"].ProviderTemplateID
	for _, tc := range []struct {
		u      providers.TemplateStatusUpdate
		status string
		reason string
	}{
		{providers.TemplateStatusUpdate{Event: "REJECTED", TemplateID: id, TemplateName: "order_ready", Language: "en_US", Reason: "INVALID_FORMAT"},
			"REJECTED", "INVALID_FORMAT"},
		{providers.TemplateStatusUpdate{Event: "REINSTATED", TemplateID: id, Reason: "NONE"}, "APPROVED", ""},
		{providers.TemplateStatusUpdate{Event: "PAUSED", TemplateName: "order_ready", Language: "en_US", Title: "Low quality"}, "PAUSED", "Low quality"},
		{providers.TemplateStatusUpdate{Event: "approved", TemplateID: id, Reason: "NONE"}, "APPROVED", ""},
	} {
		if err := e.syncer.ApplyStatus(ctx, simWABA, tc.u); err != nil {
			t.Fatal(err)
		}
		got := e.stored(t)["order_ready"]
		if got.Status != tc.status || got.RejectedReason != tc.reason {
			t.Errorf("after %s: %q %q, want %q %q", tc.u.Event, got.Status, got.RejectedReason, tc.status, tc.reason)
		}
	}
	// A template not stored yet is no error.
	if err := e.syncer.ApplyStatus(ctx, simWABA, providers.TemplateStatusUpdate{Event: "APPROVED", TemplateID: "123", TemplateName: "other", Language: "en"}); err != nil {
		t.Errorf("unknown template: %v", err)
	}
}

func TestRunSyncsRightAway(t *testing.T) {
	e := newSyncEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		e.syncer.Run(ctx, time.Hour)
		close(done)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if s, err := e.db.TemplateSyncOf(context.Background(), e.ch.ID); err == nil && s.OKAt != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not sync at start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	if n := len(e.stored(t)); n != 4 {
		t.Errorf("%d templates stored by Run, want 4", n)
	}
}

func TestStatusHelpers(t *testing.T) {
	for status, want := range map[string]bool{"REJECTED": true, "paused": true, "APPROVED": false, "PENDING": false, "DISABLED": false} {
		if templates.Editable(status) != want {
			t.Errorf("Editable(%s) = %v", status, !want)
		}
	}
	for ev, want := range map[string]string{"APPROVED": "APPROVED", "reinstated": "APPROVED", "FLAGGED": "FLAGGED", " in_appeal ": "IN_APPEAL"} {
		if got := templates.StatusFromEvent(ev); got != want {
			t.Errorf("StatusFromEvent(%q) = %q, want %q", ev, got, want)
		}
	}
	r, err := templates.Record(providers.Template{ID: "9", Name: "x", Language: "en", Status: "APPROVED", RejectedReason: "NONE",
		Components: []providers.TemplateComponent{{Type: "BODY", Text: "Hi."}}})
	if err != nil || r.RejectedReason != "" || r.ComponentsJSON != `[{"type":"BODY","text":"Hi."}]` {
		t.Errorf("record = %+v, %v", r, err)
	}
	back, err := templates.Stored(store.Template{ProviderTemplateID: "9", Name: "x", ComponentsJSON: r.ComponentsJSON})
	if err != nil || back.ID != "9" || back.Components[0].Text != "Hi." {
		t.Errorf("stored = %+v, %v", back, err)
	}
}

func TestReasonText(t *testing.T) {
	for in, want := range map[string]string{
		"":               "",
		"NONE":           "",
		"SCAM":           "SCAM: Meta considers the content a possible scam.",
		"INVALID_FORMAT": "INVALID_FORMAT: the format is not valid: check the variables, their examples and the formatting.",
		"SOMETHING_NEW":  "SOMETHING_NEW",
	} {
		if got := templates.ReasonText(in); got != want {
			t.Errorf("ReasonText(%q) = %q, want %q", in, got, want)
		}
	}
}
