package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestBlobsPutDedupeAndCollect(t *testing.T) {
	b, err := OpenBlobs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("a voice note")
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])
	sha, size, err := b.Put(bytes.NewReader(data), 100)
	if err != nil || sha != want || size != int64(len(data)) {
		t.Fatalf("Put = %s, %d, %v; want %s", sha, size, err, want)
	}
	again, _, err := b.Put(bytes.NewReader(data), 100)
	if err != nil || again != sha {
		t.Fatalf("second Put = %s, %v", again, err)
	}
	if files, bytes, err := b.Usage(); err != nil || files != 1 || bytes != int64(len(data)) {
		t.Errorf("Usage = %d files, %d bytes, %v; want the content stored once", files, bytes, err)
	}
	if tmps, _ := os.ReadDir(filepath.Join(b.Dir(), "tmp")); len(tmps) != 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
	f, err := b.Open(sha)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, data) {
		t.Errorf("read %q", got)
	}
	if _, _, err := b.Put(bytes.NewReader(make([]byte, 101)), 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v, want ErrTooLarge", err)
	}
	if _, err := b.Open("../../etc/passwd"); !errors.Is(err, ErrNoBlob) {
		t.Errorf("a path as a name: %v", err)
	}

	// A crash leaves a temporary file; collection removes it and every
	// blob nothing refers to, once older than the grace period.
	other, _, _ := b.Put(bytes.NewReader([]byte("an old photo")), 0)
	stale, _ := b.TempFile()
	stale.Close()
	old := time.Now().Add(-2 * time.Hour)
	for _, p := range []string{stale.Name(), b.path(sha), b.path(other)} {
		os.Chtimes(p, old, old)
	}
	n, err := b.Collect(context.Background(), time.Hour, func(_ context.Context, s string) (bool, error) { return s == sha, nil })
	if err != nil || n != 1 {
		t.Fatalf("Collect removed %d, %v; want 1", n, err)
	}
	if !b.Has(sha) || b.Has(other) {
		t.Errorf("kept %v (want true), unreferenced %v (want false)", b.Has(sha), b.Has(other))
	}
	if _, err := os.Stat(stale.Name()); !os.IsNotExist(err) {
		t.Errorf("stale temporary file not removed: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	if Backoff(1) != firstRetry || Backoff(2) != 2*firstRetry || Backoff(100) != maxRetry {
		t.Errorf("Backoff: %v %v %v", Backoff(1), Backoff(2), Backoff(100))
	}
}
