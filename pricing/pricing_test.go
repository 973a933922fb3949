package pricing

import (
	"testing"
	"time"
)

func day(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// testRates is a small rate card: Brazil with a utility volume tier and a
// marketing price that changed on 15 Nov 2026, and the default market.
var testRates = []Rate{
	{Market: "BR", Category: Marketing, From: day(2025, 7, 1, 0, 0), Micros: 62_500, Currency: "USD", Source: "test"},
	{Market: "BR", Category: Marketing, From: day(2026, 11, 15, 0, 0), Micros: 25_000, Currency: "USD", Source: "test, changed mid-month"},
	{Market: "BR", Category: Utility, From: day(2025, 7, 1, 0, 0), Micros: 3_400, Currency: "USD", Source: "test"},
	{Market: "BR", Category: Utility, From: day(2025, 7, 1, 0, 0), TierFrom: 1000, Micros: 3_000, Currency: "USD", Source: "test tier"},
	{Market: "BR", Category: Authentication, From: day(2025, 7, 1, 0, 0), Micros: 3_400, Currency: "USD", Source: "test"},
	{Market: "BR", Category: Service, From: day(2026, 10, 1, 0, 0), Micros: 3_400, Currency: "USD", Source: "test"},
	{Market: "OTHER", Category: Marketing, From: day(2025, 7, 1, 0, 0), Micros: 60_000, Currency: "USD", Source: "test default"},
	{Market: "OTHER", Category: Utility, From: day(2025, 7, 1, 0, 0), Micros: 8_000, Currency: "USD", Source: "test default"},
	{Market: "OTHER", Category: Service, From: day(2026, 10, 1, 0, 0), Micros: 8_000, Currency: "USD", Source: "test default"},
}

const brazil = "+5511987654321"

func TestQuote(t *testing.T) {
	b := NewBook(testRates)
	no, yes := false, true
	tests := []struct {
		name         string
		in           Input
		wantRule     string
		wantBillable bool
		wantFree     string
		wantMicros   int64
		wantMarket   string
		wantDefault  bool
		wantReported bool
	}{
		// The changeover instant of 1 Oct 2026 (rules.json per_message_v2).
		{"service reply 30 Sep 2026 23:59", Input{At: day(2026, 9, 30, 23, 59), Phone: brazil, InServiceWindow: true},
			"per_message_v1", false, FreeCustomerService, 0, "BR", false, false},
		{"service reply 30 Sep 2026 23:59:59.999", Input{At: day(2026, 10, 1, 0, 0).Add(-time.Millisecond), Phone: brazil, InServiceWindow: true},
			"per_message_v1", false, FreeCustomerService, 0, "BR", false, false},
		{"service reply 1 Oct 2026 00:00", Input{At: day(2026, 10, 1, 0, 0), Phone: brazil, InServiceWindow: true},
			"per_message_v2", true, FreeNone, 3_400, "BR", false, false},

		// Utility inside and outside the window, before and after.
		{"utility in window Aug 2025", Input{At: day(2025, 8, 1, 12, 0), Phone: brazil, Category: "UTILITY", InServiceWindow: true},
			"per_message_v1", false, FreeCustomerService, 0, "BR", false, false},
		{"utility outside window Aug 2025", Input{At: day(2025, 8, 1, 12, 0), Phone: brazil, Category: "UTILITY"},
			"per_message_v1", true, FreeNone, 3_400, "BR", false, false},
		{"utility in window Oct 2026", Input{At: day(2026, 10, 2, 12, 0), Phone: brazil, Category: "UTILITY", InServiceWindow: true},
			"per_message_v2", true, FreeNone, 3_400, "BR", false, false},
		{"utility outside window Oct 2026", Input{At: day(2026, 10, 2, 12, 0), Phone: brazil, Category: "UTILITY"},
			"per_message_v2", true, FreeNone, 3_400, "BR", false, false},

		// The free entry point window from an ad: free before and after.
		{"reply in ad entry window 2025", Input{At: day(2025, 8, 1, 12, 0), Phone: brazil, InServiceWindow: true,
			EntryPointUntil: day(2025, 8, 3, 12, 0)}, "per_message_v1", false, FreeEntryPoint, 0, "BR", false, false},
		{"reply in ad entry window Oct 2026", Input{At: day(2026, 10, 5, 12, 0), Phone: brazil, InServiceWindow: true,
			EntryPointUntil: day(2026, 10, 7, 12, 0)}, "per_message_v2", false, FreeEntryPoint, 0, "BR", false, false},
		{"marketing in ad entry window Oct 2026", Input{At: day(2026, 10, 5, 12, 0), Phone: brazil, Category: "MARKETING",
			EntryPointUntil: day(2026, 10, 7, 12, 0)}, "per_message_v2", false, FreeEntryPoint, 0, "BR", false, false},
		{"reply just after the entry window ends", Input{At: day(2026, 10, 7, 12, 0), Phone: brazil, InServiceWindow: true,
			EntryPointUntil: day(2026, 10, 7, 12, 0)}, "per_message_v2", true, FreeNone, 3_400, "BR", false, false},

		// Volume tier boundary: the 1,000th billed message is the last at
		// the base rate, the 1,001st (999 and 1,000 before it) the first of the tier.
		{"utility 1,000th of the month", Input{At: day(2026, 10, 20, 9, 0), Phone: brazil, Category: Utility, MonthVolume: 999},
			"per_message_v2", true, FreeNone, 3_400, "BR", false, false},
		{"utility 1,001st of the month", Input{At: day(2026, 10, 20, 9, 0), Phone: brazil, Category: Utility, MonthVolume: 1000},
			"per_message_v2", true, FreeNone, 3_000, "BR", false, false},

		// Unknown market: the default market's rate.
		{"unknown market marketing", Input{At: day(2026, 10, 20, 9, 0), Phone: "+6799991234", Category: Marketing},
			"per_message_v2", true, FreeNone, 60_000, "OTHER", false, false},
		{"known market without its own rate", Input{At: day(2026, 10, 20, 9, 0), Phone: "+491701234567", Category: Marketing},
			"per_message_v2", true, FreeNone, 60_000, "DE", true, false},

		// The marketing rate changed on 15 Nov 2026.
		{"marketing 14 Nov 2026", Input{At: day(2026, 11, 14, 23, 59), Phone: brazil, Category: Marketing},
			"per_message_v2", true, FreeNone, 62_500, "BR", false, false},
		{"marketing 15 Nov 2026", Input{At: day(2026, 11, 15, 0, 0), Phone: brazil, Category: Marketing},
			"per_message_v2", true, FreeNone, 25_000, "BR", false, false},

		// The provider's report overrides the estimate.
		{"report: free entry point beats a billed estimate", Input{At: day(2026, 10, 20, 9, 0), Phone: brazil, InServiceWindow: true,
			Reported: &Report{Model: "PMP", Category: "service", Type: TypeFreeEntryPoint}},
			"per_message_v2", false, FreeEntryPoint, 0, "BR", false, true},
		{"report: utility billed though estimated free", Input{At: day(2025, 8, 1, 12, 0), Phone: brazil, Category: Utility, InServiceWindow: true,
			Reported: &Report{Model: "PMP", Category: "utility", Type: TypeRegular}},
			"per_message_v1", true, FreeNone, 3_400, "BR", false, true},
		{"report: another category than the template's", Input{At: day(2026, 10, 20, 9, 0), Phone: brazil, Category: Utility,
			Reported: &Report{Model: "PMP", Category: "marketing", Type: TypeRegular}},
			"per_message_v2", true, FreeNone, 62_500, "BR", false, true},
		{"report: Meta Business Agent recorded without a price", Input{At: day(2026, 10, 20, 9, 0), Phone: brazil,
			Reported: &Report{Model: "PMP", Category: "meta_business_agent", Type: TypeRegular}},
			"per_message_v2", true, FreeNone, 0, "BR", false, true},
		{"report: conversation model not billable", Input{At: day(2024, 5, 1, 9, 0), Phone: brazil, Category: Marketing,
			Reported: &Report{Model: "CBP", Category: "marketing", Billable: &no}},
			"conversation", false, FreeConversationOpen, 0, "BR", false, true},
		{"report: conversation model billable", Input{At: day(2025, 6, 30, 9, 0), Phone: brazil, Category: Marketing,
			Reported: &Report{Model: "CBP", Category: "marketing", Billable: &yes}},
			"conversation_free_service", true, FreeNone, 0, "BR", false, true},

		// The conversation model (before 1 Jul 2025).
		{"conversation: first marketing message opens a paid conversation", Input{At: day(2025, 6, 30, 23, 59), Phone: "+6799991234", Category: Marketing},
			"conversation_free_service", true, FreeNone, 0, "OTHER", false, false},
		{"conversation: second message in an open conversation", Input{At: day(2025, 6, 30, 23, 59), Phone: brazil, Category: Marketing, ConversationOpen: true},
			"conversation_free_service", false, FreeConversationOpen, 0, "BR", false, false},
		{"conversation: service inside the monthly allowance 2024", Input{At: day(2024, 5, 1, 9, 0), Phone: brazil, InServiceWindow: true, MonthVolume: 999},
			"conversation", false, FreeAllowance, 0, "BR", false, false},
		{"conversation: service past the allowance 2024", Input{At: day(2024, 5, 1, 9, 0), Phone: brazil, InServiceWindow: true, MonthVolume: 1000},
			"conversation", true, FreeNone, 0, "BR", false, false},
		{"conversation: service free from Nov 2024", Input{At: day(2024, 11, 1, 0, 0), Phone: brazil, InServiceWindow: true, MonthVolume: 5000},
			"conversation_free_service", false, FreeCustomerService, 0, "BR", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := b.Quote(tt.in)
			if q.Rule.Name != tt.wantRule {
				t.Errorf("rule = %q, want %q", q.Rule.Name, tt.wantRule)
			}
			if q.Billable != tt.wantBillable || q.Free != tt.wantFree {
				t.Errorf("billable, free = %v, %q; want %v, %q", q.Billable, q.Free, tt.wantBillable, tt.wantFree)
			}
			if q.Micros != tt.wantMicros {
				t.Errorf("price = %d micros, want %d", q.Micros, tt.wantMicros)
			}
			if q.Market.Code != tt.wantMarket || q.DefaultMarket != tt.wantDefault {
				t.Errorf("market = %s (default rate %v), want %s (%v)", q.Market.Code, q.DefaultMarket, tt.wantMarket, tt.wantDefault)
			}
			if q.Reported != tt.wantReported {
				t.Errorf("reported = %v, want %v", q.Reported, tt.wantReported)
			}
			if q.Billable && q.Micros > 0 && (q.Rate.Source == "" || q.Currency != "USD") {
				t.Errorf("a priced quote names its rate's source and currency: %+v", q.Rate)
			}
		})
	}
}

func TestEntryPointLeft(t *testing.T) {
	q := NewBook(testRates).Quote(Input{At: day(2026, 10, 5, 12, 0), Phone: brazil, InServiceWindow: true, EntryPointUntil: day(2026, 10, 7, 5, 0)})
	if q.EntryPointLeft != 41*time.Hour {
		t.Fatalf("left = %v, want 41h", q.EntryPointLeft)
	}
}

func TestRulesAreData(t *testing.T) {
	if len(Rules) < 4 {
		t.Fatalf("rules.json has %d rules", len(Rules))
	}
	for i, r := range Rules {
		if r.Source == "" || r.Name == "" || r.From.IsZero() {
			t.Errorf("rule %d lacks a name, a date or a source: %+v", i, r)
		}
		if i > 0 && !Rules[i-1].From.Before(r.From) {
			t.Errorf("rules out of order at %d", i)
		}
	}
	if r := RuleAt(Rules, day(2026, 10, 1, 0, 0)); r.Confirmed {
		t.Error("the 1 Oct 2026 change was not read on Meta's own page: it must stay marked unconfirmed")
	}
}

func TestMarketOf(t *testing.T) {
	for phone, want := range map[string]string{
		"+5511987654321": "BR", "5511987654321": "BR", "+16505551234": "NA", "+971501234567": "AE",
		"+79161234567": "RU", "+2637712345": "REST_AFRICA", "+6799991234": "OTHER", "": "OTHER",
	} {
		if got := MarketOf(phone).Code; got != want {
			t.Errorf("MarketOf(%q) = %s, want %s", phone, got, want)
		}
	}
}

func TestSum(t *testing.T) {
	b := NewBook(testRates)
	at := day(2026, 10, 20, 9, 0)
	var qs []Quote
	for _, p := range []string{brazil, brazil, "+5521987654321", "+6799991234"} {
		qs = append(qs, b.Quote(Input{At: at, Phone: p, Category: Marketing}))
	}
	qs = append(qs, b.Quote(Input{At: at, Phone: brazil, Category: Marketing, EntryPointUntil: at.Add(time.Hour)}))
	got := Sum(qs)
	if len(got) != 2 {
		t.Fatalf("totals = %+v", got)
	}
	if br := got[0]; br.Market != "BR" || br.Messages != 4 || br.Billable != 3 || br.Micros != 3*62_500 {
		t.Errorf("Brazil = %+v", br)
	}
	if o := got[1]; o.Market != "OTHER" || o.Billable != 1 || o.Micros != 60_000 {
		t.Errorf("Other = %+v", o)
	}
}

func TestMicros(t *testing.T) {
	for in, want := range map[string]int64{"0.0034": 3400, "0.025": 25000, "1": 1_000_000, ".5": 500_000, "0.000001": 1} {
		got, err := ParseMicros(in)
		if err != nil || got != want {
			t.Errorf("ParseMicros(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "0.0000001", "1,5", "abc", "1.2.3", "99999999"} {
		if _, err := ParseMicros(bad); err == nil {
			t.Errorf("ParseMicros(%q) accepted", bad)
		}
	}
	for micros, want := range map[int64]string{3400: "0.0034", 25000: "0.025", 1_500_000: "1.50", 0: "0.00"} {
		if got := FormatMicros(micros); got != want {
			t.Errorf("FormatMicros(%d) = %s, want %s", micros, got, want)
		}
	}
}

// TestVolumeTier: the tier is picked from the month's volume of the
// market and category, raised to the tier the provider reported (Meta
// counts the whole portfolio's messages, wadesk only its own).
func TestVolumeTier(t *testing.T) {
	b := NewBook(testRates)
	at := day(2026, 10, 20, 9, 0)
	tests := []struct {
		name         string
		in           Input
		wantMicros   int64
		wantVolume   int
		wantReported bool
	}{
		{"own count below the tier, nothing reported", Input{At: at, Phone: brazil, Category: Utility, MonthVolume: 10}, 3_400, 10, false},
		{"reported tier starts at the 1,000th: still the base rate", Input{At: at, Phone: brazil, Category: Utility, MonthVolume: 10, ReportedTierFirst: 1000}, 3_400, 999, true},
		{"reported tier starts at the 1,001st: the tier's rate", Input{At: at, Phone: brazil, Category: Utility, MonthVolume: 10, ReportedTierFirst: 1001}, 3_000, 1000, true},
		{"own count above the reported tier wins", Input{At: at, Phone: brazil, Category: Utility, MonthVolume: 1500, ReportedTierFirst: 1}, 3_000, 1500, false},
		{"status report priced at the reported tier", Input{At: at, Phone: brazil, Category: Utility, MonthVolume: 3, ReportedTierFirst: 1001,
			Reported: &Report{Model: "PMP", Category: "utility", Type: TypeRegular}}, 3_000, 1000, true},
		{"status report: free, whatever the tier", Input{At: at, Phone: brazil, Category: Utility, MonthVolume: 3, ReportedTierFirst: 1001,
			Reported: &Report{Model: "PMP", Category: "utility", Type: TypeFreeCustomerService}}, 0, 1000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := b.Quote(tt.in)
			if q.Micros != tt.wantMicros || q.Volume != tt.wantVolume || q.VolumeReported != tt.wantReported {
				t.Errorf("price %d, volume %d (reported %v); want %d, %d (%v)", q.Micros, q.Volume, q.VolumeReported,
					tt.wantMicros, tt.wantVolume, tt.wantReported)
			}
		})
	}
}

func TestParseTier(t *testing.T) {
	for in, want := range map[string][3]int{
		"25000001:50000000": {25000001, 50000000, 1}, " 1:1000000 ": {1, 1000000, 1}, "100000001:": {100000001, 0, 1},
		"": {0, 0, 0}, "abc": {0, 0, 0}, "5:1": {0, 0, 0}, "-1:5": {0, 0, 0}, "x:5": {0, 0, 0},
	} {
		first, last, ok := ParseTier(in)
		if first != want[0] || last != want[1] || ok != (want[2] == 1) {
			t.Errorf("ParseTier(%q) = %d, %d, %v; want %v", in, first, last, ok, want)
		}
	}
}

func TestMarketOfRegion(t *testing.T) {
	for region, want := range map[string]string{
		"INDIA": "IN", "india": "IN", "NORTH_AMERICA": "NA", "REST_OF_AFRICA": "REST_AFRICA", "Rest of Africa": "REST_AFRICA",
		"UNITED_ARAB_EMIRATES": "AE", "BR": "BR", "OTHER": "OTHER",
	} {
		if m, ok := MarketOfRegion(region); !ok || m.Code != want {
			t.Errorf("MarketOfRegion(%q) = %s, %v; want %s", region, m.Code, ok, want)
		}
	}
	for _, bad := range []string{"", "ATLANTIS", "REST_OF_ATLANTIS"} {
		if m, ok := MarketOfRegion(bad); ok {
			t.Errorf("MarketOfRegion(%q) = %s, want none", bad, m.Code)
		}
	}
}

// TestMarketMoves: a calling code that moved market (markets.json moves)
// is priced in its old market before the move and in its new one from it.
func TestMarketMoves(t *testing.T) {
	zw := "+263771234567"
	if m := MarketAt(zw, day(2025, 9, 30, 23, 59)); m.Code != "OTHER" {
		t.Errorf("Zimbabwe on 30 Sep 2025 = %s, want OTHER", m.Code)
	}
	if m := MarketAt(zw, day(2025, 10, 1, 0, 0)); m.Code != "REST_AFRICA" {
		t.Errorf("Zimbabwe on 1 Oct 2025 = %s, want REST_AFRICA", m.Code)
	}
	b := NewBook(append([]Rate{{Market: "REST_AFRICA", Category: Marketing, From: day(2025, 7, 1, 0, 0), Micros: 22_000, Currency: "USD", Source: "test"}}, testRates...))
	if q := b.Quote(Input{At: day(2025, 9, 30, 12, 0), Phone: zw, Category: Marketing}); q.Market.Code != "OTHER" || q.Micros != 60_000 {
		t.Errorf("before the move: %s %d, want OTHER's 60000", q.Market.Code, q.Micros)
	}
	if q := b.Quote(Input{At: day(2025, 10, 1, 12, 0), Phone: zw, Category: Marketing}); q.Market.Code != "REST_AFRICA" || q.Micros != 22_000 {
		t.Errorf("after the move: %s %d, want REST_AFRICA's 22000", q.Market.Code, q.Micros)
	}
	// Every move is data with a source, and the market now listing the
	// calling code is not the one it left.
	for _, mv := range Moves {
		now, cc := marketOf("+" + mv.CallingCode + "0000000")
		if cc != mv.CallingCode || now.Code == mv.Before || mv.Source == "" || mv.From.IsZero() {
			t.Errorf("move %+v: the code is now in %s (matched %q)", mv, now.Code, cc)
		}
	}
}

// TestUnknownMarketDefaultRate: a number no market claims is priced at
// the default market's rate, at every rule.
func TestUnknownMarketDefaultRate(t *testing.T) {
	b := NewBook(testRates)
	for _, at := range []time.Time{day(2025, 8, 1, 0, 0), day(2026, 9, 30, 23, 59), day(2026, 10, 1, 0, 0)} {
		q := b.Quote(Input{At: at, Phone: "+8801712345678", Category: Utility})
		if q.Market.Code != DefaultMarket || q.Micros != 8_000 || !q.PriceKnown || q.Rate.Market != DefaultMarket {
			t.Errorf("%s: %+v", at, q)
		}
	}
	q := b.Quote(Input{At: day(2026, 10, 1, 0, 0), Phone: "+8801712345678", InServiceWindow: true})
	if q.Market.Code != DefaultMarket || q.Micros != 8_000 {
		t.Errorf("service reply to an unknown market from 1 Oct 2026: %+v", q)
	}
}
