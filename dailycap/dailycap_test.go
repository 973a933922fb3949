package dailycap

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheckRefusesAtTheCapUntilMidnightUTC(t *testing.T) {
	now := time.Date(2026, 12, 7, 18, 30, 0, 0, time.UTC)
	if err := Check(4, 5, now); err != nil {
		t.Errorf("the fifth message is refused: %v", err)
	}
	err := Check(5, 5, now)
	var re *ReachedError
	if !errors.As(err, &re) || !re.ResetAt.Equal(time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("the sixth: %v", err)
	}
	if !strings.Contains(err.Error(), "00:00 UTC") || !strings.Contains(err.Error(), "5 messages") {
		t.Errorf("words: %q", err)
	}
	if Check(6000, 0, now) != nil || Limit(0, 6000) != 6000 || Limit(5, 6000) != 5 || Limit(0, 0) != 0 {
		t.Error("limits")
	}
	g := Gauge{Sent: 5400, Limit: 6000, ResetAt: time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)}
	if !g.Near() || g.Left() != 600 || g.Words() != "5,400 of 6,000 messages sent today; 600 left until 00:00 UTC." {
		t.Errorf("gauge %v %d %q", g.Near(), g.Left(), g.Words())
	}
}
