package pricing

import (
	"bytes"
	"strings"
	"testing"
)

func TestReadCSVRoundTrip(t *testing.T) {
	in := "market,category,effective_from,tier_from,price,currency,source\n" +
		"BR,marketing,2026-10-01,0,0.025,USD,Meta rate card\n" +
		"Brazil,utility,2026-10-01,1000,0.003,usd,tier\n"
	res, err := ReadCSV(strings.NewReader(in))
	if err != nil || len(res.Errors) != 0 || len(res.Rates) != 2 {
		t.Fatalf("res = %+v, %v", res, err)
	}
	if r := res.Rates[1]; r.Market != "BR" || r.TierFrom != 1000 || r.Micros != 3000 || r.Currency != "USD" {
		t.Errorf("second = %+v", r)
	}
	var out bytes.Buffer
	if err := WriteCSV(&out, res.Rates); err != nil {
		t.Fatal(err)
	}
	again, err := ReadCSV(&out)
	if err != nil || len(again.Rates) != 2 || again.Rates[0] != res.Rates[0] {
		t.Errorf("round trip = %+v, %v", again, err)
	}
}

func TestReadCSVReportsEveryBadLine(t *testing.T) {
	in := "market,category,effective_from,price,currency\n" +
		"Atlantis,marketing,2026-10-01,0.02,USD\n" +
		"BR,promo,2026-10-01,0.02,USD\n" +
		"BR,marketing,1 Oct 2026,0.02,USD\n" +
		"BR,marketing,2026-10-01,0,02,USD\n" +
		"BR,marketing,2026-10-01,0.02,dollars\n" +
		"BR,utility,2026-10-01,0.0034,USD\n" +
		"BR,utility,2026-10-01,0.0035,USD\n"
	res, err := ReadCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rates) != 0 {
		t.Errorf("a file with problems imports nothing: %+v", res.Rates)
	}
	want := map[int]string{2: "Atlantis", 3: "promo", 4: "YYYY-MM-DD", 5: "currency", 6: "dollars", 8: "Line 7 already"}
	if len(res.Errors) != len(want) {
		t.Fatalf("errors = %+v", res.Errors)
	}
	for _, e := range res.Errors {
		if !strings.Contains(e.Problem, want[e.Line]) {
			t.Errorf("line %d: %q lacks %q", e.Line, e.Problem, want[e.Line])
		}
	}
	res, _ = ReadCSV(strings.NewReader("market,price\nBR,1\n"))
	if len(res.Errors) == 0 || res.Errors[0].Line != 1 {
		t.Errorf("missing columns = %+v", res.Errors)
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{"=HYPERLINK(1)": "'=HYPERLINK(1)", "marketing": "marketing", "@x": "'@x", "": ""} {
		if got := CSVSafe(in); got != want {
			t.Errorf("CSVSafe(%q) = %q", in, got)
		}
	}
}
