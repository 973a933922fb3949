package store

import (
	"context"
	"fmt"
	"time"
)

// RememberBrowser notes that the user signed in from this browser (the
// hash of its cookie) and reports whether it had never done so before.
func (db *DB) RememberBrowser(ctx context.Context, userID int64, browserHash string) (bool, error) {
	res, err := db.W.ExecContext(ctx, `INSERT INTO user_browsers (user_id, browser_hash, first_seen_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id, browser_hash) DO NOTHING`, userID, browserHash, formatTime(time.Now()))
	if err != nil {
		return false, fmt.Errorf("store: remember browser of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
