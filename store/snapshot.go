package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Snapshot writes a consistent copy of the database file at src to dst
// (which must not exist) while other processes keep reading and writing it.
// It uses VACUUM INTO, which reads the whole database inside one read
// transaction: the copy holds every transaction committed before the
// snapshot began and nothing after, and it is a compact database file of
// its own, without a WAL. Snapshot never migrates or otherwise writes to
// src.
func Snapshot(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("store: snapshot: %s already exists", dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	conn, err := openPlain(src)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		os.Remove(dst)
		return fmt.Errorf("store: snapshot %s: %w", src, err)
	}
	return nil
}

// openPlain opens a database file with one connection, without creating it
// and without running migrations: for backups and checks that must not
// change what they look at.
func openPlain(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("_busy_timeout", "10000")
	q.Set("mode", "rw")
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite3", "file:"+abs+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// FileInfo is what CheckFile learned about a database file.
type FileInfo struct {
	// Integrity is nil when PRAGMA integrity_check says "ok".
	Integrity error
	// Applied are the migration numbers recorded in the file.
	Applied []int
	// Pending are the migrations this build knows that the file lacks.
	Pending []int
	// Unknown are migrations recorded in the file that this build does not
	// know: the file was last used by a newer wadesk.
	Unknown []int
}

// CheckFile opens the database file at path without changing it and
// reports its integrity and migration state. A file that is not a SQLite
// database is an error.
func CheckFile(ctx context.Context, path string) (FileInfo, error) {
	var info FileInfo
	if _, err := os.Stat(path); err != nil {
		return info, fmt.Errorf("store: %w", err)
	}
	conn, err := openPlain(path)
	if err != nil {
		return info, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return info, fmt.Errorf("store: %s is not a readable SQLite database: %w", path, err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return info, fmt.Errorf("store: integrity check: %w", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return info, fmt.Errorf("store: %s is not a readable SQLite database: %w", path, err)
	}
	rows.Close()
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], "…")
		}
		info.Integrity = fmt.Errorf("integrity check failed: %s", strings.Join(problems, "; "))
	}
	info.Applied, info.Pending, info.Unknown, err = migrationState(ctx, conn)
	return info, err
}

// MigrationState reports, without changing the file, which migrations the
// database at path has applied, which of this build's it lacks, and which
// it has that this build does not know. A file that does not exist yet has
// every migration pending.
func MigrationState(ctx context.Context, path string) (applied, pending, unknown []int, err error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		pending, unknown, err = migrationDiff(nil)
		return nil, pending, unknown, err
	}
	conn, err := openPlain(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer conn.Close()
	return migrationState(ctx, conn)
}

func migrationState(ctx context.Context, conn *sql.DB) (applied, pending, unknown []int, err error) {
	applied, err = appliedMigrations(ctx, conn)
	if err != nil {
		return nil, nil, nil, err
	}
	pending, unknown, err = migrationDiff(applied)
	return applied, pending, unknown, err
}

// appliedMigrations reads schema_migrations; a database without the table
// has none.
func appliedMigrations(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]int, error) {
	var n int
	rows, err := q.QueryContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
	if err != nil {
		return nil, fmt.Errorf("store: read schema: %w", err)
	}
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: read schema: %w", err)
		}
	}
	rows.Close()
	if n == 0 {
		return nil, nil
	}
	rows, err = q.QueryContext(ctx, "SELECT version FROM schema_migrations ORDER BY version")
	if err != nil {
		return nil, fmt.Errorf("store: read schema_migrations: %w", err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("store: read schema_migrations: %w", err)
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// migrationDiff compares applied migration numbers with this build's.
func migrationDiff(applied []int) (pending, unknown []int, err error) {
	ms, err := loadMigrations()
	if err != nil {
		return nil, nil, fmt.Errorf("store: load migrations: %w", err)
	}
	have := map[int]bool{}
	for _, v := range applied {
		have[v] = true
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.version] = true
		if !have[m.version] {
			pending = append(pending, m.version)
		}
	}
	for _, v := range applied {
		if !known[v] {
			unknown = append(unknown, v)
		}
	}
	return pending, unknown, nil
}

// ErrNewerSchema means the database was last used by a newer wadesk: it
// holds migrations this build does not know, and running on it could
// damage data the newer version wrote.
var ErrNewerSchema = errors.New("database is newer than this wadesk")

// newerSchemaError explains a downgrade in words an operator can act on.
func newerSchemaError(path string, unknown []int) error {
	nums := make([]string, len(unknown))
	for i, v := range unknown {
		nums[i] = fmt.Sprintf("%04d", v)
	}
	return fmt.Errorf("%w: %s was upgraded by a newer wadesk (it has migration %s, which this binary does not know). "+
		"Start the newer wadesk again, or restore the backup taken before that upgrade (wadesk restore)",
		ErrNewerSchema, path, strings.Join(nums, ", "))
}

// OpenReadOnly opens an existing database for reading only, without
// creating it or running migrations (W and R are the same read-only pool):
// for diagnosing an installation without changing it.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	r, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(2)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return &DB{W: r, R: r, path: path}, nil
}
