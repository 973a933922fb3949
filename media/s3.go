package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config is where an S3-compatible bucket is and how to sign in to it.
type S3Config struct {
	// Endpoint is the server's address: a URL (https://s3.eu-west-1.amazonaws.com,
	// http://127.0.0.1:7070) or host:port (then HTTPS).
	Endpoint string
	Region   string
	Bucket   string
	// Prefix is put before every object's name ("wadesk/"), so that the
	// bucket may hold other things.
	Prefix    string
	AccessKey string
	SecretKey string
	// TempDir holds downloads before they are uploaded (the data
	// directory's media/tmp).
	TempDir string
}

// S3 keeps blobs as objects in an S3-compatible bucket, named
// PREFIX/ab/SHA-256. An object is uploaded whole from a local temporary
// file whose hash is known, and S3 makes an object visible only once its
// upload is complete, so a blob under its name is always whole.
type S3 struct {
	c       *minio.Client
	bucket  string
	prefix  string
	tempDir string

	mu        sync.Mutex
	usageAt   time.Time
	usageN    int64
	usageSize int64
}

// OpenS3 connects to the bucket and checks that it is there.
func OpenS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("media: S3 store: the bucket is not set")
	}
	if cfg.Endpoint == "" {
		return nil, errors.New("media: S3 store: the endpoint is not set")
	}
	host, secure := cfg.Endpoint, true
	if strings.Contains(host, "://") {
		u, err := url.Parse(host)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("media: S3 store: endpoint %q is not an http(s) address", cfg.Endpoint)
		}
		host, secure = u.Host, u.Scheme == "https"
	}
	c, err := minio.New(host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: secure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("media: S3 store: %w", err)
	}
	if err := os.MkdirAll(cfg.TempDir, 0o700); err != nil {
		return nil, fmt.Errorf("media: S3 store: temporary folder: %w", err)
	}
	s := &S3{c: c, bucket: cfg.Bucket, prefix: strings.TrimPrefix(cfg.Prefix, "/"), tempDir: cfg.TempDir}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ok, err := c.BucketExists(cctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("media: S3 store: reach bucket %q at %s: %w", cfg.Bucket, cfg.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("media: S3 store: bucket %q does not exist at %s; create it first", cfg.Bucket, cfg.Endpoint)
	}
	return s, nil
}

// Kind is "s3".
func (s *S3) Kind() string { return "s3" }

func (s *S3) key(sha string) string { return s.prefix + sha[:2] + "/" + sha }

// TempFile is a local file to download into.
func (s *S3) TempFile() (*os.File, error) { return os.CreateTemp(s.tempDir, "in-*") }

// Put stores at most limit bytes read from r.
func (s *S3) Put(ctx context.Context, r io.Reader, limit int64) (string, int64, error) {
	tmp, err := s.TempFile()
	if err != nil {
		return "", 0, fmt.Errorf("media: temporary file: %w", err)
	}
	if limit > 0 {
		r = io.LimitReader(r, limit+1)
	}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err == nil && limit > 0 && size > limit {
		err = ErrTooLarge
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		if errors.Is(err, ErrTooLarge) {
			return "", 0, err
		}
		return "", 0, fmt.Errorf("media: write blob: %w", err)
	}
	sha := hex.EncodeToString(h.Sum(nil))
	if err := s.PutFile(ctx, tmp, sha); err != nil {
		return "", 0, err
	}
	return sha, size, nil
}

// PutFile uploads a temporary file whose content hashes to sha, unless
// the bucket holds it already, and removes the file.
func (s *S3) PutFile(ctx context.Context, tmp *os.File, sha string) error {
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	if !validSHA(sha) {
		return fmt.Errorf("media: %q is not a SHA-256", sha)
	}
	if s.Has(ctx, sha) {
		return nil
	}
	info, err := tmp.Stat()
	if err != nil {
		return fmt.Errorf("media: temporary file: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("media: temporary file: %w", err)
	}
	// One request carrying the file and its MD5, which the bucket checks:
	// an upload cut short or changed on the way is refused, not stored
	// (files are at most 100 MB, well under a single upload's limit).
	_, err = s.c.PutObject(ctx, s.bucket, s.key(sha), tmp, info.Size(), minio.PutObjectOptions{
		ContentType:      "application/octet-stream",
		SendContentMd5:   true,
		DisableMultipart: true,
	})
	if err != nil {
		return fmt.Errorf("media: upload blob %s: %w", sha, err)
	}
	s.forgetUsage()
	return nil
}

// Open opens a blob; it reads from the bucket as it is read, and seeks
// with range requests.
func (s *S3) Open(ctx context.Context, sha string) (Blob, error) {
	if !validSHA(sha) {
		return nil, ErrNoBlob
	}
	obj, err := s.c.GetObject(ctx, s.bucket, s.key(sha), minio.GetObjectOptions{})
	if err != nil {
		return nil, s.notFound(err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, s.notFound(err)
	}
	return obj, nil
}

func (s *S3) notFound(err error) error {
	if minio.ToErrorResponse(err).StatusCode == http.StatusNotFound {
		return ErrNoBlob
	}
	return fmt.Errorf("media: S3 store: %w", err)
}

// Has reports whether the bucket holds a blob.
func (s *S3) Has(ctx context.Context, sha string) bool {
	if !validSHA(sha) {
		return false
	}
	_, err := s.c.StatObject(ctx, s.bucket, s.key(sha), minio.StatObjectOptions{})
	return err == nil
}

// usageTTL is how long the bucket's usage is remembered: counting means
// listing every object, which the privacy page and /metrics should not
// do at each view.
const usageTTL = time.Minute

func (s *S3) forgetUsage() {
	s.mu.Lock()
	s.usageAt = time.Time{}
	s.mu.Unlock()
}

// Usage is the number of blobs and their bytes (remembered for a minute).
func (s *S3) Usage(ctx context.Context) (files, bytes int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.usageAt.IsZero() && time.Since(s.usageAt) < usageTTL {
		return s.usageN, s.usageSize, nil
	}
	err = s.each(ctx, func(_ string, size int64, _ time.Time) error {
		files++
		bytes += size
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	s.usageAt, s.usageN, s.usageSize = time.Now(), files, bytes
	return files, bytes, nil
}

func (s *S3) each(ctx context.Context, fn func(sha string, size int64, modified time.Time) error) error {
	for obj := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("media: S3 store: list: %w", obj.Err)
		}
		sha := filepath.Base(obj.Key)
		if !validSHA(sha) || obj.Key != s.key(sha) {
			continue
		}
		if err := fn(sha, obj.Size, obj.LastModified); err != nil {
			return err
		}
	}
	return nil
}

// Collect removes the blobs nothing refers to that are older than grace,
// and local temporary files left by a crash.
func (s *S3) Collect(ctx context.Context, grace time.Duration, referenced func(ctx context.Context, sha string) (bool, error)) (removed int, err error) {
	cutoff := time.Now().Add(-grace)
	removeOldTemps(s.tempDir, cutoff)
	var gone []string
	err = s.each(ctx, func(sha string, _ int64, modified time.Time) error {
		if modified.After(cutoff) {
			return nil
		}
		used, err := referenced(ctx, sha)
		if err != nil || used {
			return err
		}
		gone = append(gone, sha)
		return nil
	})
	// Removed after the listing, so that the listing is not changed under
	// its own feet.
	for _, sha := range gone {
		if rerr := s.c.RemoveObject(ctx, s.bucket, s.key(sha), minio.RemoveObjectOptions{}); rerr != nil {
			return removed, fmt.Errorf("media: S3 store: remove %s: %w", sha, rerr)
		}
		removed++
	}
	if removed > 0 {
		s.forgetUsage()
	}
	return removed, err
}

// RemoveUnreferenced removes at once the given blobs nothing refers to.
func (s *S3) RemoveUnreferenced(ctx context.Context, shas []string, referenced func(ctx context.Context, sha string) (bool, error)) (removed int, err error) {
	defer s.forgetUsage()
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
		if err := s.c.RemoveObject(ctx, s.bucket, s.key(sha), minio.RemoveObjectOptions{}); err != nil {
			return removed, fmt.Errorf("media: S3 store: remove %s: %w", sha, err)
		}
		removed++
	}
	return removed, nil
}

func removeOldTemps(dir string, cutoff time.Time) {
	tmps, _ := os.ReadDir(dir)
	for _, t := range tmps {
		if info, err := t.Info(); err == nil && info.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(dir, t.Name()))
		}
	}
}
