package health_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store/storetest"

	"github.com/wadesk/wadesk/health"
	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/mailer/mailtest"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/store"
)

// The simulator's demo world (simulator.DefaultConfig).
const (
	phoneID       = "110200000000101"
	displayNumber = "+1 555-010-2001"
	wabaID        = "104500000000011"
	businessID    = "512300000000001"
)

var (
	checkTime = time.Date(2026, 1, 2, 14, 5, 0, 0, time.UTC)
	baseURL   = &url.URL{Scheme: "https", Host: "desk.example.com"}
)

// env is a checker wired to real parts on 127.0.0.1: a SQLite database, the
// Graph API simulator behind an HTTP server with the real Cloud API client,
// and an SMTP server that keeps what it receives.
type env struct {
	t       *testing.T
	db      *store.DB
	sim     *simulator.Sim
	graph   *httptest.Server
	smtp    *mailtest.Server
	checker *health.Checker
	token   string
}

type envOptions struct {
	mutateSim func(*simulator.Config)
	// noMail leaves outgoing email unconfigured.
	noMail bool
	// graphURL replaces the simulator's address (for a failing server).
	graphURL string
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))

	db := storetest.Open(t)

	cfg := simulator.DefaultConfig()
	cfg.Seed = 7
	cfg.Webhook.DuplicateProbability = 0
	if o.mutateSim != nil {
		o.mutateSim(&cfg)
	}
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	graph := httptest.NewServer(sim.Handler())
	t.Cleanup(graph.Close)
	graphURL := graph.URL
	if o.graphURL != "" {
		graphURL = o.graphURL
	}

	e := &env{t: t, db: db, sim: sim, graph: graph, token: cfg.AccessToken}
	e.smtp = mailtest.Start(t, mailtest.Options{})
	if !o.noMail {
		if err := db.SaveMailSettings(ctx, store.MailSettingsUpdate{Host: e.smtp.Host, Port: e.smtp.Port,
			FromAddress: "wadesk@example.com", TLSMode: store.MailTLSNone}); err != nil {
			t.Fatal(err)
		}
	}
	connect := func(cr providers.Credentials) (health.NumberGetter, error) {
		if cr.Provider != providers.MetaCloud {
			return nil, errors.New("no adapter for " + string(cr.Provider))
		}
		c, err := cloudapi.New(cloudapi.Config{BaseURL: graphURL, Token: cr.Token, HTTPClient: &http.Client{Timeout: 10 * time.Second}})
		if err != nil {
			return nil, err
		}
		return c, nil
	}
	e.checker, err = health.New(health.Config{DB: db, Connect: connect, Mailer: localMailer(db, logger), Logger: logger,
		BaseURL: baseURL, Now: func() time.Time { return checkTime }})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// client calls the simulator as wadesk does.
func (e *env) client() *cloudapi.Client {
	e.t.Helper()
	c, err := cloudapi.New(cloudapi.Config{BaseURL: e.graph.URL, Token: e.token, HTTPClient: &http.Client{Timeout: 10 * time.Second}})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// addChannel connects the simulator's number as a channel.
func (e *env) addChannel(title, provider string, alerts ...string) store.Channel {
	e.t.Helper()
	ctx := context.Background()
	ch, err := e.db.CreatePendingChannel(ctx, store.NewChannel{Title: title, Provider: provider, BusinessID: businessID,
		WABAID: wabaID, PhoneNumberID: phoneID, DisplayPhoneNumber: displayNumber, VerifiedName: "Flor de Lis Bakery",
		Secrets: store.ChannelSecrets{AccessToken: e.token, AppSecret: "0123456789abcdef0123456789abcdef", VerifyToken: "verify"}})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.ActivateChannel(ctx, ch.ID); err != nil {
		e.t.Fatal(err)
	}
	// Subscribed to the account's webhooks, as the wizard leaves it.
	if err := e.client().SubscribeApp(ctx, wabaID, "", ""); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.UpdateChannel(ctx, ch.ID, store.ChannelUpdate{Title: title, AlertEmails: alerts}); err != nil {
		e.t.Fatal(err)
	}
	return e.channel(ch.ID)
}

func (e *env) channel(id int64) store.Channel {
	e.t.Helper()
	ch, err := e.db.ChannelByID(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return ch
}

func (e *env) alerts(id int64) []store.ChannelAlert {
	e.t.Helper()
	as, err := e.db.ListChannelAlerts(context.Background(), id, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return as
}

func (e *env) check(id int64, times int) {
	e.t.Helper()
	for i := range times {
		if err := e.checker.CheckChannel(context.Background(), id); err != nil {
			e.t.Fatalf("check %d: %v", i+1, err)
		}
	}
}

func parse(t *testing.T, m mailtest.Message) mailtest.Parsed {
	t.Helper()
	p, err := m.Parse()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRevokedTokenSendsOneAlertAndRestoredOneRecovery(t *testing.T) {
	e := newEnv(t, envOptions{})
	ch := e.addChannel("Sales WhatsApp", string(providers.MetaCloud), "ops@example.com", "owner@example.com")
	link := "https://desk.example.com/channels/" + strconv.FormatInt(ch.ID, 10)

	e.check(ch.ID, 1)
	if got := e.channel(ch.ID); got.State != store.ChannelConnected || got.QualityRating != "GREEN" || got.NumberStatus != "CONNECTED" {
		t.Fatalf("healthy channel: state %q, quality %q, status %q", got.State, got.QualityRating, got.NumberStatus)
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d emails about a healthy channel", n)
	}

	e.sim.RevokeToken()
	e.check(ch.ID, 3)
	got := e.channel(ch.ID)
	if got.State != store.ChannelDisconnected {
		t.Fatalf("state after revocation = %q, want disconnected", got.State)
	}
	if !strings.Contains(got.StateReason, "Meta rejected the access token (error 190)") {
		t.Errorf("reason = %q", got.StateReason)
	}
	if got.QualityRating != "GREEN" || !got.LastHealthCheckAt.Equal(checkTime) {
		t.Errorf("facts after a rejected token: quality %q, checked %v", got.QualityRating, got.LastHealthCheckAt)
	}
	msgs := e.smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d emails after three checks of a disconnected channel, want 1", len(msgs))
	}
	if strings.Join(msgs[0].To, ",") != "ops@example.com,owner@example.com" || msgs[0].From != "wadesk@example.com" {
		t.Errorf("envelope from %q to %v", msgs[0].From, msgs[0].To)
	}
	p := parse(t, msgs[0])
	if want := "wadesk: Sales WhatsApp (" + displayNumber + ") is disconnected"; p.Subject != want {
		t.Errorf("subject = %q, want %q", p.Subject, want)
	}
	for _, want := range []string{got.StateReason, "Channels → Sales WhatsApp → Edit", "Generate new token", link, "14:05 UTC on 2 Jan 2026"} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("text body lacks %q:\n%s", want, p.Text)
		}
	}
	if !strings.Contains(p.HTML, `href="`+link+`"`) || !strings.Contains(p.HTML, "rejected the access token") {
		t.Errorf("HTML body:\n%s", p.HTML)
	}
	as := e.alerts(ch.ID)
	if len(as) != 1 || as[0].Kind != store.AlertDisconnected || as[0].Error != "" || as[0].Reason != got.StateReason ||
		strings.Join(as[0].Recipients, ",") != "ops@example.com,owner@example.com" {
		t.Fatalf("recorded alerts = %+v", as)
	}

	e.sim.RestoreToken()
	e.check(ch.ID, 3)
	if got := e.channel(ch.ID); got.State != store.ChannelConnected || got.StateReason != "" {
		t.Fatalf("after restoring: state %q, reason %q", got.State, got.StateReason)
	}
	msgs = e.smtp.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d emails in all, want the alert and one recovery", len(msgs))
	}
	p = parse(t, msgs[1])
	if want := "wadesk: Sales WhatsApp (" + displayNumber + ") works again"; p.Subject != want {
		t.Errorf("recovery subject = %q, want %q", p.Subject, want)
	}
	if !strings.Contains(p.Text, "works again") || !strings.Contains(p.Text, link) || strings.Contains(p.Text, "Still worth a look") {
		t.Errorf("recovery text:\n%s", p.Text)
	}
	if as := e.alerts(ch.ID); len(as) != 2 || as[0].Kind != store.AlertRecovered || as[0].Error != "" {
		t.Fatalf("recorded alerts = %+v", as)
	}
}

func TestConcurrentChecksSendOneAlert(t *testing.T) {
	e := newEnv(t, envOptions{})
	ch := e.addChannel("Sales WhatsApp", string(providers.MetaCloud), "ops@example.com")
	e.sim.RevokeToken()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() { errs <- e.checker.CheckChannel(context.Background(), ch.ID) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.smtp.Messages()); n != 1 {
		t.Fatalf("%d emails from four simultaneous checks, want 1", n)
	}
}

func TestUnreachableProviderKeepsStateAndSendsNothing(t *testing.T) {
	e := newEnv(t, envOptions{})
	ch := e.addChannel("Sales WhatsApp", string(providers.MetaCloud), "ops@example.com")
	e.check(ch.ID, 1)

	e.graph.Close() // the provider is gone: connection refused
	for range 3 {
		err := e.checker.CheckChannel(context.Background(), ch.ID)
		if !errors.Is(err, health.ErrUnreachable) {
			t.Fatalf("check against a closed server: err = %v, want ErrUnreachable", err)
		}
	}
	got := e.channel(ch.ID)
	if got.State != store.ChannelConnected {
		t.Fatalf("state = %q, want it kept as connected", got.State)
	}
	if want := "Could not reach the provider at 14:05 UTC; will try again."; got.StateReason != want {
		t.Errorf("reason = %q, want %q", got.StateReason, want)
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d emails about an unreachable provider", n)
	}
	if as := e.alerts(ch.ID); len(as) != 0 {
		t.Fatalf("alerts recorded: %+v", as)
	}
}

func TestUnreachableProviderDoesNotRecoverADisconnectedChannel(t *testing.T) {
	e := newEnv(t, envOptions{})
	ch := e.addChannel("Sales WhatsApp", string(providers.MetaCloud), "ops@example.com")
	e.sim.RevokeToken()
	e.check(ch.ID, 1)
	e.graph.Close()
	if err := e.checker.CheckChannel(context.Background(), ch.ID); !errors.Is(err, health.ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	if got := e.channel(ch.ID); got.State != store.ChannelDisconnected {
		t.Fatalf("state = %q, want it kept as disconnected", got.State)
	}
	if n := len(e.smtp.Messages()); n != 1 {
		t.Fatalf("%d emails, want only the disconnection alert", n)
	}
}

// graphFailure is a loopback Graph API that answers every request with one
// failure, in Meta's error envelope when body is set.
func graphFailure(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestProviderFailuresThatKeepState(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"HTTP 503 without a body", http.StatusServiceUnavailable, ""},
		{"temporary error 2", http.StatusInternalServerError,
			`{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","code":2,"is_transient":true,"fbtrace_id":"AbCdEf"}}`},
		{"API rate limit 80007", http.StatusBadRequest,
			`{"error":{"message":"(#80007) There have been too many calls to this WhatsApp Business account.","type":"OAuthException","code":80007,"fbtrace_id":"AbCdEf"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{graphURL: graphFailure(t, tc.status, tc.body)})
			ch := e.addChannel("Sales WhatsApp", string(providers.MetaCloud), "ops@example.com")
			err := e.checker.CheckChannel(context.Background(), ch.ID)
			if !errors.Is(err, health.ErrUnreachable) {
				t.Fatalf("err = %v, want ErrUnreachable", err)
			}
			got := e.channel(ch.ID)
			if got.State != store.ChannelConnected || !strings.HasPrefix(got.StateReason, "Could not reach the provider at 14:05 UTC") {
				t.Errorf("state %q, reason %q", got.State, got.StateReason)
			}
			if n := len(e.smtp.Messages()); n != 0 {
				t.Errorf("%d emails", n)
			}
		})
	}
}

func TestPermissionErrorNeedsAttentionWithoutEmail(t *testing.T) {
	body := `{"error":{"message":"(#10) Application does not have permission for this action","type":"OAuthException","code":10,"fbtrace_id":"AbCdEf"}}`
	e := newEnv(t, envOptions{graphURL: graphFailure(t, http.StatusForbidden, body)})
	ch := e.addChannel("Sales WhatsApp", string(providers.MetaCloud), "ops@example.com")
	e.check(ch.ID, 1)
	got := e.channel(ch.ID)
	if got.State != store.ChannelNeedsAttention || !strings.Contains(got.StateReason, "missing a permission") {
		t.Fatalf("state %q, reason %q", got.State, got.StateReason)
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d emails for needs-attention", n)
	}
}

func TestEmptyAlertListSendsNothing(t *testing.T) {
	e := newEnv(t, envOptions{})
	ch := e.addChannel("Sales WhatsApp", string(providers.MetaCloud))
	e.sim.RevokeToken()
	e.check(ch.ID, 2)
	if got := e.channel(ch.ID); got.State != store.ChannelDisconnected {
		t.Fatalf("state = %q, want disconnected", got.State)
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d emails for a channel without alert addresses", n)
	}
	if as := e.alerts(ch.ID); len(as) != 0 {
		t.Fatalf("alerts recorded: %+v", as)
	}
}

func TestMailNotConfiguredRecordsUnsentAlert(t *testing.T) {
	e := newEnv(t, envOptions{noMail: true})
	ch := e.addChannel("Sales WhatsApp", string(providers.MetaCloud), "ops@example.com")
	e.sim.RevokeToken()
	e.check(ch.ID, 2)
	if got := e.channel(ch.ID); got.State != store.ChannelDisconnected {
		t.Fatalf("state = %q, want disconnected", got.State)
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d emails without mail settings", n)
	}
	as := e.alerts(ch.ID)
	if len(as) != 1 || !strings.Contains(as[0].Error, "not set up") {
		t.Fatalf("alerts = %+v, want one unsent alert saying email is not set up", as)
	}
}

func TestBannedNumberIsDisconnected(t *testing.T) {
	e := newEnv(t, envOptions{mutateSim: func(c *simulator.Config) {
		c.Businesses[0].OwnedWABAs[0].PhoneNumbers[0].Status = "BANNED"
	}})
	ch := e.addChannel("Sales WhatsApp", string(providers.MetaCloud), "ops@example.com")
	e.check(ch.ID, 2)
	got := e.channel(ch.ID)
	if got.State != store.ChannelDisconnected || !strings.Contains(got.StateReason, "banned") || got.NumberStatus != "BANNED" {
		t.Fatalf("state %q, reason %q, number status %q", got.State, got.StateReason, got.NumberStatus)
	}
	msgs := e.smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d emails, want 1", len(msgs))
	}
	if p := parse(t, msgs[0]); !strings.Contains(p.Text, "WhatsApp Manager") {
		t.Errorf("text lacks the advice:\n%s", p.Text)
	}
}

func TestFlaggedNumberNeedsAttention(t *testing.T) {
	e := newEnv(t, envOptions{mutateSim: func(c *simulator.Config) {
		c.Businesses[0].OwnedWABAs[0].PhoneNumbers[0].Status = "FLAGGED"
	}})
	ch := e.addChannel("Sales WhatsApp", string(providers.MetaCloud), "ops@example.com")
	e.check(ch.ID, 1)
	got := e.channel(ch.ID)
	if got.State != store.ChannelNeedsAttention || !strings.Contains(got.StateReason, "flagged") {
		t.Fatalf("state %q, reason %q", got.State, got.StateReason)
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d emails for needs-attention", n)
	}
}

func TestCheckChannelRefusesPendingAndDeleted(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := context.Background()
	pending, err := e.db.CreatePendingChannel(ctx, store.NewChannel{Title: "Half done", Provider: string(providers.MetaCloud),
		BusinessID: businessID, WABAID: wabaID, PhoneNumberID: "110200000000102",
		Secrets: store.ChannelSecrets{AccessToken: e.token, AppSecret: "x", VerifyToken: "y"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.checker.CheckChannel(ctx, pending.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("pending channel: err = %v", err)
	}
	ch := e.addChannel("Sales WhatsApp", string(providers.MetaCloud), "ops@example.com")
	if err := e.db.DeleteChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.checker.CheckChannel(ctx, ch.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted channel: err = %v", err)
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d emails", n)
	}
}

func TestRunChecksEveryChannelDespiteFailures(t *testing.T) {
	e := newEnv(t, envOptions{})
	// The first channel (the default, checked first) cannot be checked: no
	// adapter for its provider.
	broken := e.addChannel("Broken", string(providers.Twilio), "ops@example.com")
	e.sim.RevokeToken()
	// A number is connected at most once, so the second channel is the
	// simulator's number in the client WABA.
	ctx := context.Background()
	good, err := e.db.CreatePendingChannel(ctx, store.NewChannel{Title: "Support", Provider: string(providers.MetaCloud),
		BusinessID: businessID, WABAID: "104500000000022", PhoneNumberID: "110200000000201", DisplayPhoneNumber: "+1 555-010-3001",
		Secrets: store.ChannelSecrets{AccessToken: e.token, AppSecret: "x", VerifyToken: "y"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.ActivateChannel(ctx, good.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.db.UpdateChannel(ctx, good.ID, store.ChannelUpdate{Title: "Support", AlertEmails: []string{"support@example.com"}}); err != nil {
		t.Fatal(err)
	}

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		e.checker.Run(runCtx, time.Hour)
		close(done)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for e.channel(good.ID).State != store.ChannelDisconnected {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatal("the second channel was never checked")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done

	if got := e.channel(broken.ID); got.State != store.ChannelConnected {
		t.Errorf("unchecked channel state = %q, want it left as connected", got.State)
	}
	msgs := e.smtp.Messages()
	if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "support@example.com" {
		t.Fatalf("emails = %+v, want one to support@example.com", msgs)
	}
}

// localMailer reads the test's settings; its SMTP server is on 127.0.0.1.
func localMailer(db *store.DB, logger *slog.Logger) *mailer.SMTP {
	m := mailer.New(db, logger)
	m.AllowPrivate = true
	return m
}

// TestLostWebhookSubscriptionNeedsAttention: the number answers, but the
// account's webhook subscription is gone (Meta dropped it, or a simulator
// forgot it): the check marks the channel as needing attention, with what
// to do, instead of reading Connected while messages go nowhere.
func TestLostWebhookSubscriptionNeedsAttention(t *testing.T) {
	e := newEnv(t, envOptions{})
	ch := e.addChannel("Sales", "meta_cloud")
	ctx := context.Background()
	if err := e.checker.CheckChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if got := e.channel(ch.ID); got.State != store.ChannelConnected {
		t.Fatalf("subscribed channel: state %q (%s)", got.State, got.StateReason)
	}
	if err := e.client().UnsubscribeApp(ctx, wabaID); err != nil {
		t.Fatal(err)
	}
	if err := e.checker.CheckChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	got := e.channel(ch.ID)
	if got.State != store.ChannelNeedsAttention || !strings.Contains(got.StateReason, "subscription is gone") {
		t.Fatalf("after the subscription was lost: state %q, reason %q", got.State, got.StateReason)
	}
	if err := e.client().SubscribeApp(ctx, wabaID, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := e.checker.CheckChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if got := e.channel(ch.ID); got.State != store.ChannelConnected {
		t.Fatalf("subscribed again: state %q (%s)", got.State, got.StateReason)
	}
}
