package backup

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/wadesk/wadesk/media"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

// TestBackupCarriesMediaFiles: the files of the media store go into the
// backup and come back whole, each checked against its name on restore.
func TestBackupCarriesMediaFiles(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(data, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.WriteFile(filepath.Join(data, secrets.KeyFile), bytes.Repeat([]byte{7}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	blobs, err := media.OpenBlobs(filepath.Join(data, mediaDir))
	if err != nil {
		t.Fatal(err)
	}
	photo := make([]byte, 300<<10)
	rand.Read(photo)
	files := [][]byte{photo, []byte("%PDF-1.7 the invoice")}
	for _, f := range files {
		if _, _, err := blobs.Put(bytes.NewReader(f), 0); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "b"+Extension)
	m, err := Create(ctx, out, Options{DataDir: data, Version: "test", Passphrase: "a long passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaFiles != 2 || m.MediaBytes != int64(len(photo)+len(files[1])) {
		t.Errorf("manifest: %d files, %d bytes", m.MediaFiles, m.MediaBytes)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(ctx, out, RestoreOptions{DataDir: restored, Passphrase: "a long passphrase"}); err != nil {
		t.Fatal(err)
	}
	back, err := media.OpenBlobs(filepath.Join(restored, mediaDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		sum := sha256.Sum256(f)
		r, err := back.Open(hex.EncodeToString(sum[:]))
		if err != nil {
			t.Fatalf("restored file missing: %v", err)
		}
		got, _ := io.ReadAll(r)
		r.Close()
		if !bytes.Equal(got, f) {
			t.Errorf("restored file differs (%d bytes, want %d)", len(got), len(f))
		}
	}
}
