package outbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/dailycap"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
)

// TestDailyCapRefusesTheSixthUntilTheNextDay: on an unofficial (Maytapi)
// channel with its cap set to 5, the sixth message of the day is refused
// with the reset time and nothing is stored; the next day (clock
// injected) the first message goes out. The 24-hour window does not
// apply: the customer wrote two days ago.
func TestDailyCapRefusesTheSixthUntilTheNextDay(t *testing.T) {
	f := newFixture(t, 400, 100*time.Millisecond, 5)
	ctx := context.Background()
	if _, err := f.db.W.ExecContext(ctx, `UPDATE channels SET provider = ? WHERE id = ?`, string(providers.Maytapi), f.channel); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetChannelDailyCap(ctx, f.channel, 5); err != nil {
		t.Fatal(err)
	}
	conv := f.conversationAt(t, "16505550002", time.Now().Add(-48*time.Hour))
	now := time.Now().UTC()
	for i := 0; i < 5; i++ {
		if _, err := outbox.Enqueue(ctx, f.db, conv, text("message "+string(rune('a'+i))), outbox.At(now)); err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
	}
	_, err := outbox.Enqueue(ctx, f.db, conv, text("the sixth"), outbox.At(now))
	var capped *dailycap.ReachedError
	if !errors.As(err, &capped) {
		t.Fatalf("the sixth message: err = %v, want the daily cap", err)
	}
	_, reset := dailycap.Day(now)
	if !capped.ResetAt.Equal(reset) || !strings.Contains(err.Error(), reset.Format("15:04")+" UTC") {
		t.Errorf("reset time: %v, %q", capped.ResetAt, err)
	}
	if got := outbound(t, f.db, conv); len(got) != 5 {
		t.Errorf("%d messages stored, want 5", len(got))
	}
	if _, err := outbox.Enqueue(ctx, f.db, conv, text("tomorrow"), outbox.At(reset.Add(time.Minute))); err != nil {
		t.Fatalf("the next day's first message: %v", err)
	}
	// Without a cap of its own the channel has Maytapi's 6,000.
	if err := f.db.SetChannelDailyCap(ctx, f.channel, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := outbox.Enqueue(ctx, f.db, conv, text("seventh today"), outbox.At(now)); err != nil {
		t.Errorf("under Maytapi's default cap: %v", err)
	}
}
