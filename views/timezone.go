package views

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"
	// Zone data inside the binary: a server without /usr/share/zoneinfo
	// still shows every zone an admin can choose.
	_ "time/tzdata"
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

// shownTime formats t in the viewer's zone in a style.
func shownTime(ctx context.Context, t time.Time, style string) string {
	loc := zoneOf(ctx)
	t = t.In(loc)
	switch style {
	case timeClock:
		return t.Format("15:04")
	case timeList:
		now := time.Now().In(loc)
		switch {
		case t.Year() == now.Year() && t.YearDay() == now.YearDay():
			return t.Format("15:04")
		case t.Year() == now.Year():
			return t.Format("2 Jan")
		}
		return t.Format("2 Jan 2006")
	case timeSeconds:
		return t.Format("2 Jan 2006 15:04:05 MST")
	}
	return t.Format("2 Jan 2006 15:04 MST")
}

// fullTime is the hover text of every time: the whole timestamp, with the
// zone's name and offset.
func fullTime(ctx context.Context, t time.Time) string {
	loc := zoneOf(ctx)
	s := t.In(loc).Format("Monday, 2 January 2006, 15:04:05 MST (UTC-07:00)")
	if loc != time.UTC {
		s += ", " + ZoneLabel(loc.String())
	}
	return s
}

// nowClock is the time of day now in the viewer's zone, for previews of a
// message about to be sent.
func nowClock(ctx context.Context) string { return time.Now().In(zoneOf(ctx)).Format("15:04") }
