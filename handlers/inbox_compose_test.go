package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/handlers"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/store/storetest"
	"github.com/wadesk/wadesk/templates"
)

// composeSite is the HTTP interface with a channel of the simulator's
// connected number (files are uploaded to the simulator's media store),
// approved templates, and three conversations: one whose window is open,
// one whose customer last wrote two days ago, and one whose window WhatsApp
// closed (a 131047 failure) although our clock says it is open. Messages
// are queued for real (outbox.Enqueue) but not sent.
type composeSite struct {
	*emailSite
	sim                     *simulator.Sim
	channel                 int64
	open, expired, closedBy int64
	// orderReady and weekendOffer are approved templates of the channel;
	// foreign is an approved template of another channel.
	orderReady, weekendOffer, pending, foreign int64
	queue                                      *recordingQueue
}

// recordingQueue queues messages with outbox.Enqueue and counts them.
type recordingQueue struct {
	db *store.DB
	mu sync.Mutex
	n  int
}

func (q *recordingQueue) Enqueue(ctx context.Context, conv int64, msg providers.OutboundMessage, opts ...outbox.Option) (store.OutboundMessage, error) {
	m, err := outbox.Enqueue(ctx, q.db, conv, msg, opts...)
	if err == nil {
		q.mu.Lock()
		q.n++
		q.mu.Unlock()
	}
	return m, err
}

func (q *recordingQueue) count() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

func startComposeSite(t *testing.T, configure ...func(*handlers.Config)) *composeSite {
	t.Helper()
	ctx := context.Background()
	db, box := storetest.OpenWithBox(t, t.TempDir())
	hash, err := auth.HashPassword(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.NewUser{
		{Email: "admin@example.com", Name: "Ada Admin", Role: store.RoleAdmin, PasswordHash: hash},
		{Email: "agent@example.com", Name: "Alex Agent", Role: store.RoleAgent, PasswordHash: hash},
	} {
		if _, err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	cfg := simulator.DefaultConfig()
	cfg.Seed = 7
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	graph := httptest.NewServer(sim.Handler())
	t.Cleanup(graph.Close)

	channel := func(title, phoneID string) int64 {
		ch, err := db.CreatePendingChannel(ctx, store.NewChannel{Title: title, Provider: string(providers.MetaCloud),
			BusinessID: "512300000000001", WABAID: tplWABA, PhoneNumberID: phoneID, DisplayPhoneNumber: "+1 555-010-2001",
			Secrets: store.ChannelSecrets{AccessToken: cfg.AccessToken, AppSecret: cfg.AppSecret, VerifyToken: "verify"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ActivateChannel(ctx, ch.ID); err != nil {
			t.Fatal(err)
		}
		return ch.ID
	}
	s := &composeSite{sim: sim, channel: channel("Bakery", tplPhone), queue: &recordingQueue{db: db}}
	other := channel("Catering", "110200000000201")

	save := func(ch int64, name, category, status string, comps ...providers.TemplateComponent) int64 {
		rec, err := templates.Record(providers.Template{ID: "9" + strconv.Itoa(len(name)) + name, Name: name, Language: "en_US",
			Category: category, Status: status, Components: comps})
		if err != nil {
			t.Fatal(err)
		}
		saved, err := db.SaveTemplate(ctx, ch, rec)
		if err != nil {
			t.Fatal(err)
		}
		return saved.ID
	}
	orderReady := []providers.TemplateComponent{
		{Type: "BODY", Text: "Hi {{1}}, your order {{2}} is ready for pickup.", ExampleBodyText: [][]string{{"Sheena", "#1042"}}},
		{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "QUICK_REPLY", Text: "On my way"}}},
	}
	s.orderReady = save(s.channel, "order_ready", "UTILITY", "APPROVED", orderReady...)
	s.weekendOffer = save(s.channel, "weekend_offer", "MARKETING", "APPROVED",
		providers.TemplateComponent{Type: "HEADER", Format: "TEXT", Text: "Weekend {{1}}"},
		providers.TemplateComponent{Type: "BODY", Text: "Hello {{1}}! Use code {{2}}."},
		providers.TemplateComponent{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "URL", Text: "See the menu", URL: "https://flordelis.example/menu?src={{1}}"}}})
	s.pending = save(s.channel, "spring_news", "MARKETING", "PENDING", providers.TemplateComponent{Type: "BODY", Text: "Spring!"})
	s.foreign = save(other, "order_ready", "UTILITY", "APPROVED", orderReady...)

	inbound := func(waID, name string, at time.Time) int64 {
		a, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: s.channel, Messages: []store.InboundMessage{{
			WAMID: "wamid.in-" + waID, Phone: "+" + waID, WaID: waID, ProfileName: name, Type: "text", Text: "Hello from " + name,
			Payload: "{}", Timestamp: at}}}})
		if err != nil || len(a.NewMessages) != 1 {
			t.Fatalf("inbound: %+v %v", a, err)
		}
		return a.NewMessages[0].ConversationID
	}
	s.open = inbound("16505551234", "Sheena Nelson", time.Now().Add(-time.Hour))
	s.expired = inbound("16505550002", "Sam Late", time.Now().Add(-48*time.Hour))
	s.closedBy = inbound("16505550003", "Cleo Closed", time.Now().Add(-time.Hour))
	// WhatsApp refused a free-form message to Cleo: 131047.
	m, err := outbox.Enqueue(ctx, db, s.closedBy, providers.OutboundMessage{Text: &providers.Text{Body: "are you there?"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.MarkOutboundAttempting(ctx, []int64{m.MessageID}, "run"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordOutboundSent(ctx, m.MessageID, "wamid.out-cleo"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyProcessedEvents(ctx, []store.ProcessedEvent{{ChannelID: s.channel, Statuses: []store.StatusUpdate{{
		WAMID: "wamid.out-cleo", Status: "failed", Timestamp: time.Now(), ErrorCode: 131047, ClosesWindow: true}}}}); err != nil {
		t.Fatal(err)
	}

	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	hcfg := handlers.Config{DB: db, Box: box, Logger: logger, BaseURL: &url.URL{Scheme: "http", Host: "127.0.0.1"},
		Providers: testRegistry(graph.URL), Outbox: s.queue}
	for _, f := range configure {
		f(&hcfg)
	}
	srv, err := handlers.New(hcfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	s.emailSite = &emailSite{t: t, db: db, url: ts.URL}
	return s
}

func (s *composeSite) path(conv int64, rest string) string {
	return fmt.Sprintf("/inbox/%d%s", conv, rest)
}

// outbound lists a conversation's outbound messages, oldest first.
func (s *composeSite) outbound(conv int64) []store.Message {
	s.t.Helper()
	msgs, err := s.db.ConversationMessages(context.Background(), conv, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	var out []store.Message
	for _, m := range msgs {
		if m.Direction == "out" {
			out = append(out, m)
		}
	}
	return out
}

// payload decodes a stored message's payload.
func (s *composeSite) payload(id int64) (providers.OutboundMessage, templates.Filled, string) {
	s.t.Helper()
	var raw, contextWAMID string
	if err := s.db.R.QueryRow(`SELECT payload, context_wamid FROM messages WHERE id = ?`, id).Scan(&raw, &contextWAMID); err != nil {
		s.t.Fatal(err)
	}
	var p struct {
		providers.OutboundMessage
		Rendered templates.Filled
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		s.t.Fatalf("payload %s: %v", raw, err)
	}
	return p.OutboundMessage, p.Rendered, contextWAMID
}

func (s *composeSite) getHX(c *http.Client, path string) page {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("HX-Request", "true")
	return s.do(c, req)
}

// upload posts the attachment form.
func (s *composeSite) upload(c *http.Client, conv int64, filename string, content io.Reader, fields map[string]string) page {
	s.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		if filename != "" {
			fw, err := mw.CreateFormFile("file", filename)
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			if _, err := io.Copy(fw, content); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	req, err := http.NewRequest(http.MethodPost, s.url+s.path(conv, "/messages/media"), pr)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(c, req)
}

func mustContain(t *testing.T, p page, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Fatalf("status %d: the page lacks %q\n%s", p.status, w, p.body)
		}
	}
}

func mustLack(t *testing.T, p page, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.body, w) {
			t.Fatalf("the page shows %q but should not", w)
		}
	}
}

func TestComposerModesFollowTheWindow(t *testing.T) {
	s := startComposeSite(t)
	agent := s.signIn("agent@example.com")

	p := s.get(agent, s.path(s.open, ""))
	mustContain(t, p, `data-testid="composer-input"`, `data-testid="composer-template-open"`, `data-testid="composer-interactive-open"`,
		`data-testid="composer-attach-open"`, `id="composer-reply-to"`, `data-testid="template-choice-order_ready-en_US"`,
		`data-testid="template-choice-weekend_offer-en_US"`, `badge badge-utility`, `badge badge-marketing`, "Enter sends")
	mustLack(t, p, "spring_news")
	if n := strings.Count(p.body, ` id="composer-reply-to"`); n != 1 {
		t.Errorf("%d elements with the reply-to id, want 1", n)
	}
	if n := strings.Count(p.body, `data-reply-to-copy`); n != 3 {
		t.Errorf("%d composer forms carry reply_to, want 3 (text, interactive, attach)", n)
	}

	for name, conv := range map[string]int64{"expired": s.expired, "closed by WhatsApp": s.closedBy} {
		p := s.get(agent, s.path(conv, ""))
		mustContain(t, p, `data-testid="composer-closed"`, `data-testid="composer-template-open"`, "Send message template",
			`id="composer-reply-to"`)
		mustLack(t, p, `data-testid="composer-input"`, `data-testid="composer-interactive-open"`, `data-testid="composer-attach-open"`,
			`data-testid="window-countdown"`)
		if name == "closed by WhatsApp" {
			mustContain(t, p, "WhatsApp says the 24-hour window with this customer has closed")
		}
	}
}

func TestTemplateFormAndPreview(t *testing.T) {
	s := startComposeSite(t)
	agent := s.signIn("agent@example.com")
	form := s.path(s.open, "/template-form?template="+strconv.FormatInt(s.orderReady, 10))

	p := s.getHX(agent, form)
	mustContain(t, p, `name="body_1"`, `name="body_2"`, `placeholder="e.g. Sheena Nelson"`, "Customer&#39;s name", `data-testid="template-preview"`,
		`data-insert-variable="{contact_name}"`, `data-insert-variable="{agent_name}"`,
		// Since 1 Oct 2026 utility templates inside the window are billed
		// (pricing/rules.json); the customer's +1 number has no example rate
		// of its own, so the default market's applies.
		`data-testid="template-cost-text">≈ $0.008 utility, North America (no rate for this market: the default rate)`)
	mustLack(t, p, "<html")
	// Without htmx the picker is the conversation page with ?template=.
	if p := s.get(agent, form); p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "?template="+strconv.FormatInt(s.orderReady, 10)) {
		t.Fatalf("plain GET: status %d to %q", p.status, p.location)
	}
	p = s.get(agent, s.path(s.open, "?template="+strconv.FormatInt(s.orderReady, 10)))
	mustContain(t, p, `data-testid="template-fill"`, `name="body_2"`, `<details name="composer-mode" class="composer-mode" data-testid="composer-template" open`)
	for _, id := range []int64{s.foreign, s.pending, 9999} {
		if p := s.getHX(agent, s.path(s.open, "/template-form?template="+strconv.FormatInt(id, 10))); p.status != http.StatusNotFound {
			t.Errorf("template %d of another channel or not approved: status %d", id, p.status)
		}
	}
	// Outside the window the same template is charged.
	p = s.getHX(agent, s.path(s.expired, "/template-form?template="+strconv.FormatInt(s.orderReady, 10)))
	mustContain(t, p, `data-testid="template-cost-text">≈ $0.008 utility, North America`)

	p = s.post(agent, s.path(s.open, "/template-preview"), url.Values{"template": {strconv.FormatInt(s.orderReady, 10)},
		"body_1": {"{contact_name}"}, "body_2": {"#77 <b>"}})
	mustContain(t, p, "Sheena Nelson", "#77 &lt;b&gt;", "is ready for pickup.", "On my way")
	p = s.post(agent, s.path(s.open, "/template-preview"), url.Values{"template": {strconv.FormatInt(s.orderReady, 10)}, "body_1": {"Ana"}})
	mustContain(t, p, "Ana", "wa-var-missing", "{{2}}")
}

func TestTemplateSendChecksValuesBeforeQueuing(t *testing.T) {
	s := startComposeSite(t)
	agent := s.signIn("agent@example.com")
	id := strconv.FormatInt(s.orderReady, 10)
	for _, tc := range []struct {
		name   string
		values url.Values
		want   []string
	}{
		{"missing value", url.Values{"body_1": {"Ana"}, "body_2": {" "}}, []string{`data-testid="composer-error-body_2"`, "Fill this in", `value="Ana"`}},
		{"extra value", url.Values{"body_1": {"Ana"}, "body_2": {"#7"}, "body_3": {"surplus"}},
			[]string{"The text takes 2 values, 3 given.", "The template may have changed"}},
		{"value for a button it does not have", url.Values{"body_1": {"Ana"}, "body_2": {"#7"}, "button_3": {"x"}}, []string{"The template has no button 4."}},
		{"unknown variable", url.Values{"body_1": {"{customer_name}"}, "body_2": {"#7"}},
			[]string{"{customer_name} is not a variable wadesk knows", "{contact_name}", `value="{customer_name}"`}},
		{"line break", url.Values{"body_1": {"Ana\nMaria"}, "body_2": {"#7"}}, []string{"line breaks"}},
		{"unknown template", url.Values{"template": {"9999"}, "body_1": {"Ana"}}, []string{"Choose one of this number"}},
		{"another channel's template", url.Values{"template": {strconv.FormatInt(s.foreign, 10)}, "body_1": {"Ana"}, "body_2": {"#7"}},
			[]string{"Choose one of this number"}},
		{"quoting another conversation's message", url.Values{"body_1": {"Ana"}, "body_2": {"#7"}, "reply_to": {"2"}},
			[]string{"not in this conversation"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.values
			if v.Get("template") == "" {
				v.Set("template", id)
			}
			p := s.post(agent, s.path(s.open, "/messages/template"), v)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d\n%s", p.status, p.body)
			}
			mustContain(t, p, tc.want...)
		})
	}
	if n := s.queue.count(); n != 0 {
		t.Fatalf("%d messages queued by refused sends", n)
	}

	inbound, err := s.db.ConversationMessages(context.Background(), s.open, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := s.post(agent, s.path(s.open, "/messages/template"), url.Values{"template": {id}, "body_1": {"{contact_name}"},
		"body_2": {"#7 for {agent_name}"}, "reply_to": {strconv.FormatInt(inbound[0].ID, 10)}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("send: status %d\n%s", p.status, p.body)
	}
	out := s.outbound(s.open)
	if len(out) != 1 || out[0].Type != "template" || out[0].Text != "Hi Sheena Nelson, your order #7 for Alex Agent is ready for pickup." {
		t.Fatalf("stored = %+v", out)
	}
	msg, rendered, ctxWAMID := s.payload(out[0].ID)
	if msg.Template == nil || msg.Template.Name != "order_ready" || msg.ReplyTo != "wamid.in-16505551234" || ctxWAMID != "wamid.in-16505551234" {
		t.Fatalf("payload = %+v, context %q", msg, ctxWAMID)
	}
	if err := templates.CountParams([]providers.TemplateComponent{{Type: "BODY", Text: "Hi {{1}}, your order {{2}} is ready for pickup."},
		{Type: "BUTTONS", Buttons: []providers.TemplateButton{{Type: "QUICK_REPLY", Text: "On my way"}}}}).Check(msg.Template.Components); err != nil {
		t.Fatalf("queued parameters do not match the template: %v", err)
	}
	if rendered.Body != out[0].Text || len(rendered.Buttons) != 1 || rendered.Buttons[0] != "On my way" || rendered.Category != "UTILITY" {
		t.Fatalf("rendered = %+v", rendered)
	}

	// A marketing template is not sent until its price is confirmed.
	p = s.post(agent, s.path(s.expired, "/messages/template"), url.Values{"template": {strconv.FormatInt(s.weekendOffer, 10)},
		"header_1": {"treats"}, "body_1": {"{contact_name}"}, "body_2": {"BREAD10"}, "button_0": {"wa"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("marketing without confirming its price: status %d", p.status)
	}
	mustContain(t, p, `data-testid="composer-error-confirm_cost">This marketing template costs ≈ $0.06.`, `value="BREAD10"`)
	if got := s.outbound(s.expired); len(got) != 0 {
		t.Fatalf("queued without confirmation: %+v", got)
	}

	// Templates may be sent whatever the window: expired, or closed by WhatsApp.
	for _, conv := range []int64{s.expired, s.closedBy} {
		p := s.post(agent, s.path(conv, "/messages/template"), url.Values{"template": {strconv.FormatInt(s.weekendOffer, 10)},
			"header_1": {"treats"}, "body_1": {"{contact_name}"}, "body_2": {"BREAD10"}, "button_0": {"wa"}, "confirm_cost": {"yes"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("template outside the window: status %d\n%s", p.status, p.body)
		}
	}
	if got := s.outbound(s.expired); len(got) != 1 || got[0].Text != "Hello Sam Late! Use code BREAD10." {
		t.Fatalf("expired conversation: %+v", got)
	}
}

func TestFreeFormIsRefusedWhenTheWindowIsClosed(t *testing.T) {
	s := startComposeSite(t)
	agent := s.signIn("agent@example.com")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	before := map[int64]int{s.expired: len(s.outbound(s.expired)), s.closedBy: len(s.outbound(s.closedBy))}
	for name, conv := range map[string]int64{"expired": s.expired, "closed by WhatsApp": s.closedBy} {
		why := "More than 24 hours have passed since the customer's last message."
		if conv == s.closedBy {
			why = "WhatsApp says the 24-hour window with this customer has closed."
		}
		t.Run(name, func(t *testing.T) {
			p := s.post(agent, s.path(conv, "/messages"), url.Values{"text": {"Still there?"}})
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("text: status %d", p.status)
			}
			mustContain(t, p, html.EscapeString(why), "Still there?", `data-testid="composer-draft"`)

			p = s.post(agent, s.path(conv, "/messages/interactive"), url.Values{"body": {"Pick one"}, "options[0].title": {"Yes"}, "options[1].title": {"No"}})
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("interactive: status %d", p.status)
			}
			mustContain(t, p, html.EscapeString(why))

			p = s.upload(agent, conv, "photo.png", bytes.NewReader(png), map[string]string{"caption": "Our bread"})
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("media: status %d", p.status)
			}
			mustContain(t, p, html.EscapeString(why))
		})
	}
	for conv, n := range before {
		if got := len(s.outbound(conv)); got != n {
			t.Errorf("conversation %d: %d outbound messages, want %d: a refused message was stored", conv, got, n)
		}
	}
	if n := s.queue.count(); n != 0 {
		t.Fatalf("%d messages queued", n)
	}
}

func TestInteractiveOptionsBecomeButtonsOrAList(t *testing.T) {
	s := startComposeSite(t)
	agent := s.signIn("agent@example.com")
	// options adds n options to v, keeping those v already has.
	options := func(n int, v url.Values) url.Values {
		for i := range n {
			if name := fmt.Sprintf("options[%d].title", i); !v.Has(name) {
				v.Set(name, fmt.Sprintf("Choice %d", i+1))
			}
		}
		return v
	}
	send := func(v url.Values) page {
		t.Helper()
		return s.post(agent, s.path(s.open, "/messages/interactive"), v)
	}

	if p := send(options(3, url.Values{"body": {"How would you like it?"}, "options[3].title": {""}})); p.status != http.StatusSeeOther {
		t.Fatalf("3 options: status %d\n%s", p.status, p.body)
	}
	if p := send(options(5, url.Values{"body": {"Which bread?"}, "button": {"Breads"}, "footer": {"Baked today"}})); p.status != http.StatusSeeOther {
		t.Fatalf("5 options: status %d\n%s", p.status, p.body)
	}
	out := s.outbound(s.open)
	if len(out) != 2 || out[0].Type != "interactive" || out[0].Text != "How would you like it?" {
		t.Fatalf("stored = %+v", out)
	}
	buttons, _, _ := s.payload(out[0].ID)
	if in := buttons.Interactive; in == nil || in.Type != providers.InteractiveButton || len(in.Buttons) != 3 || in.Buttons[2].Title != "Choice 3" {
		t.Fatalf("3 options = %+v", buttons.Interactive)
	}
	list, _, _ := s.payload(out[1].ID)
	if in := list.Interactive; in == nil || in.Type != providers.InteractiveList || in.ListButton != "Breads" || len(in.Sections) != 1 ||
		len(in.Sections[0].Rows) != 5 || in.Footer != "Baked today" {
		t.Fatalf("5 options = %+v", list.Interactive)
	}

	for _, tc := range []struct {
		name   string
		values url.Values
		want   []string
	}{
		{"an 11th option", options(11, url.Values{"body": {"Which bread?"}, "button": {"Breads"}}),
			[]string{`data-testid="composer-error-options[10].title"`, "WhatsApp allows at most 10 options in one message.", `value="Choice 11"`, `value="Choice 1"`, `value="Breads"`}},
		{"button title over 20", url.Values{"body": {"Pick"}, "options[0].title": {strings.Repeat("b", 21)}},
			[]string{`data-testid="composer-error-options[0].title"`, "at most 20"}},
		{"row title over 24", options(4, url.Values{"body": {"Pick"}, "button": {"See"}, "options[3].title": {strings.Repeat("r", 25)}}),
			[]string{"at most 24"}},
		{"description over 72", options(2, url.Values{"body": {"Pick"}, "button": {"See"}, "options[1].description": {strings.Repeat("d", 73)}}),
			[]string{`data-testid="composer-error-options[1].description"`, "at most 72"}},
		{"list button label over 20", options(4, url.Values{"body": {"Pick"}, "button": {strings.Repeat("l", 21)}}),
			[]string{`data-testid="composer-error-button"`, "at most 20"}},
		{"list without a button label", options(4, url.Values{"body": {"Pick"}}), []string{"Write the label of the button"}},
		{"no text", options(2, url.Values{"body": {" "}}), []string{`data-testid="composer-error-body"`, "Write the message text."}},
		{"no options", url.Values{"body": {"Pick"}}, []string{`data-testid="composer-error-options"`}},
		{"a gap between options", url.Values{"body": {"Pick"}, "options[0].title": {"A"}, "options[1].title": {""}, "options[2].title": {"C"}},
			[]string{"Give option 2 a title."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := send(tc.values)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", p.status)
			}
			mustContain(t, p, tc.want...)
			mustContain(t, p, `<details name="composer-mode" class="composer-mode" data-testid="composer-interactive" open`)
		})
	}
	if got := len(s.outbound(s.open)); got != 2 {
		t.Fatalf("%d outbound messages after refused sends, want 2", got)
	}

	// Add option shows one more row and keeps what was typed.
	p := send(options(3, url.Values{"body": {"Pick"}, "action": {"add_option"}}))
	if p.status != http.StatusOK || strings.Count(p.body, `data-testid="interactive-option"`) != 4 {
		t.Fatalf("add option: status %d, %d rows", p.status, strings.Count(p.body, `data-testid="interactive-option"`))
	}
	mustContain(t, p, `value="Choice 3"`, ">Pick</textarea>")
	p = send(options(10, url.Values{"body": {"Pick"}, "action": {"add_option"}}))
	if strings.Count(p.body, `data-testid="interactive-option"`) != 10 || !strings.Contains(p.body, `data-testid="interactive-options-full"`) {
		t.Fatalf("add option at 10: %d rows", strings.Count(p.body, `data-testid="interactive-option"`))
	}
}

func TestAttachmentsAreCheckedAndUploaded(t *testing.T) {
	s := startComposeSite(t)
	agent := s.signIn("agent@example.com")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	ogg := append([]byte("OggS\x00\x02"), make([]byte, 64)...)

	if p := s.upload(agent, s.open, "bread.png", bytes.NewReader(png), map[string]string{"caption": "Fresh today"}); p.status != http.StatusSeeOther {
		t.Fatalf("photo: status %d\n%s", p.status, p.body)
	}
	if p := s.upload(agent, s.open, `C:\menus\menu.pdf`, bytes.NewReader(pdf), nil); p.status != http.StatusSeeOther {
		t.Fatalf("document: status %d\n%s", p.status, p.body)
	}
	out := s.outbound(s.open)
	if len(out) != 2 || out[0].Type != "image" || out[0].Text != "Fresh today" || out[1].Type != "document" || out[1].Text != "menu.pdf" {
		t.Fatalf("stored = %+v", out)
	}
	img, _, _ := s.payload(out[0].ID)
	doc, _, _ := s.payload(out[1].ID)
	if img.Media == nil || img.Media.ID == "" || img.Media.Caption != "Fresh today" || img.Media.Filename != "" ||
		doc.Media == nil || doc.Media.Kind != providers.KindDocument || doc.Media.Filename != "menu.pdf" {
		t.Fatalf("media = %+v / %+v", img.Media, doc.Media)
	}
	// The simulator has the uploaded photo under that ID.
	client, err := cloudapi.New(cloudapi.Config{BaseURL: s.simURL(t), Token: simulator.DefaultConfig().AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if info, err := client.GetMediaURL(context.Background(), img.Media.ID); err != nil || info.MIMEType != "image/png" || info.FileSize != int64(len(png)) {
		t.Fatalf("uploaded media = %+v, %v", info, err)
	}

	tooBig := io.MultiReader(bytes.NewReader(png), io.LimitReader(zeros{}, 5<<20))
	for _, tc := range []struct {
		name     string
		filename string
		content  io.Reader
		fields   map[string]string
		status   int
		want     []string
	}{
		{"no file", "", nil, map[string]string{"caption": "see attached"}, 422, []string{"Choose a file to send.", `value="see attached"`}},
		{"not accepted", "setup.exe", strings.NewReader("MZ\x90\x00\x03\x00\x00\x00\x04"), nil, 422,
			[]string{`data-testid="composer-error-file"`, "WhatsApp does not accept this kind of file."}},
		{"photo over 5 MB", "big.png", tooBig, map[string]string{"caption": "big one"}, 422,
			[]string{"WhatsApp accepts photos of up to 5 MB.", `value="big one"`}},
		{"caption under audio", "voice.ogg", bytes.NewReader(ogg), map[string]string{"caption": "listen"}, 422,
			[]string{`data-testid="composer-error-caption"`, "no caption under audio", `data-testid="attach-file-note"`}},
		{"caption over 1024", "bread.png", bytes.NewReader(png), map[string]string{"caption": strings.Repeat("c", 1025)}, 422,
			[]string{"at most 1024"}},
		{"quoting a message not yet sent", "bread.png", bytes.NewReader(png), map[string]string{"reply_to": strconv.FormatInt(out[0].ID, 10)}, 422,
			[]string{"has not reached WhatsApp"}},
		{"larger than any file", "huge.pdf", io.MultiReader(bytes.NewReader(pdf), io.LimitReader(zeros{}, 101<<20)), nil, 413,
			[]string{"larger than 100 MB"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := s.upload(agent, s.open, tc.filename, tc.content, tc.fields)
			if p.status != tc.status {
				t.Fatalf("status %d, want %d\n%s", p.status, tc.status, p.body)
			}
			mustContain(t, p, tc.want...)
		})
	}
	if got := len(s.outbound(s.open)); got != 2 {
		t.Fatalf("%d outbound messages after refused attachments, want 2", got)
	}
}

// simURL is the address of the site's simulator for direct calls.
func (s *composeSite) simURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(s.sim.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestReplyToQuotesAMessageOfThisConversation(t *testing.T) {
	s := startComposeSite(t)
	agent := s.signIn("agent@example.com")
	ctx := context.Background()
	mine, err := s.db.ConversationMessages(ctx, s.open, 0)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := s.db.ConversationMessages(ctx, s.expired, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, replyTo, want string
	}{
		{"another conversation's message", strconv.FormatInt(theirs[0].ID, 10), "not in this conversation"},
		{"unknown message", "999999", "not in this conversation"},
		{"not a message id", "wamid.forged", "not in this conversation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := s.post(agent, s.path(s.open, "/messages"), url.Values{"text": {"Yes, we do!"}, "reply_to": {tc.replyTo}})
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", p.status)
			}
			mustContain(t, p, tc.want, "Yes, we do!")
		})
	}
	quoted := strconv.FormatInt(mine[0].ID, 10)
	p := s.post(agent, s.path(s.open, "/messages"), url.Values{"text": {""}, "reply_to": {quoted}})
	// A refused reply keeps what it quotes, and shows it.
	mustContain(t, p, `data-testid="composer-reply"`, html.EscapeString("Hello from Sheena Nelson"), `value="`+quoted+`"`)
	p = s.post(agent, s.path(s.open, "/messages"), url.Values{"text": {"Yes, we do!"}, "reply_to": {quoted}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("reply: status %d\n%s", p.status, p.body)
	}
	out := s.outbound(s.open)
	msg, _, ctxWAMID := s.payload(out[len(out)-1].ID)
	if msg.ReplyTo != "wamid.in-16505551234" || ctxWAMID != "wamid.in-16505551234" || msg.Text == nil || msg.Text.Body != "Yes, we do!" {
		t.Fatalf("reply = %+v, context %q", msg, ctxWAMID)
	}
	// A queued message has no WhatsApp ID yet: it cannot be quoted.
	p = s.post(agent, s.path(s.open, "/messages"), url.Values{"text": {"And again"}, "reply_to": {strconv.FormatInt(out[len(out)-1].ID, 10)}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("quoting a queued message: status %d", p.status)
	}
	mustContain(t, p, "has not reached WhatsApp")
}
