// Package hours answers whether a channel is open: a weekly schedule of
// opening spans in a time zone, and holidays (whole local dates closed).
//
// Spans are wall-clock times, so a change of daylight saving time moves
// nothing: 09:00–17:00 is 09:00–17:00 on both sides of it. A span whose
// end is before its start runs past midnight (22:00–02:00 is open from 22:00
// on its day until 02:00 the next); its part after midnight belongs to the
// next date, so a holiday on that date closes it too.
package hours

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Span is one opening span of a day, in minutes after local midnight.
// Close may be 1440 (midnight at the end of the day); Close < Open runs
// past midnight.
type Span struct {
	Open, Close int
}

func (s Span) overnight() bool { return s.Close < s.Open }

// Schedule is when a channel is open.
type Schedule struct {
	Location *time.Location
	// Week holds the spans of each day, indexed by time.Weekday.
	Week [7][]Span
	// Holidays are the local dates closed all day, as "2006-01-02".
	Holidays map[string]bool
}

// Days are the weekdays as the schedule's text writes them, Monday first.
var Days = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

var dayNames = map[time.Weekday]string{time.Monday: "mon", time.Tuesday: "tue", time.Wednesday: "wed",
	time.Thursday: "thu", time.Friday: "fri", time.Saturday: "sat", time.Sunday: "sun"}

// DayKey is a weekday's short name in the schedule's text ("mon").
func DayKey(d time.Weekday) string { return dayNames[d] }

const dateLayout = "2006-01-02"

// OpenAt reports whether the schedule is open at t.
func (s Schedule) OpenAt(t time.Time) bool {
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	local := t.In(loc)
	if s.Holidays[local.Format(dateLayout)] {
		return false
	}
	minute := local.Hour()*60 + local.Minute()
	for _, sp := range s.Week[local.Weekday()] {
		if sp.overnight() {
			if minute >= sp.Open {
				return true
			}
		} else if minute >= sp.Open && minute < sp.Close {
			return true
		}
	}
	prev := (local.Weekday() + 6) % 7
	for _, sp := range s.Week[prev] {
		if sp.overnight() && minute < sp.Close {
			return true
		}
	}
	return false
}

// lookBack bounds how far ClosedSince looks for the last open moment.
const lookBack = 62 * 24 * time.Hour

// ClosedSince returns when the closed period that t falls in began (the
// first closed minute), and false when the schedule is open at t. A
// schedule never open in the last two months returns the start of that
// look-back, truncated to the day, so that the key stays the same while
// it stays closed.
func (s Schedule) ClosedSince(t time.Time) (time.Time, bool) {
	t = t.Truncate(time.Minute)
	if s.OpenAt(t) {
		return time.Time{}, false
	}
	start := t
	limit := t.Add(-lookBack)
	for m := t.Add(-time.Minute); m.After(limit); m = m.Add(-time.Minute) {
		if s.OpenAt(m) {
			return start.UTC(), true
		}
		start = m
	}
	return time.Time{}.UTC(), true
}

// Empty reports whether the schedule has no opening span at all.
func (s Schedule) Empty() bool {
	for _, d := range s.Week {
		if len(d) > 0 {
			return false
		}
	}
	return true
}

// ParseClock reads "09:00" (or "24:00") as minutes after midnight.
func ParseClock(v string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(v), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("hours: %q is not a time like 09:30", v)
	}
	return hh*60 + mm, nil
}

// Clock writes minutes after midnight as "09:00".
func Clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// ErrEmptySpan is a span that opens and closes at the same time.
var ErrEmptySpan = errors.New("hours: a span opens and closes at the same time")

// ParseWeek reads the stored form of a week: one day per line,
// "mon 09:00-17:00 18:00-20:00"; days not written are closed.
func ParseWeek(text string) ([7][]Span, error) {
	var week [7][]Span
	byName := map[string]time.Weekday{}
	for d, n := range dayNames {
		byName[n] = d
	}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		d, ok := byName[strings.ToLower(f[0])]
		if !ok {
			return week, fmt.Errorf("hours: unknown day %q", f[0])
		}
		for _, r := range f[1:] {
			a, b, ok := strings.Cut(r, "-")
			if !ok {
				return week, fmt.Errorf("hours: %q is not a span like 09:00-17:00", r)
			}
			open, err := ParseClock(a)
			if err != nil {
				return week, err
			}
			closeAt, err := ParseClock(b)
			if err != nil {
				return week, err
			}
			if open == closeAt {
				return week, ErrEmptySpan
			}
			if open == 1440 {
				return week, fmt.Errorf("hours: a span cannot open at 24:00")
			}
			week[d] = append(week[d], Span{Open: open, Close: closeAt})
		}
		sort.Slice(week[d], func(i, j int) bool { return week[d][i].Open < week[d][j].Open })
	}
	return week, nil
}

// FormatWeek writes a week in the form ParseWeek reads.
func FormatWeek(week [7][]Span) string {
	var lines []string
	for _, d := range Days {
		if len(week[d]) == 0 {
			continue
		}
		parts := []string{dayNames[d]}
		for _, sp := range week[d] {
			parts = append(parts, Clock(sp.Open)+"-"+Clock(sp.Close))
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	return strings.Join(lines, "\n")
}

// ParseHolidays reads dates ("2026-12-25"), one per line or separated by
// commas or spaces.
func ParseHolidays(text string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' || r == ' ' || r == '\r' || r == '\t' }) {
		d, err := time.Parse(dateLayout, f)
		if err != nil {
			return nil, fmt.Errorf("hours: %q is not a date like 2026-12-25", f)
		}
		out[d.Format(dateLayout)] = true
	}
	return out, nil
}

// FormatHolidays writes holidays one per line, in date order.
func FormatHolidays(h map[string]bool) string {
	var days []string
	for d := range h {
		days = append(days, d)
	}
	sort.Strings(days)
	return strings.Join(days, "\n")
}

// New builds a schedule from its stored text and a time zone name.
func New(zone, week, holidays string) (Schedule, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		return Schedule{}, fmt.Errorf("hours: unknown time zone %q", zone)
	}
	w, err := ParseWeek(week)
	if err != nil {
		return Schedule{}, err
	}
	h, err := ParseHolidays(holidays)
	if err != nil {
		return Schedule{}, err
	}
	return Schedule{Location: loc, Week: w, Holidays: h}, nil
}
