package media

import (
	"context"
	"io"
	"os"
	"time"
)

// Store is where kept files live: content-addressed by SHA-256 (hex),
// each blob whole or absent, the same content stored once. Two back ends
// implement it: a folder in the data directory (OpenBlobs, the default)
// and an S3-compatible bucket (OpenS3), for deployments where several
// instances share the files.
type Store interface {
	// TempFile is a local file to download into before Put or PutFile;
	// the caller removes it unless PutFile took it over.
	TempFile() (*os.File, error)
	// Put stores at most limit bytes read from r (limit ≤ 0: no limit)
	// and returns the content's SHA-256 and size.
	Put(ctx context.Context, r io.Reader, limit int64) (sha string, size int64, err error)
	// PutFile stores a file made by TempFile whose content hashes to sha,
	// taking it over (it is closed and removed or moved).
	PutFile(ctx context.Context, tmp *os.File, sha string) error
	// Open opens a blob for reading (ErrNoBlob when absent).
	Open(ctx context.Context, sha string) (Blob, error)
	// Has reports whether a blob is stored.
	Has(ctx context.Context, sha string) bool
	// Usage is the number of blobs and their bytes.
	Usage(ctx context.Context) (files, bytes int64, err error)
	// Collect removes blobs nothing refers to any more that are older
	// than grace, and temporary files left by a crash.
	Collect(ctx context.Context, grace time.Duration, referenced func(ctx context.Context, sha string) (bool, error)) (int, error)
	// RemoveUnreferenced removes at once the given blobs nothing refers
	// to any more (a contact's erased files).
	RemoveUnreferenced(ctx context.Context, shas []string, referenced func(ctx context.Context, sha string) (bool, error)) (int, error)
	// Kind names the back end: "local" or "s3".
	Kind() string
}

// Blob is an open stored file: read, seek (range requests) and close.
type Blob interface {
	io.ReadSeekCloser
}

// Local is the store in a folder of the data directory.
func Local(b *Blobs) Store { return localStore{b} }

type localStore struct{ b *Blobs }

func (l localStore) TempFile() (*os.File, error) { return l.b.TempFile() }
func (l localStore) Put(_ context.Context, r io.Reader, limit int64) (string, int64, error) {
	return l.b.Put(r, limit)
}
func (l localStore) PutFile(_ context.Context, tmp *os.File, sha string) error {
	return l.b.PutFile(tmp, sha)
}
func (l localStore) Open(_ context.Context, sha string) (Blob, error) {
	f, err := l.b.Open(sha)
	if err != nil {
		return nil, err
	}
	return f, nil
}
func (l localStore) Has(_ context.Context, sha string) bool { return l.b.Has(sha) }
func (l localStore) Usage(context.Context) (int64, int64, error) {
	return l.b.Usage()
}
func (l localStore) Collect(ctx context.Context, grace time.Duration, referenced func(ctx context.Context, sha string) (bool, error)) (int, error) {
	return l.b.Collect(ctx, grace, referenced)
}
func (l localStore) RemoveUnreferenced(ctx context.Context, shas []string, referenced func(ctx context.Context, sha string) (bool, error)) (int, error) {
	return l.b.RemoveUnreferenced(ctx, shas, referenced)
}
func (l localStore) Kind() string { return "local" }
