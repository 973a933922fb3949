package views

import (
	"strconv"
	"strings"
	"time"
)

func itoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

// when formats a time for tables; the zero time reads "never".
func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}

// isoTime is a machine-readable timestamp for <time datetime>.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func lower(s string) string { return strings.ToLower(s) }

func joinList(items []string) string { return strings.Join(items, ", ") }
