package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Sessions keeps scs sessions in the sessions table. Lookups, which every
// page load makes, go to the read pool, so that browsing never waits for
// the single writer while webhooks are being committed; saving and
// deleting go to the writer. It satisfies scs's Store and IterableStore.
type Sessions struct {
	db *DB
}

// Sessions returns the session store of this database.
func (db *DB) Sessions() *Sessions { return &Sessions{db: db} }

const sessionTimeout = 10 * time.Second

// Find returns the data of an unexpired session.
func (s *Sessions) Find(token string) ([]byte, bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), sessionTimeout)
	defer cancel()
	var b []byte
	err := s.db.R.QueryRowContext(ctx, "SELECT data FROM sessions WHERE token = ? AND expiry > ?", token, unixSeconds(time.Now())).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: find session: %w", err)
	}
	return b, true, nil
}

// sessionExpirySlack is how far a session's stored expiry may lag behind
// the one scs asks for. With an idle timeout scs commits the session on
// every request only to push its expiry on; within the slack nothing is
// written (no disk sync), and a session idle for the whole timeout
// expires at most this much early.
const sessionExpirySlack = time.Minute

// Commit saves a session's data and expiry (see sessionExpirySlack).
func (s *Sessions) Commit(token string, b []byte, expiry time.Time) error {
	ctx, cancel := context.WithTimeout(context.Background(), sessionTimeout)
	defer cancel()
	_, err := s.db.W.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry
		WHERE sessions.data <> excluded.data OR excluded.expiry < sessions.expiry OR excluded.expiry - sessions.expiry > ?`,
		token, b, unixSeconds(expiry), int64(sessionExpirySlack/time.Second))
	if err != nil {
		return fmt.Errorf("store: commit session: %w", err)
	}
	return nil
}

// Delete removes a session.
func (s *Sessions) Delete(token string) error {
	ctx, cancel := context.WithTimeout(context.Background(), sessionTimeout)
	defer cancel()
	if _, err := s.db.W.ExecContext(ctx, "DELETE FROM sessions WHERE token = ?", token); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// All returns every unexpired session (scs uses it to end a user's sessions).
func (s *Sessions) All() (map[string][]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), sessionTimeout)
	defer cancel()
	rows, err := s.db.R.QueryContext(ctx, "SELECT token, data FROM sessions WHERE expiry > ?", unixSeconds(time.Now()))
	if err != nil {
		return nil, fmt.Errorf("store: all sessions: %w", err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var token string
		var data []byte
		if err := rows.Scan(&token, &data); err != nil {
			return nil, fmt.Errorf("store: all sessions: %w", err)
		}
		out[token] = data
	}
	return out, rows.Err()
}

// DeleteExpired removes expired sessions and returns how many.
func (s *Sessions) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := s.db.W.ExecContext(ctx, "DELETE FROM sessions WHERE expiry <= ?", unixSeconds(time.Now()))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}

// unixSeconds is the expiry column's unit (a REAL, seconds since 1970).
// Rows written by the earlier store hold Julian day numbers, far smaller,
// so they read as long expired and are swept.
func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
