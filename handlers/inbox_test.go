package handlers_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/handlers"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
)

// inboxSite is the HTTP interface with a channel, a Sales agent and three
// conversations: one without a department, one of Sales, one of Support
// whose customer last wrote two days ago.
type inboxSite struct {
	*emailSite
	srv                   *handlers.Server
	hub                   *events.Hub
	open, sales, support  int64
	agentEmail, adminMail string
}

func startInboxSite(t *testing.T) *inboxSite {
	t.Helper()
	ctx := context.Background()
	db, box := storetest.OpenWithBox(t, t.TempDir())
	hash, err := auth.HashPassword(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	sales, err := db.CreateDepartment(ctx, "Sales")
	if err != nil {
		t.Fatal(err)
	}
	support, err := db.CreateDepartment(ctx, "Support")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.NewUser{
		{Email: "admin@example.com", Name: "Ada Admin", Role: store.RoleAdmin, PasswordHash: hash},
		{Email: "agent@example.com", Name: "Alex Agent", Role: store.RoleAgent, PasswordHash: hash, DepartmentIDs: []int64{sales.ID}},
	} {
		if _, err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: "Bakery", Provider: "meta_cloud", BusinessID: "1", WABAID: "2",
		PhoneNumberID: "4001", DisplayPhoneNumber: "+1 555 4001", Secrets: store.ChannelSecrets{AccessToken: "token", AppSecret: "secret", VerifyToken: "verify"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ActivateChannel(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	inbound := func(waID, name, text string, at time.Time) int64 {
		a, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: ch.ID, Messages: []store.InboundMessage{{
			WAMID: "wamid." + waID, Phone: "+" + waID, WaID: waID, ProfileName: name, Type: "text", Text: text, Payload: "{}", Timestamp: at,
		}}}})
		if err != nil || len(a.NewMessages) != 1 {
			t.Fatalf("inbound: %+v %v", a, err)
		}
		return a.NewMessages[0].ConversationID
	}
	s := &inboxSite{agentEmail: "agent@example.com", adminMail: "admin@example.com"}
	s.open = inbound("15550001", "Olga Open", "Hello <b>there</b>", time.Now().Add(-time.Hour))
	s.sales = inbound("15550002", "Sam Sales", "Price?", time.Now().Add(-2*time.Hour))
	s.support = inbound("15550003", "Sue Support", "Broken", time.Now().Add(-48*time.Hour))
	for id, dept := range map[int64]int64{s.sales: sales.ID, s.support: support.ID} {
		if _, err := db.W.ExecContext(ctx, "UPDATE conversations SET department_id = ? WHERE id = ?", dept, id); err != nil {
			t.Fatal(err)
		}
	}
	s.hub = events.NewHub()
	sender := outbox.NewSender(db, func(int64) (providers.MessageSender, error) {
		return nil, errors.New("not sending in this test")
	}, outbox.Config{})
	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	s.srv, err = handlers.New(handlers.Config{DB: db, Box: box, Logger: logger, BaseURL: &url.URL{Scheme: "http", Host: "127.0.0.1"},
		Providers: testRegistry("http://127.0.0.1:1"), Outbox: sender, Events: s.hub})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.srv.Handler())
	t.Cleanup(ts.Close)
	s.emailSite = &emailSite{t: t, db: db, url: ts.URL}
	return s
}

func TestInboxListAndAccess(t *testing.T) {
	s := startInboxSite(t)
	agent := s.signIn(s.agentEmail)
	admin := s.signIn(s.adminMail)

	p := s.get(agent, "/inbox")
	if p.status != http.StatusOK || !strings.Contains(p.body, "Olga Open") || !strings.Contains(p.body, "Sam Sales") || strings.Contains(p.body, "Sue Support") {
		t.Fatalf("agent's inbox: status %d\n%s", p.status, p.body)
	}
	if !strings.Contains(p.body, "Hello &lt;b&gt;there&lt;/b&gt;") {
		t.Error("the snippet is not escaped")
	}
	if p := s.get(agent, fmt.Sprintf("/inbox/%d", s.support)); p.status != http.StatusNotFound {
		t.Errorf("agent opens another department's conversation: status %d", p.status)
	}
	if p := s.get(agent, fmt.Sprintf("/inbox/%d/events", s.support)); p.status != http.StatusNotFound {
		t.Errorf("agent streams another department's conversation: status %d", p.status)
	}
	p = s.get(admin, "/inbox")
	if !strings.Contains(p.body, "Sue Support") {
		t.Error("the admin does not see the Support conversation")
	}
	if p := s.get(admin, "/inbox?status=resolved"); !strings.Contains(p.body, `data-testid="inbox-empty"`) {
		t.Error("no empty state for resolved conversations")
	}

	p = s.get(agent, fmt.Sprintf("/inbox/%d", s.open))
	if p.status != http.StatusOK || !strings.Contains(p.body, `data-testid="composer-input"`) || !strings.Contains(p.body, `data-testid="window-countdown"`) {
		t.Fatalf("open conversation: status %d\n%s", p.status, p.body)
	}
	c, err := s.db.ConversationFor(context.Background(), store.InboxViewer{Admin: true}, s.open)
	if err != nil || c.UnreadCount != 0 {
		t.Errorf("opening did not mark read: unread %d, %v", c.UnreadCount, err)
	}
	p = s.get(admin, fmt.Sprintf("/inbox/%d", s.support))
	if !strings.Contains(p.body, `data-testid="composer-closed"`) || strings.Contains(p.body, `data-testid="composer-input"`) {
		t.Errorf("closed window still offers the free-form composer\n%s", p.body)
	}
}

func TestInboxReply(t *testing.T) {
	s := startInboxSite(t)
	admin := s.signIn(s.adminMail)
	tests := []struct {
		name   string
		conv   int64
		text   string
		status int
		want   string
	}{
		{"empty", s.open, "   ", http.StatusUnprocessableEntity, "Write a message before sending."},
		{"too long", s.open, strings.Repeat("é", 4097), http.StatusUnprocessableEntity, "at most 4096 characters"},
		{"window closed", s.support, "Sorry for the wait <3", http.StatusUnprocessableEntity, "Sorry for the wait &lt;3"},
		{"sent", s.open, "We open at 9 <tomorrow>", http.StatusSeeOther, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.post(admin, fmt.Sprintf("/inbox/%d/messages", tt.conv), url.Values{"text": {tt.text}})
			if p.status != tt.status || !strings.Contains(p.body, tt.want) {
				t.Fatalf("status %d, want %d with %q\n%s", p.status, tt.status, tt.want, p.body)
			}
		})
	}
	msgs, err := s.db.ConversationMessages(context.Background(), s.support, 0)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("closed window conversation has %d messages (%v), want only the customer's", len(msgs), err)
	}
	p := s.get(admin, fmt.Sprintf("/inbox/%d/messages", s.open))
	if p.status != http.StatusOK || !strings.Contains(p.body, "We open at 9 &lt;tomorrow&gt;") || !strings.Contains(p.body, "ticks-pending") ||
		strings.Contains(p.body, "<html") {
		t.Fatalf("messages fragment: status %d\n%s", p.status, p.body)
	}
}

func TestInboxEventsStream(t *testing.T) {
	s := startInboxSite(t)
	admin := s.signIn(s.adminMail)
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/inbox/%d/events", s.url, s.open), nil)
	if err != nil {
		t.Fatal(err)
	}
	admin.Timeout = 0
	resp, err := admin.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "text/event-stream" {
		t.Fatalf("status %d, content type %q", resp.StatusCode, ct)
	}
	r := bufio.NewReader(resp.Body)
	readEvent := func() string {
		var lines []string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return strings.Join(append(lines, "EOF"), "|")
			}
			line = strings.TrimRight(line, "\n")
			if line == "" {
				return strings.Join(lines, "|")
			}
			lines = append(lines, line)
		}
	}
	if first := readEvent(); !strings.Contains(first, ": connected") {
		t.Fatalf("first event = %q", first)
	}
	s.hub.Publish(events.Event{Kind: events.MessageCreated, ConversationID: s.sales, MessageID: 99})
	// Another agent reading it changes nothing this page shows.
	s.hub.Publish(events.Event{Kind: events.ConversationRead, ConversationID: s.open})
	// The customer's message opened the window again: the composer reads
	// itself again (a closed one becomes the reply box).
	s.hub.Publish(events.Event{Kind: events.WindowOpened, ConversationID: s.open, MessageID: 5})
	if ev := readEvent(); ev != "event: window|data: window.opened 5" {
		t.Fatalf("event = %q, want the window's", ev)
	}
	s.hub.Publish(events.Event{Kind: events.MessageStatus, ConversationID: s.open, MessageID: 7, Status: "read"})
	if ev := readEvent(); ev != "event: message|data: message.status 7" {
		t.Fatalf("event = %q, want only this conversation's", ev)
	}
	s.srv.StopStreams()
	if ev := readEvent(); !strings.HasSuffix(ev, "EOF") {
		t.Fatalf("after StopStreams the stream went on: %q", ev)
	}
	if p := s.get(admin, fmt.Sprintf("/inbox/%d/events", s.open)); p.status != http.StatusServiceUnavailable {
		t.Errorf("new stream after StopStreams: status %d", p.status)
	}
}
