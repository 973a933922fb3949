package outbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wadesk/wadesk/limits"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// secondNumber adds another number of the fixture's business portfolio
// (same business ID, another WhatsApp Business Account).
func (f *fixture) secondNumber(t *testing.T, business string) int64 {
	t.Helper()
	ch, err := f.db.CreatePendingChannel(context.Background(), store.NewChannel{Title: "Bakery 2", Provider: "meta_cloud",
		BusinessID: business, WABAID: "104500000000099", PhoneNumberID: "109900000000099",
		Secrets: store.ChannelSecrets{AccessToken: "t", AppSecret: "s", VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.ActivateChannel(context.Background(), ch.ID); err != nil {
		t.Fatal(err)
	}
	return ch.ID
}

func (f *fixture) conversationOn(t *testing.T, channel int64, waID string, at time.Time) int64 {
	t.Helper()
	a, err := f.db.ApplyProcessedEvents(context.Background(), []store.ProcessedEvent{{ChannelID: channel,
		Messages: []store.InboundMessage{{WAMID: "wamid.in-" + waID + "-" + itoa(channel), Phone: "+" + waID, WaID: waID, Type: "text",
			Text: "hello", Payload: "{}", Timestamp: at}}}})
	if err != nil || len(a.NewMessages) != 1 {
		t.Fatalf("conversation with %s: %+v %v", waID, a, err)
	}
	return a.NewMessages[0].ConversationID
}

func itoa(n int64) string {
	b := []byte{}
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func hello() providers.OutboundMessage {
	return providers.OutboundMessage{Template: &providers.TemplateMessage{Name: "hello_world", Language: "en_US"}}
}

// TestPortfolioLimitCounting is the table of the messaging limit as the
// outbox applies it, on real SQLite: each step queues a message at a time
// (relative to t0) and expects it queued or refused, and the portfolio's
// count after it. The limit is 2 customers; the customers last wrote 30
// hours before t0 (no window open) except "open", who wrote 1 hour before.
func TestPortfolioLimitCounting(t *testing.T) {
	f := newFixture(t, 400, time.Millisecond, 100)
	ctx := context.Background()
	const business = "512300000000001"
	if _, _, err := f.db.SetPortfolioLimit(ctx, business, "2", 2, "webhook", time.Now()); err != nil {
		t.Fatal(err)
	}
	other := f.secondNumber(t, business)
	t0 := time.Now().UTC().Truncate(time.Second)
	old := t0.Add(-30 * time.Hour)
	convs := map[string]int64{
		"a@1":    f.conversationOn(t, f.channel, "16505550101", old),
		"b@1":    f.conversationOn(t, f.channel, "16505550102", old),
		"c@1":    f.conversationOn(t, f.channel, "16505550103", old),
		"a@2":    f.conversationOn(t, other, "16505550101", old), // customer a, through the portfolio's other number
		"c@2":    f.conversationOn(t, other, "16505550103", old),
		"open@1": f.conversationOn(t, f.channel, "16505550199", t0.Add(-time.Hour)),
	}
	steps := []struct {
		name    string
		conv    string
		msg     providers.OutboundMessage
		at      time.Duration
		refused bool
		count   int
	}{
		{"first customer", "a@1", hello(), 0, false, 1},
		{"same customer twice takes no new place", "a@1", hello(), time.Minute, false, 1},
		{"same customer through the other number of the portfolio", "a@2", hello(), 2 * time.Minute, false, 1},
		{"second customer fills the limit", "b@1", hello(), 3 * time.Minute, false, 2},
		{"a third customer is refused", "c@1", hello(), 4 * time.Minute, true, 2},
		{"and through the other number too", "c@2", hello(), 5 * time.Minute, true, 2},
		{"a reached customer still gets templates", "b@1", hello(), 6 * time.Minute, false, 2},
		{"a template inside an open window does not count", "open@1", hello(), 7 * time.Minute, false, 2},
		{"a free-form reply inside the window goes out", "open@1", text("thanks!"), 8 * time.Minute, false, 2},
		// b was last reached at 6 min: a (last at 2 min) frees its place 24 h after.
		{"one nanosecond before a's place frees", "c@1", hello(), 24*time.Hour + 2*time.Minute - time.Nanosecond, true, 2},
		{"exactly 24 h after a's last send the place is free", "c@1", hello(), 24*time.Hour + 2*time.Minute, false, 2},
	}
	for _, s := range steps {
		now := t0.Add(s.at)
		_, err := outbox.Enqueue(ctx, f.db, convs[s.conv], s.msg, outbox.At(now))
		var re *limits.ReachedError
		if refused := errors.As(err, &re); refused != s.refused || (err != nil && !refused) {
			t.Fatalf("%s: err = %v, refused want %v", s.name, err, s.refused)
		}
		if s.refused && (re.Limit != 2 || re.FreesAt.IsZero()) {
			t.Errorf("%s: the refusal does not say the limit and when a place frees: %+v", s.name, re)
		}
		u, err := limits.UsageOf(ctx, f.db, other, now)
		if err != nil {
			t.Fatal(err)
		}
		if u.Reached != s.count {
			t.Errorf("%s: the portfolio counts %d customers, want %d", s.name, u.Reached, s.count)
		}
	}
	// campaigns: the room left and whether a phone would count.
	now := t0.Add(24*time.Hour + 2*time.Minute)
	room, err := limits.RoomFor(ctx, f.db, f.channel, "+1 650 555 0102", now)
	if err != nil {
		t.Fatal(err)
	}
	if room.Left != 0 || room.WouldCount {
		t.Errorf("room for b (reached) = %+v, want 0 left and not counting", room)
	}
	room, err = limits.RoomFor(ctx, f.db, f.channel, "16505550177", t0.Add(49*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if room.Left != 2 || !room.WouldCount {
		t.Errorf("room 49 hours later for a new phone = %+v, want 2 left and counting", room)
	}
}

// TestRestrictedAccountRefusesTemplatesNotReplies: a restriction on
// business-initiated messages refuses a template outside the window, not
// a reply inside it.
func TestRestrictedAccountRefusesTemplatesNotReplies(t *testing.T) {
	f := newFixture(t, 400, time.Millisecond, 100)
	ctx := context.Background()
	now := time.Now().UTC()
	if err := f.db.SetAccountState(ctx, store.AccountState{WABAID: "104500000000011", LastEvent: "ACCOUNT_RESTRICTION", UpdatedAt: now,
		Restrictions: []store.AccountRestriction{{Type: limits.RestrictBusinessInitiated, Until: now.Add(time.Hour)}}}, true); err != nil {
		t.Fatal(err)
	}
	closed := f.conversationOn(t, f.channel, "16505550201", now.Add(-30*time.Hour))
	open := f.conversationOn(t, f.channel, "16505550202", now.Add(-time.Hour))
	_, err := outbox.Enqueue(ctx, f.db, closed, hello(), outbox.At(now))
	var be *limits.BlockedError
	if !errors.As(err, &be) || be.Block.Reason != limits.BlockBusinessInitiated {
		t.Fatalf("template outside the window: %v", err)
	}
	if _, err := outbox.Enqueue(ctx, f.db, open, text("hi"), outbox.At(now)); err != nil {
		t.Fatalf("reply inside the window: %v", err)
	}
	if _, err := outbox.Enqueue(ctx, f.db, closed, hello(), outbox.At(now.Add(2*time.Hour))); err != nil {
		t.Fatalf("after the restriction ended: %v", err)
	}
}
