package hours

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFileClock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "now")
	clock := FileClock(path)
	before := time.Now()
	if got := clock(); got.Before(before) {
		t.Errorf("without the file the clock says %v, before %v", got, before)
	}
	pinned := time.Date(2026, 12, 9, 21, 0, 0, 0, time.UTC)
	if err := os.WriteFile(path, []byte(pinned.Format(time.RFC3339)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := clock(); !got.Equal(pinned) {
		t.Errorf("pinned clock says %v, want %v", got, pinned)
	}
	moved := pinned.Add(13 * time.Hour)
	if err := os.WriteFile(path, []byte(moved.Format(time.RFC3339)), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := clock(); !got.Equal(moved) {
		t.Errorf("moved clock says %v, want %v", got, moved)
	}
	if err := os.WriteFile(path, []byte("not a time"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := clock(); got.Before(before) {
		t.Errorf("with an unreadable time the clock says %v", got)
	}
}
