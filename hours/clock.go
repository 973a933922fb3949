package hours

import (
	"os"
	"strings"
	"time"
)

// TestClockEnv names the environment variable that pins the time business
// hours are judged at, for end-to-end tests only: it holds the path of a
// file whose content is an instant in RFC 3339 form. Production never sets
// it; the program logs a warning when it is set.
const TestClockEnv = "WADESK_TEST_BUSINESS_HOURS_NOW_FILE"

// FileClock returns a clock that reads the instant written in the file at
// path at every call, so that a test can move it while the program runs.
// While the file is missing, empty or unreadable it returns the wall
// clock. Only whether a channel is open is judged by it; how old a
// customer's message is stays measured against the wall clock.
func FileClock(path string) func() time.Time {
	return func() time.Time {
		b, err := os.ReadFile(path)
		if err != nil {
			return time.Now()
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(b)))
		if err != nil {
			return time.Now()
		}
		return t
	}
}
