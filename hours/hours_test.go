package hours_test

import (
	"testing"
	"time"

	"github.com/wadesk/wadesk/hours"
)

func mustNew(t *testing.T, zone, week, holidays string) hours.Schedule {
	t.Helper()
	s, err := hours.New(zone, week, holidays)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func at(t *testing.T, zone, local string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", local, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenAt(t *testing.T) {
	const lisbon = "Europe/Lisbon"
	office := mustNew(t, lisbon, "mon 09:00-13:00 14:00-18:00\ntue 09:00-18:00\nwed 09:00-18:00\nthu 09:00-18:00\nfri 09:00-18:00", "2026-12-25")
	bar := mustNew(t, lisbon, "fri 20:00-02:00\nsat 20:00-02:00", "2027-01-01")
	allDay := mustNew(t, "America/New_York", "mon 00:00-24:00\ntue 00:00-24:00\nwed 00:00-24:00\nthu 00:00-24:00\nfri 00:00-24:00\nsat 00:00-24:00\nsun 00:00-24:00", "")
	for _, tc := range []struct {
		name  string
		s     hours.Schedule
		zone  string
		local string
		open  bool
	}{
		{"monday morning", office, lisbon, "2026-12-07 09:00", true},
		{"just before opening", office, lisbon, "2026-12-07 08:59", false},
		{"lunch break", office, lisbon, "2026-12-07 13:30", false},
		{"closing minute is closed", office, lisbon, "2026-12-07 18:00", false},
		{"saturday", office, lisbon, "2026-12-12 10:00", false},
		{"holiday on a friday", office, lisbon, "2026-12-25 10:00", false},
		{"the day after the holiday", office, lisbon, "2026-12-28 10:00", true},
		// Across midnight: Friday's 20:00-02:00 runs into Saturday.
		{"friday night", bar, lisbon, "2026-12-11 23:30", true},
		{"after midnight, saturday", bar, lisbon, "2026-12-12 01:59", true},
		{"closing after midnight", bar, lisbon, "2026-12-12 02:00", false},
		{"saturday night runs into sunday", bar, lisbon, "2026-12-13 00:30", true},
		{"sunday night is closed", bar, lisbon, "2026-12-13 23:00", false},
		{"monday small hours", bar, lisbon, "2026-12-14 00:30", false},
		// A holiday closes the part after midnight too (New Year's Day is a Friday).
		{"new year's eve thursday is closed", bar, lisbon, "2026-12-31 23:00", false},
		{"holiday after midnight", bar, lisbon, "2027-01-02 01:00", true},
		{"holiday evening", bar, lisbon, "2027-01-01 21:00", false},
		// DST: Lisbon goes from 01:00 to 02:00 on 2027-03-28 (a Sunday) and back
		// on 2027-10-31; wall-clock spans keep their hours.
		{"office the monday after spring forward", office, lisbon, "2027-03-29 09:00", true},
		{"bar across the spring change", bar, lisbon, "2027-03-28 00:30", true},
		{"bar after the spring change", bar, lisbon, "2027-03-28 03:00", false},
		{"bar across the autumn change", bar, lisbon, "2027-10-31 01:30", true},
		{"all day in New York on DST day", allDay, "America/New_York", "2027-03-14 03:30", true},
		{"all day at midnight", allDay, "America/New_York", "2027-03-14 00:00", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.OpenAt(at(t, tc.zone, tc.local)); got != tc.open {
				t.Errorf("OpenAt(%s) = %v, want %v", tc.local, got, tc.open)
			}
		})
	}
}

func TestOpenAtIsInTheScheduleZone(t *testing.T) {
	s := mustNew(t, "Asia/Tokyo", "mon 09:00-17:00", "")
	// Monday 09:30 in Tokyo is Monday 00:30 UTC.
	if !s.OpenAt(time.Date(2026, 12, 7, 0, 30, 0, 0, time.UTC)) {
		t.Error("09:30 in Tokyo is open")
	}
	if s.OpenAt(time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)) {
		t.Error("18:30 in Tokyo is closed")
	}
}

func TestClosedSince(t *testing.T) {
	const zone = "Europe/Lisbon"
	s := mustNew(t, zone, "mon 09:00-18:00\ntue 09:00-18:00", "")
	evening := at(t, zone, "2026-12-07 20:00")
	night := at(t, zone, "2026-12-08 03:00")
	start, closed := s.ClosedSince(evening)
	if !closed || !start.Equal(at(t, zone, "2026-12-07 18:00")) {
		t.Fatalf("ClosedSince(monday 20:00) = %v, %v; want monday 18:00", start, closed)
	}
	if again, _ := s.ClosedSince(night); !again.Equal(start) {
		t.Errorf("the same closed period has two starts: %v and %v", start, again)
	}
	if _, closed := s.ClosedSince(at(t, zone, "2026-12-08 10:00")); closed {
		t.Error("open on tuesday 10:00")
	}
	next, _ := s.ClosedSince(at(t, zone, "2026-12-08 19:00"))
	if next.Equal(start) {
		t.Error("tuesday evening is a new closed period")
	}
	never := mustNew(t, zone, "", "")
	a, _ := never.ClosedSince(evening)
	b, _ := never.ClosedSince(night)
	if !a.Equal(b) {
		t.Error("a schedule that never opens is one closed period")
	}
}

func TestParseAndFormat(t *testing.T) {
	week, err := hours.ParseWeek("tue 14:00-18:00 09:00-12:00\nMON 22:00-02:00\n\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := hours.FormatWeek(week); got != "mon 22:00-02:00\ntue 09:00-12:00 14:00-18:00" {
		t.Errorf("FormatWeek = %q", got)
	}
	for _, bad := range []string{"mon 9-17", "mon 09:00-09:00", "xyz 09:00-10:00", "mon 25:00-26:00", "mon 09:60-10:00", "mon 24:00-02:00"} {
		if _, err := hours.ParseWeek(bad); err == nil {
			t.Errorf("ParseWeek(%q) accepted", bad)
		}
	}
	h, err := hours.ParseHolidays("2026-12-25, 2026-01-01\n2026-12-25")
	if err != nil || hours.FormatHolidays(h) != "2026-01-01\n2026-12-25" {
		t.Errorf("holidays = %v, %v", h, err)
	}
	if _, err := hours.ParseHolidays("25/12/2026"); err == nil {
		t.Error("a date in another form is accepted")
	}
	if _, err := hours.New("Mars/Olympus", "", ""); err == nil {
		t.Error("an unknown zone is accepted")
	}
}
