package handlers_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

var forwardSecretOnPage = regexp.MustCompile(`data-testid="forward-secret-value">([0-9a-f]+)<`)

func TestForwardSecretIsShownOnce(t *testing.T) {
	site := startEmailSite(t)
	ctx := context.Background()
	ch, err := site.db.CreatePendingChannel(ctx, store.NewChannel{Title: "Sales", Provider: "meta_cloud", BusinessID: "1234567890",
		WABAID: "waba-1", PhoneNumberID: "1001", DisplayPhoneNumber: "+1 555 1001",
		Secrets: store.ChannelSecrets{AccessToken: "token", AppSecret: "app-secret", VerifyToken: "verify"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := site.db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if err := site.db.UpdateChannel(ctx, ch.ID, store.ChannelUpdate{Title: "Sales", ForwardURL: "https://mw.example.com/hook"}); err != nil {
		t.Fatal(err)
	}
	path := "/channels/" + strconv.FormatInt(ch.ID, 10)
	admin := site.signIn("admin@example.com")

	p := site.get(admin, path)
	if p.status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, p.status)
	}
	for _, want := range []string{`data-testid="channel-forwarding"`, "https://mw.example.com/hook", "none yet", "Generate forward secret"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("channel page lacks %q", want)
		}
	}
	if strings.Contains(p.body, `data-testid="forward-secret-new"`) {
		t.Error("a new secret is announced before one was made")
	}

	// Making one shows it in the response itself, once.
	secretOf := func(p page) string {
		t.Helper()
		m := forwardSecretOnPage.FindStringSubmatch(p.body)
		if p.status != http.StatusOK || m == nil {
			t.Fatalf("no secret shown: status %d\n%s", p.status, p.body)
		}
		return m[1]
	}
	resp := site.postResponse(admin, path+"/forward-secret")
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", cc)
	}
	first := secretOf(resp.page)
	if len(first) != 64 {
		t.Fatalf("secret %q; want 64 hex characters", first)
	}
	if !strings.Contains(resp.body, "replaces the previous secret") {
		t.Error("the page does not say the secret replaces the old one")
	}
	sec, err := site.db.ChannelSecrets(ctx, ch.ID)
	if err != nil || sec.ForwardSecret != first {
		t.Fatalf("stored forward secret = %q, %v; want the one shown", sec.ForwardSecret, err)
	}
	if sec.AccessToken != "token" || sec.VerifyToken != "verify" {
		t.Fatalf("other secrets changed: %+v", sec)
	}

	p = site.get(admin, path)
	if strings.Contains(p.body, first) || strings.Contains(p.body, `data-testid="forward-secret-new"`) {
		t.Fatal("the secret is shown again on the next visit")
	}
	if !strings.Contains(p.body, "Make a new forward secret") || !strings.Contains(p.body, "shown only when it is made") {
		t.Error("the page does not say a secret is set")
	}

	// A second one replaces the first.
	second := secretOf(site.post(admin, path+"/forward-secret", nil))
	if second == first {
		t.Fatal("the same secret was made twice")
	}
	if sec, _ := site.db.ChannelSecrets(ctx, ch.ID); sec.ForwardSecret != second {
		t.Fatal("the second secret did not replace the first")
	}

	// Agents may not, and unknown channels are not found.
	agent := site.signIn("agent@example.com")
	if p := site.post(agent, path+"/forward-secret", nil); p.status != http.StatusForbidden {
		t.Errorf("agent: status %d, want 403", p.status)
	}
	if sec, _ := site.db.ChannelSecrets(ctx, ch.ID); sec.ForwardSecret != second {
		t.Error("an agent changed the secret")
	}
	if p := site.post(admin, "/channels/9999/forward-secret", nil); p.status != http.StatusNotFound {
		t.Errorf("unknown channel: status %d, want 404", p.status)
	}
}

func TestChannelPageShowsForwardAttempts(t *testing.T) {
	site := startEmailSite(t)
	ctx := context.Background()
	db := site.db
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Sales", Provider: "meta_cloud", BusinessID: "1234567890",
		WABAID: "waba-1", PhoneNumberID: "1001", DisplayPhoneNumber: "+1 555 1001",
		Secrets: store.ChannelSecrets{AccessToken: "token", AppSecret: "app-secret", VerifyToken: "verify"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateChannel(ctx, ch.ID, store.ChannelUpdate{Title: "Sales", ForwardURL: "https://mw.example.com/hook"}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	ids, err := db.AppendWebhookEvents(ctx, []store.NewWebhookEvent{
		{ChannelID: ch.ID, Body: []byte(`{"n":1}`), ReceivedAt: t0},
		{ChannelID: ch.ID, Body: []byte(`{"n":2}`), ReceivedAt: t0},
	})
	if err != nil {
		t.Fatal(err)
	}
	due, _, err := db.DueForwards(ctx, t0)
	if err != nil || len(due) != 1 || due[0].EventID != ids[0] {
		t.Fatalf("due = %+v, %v", due, err)
	}
	if err := db.RecordForwardAttempt(ctx, store.ForwardAttempt{OutboxID: due[0].ID, AttemptedAt: t0, HTTPStatus: 503,
		Error: "The middleware answered 503 Service Unavailable. <b>busy</b>", Duration: 85 * time.Millisecond},
		store.ForwardPending, t0.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordForwardAttempt(ctx, store.ForwardAttempt{OutboxID: due[0].ID, AttemptedAt: t0.Add(10 * time.Second), HTTPStatus: 200,
		Duration: 1200 * time.Millisecond}, store.ForwardDelivered, time.Time{}); err != nil {
		t.Fatal(err)
	}

	admin := site.signIn("admin@example.com")
	p := site.get(admin, "/channels/"+strconv.FormatInt(ch.ID, 10))
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	if n := strings.Count(p.body, `data-testid="forward-attempt"`); n != 2 {
		t.Errorf("%d attempt rows; want 2", n)
	}
	for _, want := range []string{"1 webhook", "1 Mar 2026 10:00:10 UTC", "1 Mar 2026 10:00:00 UTC", ">503<", ">200<", "85 ms", "1.2 s",
		"The middleware answered 503 Service Unavailable. &lt;b&gt;busy&lt;/b&gt;", "#" + strconv.FormatInt(ids[0], 10), "delivered"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("channel page lacks %q", want)
		}
	}
	if strings.Contains(p.body, "<b>busy</b>") {
		t.Error("the middleware's answer was not escaped")
	}
	// The newest attempt comes first.
	if strings.Index(p.body, ">200<") > strings.Index(p.body, ">503<") {
		t.Error("attempts are not newest first")
	}
}

// fullResponse is a page with its headers.
type fullResponse struct {
	page
	Header http.Header
}

// postResponse posts an empty form and keeps the response headers.
func (s *emailSite) postResponse(c *http.Client, path string) fullResponse {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+path, strings.NewReader(""))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return fullResponse{page: page{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b)}, Header: resp.Header}
}
