package views

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	// Zone data inside the binary: a server without /usr/share/zoneinfo
	// still shows every zone an admin can choose.
	_ "time/tzdata"

	"github.com/wadesk/wadesk/i18n"
)

// Times are stored and compared in UTC and shown in the viewer's time
// zone: theirs (Account) if they chose one, else the console's (Settings),
// else UTC. The handlers put it in the request's context.

type zoneKey struct{}

// WithZone returns ctx carrying the zone times are shown in.
func WithZone(ctx context.Context, loc *time.Location) context.Context {
	return context.WithValue(ctx, zoneKey{}, loc)
}

// zoneOf is the zone of the request rendering; UTC when none was set.
func zoneOf(ctx context.Context) *time.Location {
	if loc, ok := ctx.Value(zoneKey{}).(*time.Location); ok && loc != nil {
		return loc
	}
	return time.UTC
}

var zoneCache sync.Map // name → *time.Location

// LoadZone reads an IANA zone name ("Europe/Lisbon"); "" is UTC. ok is
// false for a name that is not a zone.
func LoadZone(name string) (loc *time.Location, ok bool) {
	if name == "" || name == "UTC" {
		return time.UTC, true
	}
	if l, found := zoneCache.Load(name); found {
		return l.(*time.Location), true
	}
	// Only names from the list: LoadLocation also accepts paths and
	// "Local", which are not choices.
	if !validZone(name) {
		return time.UTC, false
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC, false
	}
	zoneCache.Store(name, l)
	return l, true
}

func validZone(name string) bool {
	i := sort.SearchStrings(zoneNames, name)
	return i < len(zoneNames) && zoneNames[i] == name
}

// ZoneChoice is one time zone in a select.
type ZoneChoice struct {
	Name     string // IANA name, the value
	Label    string // "Europe/Lisbon (UTC+00:00)"
	Selected bool
}

// ZoneChoices lists the zones, the one named selected; now gives each its
// current offset.
func ZoneChoices(selected string, now time.Time) []ZoneChoice {
	out := make([]ZoneChoice, 0, len(zoneNames))
	for _, n := range zoneNames {
		label := n
		if loc, ok := LoadZone(n); ok {
			label = strings.ReplaceAll(n, "_", " ") + " (UTC" + now.In(loc).Format("-07:00") + ")"
		}
		out = append(out, ZoneChoice{Name: n, Label: label, Selected: n == selected})
	}
	return out
}

// ZoneLabel names a zone for a sentence: "Europe/Lisbon" or "UTC".
func ZoneLabel(name string) string {
	if name == "" {
		return "UTC"
	}
	return strings.ReplaceAll(name, "_", " ")
}

// Time styles for timeAt.
const (
	timeFull    = "full"    // 7 Dec 2026 17:34 WET
	timeSeconds = "seconds" // 7 Dec 2026 17:34:05 WET
	timeClock   = "clock"   // 17:34, a chat bubble
	timeList    = "list"    // 17:34 today, 7 Dec this year, else 7 Dec 2025
)

// shownTime formats t in the viewer's zone in a style, with the words
// and order of the reader's language (the catalog's datetime.* messages).
func shownTime(ctx context.Context, t time.Time, style string) string {
	loc := zoneOf(ctx)
	t = t.In(loc)
	switch style {
	case timeClock:
		return clock(ctx, t)
	case timeList:
		now := time.Now().In(loc)
		switch {
		case t.Year() == now.Year() && t.YearDay() == now.YearDay():
			return clock(ctx, t)
		case t.Year() == now.Year():
			return i18n.T(ctx, "datetime.day_month", "Day", i18n.Int(ctx, int64(t.Day())), "Month", shortMonth(ctx, t.Month()))
		}
		return dayMonthYear(ctx, t)
	case timeSeconds:
		return i18n.T(ctx, "datetime.stamp", "Date", dayMonthYear(ctx, t), "Time", clockSeconds(ctx, t), "Zone", zoneAbbrev(t))
	}
	return i18n.T(ctx, "datetime.stamp", "Date", dayMonthYear(ctx, t), "Time", clock(ctx, t), "Zone", zoneAbbrev(t))
}

// fullTime is the hover text of every time: the whole timestamp, with the
// zone's name and offset.
func fullTime(ctx context.Context, t time.Time) string {
	loc := zoneOf(ctx)
	t = t.In(loc)
	s := i18n.T(ctx, "datetime.full",
		"Weekday", i18n.T(ctx, "datetime.weekday."+strconv.Itoa(int(t.Weekday()))),
		"Day", i18n.Int(ctx, int64(t.Day())),
		"Month", i18n.T(ctx, "datetime.month_long."+strconv.Itoa(int(t.Month()))),
		"Year", i18n.Year(ctx, t.Year()),
		"Time", clockSeconds(ctx, t),
		"Zone", zoneAbbrev(t),
		"Offset", "UTC"+t.Format("-07:00"))
	if loc != time.UTC {
		s = i18n.T(ctx, "datetime.full_in_zone", "Time", s, "Zone", ZoneLabel(loc.String()))
	}
	return s
}

// nowClock is the time of day now in the viewer's zone, for previews of a
// message about to be sent.
func nowClock(ctx context.Context) string { return clock(ctx, time.Now().In(zoneOf(ctx))) }

func clock(ctx context.Context, t time.Time) string {
	return i18n.T(ctx, "datetime.clock", "Hour", i18n.TwoDigits(ctx, t.Hour()), "Min", i18n.TwoDigits(ctx, t.Minute()))
}

func clockSeconds(ctx context.Context, t time.Time) string {
	return i18n.T(ctx, "datetime.clock_seconds", "Hour", i18n.TwoDigits(ctx, t.Hour()), "Min", i18n.TwoDigits(ctx, t.Minute()),
		"Sec", i18n.TwoDigits(ctx, t.Second()))
}

func dayMonthYear(ctx context.Context, t time.Time) string {
	return i18n.T(ctx, "datetime.day_month_year", "Day", i18n.Int(ctx, int64(t.Day())), "Month", shortMonth(ctx, t.Month()),
		"Year", i18n.Year(ctx, t.Year()))
}

func shortMonth(ctx context.Context, m time.Month) string {
	return i18n.T(ctx, "format.month."+strconv.Itoa(int(m)))
}

// zoneAbbrev is the zone's abbreviation ("WET", "UTC", "-03"): a code,
// not translated.
func zoneAbbrev(t time.Time) string { return t.Format("MST") }
