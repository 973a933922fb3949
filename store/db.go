// Package store keeps wadesk's state in one embedded SQLite database.
//
// The database is opened twice: one writer connection (SQLite allows one
// writer at a time, so queuing writes in Go is cheaper than retrying on
// SQLITE_BUSY) and a pool of read-only connections that WAL mode lets run
// alongside it. Every write goes through DB.W, every read through DB.R.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"github.com/wadesk/wadesk/secrets"
)

// Errors callers test for with errors.Is.
var (
	// ErrNotFound means the record asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique field (an email, a name) is already taken.
	ErrConflict = errors.New("already exists")
)

// DB is an open wadesk database.
type DB struct {
	// W is the single writer connection; use it for every statement that
	// changes data, and for reads that must see a transaction's own writes.
	W *sql.DB
	// R is the read-only pool.
	R *sql.DB

	path string
	box  *secrets.Box
}

// Open opens (creating if needed) the database file at path and applies any
// migrations it has not seen yet.
func Open(ctx context.Context, path string) (*DB, error) {
	w, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db := &DB{W: w, path: path}
	// The writer goes first: it creates the file and switches it to WAL,
	// which the read-only connections cannot do.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := requireFTS5(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open readers: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.R = r
	if err := r.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open readers: %w", err)
	}
	return db, nil
}

// stmtCacheSize is how many prepared statements each connection keeps
// (least recently used out): the inbox's queries cost more to prepare
// than to run, and the same few are run on every page.
const stmtCacheSize = 128

// dsn builds the mattn/go-sqlite3 connection string. Every connection gets
// foreign keys, a busy timeout and a statement cache; the writer also sets
// WAL and FULL sync (a committed transaction survives power loss) and
// takes its write lock at BEGIN so that a transaction never has to be
// retried half way.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_stmt_cache_size", strconv.Itoa(stmtCacheSize))
	if readOnly {
		q.Set("mode", "ro")
		q.Set("_query_only", "true")
	} else {
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "FULL")
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Path is the database file's location.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.R != nil {
		errs = append(errs, db.R.Close())
	}
	if db.W != nil && db.W != db.R {
		errs = append(errs, db.W.Close())
	}
	return errors.Join(errs...)
}

// Ping reports whether the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.R.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns an error unless
// SQLite reports "ok".
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := db.W.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("store: integrity check: %w", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: integrity check failed: %v", problems)
	}
	return nil
}

// tx runs fn inside a write transaction, committing when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// txRelaxed runs fn in a write transaction whose commit does not wait for
// the disk (synchronous=NORMAL). It is for work that can be redone from
// durable data after a crash — processing journaled webhooks — so that it
// does not compete with the commits a caller is waiting on. In WAL mode
// the database stays consistent, and the next FULL commit makes these
// frames durable too, since the log is written in order.
func (db *DB) txRelaxed(ctx context.Context, fn func(*sql.Tx) error) error {
	conn, err := db.W.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err != nil {
		return err
	}
	restore := func() error {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = FULL")
		if err != nil {
			// Never hand back a connection that commits without syncing.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return errors.Join(err, restore())
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return errors.Join(err, restore())
	}
	return errors.Join(tx.Commit(), restore())
}
