package window

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/wadesk/wadesk/providers"
)

var base = time.Date(2025, 7, 10, 9, 30, 0, 0, time.UTC)

func TestAt(t *testing.T) {
	tests := []struct {
		name          string
		lastInbound   time.Time
		now           time.Time
		wantOpen      bool
		wantCloses    time.Time
		wantRemaining time.Duration
		wantCause     Cause
	}{
		{"never wrote", time.Time{}, base, false, time.Time{}, 0, CauseNoInbound},
		{"just wrote", base, base, true, base.Add(24 * time.Hour), 24 * time.Hour, CauseNone},
		{"one hour later", base, base.Add(time.Hour), true, base.Add(24 * time.Hour), 23 * time.Hour, CauseNone},
		{"1ns before 24h", base, base.Add(24*time.Hour - time.Nanosecond), true, base.Add(24 * time.Hour), time.Nanosecond, CauseNone},
		{"exactly 24h", base, base.Add(24 * time.Hour), false, base.Add(24 * time.Hour), 0, CauseExpired},
		{"1ns after 24h", base, base.Add(24*time.Hour + time.Nanosecond), false, base.Add(24 * time.Hour), 0, CauseExpired},
		{"days later", base, base.Add(100 * time.Hour), false, base.Add(24 * time.Hour), 0, CauseExpired},
		{"clock skew: inbound 5 min in the future", base.Add(5 * time.Minute), base, true, base.Add(24 * time.Hour), 24 * time.Hour, CauseNone},
		{"clock skew: inbound days in the future", base.Add(72 * time.Hour), base, true, base.Add(24 * time.Hour), 24 * time.Hour, CauseNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := At(tt.lastInbound, tt.now)
			if s.Open != tt.wantOpen || !s.ClosesAt.Equal(tt.wantCloses) || s.Remaining != tt.wantRemaining || s.Cause != tt.wantCause {
				t.Errorf("At = %+v; want Open=%v ClosesAt=%v Remaining=%v Cause=%q", s, tt.wantOpen, tt.wantCloses, tt.wantRemaining, tt.wantCause)
			}
			if s.FreeEntryPoint || !s.FreeUntil.IsZero() {
				t.Errorf("no referral, but FreeEntryPoint=%v FreeUntil=%v", s.FreeEntryPoint, s.FreeUntil)
			}
			if !s.ClosesAt.IsZero() && s.ClosesAt.Location() != time.UTC {
				t.Errorf("ClosesAt %v is not in UTC", s.ClosesAt)
			}
		})
	}
}

// A refreshed window counts from the newest customer message only.
func TestAtRefreshedByNewerMessage(t *testing.T) {
	now := base.Add(30 * time.Hour)
	if s := At(base, now); s.Open {
		t.Fatalf("window from a message 30h ago is open: %+v", s)
	}
	s := At(base.Add(20*time.Hour), now)
	if !s.Open || s.Remaining != 14*time.Hour {
		t.Errorf("window refreshed 10h ago: %+v; want open with 14h left", s)
	}
}

// Durations are absolute: the night clocks go forward a window still lasts
// 24 real hours, and the zone of the inputs does not matter.
func TestAtIgnoresDaylightSaving(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	// 2025-03-09 02:00 EST clocks jump to 03:00 EDT.
	last := time.Date(2025, 3, 8, 12, 0, 0, 0, ny)
	wallNextDay := time.Date(2025, 3, 9, 12, 0, 0, 0, ny) // only 23 real hours later
	s := At(last, wallNextDay)
	if !s.Open || s.Remaining != time.Hour {
		t.Errorf("23 real hours after: %+v; want open with 1h left", s)
	}
	if want := last.Add(24 * time.Hour).UTC(); !s.ClosesAt.Equal(want) || s.ClosesAt.Location() != time.UTC {
		t.Errorf("ClosesAt = %v; want %v in UTC", s.ClosesAt, want)
	}
	if s := At(last, last.Add(24*time.Hour).In(ny)); s.Open {
		t.Errorf("24 real hours after, across DST: %+v; want closed", s)
	}
}

func TestAtReferral(t *testing.T) {
	tests := []struct {
		name        string
		lastInbound time.Time
		referral    time.Time
		now         time.Time
		wantOpen    bool
		wantFree    bool
		wantUntil   time.Time
	}{
		{"ad message just now", base, base, base, true, true, base.Add(72 * time.Hour)},
		{"ad message is the only message", time.Time{}, base, base.Add(time.Hour), true, true, base.Add(72 * time.Hour)},
		{"25h later: service window closed, still free", base, base, base.Add(25 * time.Hour), false, true, base.Add(72 * time.Hour)},
		{"1ns before 72h", base, base, base.Add(72*time.Hour - time.Nanosecond), false, true, base.Add(72 * time.Hour)},
		{"exactly 72h", base, base, base.Add(72 * time.Hour), false, false, base.Add(72 * time.Hour)},
		{"after 72h, customer wrote again", base.Add(71 * time.Hour), base, base.Add(73 * time.Hour), true, false, base.Add(72 * time.Hour)},
		{"referral in the future is taken as now", base, base.Add(time.Hour), base, true, true, base.Add(72 * time.Hour)},
		{"zero referral is ignored", base, time.Time{}, base, true, false, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := At(tt.lastInbound, tt.now, WithReferral(tt.referral))
			if s.Open != tt.wantOpen || s.FreeEntryPoint != tt.wantFree || !s.FreeUntil.Equal(tt.wantUntil) {
				t.Errorf("At = %+v; want Open=%v FreeEntryPoint=%v FreeUntil=%v", s, tt.wantOpen, tt.wantFree, tt.wantUntil)
			}
		})
	}
}

func TestClosedByProvider(t *testing.T) {
	now := base.Add(2 * time.Hour)
	open := At(base, now, WithReferral(base))
	s := ClosedByProvider(open, now)
	if s.Open || s.Remaining != 0 || !s.ClosesAt.Equal(now) || s.Cause != CauseProvider {
		t.Errorf("ClosedByProvider(open) = %+v; want closed at %v by the provider", s, now)
	}
	if !s.FreeEntryPoint || !s.FreeUntil.Equal(open.FreeUntil) {
		t.Errorf("free entry point lost: %+v", s)
	}
	// An already expired window keeps the time it really closed.
	expired := At(base, base.Add(30*time.Hour))
	s = ClosedByProvider(expired, base.Add(30*time.Hour))
	if !s.ClosesAt.Equal(base.Add(24*time.Hour)) || s.Cause != CauseProvider {
		t.Errorf("ClosedByProvider(expired) = %+v; want ClosesAt %v", s, base.Add(24*time.Hour))
	}
	// Never opened: closes now.
	s = ClosedByProvider(At(time.Time{}, now), now)
	if s.Open || !s.ClosesAt.Equal(now) {
		t.Errorf("ClosedByProvider(never opened) = %+v", s)
	}
}

func TestStored(t *testing.T) {
	now := base.Add(2 * time.Hour)
	if s := Stored(base, nil, now); !s.Open || s.Cause != CauseNone {
		t.Errorf("Stored without a refusal = %+v; want open", s)
	}
	closed := base.Add(time.Hour)
	if s := Stored(base, &closed, now); s.Open || s.Cause != CauseProvider {
		t.Errorf("Stored after a refusal = %+v; want closed by the provider", s)
	}
	if s := Stored(base, nil, base.Add(25*time.Hour)); s.Open || s.Cause != CauseExpired {
		t.Errorf("Stored after 25 hours = %+v; want expired", s)
	}
}

func TestIsWindowClosedError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("boom"), false},
		{"131047 by code", &providers.Error{Code: 131047}, true},
		{"window closed kind", &providers.Error{Kind: providers.ErrorKindWindowClosed}, true},
		{"wrapped", fmt.Errorf("inbox: send reply: %w", &providers.Error{Code: 131047, Kind: providers.ClassifyMeta(131047, 0, 400)}), true},
		{"other provider error", &providers.Error{Code: 131056, Kind: providers.ErrorKindPairRate}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsWindowClosedError(tt.err); got != tt.want {
				t.Errorf("IsWindowClosedError(%v) = %v; want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestIsWindowClosedStatus(t *testing.T) {
	if IsWindowClosedStatus(nil) {
		t.Error("no errors reported as window closed")
	}
	if IsWindowClosedStatus([]providers.ErrorDetail{{Code: 131026}}) {
		t.Error("131026 reported as window closed")
	}
	if !IsWindowClosedStatus([]providers.ErrorDetail{{Code: 131026}, {Code: 131047}}) {
		t.Error("131047 not reported as window closed")
	}
}

func TestCanSendFreeForm(t *testing.T) {
	now := base.Add(time.Hour)
	tests := []struct {
		name       string
		s          State
		want       bool
		wantReason string
	}{
		{"open", At(base, now), true, ""},
		{"never wrote", At(time.Time{}, now), false, "has not written to this number yet"},
		{"expired", At(base, base.Add(24*time.Hour)), false, "More than 24 hours have passed since the customer's last message. Send an approved template instead."},
		{"closed by provider", ClosedByProvider(At(base, now), now), false, "WhatsApp says"},
		{"free entry point does not allow free-form after 24h", At(base, base.Add(30*time.Hour), WithReferral(base)), false, "More than 24 hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason := CanSendFreeForm(tt.s)
			if ok != tt.want || !strings.Contains(reason, tt.wantReason) || (!ok && reason == "") || (ok && reason != "") {
				t.Errorf("CanSendFreeForm = %v, %q; want %v with %q", ok, reason, tt.want, tt.wantReason)
			}
		})
	}
}

func TestCharge(t *testing.T) {
	tests := []struct {
		category string
		inWindow bool
		want     bool
		noteHas  string
	}{
		{"marketing", true, true, "Marketing templates are charged"},
		{"MARKETING", false, true, "Marketing templates are charged"},
		{"authentication", true, true, "Authentication templates are charged"},
		{"AUTHENTICATION", false, true, "Authentication templates are charged"},
		{"utility", true, false, "free while the 24-hour window is open"},
		{"UTILITY", false, true, "charged for each delivered message outside"},
		{"service", true, false, "free"},
		{"", true, false, "free"},
		{"service", false, false, "cannot be sent outside"},
		{"loyalty", true, true, "not known"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/inWindow=%v", tt.category, tt.inWindow), func(t *testing.T) {
			got, note := Charge(tt.category, tt.inWindow)
			if got != tt.want || !strings.Contains(note, tt.noteHas) {
				t.Errorf("Charge(%q, %v) = %v, %q; want %v with %q", tt.category, tt.inWindow, got, note, tt.want, tt.noteHas)
			}
		})
	}
}

func TestChargeIn(t *testing.T) {
	tests := []struct {
		name     string
		category string
		s        State
		want     bool
		noteHas  string
	}{
		{"marketing in free entry point", "MARKETING", At(base, base.Add(50*time.Hour), WithReferral(base)), false, "free for 72 hours"},
		{"utility in free entry point, window closed", "utility", At(base, base.Add(50*time.Hour), WithReferral(base)), false, "free for 72 hours"},
		{"free-form in free entry point, window closed", "service", At(base, base.Add(50*time.Hour), WithReferral(base)), false, "cannot be sent outside"},
		{"free-form in free entry point, window open", "", At(base, base.Add(time.Hour), WithReferral(base)), false, "free for 72 hours"},
		{"marketing after free entry point", "marketing", At(base, base.Add(72*time.Hour), WithReferral(base)), true, "Marketing templates are charged"},
		{"utility without referral, window open", "utility", At(base, base.Add(time.Hour)), false, "free while"},
		{"utility without referral, window closed", "utility", At(base, base.Add(24*time.Hour)), true, "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, note := ChargeIn(tt.category, tt.s)
			if got != tt.want || !strings.Contains(note, tt.noteHas) {
				t.Errorf("ChargeIn(%q, %+v) = %v, %q; want %v with %q", tt.category, tt.s, got, note, tt.want, tt.noteHas)
			}
		})
	}
}
