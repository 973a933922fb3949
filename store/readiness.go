package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Backlog is the oldest work still waiting in a queue.
type Backlog struct {
	// Count is how many rows wait; Oldest is when the oldest was due
	// (zero when none waits).
	Count  int
	Oldest time.Time
}

// JournalBacklog reports the webhook bodies not yet processed.
func (db *DB) JournalBacklog(ctx context.Context) (Backlog, error) {
	return db.backlog(ctx, "journal", `SELECT COUNT(*), MIN(received_at) FROM webhook_events WHERE state = 'new'`)
}

// OutboxBacklog reports the messages waiting to be sent whose time has
// come: queued and due, or attempting.
func (db *DB) OutboxBacklog(ctx context.Context, now time.Time) (Backlog, error) {
	return db.backlog(ctx, "outbox", `SELECT COUNT(*), MIN(COALESCE(attempt_at, next_attempt_at)) FROM outbox
		WHERE (state = 'queued' AND next_attempt_at <= ?) OR state = 'attempting'`, formatTime(now))
}

func (db *DB) backlog(ctx context.Context, what, query string, args ...any) (Backlog, error) {
	var b Backlog
	var oldest sql.NullString
	if err := db.R.QueryRowContext(ctx, query, args...).Scan(&b.Count, &oldest); err != nil {
		return Backlog{}, fmt.Errorf("store: %s backlog: %w", what, err)
	}
	if oldest.Valid {
		t, err := parseTime(oldest.String)
		if err != nil {
			return Backlog{}, err
		}
		b.Oldest = t
	}
	return b, nil
}
