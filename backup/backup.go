// Package backup writes and restores wadesk backups: one file holding a
// consistent copy of the database, taken while the console keeps serving,
// and optionally the secret key, encrypted with a passphrase.
//
// A backup file is a gzip-compressed tar archive with, in this order:
//
//	manifest.json   what the backup holds (format, times, schema, checksums)
//	wadesk.db       the database, a compact SQLite file without a WAL
//	secret.key.enc  the secret key sealed with the passphrase (optional)
//	media/<sha256>  each file of messages kept in the media store, named
//	                by the SHA-256 of its content (checked on restore)
//
// The key is sealed with AES-256-GCM under a key derived from the
// passphrase with argon2id; without the passphrase the file reveals
// nothing of it. The database itself is not encrypted: provider secrets
// inside it are already sealed with secret.key, but messages and contacts
// are not, so keep backups as private as the server.
package backup

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/wadesk/wadesk/media"
	"github.com/wadesk/wadesk/secrets"
	"github.com/wadesk/wadesk/store"
)

// File names inside the data directory and the archive.
const (
	DBFile       = "wadesk.db"
	manifestName = "manifest.json"
	sealedKey    = "secret.key.enc"
	// mediaDir is the media store's folder in the data directory.
	mediaDir = "media"
	// Extension is what scheduled and pre-upgrade backups are named with.
	Extension = ".wadesk-backup"
	format    = 1
)

// MinPassphrase is the shortest passphrase that may seal the secret key.
const MinPassphrase = 12

// Manifest describes a backup.
type Manifest struct {
	Format         int       `json:"format"`
	CreatedAt      time.Time `json:"created_at"`
	Version        string    `json:"wadesk_version"`
	Migrations     []int     `json:"migrations"`
	DBSize         int64     `json:"db_size"`
	DBSHA256       string    `json:"db_sha256"`
	KeyIncluded    bool      `json:"key_included"`
	KeyKDF         string    `json:"key_kdf,omitempty"`
	KeyFingerprint string    `json:"key_fingerprint,omitempty"`
	// MediaFiles and MediaBytes count the media store's files.
	MediaFiles int64 `json:"media_files"`
	MediaBytes int64 `json:"media_bytes"`
}

// Options say what goes into a backup.
type Options struct {
	// DataDir holds wadesk.db and secret.key.
	DataDir string
	// Version is the running wadesk's version, recorded in the manifest.
	Version string
	// Passphrase, when not empty, seals secret.key into the backup.
	Passphrase string
}

// Create writes a backup of opts.DataDir to out, which must not exist. The
// file appears complete or not at all: it is written beside out and
// renamed into place once synced.
func Create(ctx context.Context, out string, opts Options) (Manifest, error) {
	m := Manifest{Format: format, CreatedAt: time.Now().UTC(), Version: opts.Version}
	if _, err := os.Lstat(out); err == nil {
		return m, fmt.Errorf("backup: %s already exists; choose another file name", out)
	}
	var sealed []byte
	if opts.Passphrase != "" {
		if len(opts.Passphrase) < MinPassphrase {
			return m, fmt.Errorf("backup: the passphrase must be at least %d characters", MinPassphrase)
		}
		key, err := readKey(opts.DataDir)
		if err != nil {
			return m, err
		}
		sealed, err = sealKey(key, opts.Passphrase)
		if err != nil {
			return m, err
		}
		m.KeyIncluded, m.KeyKDF, m.KeyFingerprint = true, "argon2id", Fingerprint(key)
	}

	tmpDir, err := os.MkdirTemp(filepath.Dir(out), ".wadesk-backup-")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	snap := filepath.Join(tmpDir, DBFile)
	if err := store.Snapshot(ctx, filepath.Join(opts.DataDir, DBFile), snap); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	info, err := store.CheckFile(ctx, snap)
	if err != nil {
		return m, fmt.Errorf("backup: check the copy: %w", err)
	}
	if info.Integrity != nil {
		return m, fmt.Errorf("backup: the copy failed its %v; the database needs repair (run wadesk doctor)", info.Integrity)
	}
	m.Migrations = info.Applied
	m.DBSHA256, m.DBSize, err = hashFile(snap)
	if err != nil {
		return m, err
	}

	blobs, err := media.OpenBlobs(filepath.Join(opts.DataDir, mediaDir))
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	// Files kept after the snapshot are included too: harmless, the
	// restored console collects blobs nothing refers to.
	if m.MediaFiles, m.MediaBytes, err = blobs.Usage(); err != nil {
		return m, fmt.Errorf("backup: media store: %w", err)
	}
	tmp := filepath.Join(tmpDir, "archive")
	if err := writeArchive(tmp, m, snap, sealed, blobs); err != nil {
		return m, err
	}
	if err := os.Link(tmp, out); err != nil { // fails rather than replacing a file created meanwhile
		return m, fmt.Errorf("backup: %w", err)
	}
	if d, err := os.Open(filepath.Dir(out)); err == nil {
		d.Sync()
		d.Close()
	}
	return m, nil
}

func writeArchive(path string, m Manifest, dbPath string, sealed []byte, blobs *media.Blobs) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("backup: %w", cerr)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := gzip.NewWriter(bw)
	tw := tar.NewWriter(zw)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := addBytes(tw, manifestName, manifest, m.CreatedAt); err != nil {
		return err
	}
	db, err := os.Open(dbPath)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if err := tw.WriteHeader(&tar.Header{Name: DBFile, Mode: 0o600, Size: m.DBSize, ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := io.Copy(tw, db); err != nil {
		return fmt.Errorf("backup: write database: %w", err)
	}
	if sealed != nil {
		if err := addBytes(tw, sealedKey, sealed, m.CreatedAt); err != nil {
			return err
		}
	}
	if err := blobs.Each(func(sha string, size int64) error { return addBlob(tw, blobs, sha, size, m.CreatedAt) }); err != nil {
		return fmt.Errorf("backup: media store: %w", err)
	}
	for _, c := range []io.Closer{tw, zw} {
		if err := c.Close(); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

func addBlob(tw *tar.Writer, blobs *media.Blobs, sha string, size int64, t time.Time) error {
	f, err := blobs.Open(sha)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := tw.WriteHeader(&tar.Header{Name: mediaDir + "/" + sha, Mode: 0o600, Size: size, ModTime: t, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err = io.CopyN(tw, f, size)
	return err
}

func addBytes(tw *tar.Writer, name string, b []byte, t time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: t, Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(b); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// RestoreOptions say how to restore.
type RestoreOptions struct {
	// DataDir must be empty or not exist yet.
	DataDir string
	// Passphrase opens the secret key sealed in the backup.
	Passphrase string
	// KeyFile is a copy of the original secret.key, for backups taken
	// without one. Ignored when the backup holds the key.
	KeyFile string
}

// ErrNotEmpty means the restore target already holds files.
var ErrNotEmpty = errors.New("the data directory is not empty")

// Restore unpacks the backup at in into an empty data directory, checking
// the database's checksum and integrity. It refuses a directory that holds
// anything, so that it can never overwrite a live installation.
func Restore(ctx context.Context, in string, opts RestoreOptions) (Manifest, error) {
	var m Manifest
	if err := requireEmpty(opts.DataDir); err != nil {
		return m, err
	}
	f, err := os.Open(in)
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return m, fmt.Errorf("restore: %s is not a wadesk backup: %w", in, err)
	}
	tr := tar.NewReader(zr)

	// Unpack into a fresh directory beside the target and rename it into
	// place at the end: a failed restore leaves nothing half written.
	parent := filepath.Dir(filepath.Clean(opts.DataDir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	work, err := os.MkdirTemp(parent, ".wadesk-restore-")
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(work)
	if err := os.Chmod(work, 0o700); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}

	var gotManifest, gotDB bool
	var sealed []byte
	var sum string
	blobs, err := media.OpenBlobs(filepath.Join(work, mediaDir))
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	var mediaFiles int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, fmt.Errorf("restore: %s is damaged: %w", in, err)
		}
		switch h.Name {
		case manifestName:
			b, err := io.ReadAll(io.LimitReader(tr, 1<<20))
			if err != nil {
				return m, fmt.Errorf("restore: %w", err)
			}
			if err := json.Unmarshal(b, &m); err != nil {
				return m, fmt.Errorf("restore: %s has an unreadable manifest: %w", in, err)
			}
			if m.Format != format {
				return m, fmt.Errorf("restore: %s has backup format %d; this wadesk reads format %d", in, m.Format, format)
			}
			gotManifest = true
		case DBFile:
			if !gotManifest {
				return m, fmt.Errorf("restore: %s is not a wadesk backup (no manifest first)", in)
			}
			sum, err = copyHashed(filepath.Join(work, DBFile), tr)
			if err != nil {
				return m, err
			}
			gotDB = true
		case sealedKey:
			sealed, err = io.ReadAll(io.LimitReader(tr, 4096))
			if err != nil {
				return m, fmt.Errorf("restore: %w", err)
			}
		default:
			name, ok := strings.CutPrefix(h.Name, mediaDir+"/")
			if !ok {
				continue
			}
			sha, _, err := blobs.Put(tr, h.Size)
			if err != nil {
				return m, fmt.Errorf("restore: media file %s: %w", name, err)
			}
			if sha != name {
				return m, fmt.Errorf("restore: the media file %s in %s does not match its checksum; the file is damaged", name, in)
			}
			mediaFiles++
		}
	}
	// Read the archive to its very end, so that gzip checks its CRC over
	// everything: a damaged byte in a tar header field nothing else checks
	// (a time, a name's padding) is caught here.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return m, fmt.Errorf("restore: %s is damaged: %w", in, err)
	}
	if mediaFiles != m.MediaFiles {
		return m, fmt.Errorf("restore: %s holds %d media files, its manifest says %d; the file is damaged", in, mediaFiles, m.MediaFiles)
	}
	if !gotDB {
		return m, fmt.Errorf("restore: %s holds no database", in)
	}
	if sum != m.DBSHA256 {
		return m, fmt.Errorf("restore: the database in %s does not match its checksum; the file is damaged", in)
	}

	var key []byte
	switch {
	case m.KeyIncluded && sealed == nil:
		return m, fmt.Errorf("restore: %s says it holds the secret key but does not; the file is damaged", in)
	case m.KeyIncluded:
		if opts.Passphrase == "" {
			return m, errors.New("restore: this backup holds the secret key sealed with a passphrase; give it with --passphrase-file or WADESK_BACKUP_PASSPHRASE")
		}
		key, err = openKey(sealed, opts.Passphrase)
		if err != nil {
			return m, err
		}
	case opts.KeyFile != "":
		key, err = os.ReadFile(opts.KeyFile)
		if err != nil {
			return m, fmt.Errorf("restore: read the key file: %w", err)
		}
		if len(key) != 32 {
			return m, fmt.Errorf("restore: %s is not a wadesk secret.key (%d bytes, want 32)", opts.KeyFile, len(key))
		}
	default:
		return m, errors.New("restore: this backup does not hold the secret key; give the original secret.key with --key-file " +
			"(without it the stored provider tokens and secrets cannot be read)")
	}
	if m.KeyFingerprint != "" && Fingerprint(key) != m.KeyFingerprint {
		return m, errors.New("restore: the secret key does not match the one this backup was taken with")
	}
	if err := writeKey(filepath.Join(work, secrets.KeyFile), key); err != nil {
		return m, err
	}

	info, err := store.CheckFile(ctx, filepath.Join(work, DBFile))
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	if info.Integrity != nil {
		return m, fmt.Errorf("restore: the restored database failed its %v", info.Integrity)
	}
	if len(info.Unknown) > 0 {
		return m, fmt.Errorf("restore: this backup was taken by a newer wadesk (migrations %v are unknown here); restore it with that version", info.Unknown)
	}

	// The target is empty (checked above, and again here: rename onto an
	// empty directory replaces it, onto a full one fails).
	if err := requireEmpty(opts.DataDir); err != nil {
		return m, err
	}
	os.Remove(opts.DataDir)
	if err := os.Rename(work, opts.DataDir); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	return m, nil
}

// requireEmpty accepts a missing or empty directory.
func requireEmpty(dir string) error {
	if dir == "" {
		return errors.New("restore: give the data directory to restore into with --data")
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("restore: %w: %s holds %s; restore into a new, empty directory", ErrNotEmpty, dir, entries[0].Name())
	}
	return nil
}

func copyHashed(path string, r io.Reader) (string, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), r); err != nil {
		f.Close()
		return "", fmt.Errorf("restore: unpack the database: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("restore: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("backup: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func readKey(dir string) ([]byte, error) {
	key, err := os.ReadFile(filepath.Join(dir, secrets.KeyFile))
	if err != nil {
		return nil, fmt.Errorf("backup: read the secret key: %w", err)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("backup: %s holds %d bytes, want 32", filepath.Join(dir, secrets.KeyFile), len(key))
	}
	return key, nil
}

func writeKey(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return fmt.Errorf("restore: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("restore: %w", err)
	}
	return f.Close()
}

// Fingerprint names a secret key without revealing it: the first bytes of
// a hash of it, to tell whether two key files are the same key.
func Fingerprint(key []byte) string {
	h := sha256.Sum256(append([]byte("wadesk key fingerprint\x00"), key...))
	return hex.EncodeToString(h[:8])
}

// argon2id parameters for sealing the key: a passphrase is guessable, so
// each guess should cost real memory and time.
const (
	kdfTime    = 3
	kdfMemory  = 64 * 1024 // KiB
	kdfThreads = 1
	saltSize   = 16
)

func passKey(pass string, salt []byte) []byte {
	return argon2.IDKey([]byte(pass), salt, kdfTime, kdfMemory, kdfThreads, 32)
}

// sealKey returns salt ‖ nonce ‖ AES-256-GCM(key).
func sealKey(key []byte, pass string) ([]byte, error) {
	salt := make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	aead, err := gcm(passKey(pass, salt))
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := append(append(salt, nonce...), aead.Seal(nil, nonce, key, []byte("wadesk backup secret.key"))...)
	return out, nil
}

func openKey(sealed []byte, pass string) ([]byte, error) {
	if len(sealed) < saltSize+12+16 {
		return nil, errors.New("restore: the sealed secret key in the backup is damaged")
	}
	salt := sealed[:saltSize]
	aead, err := gcm(passKey(pass, salt))
	if err != nil {
		return nil, err
	}
	nonce := sealed[saltSize : saltSize+aead.NonceSize()]
	key, err := aead.Open(nil, nonce, sealed[saltSize+aead.NonceSize():], []byte("wadesk backup secret.key"))
	if err != nil {
		return nil, errors.New("restore: wrong passphrase (or the sealed secret key is damaged)")
	}
	return key, nil
}

func gcm(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Prune keeps the newest keep backups in dir (by name, which starts with
// the time they were taken) and removes the rest; it returns what it
// removed. Files not named like backups are left alone.
func Prune(dir, prefix string, keep int) ([]string, error) {
	if keep < 1 {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), Extension) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var removed []string
	for len(names) > keep {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			return removed, fmt.Errorf("backup: %w", err)
		}
		removed = append(removed, names[0])
		names = names[1:]
	}
	return removed, nil
}

// Name is a backup file name that sorts by time: PREFIX-20060102T150405Z.wadesk-backup.
func Name(prefix string, t time.Time) string {
	return prefix + "-" + t.UTC().Format("20060102T150405.000Z") + Extension
}

// Schedule takes a backup into Dir every Every, keeping the newest Keep.
type Schedule struct {
	Dir   string
	Every time.Duration
	Keep  int
	// Options are the backup's; Passphrase seals the key into each one.
	Options Options
	// Logf reports each backup and failure.
	Log func(msg string, args ...any)
	// Fail reports a failed backup.
	Fail func(msg string, args ...any)
}

// Run takes backups until ctx is done. The first is taken one interval
// after start.
func (s Schedule) Run(ctx context.Context) {
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.Once(ctx); err != nil && ctx.Err() == nil {
			s.Fail("scheduled backup failed", "err", err)
		}
	}
}

// Once takes one scheduled backup and prunes old ones; it returns the
// file written.
func (s Schedule) Once(ctx context.Context) (string, error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	out := filepath.Join(s.Dir, Name("wadesk", time.Now()))
	start := time.Now()
	m, err := Create(ctx, out, s.Options)
	if err != nil {
		return "", err
	}
	s.Log("backup written", "file", out, "bytes", m.DBSize, "key_included", m.KeyIncluded, "took", time.Since(start).Round(time.Millisecond))
	removed, err := Prune(s.Dir, "wadesk-", s.Keep)
	if len(removed) > 0 {
		s.Log("old backups removed", "files", removed)
	}
	return out, err
}
