package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SpendAPIRequest counts one request of key (an API key or a client
// address) in the fixed window that starts at windowStart, and returns how
// many requests the window holds with this one. One upsert does the
// counting, so concurrent requests (of any instance sharing the database)
// each get their own count. The first request of a window removes the
// key's older windows.
func (db *DB) SpendAPIRequest(ctx context.Context, key string, windowStart time.Time) (int, error) {
	var n int
	err := db.tx(ctx, func(tx *sql.Tx) error {
		start := formatTime(windowStart)
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_rate_windows (key, window_start, requests) VALUES (?, ?, 1)
			ON CONFLICT (key, window_start) DO UPDATE SET requests = api_rate_windows.requests + 1
			RETURNING requests`, key, start).Scan(&n); err != nil {
			return err
		}
		if n == 1 {
			_, err := tx.ExecContext(ctx, `DELETE FROM api_rate_windows WHERE key = ? AND window_start < ?`, key, start)
			return err
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: spend an API request of %s: %w", key, err)
	}
	return n, nil
}

// PruneAPIRateWindows removes every window that started before before
// (keys that made no request since), and returns how many it removed.
func (db *DB) PruneAPIRateWindows(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.W.ExecContext(ctx, `DELETE FROM api_rate_windows WHERE window_start < ?`, formatTime(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune API rate windows: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
