package store

import "time"

// Times are stored as RFC 3339 text in UTC with fixed-width nanoseconds, so
// that they sort correctly as strings and read well in the sqlite3 shell.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeLayout, s) }
