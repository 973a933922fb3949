package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// UserAlerts are a user's new-message alerts besides the unread count in
// the browser tab, which is always shown.
type UserAlerts struct {
	// Sound plays a short tone when a customer writes.
	Sound bool
	// Desktop shows a desktop notification (the browser must allow it too).
	Desktop bool
}

// UserAlerts returns a user's alerts; both are off until the user turns
// them on.
func (db *DB) UserAlerts(ctx context.Context, userID int64) (UserAlerts, error) {
	var a UserAlerts
	err := db.R.QueryRowContext(ctx, `SELECT sound, desktop FROM user_alerts WHERE user_id = ?`, userID).
		Scan(&a.Sound, &a.Desktop)
	if errors.Is(err, sql.ErrNoRows) {
		return UserAlerts{}, nil
	}
	if err != nil {
		return UserAlerts{}, fmt.Errorf("store: alerts of user %d: %w", userID, err)
	}
	return a, nil
}

// SetUserAlerts saves a user's alerts.
func (db *DB) SetUserAlerts(ctx context.Context, userID int64, a UserAlerts) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO user_alerts (user_id, sound, desktop, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET sound = excluded.sound, desktop = excluded.desktop, updated_at = excluded.updated_at`,
		userID, a.Sound, a.Desktop, formatTime(time.Now()))
	if err != nil {
		return fmt.Errorf("store: save alerts of user %d: %w", userID, err)
	}
	return nil
}
