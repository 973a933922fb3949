// Package media keeps the files of messages for the life of the
// conversation: a content-addressed blob store (SHA-256) and a background
// worker that fetches each file from the channel's provider soon after it
// arrives, before the provider forgets it.
package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrNoBlob is returned for a blob that is not in the store.
var ErrNoBlob = errors.New("media: no such blob")

// ErrTooLarge is returned by Put when the content is longer than allowed.
var ErrTooLarge = errors.New("media: file larger than allowed")

// Blobs is a content-addressed store of files on disk: each file is named
// by the SHA-256 of its content under dir/ab/cd/, written to a temporary
// file, synced and renamed into place, so a file under its name is always
// whole; the same content is stored once.
type Blobs struct {
	dir string
}

// OpenBlobs opens (creating it) the store in dir.
func OpenBlobs(dir string) (*Blobs, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("media: create the store: %w", err)
	}
	return &Blobs{dir: dir}, nil
}

// Dir is the store's folder.
func (b *Blobs) Dir() string { return b.dir }

func validSHA(sha string) bool {
	if len(sha) != 64 {
		return false
	}
	_, err := hex.DecodeString(sha)
	return err == nil && strings.ToLower(sha) == sha
}

func (b *Blobs) path(sha string) string {
	return filepath.Join(b.dir, sha[:2], sha[2:4], sha)
}

// TempFile is a file in the store's own folder (so that it renames into
// place on the same file system); the caller removes it.
func (b *Blobs) TempFile() (*os.File, error) {
	return os.CreateTemp(filepath.Join(b.dir, "tmp"), "in-*")
}

// Put stores at most limit bytes read from r (limit ≤ 0: no limit) and
// returns the content's SHA-256 (hex) and size.
func (b *Blobs) Put(r io.Reader, limit int64) (sha string, size int64, err error) {
	tmp, err := b.TempFile()
	if err != nil {
		return "", 0, fmt.Errorf("media: temporary file: %w", err)
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if limit > 0 {
		r = io.LimitReader(r, limit+1)
	}
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return "", 0, fmt.Errorf("media: write blob: %w", err)
	}
	if limit > 0 && size > limit {
		return "", 0, ErrTooLarge
	}
	sha = hex.EncodeToString(h.Sum(nil))
	if err := b.commit(tmp, sha); err != nil {
		return "", 0, err
	}
	tmp = nil
	return sha, size, nil
}

// PutFile stores a temporary file made by TempFile whose content hashes
// to sha, taking it over (it is closed and renamed or removed).
func (b *Blobs) PutFile(tmp *os.File, sha string) error {
	err := b.commit(tmp, sha)
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	return err
}

func (b *Blobs) commit(tmp *os.File, sha string) error {
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("media: sync blob: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("media: close blob: %w", err)
	}
	dst := b.path(sha)
	if _, err := os.Stat(dst); err == nil {
		os.Remove(tmp.Name()) // the same content is there already
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("media: blob folder: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("media: move blob into place: %w", err)
	}
	return syncDir(filepath.Dir(dst))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("media: open folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("media: sync folder: %w", err)
	}
	return nil
}

// Open opens a blob for reading.
func (b *Blobs) Open(sha string) (*os.File, error) {
	if !validSHA(sha) {
		return nil, ErrNoBlob
	}
	f, err := os.Open(b.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoBlob
	}
	return f, err
}

// RemoveUnreferenced removes the given blobs that referenced says nothing
// uses any more (a contact's erased files), at once.
func (b *Blobs) RemoveUnreferenced(ctx context.Context, shas []string, referenced func(ctx context.Context, sha string) (bool, error)) (removed int, err error) {
	for _, sha := range shas {
		if !validSHA(sha) {
			continue
		}
		used, err := referenced(ctx, sha)
		if err != nil {
			return removed, err
		}
		if used {
			continue
		}
		if err := os.Remove(b.path(sha)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		removed++
	}
	return removed, nil
}

// Has reports whether a blob is in the store.
func (b *Blobs) Has(sha string) bool {
	if !validSHA(sha) {
		return false
	}
	_, err := os.Stat(b.path(sha))
	return err == nil
}

// Each calls fn for every blob with its size.
func (b *Blobs) Each(fn func(sha string, size int64) error) error {
	return b.walk(func(sha string, info fs.FileInfo) error { return fn(sha, info.Size()) })
}

// Usage is the number of blobs and their bytes.
func (b *Blobs) Usage() (files, bytes int64, err error) {
	err = b.walk(func(_ string, info fs.FileInfo) error {
		files++
		bytes += info.Size()
		return nil
	})
	return files, bytes, err
}

func (b *Blobs) walk(fn func(sha string, info fs.FileInfo) error) error {
	return filepath.WalkDir(b.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "tmp" {
				return filepath.SkipDir
			}
			return nil
		}
		if !validSHA(d.Name()) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return fn(d.Name(), info)
	})
}

// Collect removes the blobs nothing refers to any more, and temporary
// files left by a crash. Blobs and temporary files younger than grace are
// left alone: they may be on their way to being recorded.
func (b *Blobs) Collect(ctx context.Context, grace time.Duration, referenced func(ctx context.Context, sha string) (bool, error)) (removed int, err error) {
	cutoff := time.Now().Add(-grace)
	tmps, _ := os.ReadDir(filepath.Join(b.dir, "tmp"))
	for _, t := range tmps {
		if info, err := t.Info(); err == nil && info.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(b.dir, "tmp", t.Name()))
		}
	}
	err = b.walk(func(sha string, info fs.FileInfo) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if info.ModTime().After(cutoff) {
			return nil
		}
		used, err := referenced(ctx, sha)
		if err != nil || used {
			return err
		}
		if err := os.Remove(b.path(sha)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed++
		return nil
	})
	return removed, err
}
