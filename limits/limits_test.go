package limits

import (
	"errors"
	"testing"
	"time"

	"github.com/wadesk/wadesk/i18n"
)

func TestParseTier(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Limit
		ok   bool
	}{
		{"TIER_250", Of(250), true},
		{"TIER_2K", Of(2000), true},
		{"TIER_1K", Of(2000), true}, // Meta raised 1,000 to 2,000
		{"TIER_10K", Of(10000), true},
		{"TIER_100K", Of(100000), true},
		{"TIER_UNLIMITED", Unlimited, true},
		{"TIER_50", Of(50), true},
		{"2000", Of(2000), true},
		{"-1", Unlimited, true},
		{" tier_250 ", Of(250), true},
		{"TIER_NOT_SET", Limit{}, false},
		{"", Limit{}, false},
		{"0", Limit{}, false},
		{"-5", Limit{}, false},
	} {
		got, ok := ParseTier(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseTier(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	if FromStored(Of(250).Stored()) != Of(250) || FromStored(Unlimited.Stored()) != Unlimited || FromStored(0).Known {
		t.Error("Stored/FromStored do not round-trip")
	}
}

// TestCount: unique customers in a moving 24 hours; the same customer
// twice is one; a reach exactly 24 hours old no longer counts (its place
// frees at that instant); one a nanosecond younger still does.
func TestCount(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	for _, tc := range []struct {
		name    string
		reaches []Reach
		want    int
		frees   time.Time
	}{
		{"none", nil, 0, time.Time{}},
		{"one", []Reach{{"1", ago(time.Hour)}}, 1, ago(time.Hour).Add(Window)},
		{"same customer twice", []Reach{{"1", ago(5 * time.Hour)}, {"1", ago(time.Hour)}}, 1, ago(time.Hour).Add(Window)},
		{"two customers", []Reach{{"1", ago(5 * time.Hour)}, {"2", ago(time.Hour)}}, 2, ago(5 * time.Hour).Add(Window)},
		{"exactly 24 h ago", []Reach{{"1", ago(Window)}}, 0, time.Time{}},
		{"just under 24 h ago", []Reach{{"1", ago(Window - time.Nanosecond)}}, 1, now.Add(time.Nanosecond)},
		{"older than 24 h, then again", []Reach{{"1", ago(30 * time.Hour)}, {"1", ago(2 * time.Hour)}}, 1, ago(2 * time.Hour).Add(Window)},
		{"in the future (clock skew)", []Reach{{"1", now.Add(time.Minute)}}, 0, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, frees := Count(tc.reaches, now)
			if n != tc.want || !frees.Equal(tc.frees) {
				t.Errorf("Count = %d, frees %v; want %d, %v", n, frees, tc.want, tc.frees)
			}
		})
	}
}

func TestUsageAndCheck(t *testing.T) {
	frees := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name          string
		u             Usage
		already       bool
		percent, left int
		near, refused bool
	}{
		{"empty", Usage{Limit: Of(250)}, false, 0, 250, false, false},
		{"79 %", Usage{Limit: Of(100), Reached: 79}, false, 79, 21, false, false},
		{"80 % warns", Usage{Limit: Of(100), Reached: 80}, false, 80, 20, true, false},
		{"last place", Usage{Limit: Of(2), Reached: 1}, false, 50, 1, false, false},
		{"full refuses a new customer", Usage{Limit: Of(2), Reached: 2, FreesAt: frees}, false, 100, 0, true, true},
		{"full lets a reached customer through", Usage{Limit: Of(2), Reached: 2}, true, 100, 0, true, false},
		{"unlimited", Usage{Limit: Unlimited, Reached: 1e6}, false, 0, -1, false, false},
		{"unknown limit refuses nothing", Usage{Reached: 5000}, false, 0, -1, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p := tc.u.Percent(); p != tc.percent {
				t.Errorf("Percent = %d, want %d", p, tc.percent)
			}
			if l := tc.u.Left(); l != tc.left {
				t.Errorf("Left = %d, want %d", l, tc.left)
			}
			if n := tc.u.Near(); n != tc.near {
				t.Errorf("Near = %v, want %v", n, tc.near)
			}
			err := Check(tc.u, tc.already)
			var re *ReachedError
			if got := errors.As(err, &re); got != tc.refused {
				t.Fatalf("Check = %v, refused want %v", err, tc.refused)
			}
			if tc.refused && (re.Limit != tc.u.Limit.Customers || !re.FreesAt.Equal(tc.u.FreesAt)) {
				t.Errorf("refusal %+v does not say the limit and when a place frees", re)
			}
		})
	}
}

func TestBusinessInitiated(t *testing.T) {
	if !BusinessInitiated(true, true, false) {
		t.Error("a template outside the window is business-initiated")
	}
	for _, c := range [][3]bool{{true, true, true}, {true, false, false}, {false, true, false}} {
		if BusinessInitiated(c[0], c[1], c[2]) {
			t.Errorf("BusinessInitiated%v = true", c)
		}
	}
}

func TestAccountBlock(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	for _, tc := range []struct {
		name   string
		st     AccountState
		bi     bool
		reason string
		refuse bool
	}{
		{"nothing known", AccountState{}, true, BlockNone, false},
		{"disabled refuses everything", AccountState{BanState: BanDisabled}, false, BlockDisabled, true},
		{"business-initiated restricted: template refused", AccountState{Restrictions: []Restriction{{RestrictBusinessInitiated, later}}}, true, BlockBusinessInitiated, true},
		{"business-initiated restricted: reply goes", AccountState{Restrictions: []Restriction{{RestrictBusinessInitiated, later}}}, false, BlockNone, false},
		{"restriction over", AccountState{Restrictions: []Restriction{{RestrictBusinessInitiated, earlier}}}, true, BlockNone, false},
		{"restriction without end", AccountState{Restrictions: []Restriction{{RestrictBusinessInitiated, time.Time{}}}}, true, BlockBusinessInitiated, true},
		{"replies restricted", AccountState{Restrictions: []Restriction{{RestrictCustomerInitiated, later}}}, false, BlockCustomerInitiated, true},
		{"payment problem warns", AccountState{SendProblem: "payment"}, false, BlockPayment, false},
		{"restricted by error warns", AccountState{SendProblem: "account_restricted"}, true, BlockRestricted, false},
		{"scheduled for disable warns", AccountState{BanState: BanScheduled}, true, BlockScheduledToDisable, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := AccountBlock(tc.st, tc.bi, now)
			if b.Reason != tc.reason || b.Refuse != tc.refuse {
				t.Errorf("AccountBlock = %+v, want %q refuse %v", b, tc.reason, tc.refuse)
			}
		})
	}
}

func TestPausedUntil(t *testing.T) {
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	if u, ok := PausedUntil("FIRST_PAUSE", at); !ok || !u.Equal(at.Add(3*time.Hour)) {
		t.Errorf("first pause: %v %v", u, ok)
	}
	if u, ok := PausedUntil("SECOND_PAUSE", at); !ok || !u.Equal(at.Add(6*time.Hour)) {
		t.Errorf("second pause: %v %v", u, ok)
	}
	if _, ok := PausedUntil("", at); ok {
		t.Error("a pause without a title has no known end")
	}
}

// TestEveryBlockHasWords: each reason the composer may show has a message
// in the catalog (the handlers build its id from the reason).
func TestEveryBlockHasWords(t *testing.T) {
	for _, r := range []string{BlockDisabled, BlockScheduledToDisable, BlockBusinessInitiated, BlockCustomerInitiated, BlockPayment, BlockRestricted} {
		if !i18n.Has("limits.refused." + r) {
			t.Errorf("no message limits.refused.%s", r)
		}
	}
	for _, k := range []string{"status", "quality", "category", "category_notice"} {
		if !i18n.Has("limits.templates.kind_" + k) {
			t.Errorf("no message limits.templates.kind_%s", k)
		}
	}
}
