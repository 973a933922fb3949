package contacts

import (
	"errors"
	"testing"
)

func TestParseNumber(t *testing.T) {
	for raw, want := range map[string]string{
		"+351 912 345 678":  "+351912345678",
		"00351912345678":    "+351912345678",
		"351912345678":      "+351912345678",
		"+1 (650) 253-0000": "+16502530000",
		"+44 7911 123456":   "+447911123456",
	} {
		if got, p := ParseNumber(raw); got != want || p != "" {
			t.Errorf("ParseNumber(%q) = %q, %q; want %q", raw, got, p, want)
		}
	}
	for raw, want := range map[string]string{"": NumberMissing, "  ": NumberMissing, "12": NumberInvalid, "call me": NumberInvalid, "+351 12": NumberInvalid} {
		if got, p := ParseNumber(raw); p != want || got != "" {
			t.Errorf("ParseNumber(%q) = %q, %q; want problem %q", raw, got, p, want)
		}
	}
}

func TestPlanFindsInvalidAndDuplicateRowsBeforeWriting(t *testing.T) {
	csv := "\xef\xbb\xbfName;Phone number;City;Opt-in\n" +
		"Ana;+351 912 345 678;Lisbon;yes\n" +
		"Bruno;not a number;Porto;no\n" +
		"Ana again;00351912345678;Faro;\n" +
		";;;\n" +
		"Carla;+44 7911 123456;London;1\n"
	tab, err := ReadCSV([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	m := GuessMapping(tab.Header)
	if m[0] != FieldName || m[1] != FieldPhone || m[2] != "attr:city" || m[3] != FieldOptedIn {
		t.Fatalf("mapping = %q", m)
	}
	if !ValidMapping(m, 4) || ValidMapping([]string{"phone", "phone", "", ""}, 4) || ValidMapping([]string{"phone", "attr:Bad Name", "", ""}, 4) || ValidMapping(m, 3) {
		t.Error("ValidMapping")
	}
	p, err := MakePlan(tab, m, func(n string) bool { return n == "+447911123456" })
	if err != nil {
		t.Fatal(err)
	}
	if len(p.New) != 1 || p.New[0].Phone != "+351912345678" || p.New[0].Attributes["city"] != "Lisbon" || !p.New[0].OptedIn || p.New[0].Line != 2 {
		t.Errorf("new = %+v", p.New)
	}
	if len(p.Existing) != 1 || p.Existing[0].Name != "Carla" || p.Existing[0].Line != 6 {
		t.Errorf("existing = %+v", p.Existing)
	}
	if len(p.Invalid) != 1 || p.Invalid[0].Line != 3 || p.Invalid[0].Value != "not a number" || p.Invalid[0].Problem != NumberInvalid {
		t.Errorf("invalid = %+v", p.Invalid)
	}
	if len(p.Duplicates) != 1 || p.Duplicates[0].Line != 4 || p.Duplicates[0].FirstLine != 2 {
		t.Errorf("duplicates = %+v", p.Duplicates)
	}
	if _, err := MakePlan(tab, []string{"", "", "", ""}, func(string) bool { return false }); !errors.Is(err, ErrNoPhoneField) {
		t.Errorf("no phone column: %v", err)
	}
	if _, err := ReadCSV([]byte("phone\n")); !errors.Is(err, ErrEmptyFile) {
		t.Errorf("header only: %v", err)
	}
	if _, err := ReadCSV([]byte{0xff, 0xfe, 0x00}); !errors.Is(err, ErrNotCSV) {
		t.Errorf("binary: %v", err)
	}
}

func TestDemoNumbersAreValid(t *testing.T) {
	for _, n := range []string{"16505551234", "+1 650 555 0199"} {
		if _, p := ParseNumber(n); p != "" {
			t.Errorf("%s: %s", n, p)
		}
	}
}
