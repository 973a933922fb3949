package commerce

import (
	"errors"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, cur string
		want    int64
		bad     bool
	}{
		{"8.50", "USD", 8500, false},
		{"8.5", "USD", 8500, false},
		{"  12 ", "USD", 12000, false},
		{"0", "USD", 0, false},
		{"007.25", "EUR", 7250, false},
		{"1200", "JPY", 1_200_000, false},
		{"1.250", "KWD", 1250, false},
		{"999999999999.99", "USD", 999_999_999_999_990, false},
		{"1.5", "JPY", 0, true},
		{"1.255", "USD", 0, true},
		{"1,50", "EUR", 0, true},
		{"1,250.00", "USD", 0, true},
		{"-1", "USD", 0, true},
		{"+1", "USD", 0, true},
		{"1e3", "USD", 0, true},
		{".5", "USD", 0, true},
		{"5.", "USD", 0, true},
		{"", "USD", 0, true},
		{"abc", "USD", 0, true},
		{"10000000000000", "USD", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in, tt.cur)
		if tt.bad {
			if err == nil || !errors.Is(err, ErrAmount) {
				t.Errorf("ParseAmount(%q, %s) = %d, %v; want an ErrAmount", tt.in, tt.cur, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d", tt.in, tt.cur, got, err, tt.want)
		}
	}
}

func TestParseDecimal1000(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{"8.5", 8500, false},
		{"3.25", 3250, false},
		{"0.1", 100, false},
		{"19.999", 19999, false},
		{"0.0005", 1, false}, // half up
		{"0.0004", 0, false},
		{"1e2", 100000, false},
		{"12", 12000, false},
		{"-1", 0, true},
		{"0x10", 0, true},
		{"1/2", 0, true},
		{"", 0, true},
		{"1e30", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseDecimal1000(tt.in)
		if tt.bad != (err != nil) || got != tt.want {
			t.Errorf("ParseDecimal1000(%q) = %d, %v; want %d (error %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

func TestDecimalAndFormat(t *testing.T) {
	tests := []struct {
		a    int64
		cur  string
		dec  string
		text string
	}{
		{8500, "USD", "8.50", "USD 8.50"},
		{20250, "USD", "20.25", "USD 20.25"},
		{5, "USD", "0.01", "USD 0.01"}, // half a cent rounds up
		{4, "USD", "0.00", "USD 0.00"},
		{1_200_000, "JPY", "1200", "JPY 1200"},
		{1250, "KWD", "1.250", "KWD 1.250"},
		{0, "EUR", "0.00", "EUR 0.00"},
		{-1500, "EUR", "-1.50", "EUR -1.50"},
	}
	for _, tt := range tests {
		if got := Decimal(tt.a, tt.cur); got != tt.dec {
			t.Errorf("Decimal(%d, %s) = %q, want %q", tt.a, tt.cur, got, tt.dec)
		}
		if got := Format(tt.a, tt.cur); got != tt.text {
			t.Errorf("Format(%d, %s) = %q, want %q", tt.a, tt.cur, got, tt.text)
		}
	}
}

func TestCurrencies(t *testing.T) {
	for _, c := range []string{"USD", "EUR", "BRL", "INR", "JPY", "KWD", "XOF"} {
		if !IsCurrency(c) || CheckCurrency(c) != "" {
			t.Errorf("%s is not accepted", c)
		}
	}
	for _, c := range []string{"", "usd", "US", "XXX", "XAU", "BOV", "HRK", "EURO"} {
		if IsCurrency(c) || CheckCurrency(c) == "" {
			t.Errorf("%q is accepted", c)
		}
	}
	if NormalizeCurrency(" eur ") != "EUR" {
		t.Error("NormalizeCurrency does not upper-case and trim")
	}
	for c, d := range currencyDigits {
		if d < 0 || d > 3 {
			t.Errorf("%s has %d decimals: amounts times 1000 cannot hold it", c, d)
		}
	}
}
