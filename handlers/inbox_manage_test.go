package handlers_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/events"
	"github.com/wadesk/wadesk/store"
)

// userID returns the id of the user with this email.
func (s *inboxSite) userID(email string) int64 {
	s.t.Helper()
	u, err := s.db.UserByEmail(context.Background(), email)
	if err != nil {
		s.t.Fatal(err)
	}
	return u.ID
}

func (s *inboxSite) conversation(id int64) store.Conversation {
	s.t.Helper()
	c, err := s.db.ConversationFor(context.Background(), store.InboxViewer{Admin: true}, id)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

func TestInboxActionsAccess(t *testing.T) {
	s := startInboxSite(t)
	agent := s.signIn(s.agentEmail)
	// The Sales agent may not see the Support conversation: every action
	// answers 404, as for a conversation that does not exist, and changes
	// nothing.
	for _, path := range []string{"assign", "resolve", "reopen", "notes"} {
		for _, id := range []int64{s.support, 99999} {
			p := s.post(agent, fmt.Sprintf("/inbox/%d/%s", id, path), url.Values{"assignee_id": {"0"}, "body": {"hi"}})
			if p.status != http.StatusNotFound {
				t.Errorf("POST %s on conversation %d: status %d, want 404", path, id, p.status)
			}
		}
	}
	for _, path := range []string{"actions", "notes"} {
		if p := s.get(agent, fmt.Sprintf("/inbox/%d/%s", s.support, path)); p.status != http.StatusNotFound {
			t.Errorf("GET %s of Support's conversation: status %d, want 404", path, p.status)
		}
	}
	if c := s.conversation(s.support); c.Status != store.ConversationOpen || c.AssigneeID != 0 {
		t.Errorf("Support's conversation changed: %+v", c)
	}
	if notes, _ := s.db.ConversationNotes(context.Background(), s.support, 0); len(notes) != 0 {
		t.Errorf("a note was added to Support's conversation: %+v", notes)
	}
	// Signed out: to the sign-in page.
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if p := s.post(anon, fmt.Sprintf("/inbox/%d/resolve", s.open), nil); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
		t.Errorf("signed out: status %d, location %q", p.status, p.location)
	}
}

func TestInboxAssignResolveReopen(t *testing.T) {
	s := startInboxSite(t)
	agent := s.signIn(s.agentEmail)
	admin := s.signIn(s.adminMail)
	agentID, adminID := s.userID(s.agentEmail), s.userID(s.adminMail)
	sub := s.hub.Subscribe(16)
	defer sub.Close()
	expectEvent := func(kind string, conv int64) {
		t.Helper()
		select {
		case ev := <-sub.C:
			if ev.Kind != kind || ev.ConversationID != conv {
				t.Fatalf("event %+v, want %s on %d", ev, kind, conv)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %s event", kind)
		}
	}
	list := "scope=mine&q=price&after=junk&evil=1"
	open := fmt.Sprintf("/inbox/%d", s.sales)

	p := s.get(agent, open)
	for _, want := range []string{`data-testid="assignee-select"`, `data-testid="assign-me"`, `data-testid="resolve"`,
		`Alex Agent (you)`, `Ada Admin`} {
		if !strings.Contains(p.body, want) {
			t.Fatalf("conversation page lacks %s\n%s", want, p.body)
		}
	}
	// Opening it read the customer's message: the other inboxes are told.
	expectEvent(events.ConversationRead, s.sales)

	tests := []struct {
		name     string
		client   *http.Client
		path     string
		form     url.Values
		status   int
		location string
		check    func(store.Conversation) bool
		event    string
	}{
		{"assign to me", agent, "/assign", url.Values{"assignee_id": {itoa(agentID)}, "list": {list}}, http.StatusSeeOther,
			open + "?q=price&scope=mine", func(c store.Conversation) bool { return c.AssigneeID == agentID }, events.ConversationAssigned},
		{"assign to the admin", agent, "/assign", url.Values{"assignee_id": {itoa(adminID)}}, http.StatusSeeOther,
			open, func(c store.Conversation) bool { return c.AssigneeID == adminID }, events.ConversationAssigned},
		{"same again: no event", admin, "/assign", url.Values{"assignee_id": {itoa(adminID)}}, http.StatusSeeOther,
			open, func(c store.Conversation) bool { return c.AssigneeID == adminID }, ""},
		{"not a number", agent, "/assign", url.Values{"assignee_id": {"someone"}}, http.StatusUnprocessableEntity,
			"", func(c store.Conversation) bool { return c.AssigneeID == adminID }, ""},
		{"someone who does not exist", agent, "/assign", url.Values{"assignee_id": {"4242"}}, http.StatusUnprocessableEntity,
			"", func(c store.Conversation) bool { return c.AssigneeID == adminID }, ""},
		{"unassign", admin, "/assign", url.Values{"assignee_id": {"0"}}, http.StatusSeeOther,
			open, func(c store.Conversation) bool { return c.AssigneeID == 0 }, events.ConversationAssigned},
		{"resolve", agent, "/resolve", nil, http.StatusSeeOther,
			open, func(c store.Conversation) bool { return c.Status == store.ConversationResolved }, events.ConversationStatus},
		{"resolve again", agent, "/resolve", nil, http.StatusSeeOther,
			open, func(c store.Conversation) bool { return c.Status == store.ConversationResolved }, ""},
		{"reopen", agent, "/reopen", url.Values{"list": {"status=resolved"}}, http.StatusSeeOther,
			open + "?status=resolved", func(c store.Conversation) bool { return c.Status == store.ConversationOpen }, events.ConversationStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.post(tt.client, open+tt.path, tt.form)
			if p.status != tt.status || p.location != tt.location {
				t.Fatalf("status %d location %q, want %d %q\n%s", p.status, p.location, tt.status, tt.location, p.body)
			}
			if tt.status == http.StatusUnprocessableEntity && (!strings.Contains(p.body, `data-testid="error-assignee_id"`) ||
				!strings.Contains(p.body, `data-testid="thread"`)) {
				t.Fatalf("refusal without the field error on the conversation page\n%s", p.body)
			}
			if c := s.conversation(s.sales); !tt.check(c) {
				t.Fatalf("conversation after: %+v", c)
			}
			if tt.event != "" {
				expectEvent(tt.event, s.sales)
			}
		})
	}
	select {
	case ev := <-sub.C:
		t.Fatalf("unexpected event %+v", ev)
	default:
	}
	// The header part alone, for live updates.
	p = s.get(agent, open+"/actions?scope=mine")
	if p.status != http.StatusOK || !strings.Contains(p.body, `data-testid="conversation-actions"`) || strings.Contains(p.body, "<html") ||
		!strings.Contains(p.body, `/inbox/`+itoa(s.sales)+`/actions?scope=mine`) {
		t.Fatalf("actions part: %d\n%s", p.status, p.body)
	}
}

func TestInboxNotes(t *testing.T) {
	s := startInboxSite(t)
	agent := s.signIn(s.agentEmail)
	ctx := context.Background()
	countOut := func() int {
		var n int
		if err := s.db.R.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM messages WHERE direction = 'out')").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := countOut()
	path := fmt.Sprintf("/inbox/%d/notes", s.open)
	tests := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"empty", "  \n ", http.StatusUnprocessableEntity, "Write a note before adding it."},
		{"too long", strings.Repeat("ñ", 4001), http.StatusUnprocessableEntity, "at most 4000 characters"},
		{"added", "  VIP customer <script>alert(1)</script>\nsecond line  ", http.StatusSeeOther, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.post(agent, path, url.Values{"body": {tt.body}, "list": {"q=olga"}})
			if p.status != tt.status || !strings.Contains(p.body, tt.want) {
				t.Fatalf("status %d, want %d with %q\n%s", p.status, tt.status, tt.want, p.body)
			}
			if tt.status == http.StatusUnprocessableEntity && !strings.Contains(p.body, `data-testid="error-body"`) {
				t.Fatalf("no field error\n%s", p.body)
			}
			if tt.name == "too long" && !strings.Contains(p.body, strings.Repeat("ñ", 100)) {
				t.Fatal("the refused note was not kept")
			}
			if tt.status == http.StatusSeeOther && p.location != fmt.Sprintf("/inbox/%d?q=olga", s.open) {
				t.Fatalf("location %q", p.location)
			}
		})
	}
	notes, err := s.db.ConversationNotes(ctx, s.open, 0)
	if err != nil || len(notes) != 1 || notes[0].Body != "VIP customer <script>alert(1)</script>\nsecond line" || notes[0].AuthorName != "Alex Agent" {
		t.Fatalf("notes = %+v, %v", notes, err)
	}
	if got := countOut(); got != before {
		t.Fatalf("adding notes queued %d outbound messages", got-before)
	}
	p := s.get(agent, fmt.Sprintf("/inbox/%d", s.open))
	if !strings.Contains(p.body, `data-testid="note"`) || !strings.Contains(p.body, "VIP customer &lt;script&gt;") ||
		strings.Contains(p.body, "<script>alert(1)") || !strings.Contains(p.body, "Alex Agent") {
		t.Fatalf("conversation page does not show the note escaped with its author\n%s", p.body)
	}
	// The chat is not where notes go.
	chat := s.get(agent, fmt.Sprintf("/inbox/%d/messages", s.open))
	if strings.Contains(chat.body, "VIP customer") {
		t.Fatal("the note shows in the chat, among messages")
	}
	part := s.get(agent, path)
	if part.status != http.StatusOK || !strings.Contains(part.body, "VIP customer") || strings.Contains(part.body, "<html") {
		t.Fatalf("notes part: %d\n%s", part.status, part.body)
	}
}

func TestInboxListFiltersAndSearch(t *testing.T) {
	s := startInboxSite(t)
	admin := s.signIn(s.adminMail)
	agent := s.signIn(s.agentEmail)
	ctx := context.Background()
	agentID := s.userID(s.agentEmail)
	if _, err := s.db.AssignConversation(ctx, store.InboxViewer{Admin: true}, s.open, agentID); err != nil {
		t.Fatal(err)
	}
	var support int64
	if err := s.db.R.QueryRowContext(ctx, "SELECT id FROM departments WHERE name = 'Support'").Scan(&support); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		client  *http.Client
		path    string
		want    []string
		notWant []string
	}{
		{"search by name", admin, "/inbox?q=olga", []string{"Olga Open"}, []string{"Sam Sales", "Sue Support"}},
		{"search by message", admin, "/inbox?q=broken", []string{"Sue Support"}, []string{"Olga Open"}},
		{"search by number", admin, "/inbox?q=%2B1+555+0002", []string{"Sam Sales"}, []string{"Olga Open"}},
		{"hostile search", admin, "/inbox?q=" + url.QueryEscape(`" NEAR( * OR`), []string{`data-testid="inbox-empty"`}, []string{"Olga Open"}},
		{"agent searching another department", agent, "/inbox?q=broken", []string{`data-testid="inbox-empty"`}, []string{"Sue Support"}},
		{"department", admin, fmt.Sprintf("/inbox?dept=%d", support), []string{"Sue Support"}, []string{"Olga Open", "Sam Sales"}},
		{"no department", admin, "/inbox?dept=none", []string{"Olga Open"}, []string{"Sam Sales", "Sue Support"}},
		{"agent's departments only in the select", agent, "/inbox", []string{`>Sales</option>`, `>No department</option>`}, []string{`>Support</option>`}},
		{"mine", agent, "/inbox?scope=mine", []string{"Olga Open", "Alex Agent"}, []string{"Sam Sales"}},
		{"garbage filters fall back to defaults", admin, "/inbox?status=x&scope=y&channel=-1&dept=z&after=1-x",
			[]string{"Olga Open", "Sam Sales", "Sue Support"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.get(tt.client, tt.path)
			if p.status != http.StatusOK {
				t.Fatalf("status %d\n%s", p.status, p.body)
			}
			for _, w := range tt.want {
				if !strings.Contains(p.body, w) {
					t.Errorf("lacks %s", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(p.body, w) {
					t.Errorf("shows %s", w)
				}
			}
			if t.Failed() {
				t.Log(p.body)
			}
		})
	}
	// Filters stay on the tabs, on the links to conversations and in the
	// live part's address.
	p := s.get(agent, "/inbox?q=olga&dept=none")
	for _, want := range []string{
		`href="/inbox?dept=none&amp;q=olga&amp;scope=mine"`,
		fmt.Sprintf(`href="/inbox/%d?dept=none&amp;q=olga"`, s.open),
		`hx-get="/inbox/list?dept=none&amp;q=olga"`,
		`sse-connect="/inbox/events"`,
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("lacks %s\n%s", want, p.body)
		}
	}
	// The unread totals: Olga (mine, unread) and Sam (unassigned, unread).
	if !strings.Contains(p.body, `data-testid="inbox-tab-mine"`) {
		t.Fatal("no Mine tab")
	}
	part := s.get(agent, "/inbox/list")
	if part.status != http.StatusOK || strings.Contains(part.body, "<html") {
		t.Fatalf("list part: %d\n%s", part.status, part.body)
	}
	tabs := map[string]string{}
	for _, m := range tabUnread.FindAllStringSubmatch(part.body, -1) {
		tabs[m[1]] = m[2]
	}
	if want := map[string]string{"open": "2", "mine": "1", "unassigned": "1", "resolved": "", "snoozed": ""}; fmt.Sprint(tabs) != fmt.Sprint(want) {
		t.Errorf("unread per tab = %v, want %v\n%s", tabs, want, part.body)
	}
	cur := s.get(agent, fmt.Sprintf("/inbox/list?current=%d", s.sales))
	if !strings.Contains(cur.body, `aria-current="true" data-testid="conversation" data-conversation-id="`+itoa(s.sales)+`"`) {
		t.Errorf("the open conversation is not marked in the list part\n%s", cur.body)
	}
}

func TestInboxPagesWithCursorKeepFilters(t *testing.T) {
	s := startInboxSite(t)
	admin := s.signIn(s.adminMail)
	ctx := context.Background()
	var channelID int64
	if err := s.db.R.QueryRowContext(ctx, "SELECT id FROM channels").Scan(&channelID); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		if _, err := s.db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: channelID, Messages: []store.InboundMessage{{
			WAMID: fmt.Sprintf("wamid.bulk%d", i), Phone: fmt.Sprintf("+1555900%04d", i), WaID: fmt.Sprintf("1555900%04d", i),
			ProfileName: fmt.Sprintf("Bulk %02d", i), Type: "text", Text: "bulk order", Payload: "{}",
			Timestamp: time.Now().Add(-time.Duration(i) * time.Minute)}}}}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	next := "/inbox?q=bulk"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("pagination does not end")
		}
		p := s.get(admin, next)
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		for i := range 60 {
			name := fmt.Sprintf("Bulk %02d", i)
			if strings.Contains(p.body, ">"+name+"<") {
				if seen[name] {
					t.Fatalf("%s on two pages", name)
				}
				seen[name] = true
			}
		}
		if strings.Contains(p.body, "Olga Open") {
			t.Fatal("the search filter was lost on a later page")
		}
		next = ""
		if i := strings.Index(p.body, `data-testid="inbox-more"`); i >= 0 {
			href := p.body[strings.LastIndex(p.body[:i], `href="`)+6:]
			next = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
			if !strings.Contains(next, "q=bulk") || !strings.Contains(next, "after=") {
				t.Fatalf("older link %q does not keep the search", next)
			}
		}
	}
	if len(seen) != 60 {
		t.Fatalf("saw %d of 60 conversations across pages", len(seen))
	}
}

func TestInboxListEventsStream(t *testing.T) {
	s := startInboxSite(t)
	agent := s.signIn(s.agentEmail)
	req, err := http.NewRequest(http.MethodGet, s.url+"/inbox/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	agent.Timeout = 0
	resp, err := agent.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "text/event-stream" {
		t.Fatalf("status %d, content type %q", resp.StatusCode, ct)
	}
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		r := bufio.NewReader(resp.Body)
		var ev []string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			if line != "" {
				ev = append(ev, line)
				continue
			}
			lines <- strings.Join(ev, "|")
			ev = nil
		}
	}()
	next := func(wait time.Duration) (string, bool) {
		select {
		case ev, ok := <-lines:
			return ev, ok
		case <-time.After(wait):
			return "", false
		}
	}
	if first, _ := next(5 * time.Second); !strings.Contains(first, ": connected") {
		t.Fatalf("first event = %q", first)
	}
	// Support's conversation is not the Sales agent's: no event.
	s.hub.Publish(events.Event{Kind: events.MessageCreated, ConversationID: s.support, MessageID: 1})
	if ev, ok := next(2500 * time.Millisecond); ok {
		t.Fatalf("event for a conversation the agent cannot see: %q", ev)
	}
	// A burst about visible conversations becomes one event.
	for range 20 {
		s.hub.Publish(events.Event{Kind: events.ConversationAssigned, ConversationID: s.sales})
		s.hub.Publish(events.Event{Kind: events.NoteCreated, ConversationID: s.open})
	}
	// Events are gathered and spaced (listEventGap): however the burst is
	// scheduled, it yields one event, or two when the first went out while
	// the burst was still under way; never one per change.
	if ev, _ := next(5 * time.Second); ev != "event: list|data: changed" {
		t.Fatalf("event = %q", ev)
	}
	if ev, ok := next(2500 * time.Millisecond); ok {
		if ev != "event: list|data: changed" {
			t.Fatalf("second event = %q", ev)
		}
		if ev, ok := next(2500 * time.Millisecond); ok {
			t.Fatalf("a burst of 40 changes gave a third event: %q", ev)
		}
	}
	s.srv.StopStreams()
	if _, ok := next(5 * time.Second); ok {
		// Drain: the stream must end.
		for range lines {
		}
	}
	if p := s.get(agent, "/inbox/events"); p.status != http.StatusServiceUnavailable {
		t.Errorf("new stream after StopStreams: status %d", p.status)
	}
}

func TestConversationEventsNameTheirPart(t *testing.T) {
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
	r := bufio.NewReader(resp.Body)
	read := func() string {
		var out []string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return strings.Join(append(out, "EOF"), "|")
			}
			line = strings.TrimRight(line, "\n")
			if line == "" {
				return strings.Join(out, "|")
			}
			out = append(out, line)
		}
	}
	read() // connected
	s.hub.Publish(events.Event{Kind: events.NoteCreated, ConversationID: s.open})
	if ev := read(); ev != "event: conversation|data: note.created 0" {
		t.Fatalf("note event = %q", ev)
	}
	s.hub.Publish(events.Event{Kind: events.MessageCreated, ConversationID: s.open, MessageID: 5})
	if a, b := read(), read(); a != "event: message|data: message.created 5" || b != "event: conversation|data: message.created 5" {
		t.Fatalf("new message events = %q, %q", a, b)
	}
	s.hub.Publish(events.Event{Kind: events.WindowClosed, ConversationID: s.open})
	if ev := read(); ev != "event: window|data: window.closed 0" {
		t.Fatalf("window event = %q", ev)
	}
}

func itoa(n int64) string { return fmt.Sprint(n) }

// tabUnread reads a list tab's key and unread total ("" when none).
var tabUnread = regexp.MustCompile(`data-testid="inbox-tab-(\w+)"[^>]*>\w+ (?:<span class="tab-unread"[^>]*>(\d+)<)?`)

// TestReadingAConversationRefreshesTheOtherInboxes: opening a conversation
// with unread messages tells the other open inboxes (their unread counts
// catch up at once); opening one already read tells nobody.
func TestReadingAConversationRefreshesTheOtherInboxes(t *testing.T) {
	s := startInboxSite(t)
	agent := s.signIn(s.agentEmail)
	admin := s.signIn(s.adminMail)
	sub := s.hub.Subscribe(64)
	defer sub.Close()
	reads := func() []int64 {
		var out []int64
		for {
			select {
			case ev := <-sub.C:
				if ev.Kind == events.ConversationRead {
					out = append(out, ev.ConversationID)
				}
				continue
			default:
			}
			return out
		}
	}

	req, err := http.NewRequest(http.MethodGet, s.url+"/inbox/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	agent.Timeout = 0
	resp, err := agent.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		r := bufio.NewReader(resp.Body)
		var ev []string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if line = strings.TrimRight(line, "\n"); line != "" {
				ev = append(ev, line)
				continue
			}
			lines <- strings.Join(ev, "|")
			ev = nil
		}
	}()
	next := func(wait time.Duration) (string, bool) {
		select {
		case ev, ok := <-lines:
			return ev, ok
		case <-time.After(wait):
			return "", false
		}
	}
	if first, _ := next(5 * time.Second); !strings.Contains(first, ": connected") {
		t.Fatalf("first event = %q", first)
	}

	// The admin opens Sam's conversation (one unread message), which the
	// Sales agent's inbox shows.
	if c := s.conversation(s.sales); c.UnreadCount != 1 {
		t.Fatalf("unread before = %d, want 1", c.UnreadCount)
	}
	if p := s.get(admin, fmt.Sprintf("/inbox/%d", s.sales)); p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	if c := s.conversation(s.sales); c.UnreadCount != 0 {
		t.Fatalf("unread after = %d, want 0", c.UnreadCount)
	}
	if got := reads(); len(got) != 1 || got[0] != s.sales {
		t.Fatalf("read events %v, want one for %d", got, s.sales)
	}
	if ev, _ := next(5 * time.Second); ev != "event: list|data: changed" {
		t.Fatalf("the agent's inbox got %q, want it told to read its list again", ev)
	}

	// Nothing unread any more: opening it again, or its chat being read
	// again by the live page, tells nobody.
	for _, path := range []string{"", "/messages"} {
		if p := s.get(admin, fmt.Sprintf("/inbox/%d%s", s.sales, path)); p.status != http.StatusOK {
			t.Fatalf("%q: status %d", path, p.status)
		}
	}
	if got := reads(); len(got) != 0 {
		t.Fatalf("read events %v for a conversation already read", got)
	}
	if ev, ok := next(2500 * time.Millisecond); ok {
		t.Fatalf("the agent's inbox got %q, but nothing changed", ev)
	}
	s.srv.StopStreams()
}
