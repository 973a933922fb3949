package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cursors of lists ordered by a time and then an id (newest first) are
// written in URLs as "<unix nanoseconds>-<id>".

func formatCursor(at time.Time, id int64) string {
	return strconv.FormatInt(at.UnixNano(), 10) + "-" + strconv.FormatInt(id, 10)
}

// parseCursor reads a cursor made by formatCursor; what names the list in
// the error.
func parseCursor(s, what string) (time.Time, int64, error) {
	at, id, ok := strings.Cut(s, "-")
	ns, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return time.Time{}, 0, fmt.Errorf("store: %s cursor %q is not valid", what, s)
	}
	return time.Unix(0, ns).UTC(), n, nil
}
