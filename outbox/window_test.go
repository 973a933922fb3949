package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// conversationAt opens a conversation whose customer last wrote at at.
func (f *fixture) conversationAt(t *testing.T, waID string, at time.Time) int64 {
	t.Helper()
	a, err := f.db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: f.channel,
		Messages: []store.InboundMessage{{WAMID: "wamid.in-" + waID, Phone: "+" + waID, WaID: waID, Type: "text",
			Text: "hello", Payload: "{}", Timestamp: at}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("conversation with %s: %+v %v", waID, a, err)
	}
	return a.NewMessages[0].ConversationID
}

func outbound(t *testing.T, db *store.DB, conv int64) []store.Message {
	t.Helper()
	msgs, err := db.ConversationMessages(context.Background(), conv, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Message
	for _, m := range msgs {
		if m.Direction == "out" {
			out = append(out, m)
		}
	}
	return out
}

func TestFreeFormIsRefusedOutsideTheWindow(t *testing.T) {
	f := newFixture(t, 400, 100*time.Millisecond, 5)
	ctx := context.Background()
	expired := f.conversationAt(t, "16505550001", time.Now().Add(-25*time.Hour))
	freeForm := map[string]providers.OutboundMessage{
		"text":        text("hello again"),
		"image":       {Media: &providers.Media{Kind: providers.KindImage, ID: "123"}},
		"document":    {Media: &providers.Media{Kind: providers.KindDocument, ID: "123", Filename: "menu.pdf"}},
		"interactive": {Interactive: &providers.Interactive{Type: providers.InteractiveButton, Body: "Pick one", Buttons: []providers.ReplyButton{{ID: "a", Title: "A"}}}},
		"reaction":    {Reaction: &providers.Reaction{MessageID: "wamid.in-16505550001", Emoji: "👍"}},
		"location":    {Location: &providers.Location{Latitude: 38.7, Longitude: -9.1}},
	}
	for name, msg := range freeForm {
		_, err := outbox.Enqueue(ctx, f.db, expired, msg)
		var wc *outbox.WindowClosedError
		if !errors.As(err, &wc) || wc.Reason == "" {
			t.Errorf("%s outside the window: err = %v, want a WindowClosedError", name, err)
		}
	}
	if got := outbound(t, f.db, expired); len(got) != 0 {
		t.Fatalf("refused messages were stored: %+v", got)
	}
	tpl := providers.OutboundMessage{Template: &providers.TemplateMessage{Name: "hello_world", Language: "en_US"}}
	if _, err := outbox.Enqueue(ctx, f.db, expired, tpl); err != nil {
		t.Fatalf("a template outside the window: %v", err)
	}
	if _, err := outbox.Enqueue(ctx, f.db, 999, text("hi")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown conversation: %v", err)
	}
}

// refusingSender answers every message as the Cloud API answers a
// free-form message outside the window when it refuses it at once.
type refusingSender struct{}

func (refusingSender) SendMessage(context.Context, string, providers.OutboundMessage) (providers.SendResult, error) {
	return providers.SendResult{}, &providers.Error{Provider: providers.MetaCloud, Op: providers.OpSendMessage, Kind: providers.ErrorKindWindowClosed,
		HTTPStatus: 400, Code: 131047, Title: "Re-engagement message", Details: "More than 24 hours have passed since the recipient last replied to the sender number."}
}

func (refusingSender) MarkRead(context.Context, string, string, bool) error { return nil }

func TestRefusalForTheWindowClosesIt(t *testing.T) {
	f := newFixture(t, 400, 100*time.Millisecond, 5)
	ctx := context.Background()
	conv := f.conversation(t, "16505550002")
	s := outbox.NewSender(f.db, func(int64) (providers.MessageSender, error) { return refusingSender{}, nil }, outbox.Config{})
	closedWindows := make(chan int64, 4)
	s.OnWindowClosed = func(conversationID int64) { closedWindows <- conversationID }
	if _, err := s.Enqueue(ctx, conv, text("hello?")); err != nil {
		t.Fatal(err)
	}
	run(t, s)
	if st := settle(t, s, 1); st.Failed != 1 {
		t.Fatalf("stats = %+v", st)
	}
	select {
	case got := <-closedWindows:
		if got != conv {
			t.Fatalf("OnWindowClosed heard of conversation %d, want %d", got, conv)
		}
	case <-time.After(30 * time.Second): // it runs just after the counters move
		t.Fatal("the refusal closed the window but OnWindowClosed was not called")
	}
	w, err := f.db.WindowOf(ctx, conv)
	if err != nil || w.ClosedAt == nil {
		t.Fatalf("window after 131047 = %+v, %v; want closed", w, err)
	}
	// Our clock says the window is open, WhatsApp said it is not.
	_, err = s.Enqueue(ctx, conv, text("and again?"))
	var wc *outbox.WindowClosedError
	if !errors.As(err, &wc) {
		t.Fatalf("after the provider closed the window: err = %v", err)
	}
}

func TestShownTextAndRendering(t *testing.T) {
	f := newFixture(t, 400, 100*time.Millisecond, 5)
	ctx := context.Background()
	conv := f.conversation(t, "16505550003")
	msg := providers.OutboundMessage{Template: &providers.TemplateMessage{Name: "order_ready", Language: "en_US",
		Components: []providers.TemplateParams{{Type: "body", Parameters: []providers.TemplateParameter{{Type: "text", Text: "Ana"}, {Type: "text", Text: "#7"}}}}}}
	type rendered struct{ Body string }
	m, err := outbox.Enqueue(ctx, f.db, conv, msg, outbox.ShowText("Hi Ana, your order #7 is ready."),
		outbox.ShowRendered(rendered{Body: "Hi Ana, your order #7 is ready."}))
	if err != nil {
		t.Fatal(err)
	}
	got := outbound(t, f.db, conv)
	if len(got) != 1 || got[0].Text != "Hi Ana, your order #7 is ready." || got[0].Type != "template" {
		t.Fatalf("stored = %+v", got)
	}
	var payload string
	if err := f.db.R.QueryRow(`SELECT payload FROM messages WHERE id = ?`, m.MessageID).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	var back struct {
		providers.OutboundMessage
		Rendered rendered
	}
	if err := json.Unmarshal([]byte(payload), &back); err != nil {
		t.Fatal(err)
	}
	if back.Template == nil || back.Template.Name != "order_ready" || back.Rendered.Body != "Hi Ana, your order #7 is ready." {
		t.Fatalf("payload = %s", payload)
	}
	// The request replayed to the provider is the message alone.
	j, err := f.db.OutboxJobByID(ctx, m.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	var req map[string]any
	if err := json.Unmarshal(j.Request, &req); err != nil || req["Rendered"] != nil || req["Template"] == nil {
		t.Fatalf("request = %s (%v)", j.Request, err)
	}
}
