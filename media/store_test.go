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

	"github.com/wadesk/wadesk/media/s3test"
)

// testStore runs the same checks on each back end: put, deduplicate,
// open and seek, usage, and collection of unreferenced blobs.
func testStore(t *testing.T, st Store) {
	ctx := context.Background()
	a := bytes.Repeat([]byte("photo of a broken vase "), 4000)
	shaA, size, err := st.Put(ctx, bytes.NewReader(a), 0)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(a); shaA != hex.EncodeToString(sum[:]) || size != int64(len(a)) {
		t.Fatalf("put: %s %d", shaA, size)
	}
	again, _, err := st.Put(ctx, bytes.NewReader(a), 0)
	if err != nil || again != shaA {
		t.Fatalf("the same content again: %s, %v", again, err)
	}
	if _, _, err := st.Put(ctx, bytes.NewReader(a), 100); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	// A file downloaded into a temporary file and handed over.
	tmp, err := st.TempFile()
	if err != nil {
		t.Fatal(err)
	}
	b := []byte("%PDF-1.4 invoice")
	tmp.Write(b)
	sumB := sha256.Sum256(b)
	shaB := hex.EncodeToString(sumB[:])
	if err := st.PutFile(ctx, tmp, shaB); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp.Name()); !os.IsNotExist(err) {
		t.Errorf("the temporary file is left behind: %v", err)
	}
	if !st.Has(ctx, shaA) || !st.Has(ctx, shaB) {
		t.Fatal("stored blobs are missing")
	}
	f, err := st.Open(ctx, shaA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(23, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 5)
	if _, err := io.ReadFull(f, part); err != nil || string(part) != "photo" {
		t.Errorf("after seeking: %q, %v", part, err)
	}
	if end, err := f.Seek(0, io.SeekEnd); err != nil || end != int64(len(a)) {
		t.Errorf("size by seeking: %d, %v", end, err)
	}
	f.Close()
	if _, err := st.Open(ctx, hex.EncodeToString(make([]byte, 32))); !errors.Is(err, ErrNoBlob) {
		t.Errorf("a missing blob: %v", err)
	}
	if n, bytes, err := st.Usage(ctx); err != nil || n != 2 || bytes != int64(len(a)+len(b)) {
		t.Errorf("usage: %d files, %d bytes, %v", n, bytes, err)
	}
	onlyA := func(_ context.Context, sha string) (bool, error) { return sha == shaA, nil }
	// Young blobs are left alone (they may be on their way to the database).
	if n, err := st.Collect(ctx, time.Hour, onlyA); err != nil || n != 0 {
		t.Errorf("collect within the grace: %d, %v", n, err)
	}
	if n, err := st.Collect(ctx, -time.Minute, onlyA); err != nil || n != 1 {
		t.Errorf("collect: %d, %v", n, err)
	}
	if st.Has(ctx, shaB) || !st.Has(ctx, shaA) {
		t.Error("collect removed the wrong blob")
	}
	if n, err := st.RemoveUnreferenced(ctx, []string{shaA}, func(context.Context, string) (bool, error) { return false, nil }); err != nil || n != 1 {
		t.Errorf("remove unreferenced: %d, %v", n, err)
	}
	if st.Has(ctx, shaA) {
		t.Error("an erased blob is still there")
	}
}

func TestLocalStore(t *testing.T) {
	b, err := OpenBlobs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, Local(b))
}

// TestS3Store runs the same checks against a real S3-compatible server
// (Versity's gateway, which checks SigV4 signatures).
func TestS3Store(t *testing.T) {
	srv := s3test.Start(t, "wadesk-media")
	cfg := S3Config{Endpoint: srv.Endpoint, Region: "us-east-1", Bucket: "wadesk-media", Prefix: "kept/",
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, TempDir: filepath.Join(t.TempDir(), "tmp")}
	st, err := OpenS3(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, st)

	// Wrong credentials are refused by the server (SigV4 checked).
	bad := cfg
	bad.SecretKey = "not-the-secret"
	if _, err := OpenS3(context.Background(), bad); err == nil {
		t.Error("a wrong secret key was accepted")
	}
	missing := cfg
	missing.Bucket = "no-such-bucket"
	if _, err := OpenS3(context.Background(), missing); err == nil {
		t.Error("a missing bucket was accepted")
	}
}
