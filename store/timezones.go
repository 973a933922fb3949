package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Time zones only change how times are shown: the console's zone
// (Settings), which a user may override with their own (Account). Names
// are IANA zones ("Europe/Lisbon"); "" means UTC for the console and "the
// console's" for a user. Callers check the names.

const settingTimezone = "timezone"

// ConsoleTimezone is the console's zone, "" when never set.
func (db *DB) ConsoleTimezone(ctx context.Context) (string, error) {
	var tz string
	err := db.R.QueryRowContext(ctx, `SELECT value FROM console_settings WHERE name = ?`, settingTimezone).Scan(&tz)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: console timezone: %w", err)
	}
	return tz, nil
}

// SetConsoleTimezone stores the console's zone.
func (db *DB) SetConsoleTimezone(ctx context.Context, tz string) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO console_settings (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		settingTimezone, tz, formatTime(time.Now()))
	if err != nil {
		return fmt.Errorf("store: set console timezone: %w", err)
	}
	return nil
}

// Timezones are the zones that decide how a user sees times.
type Timezones struct {
	Console string // "" is UTC
	User    string // "" follows Console
}

// Shown is the zone the user sees times in.
func (z Timezones) Shown() string {
	if z.User != "" {
		return z.User
	}
	return z.Console
}

// TimezonesOf reads the console's and the user's zone in one statement.
func (db *DB) TimezonesOf(ctx context.Context, userID int64) (Timezones, error) {
	var z Timezones
	err := db.R.QueryRowContext(ctx, `SELECT u.timezone,
		COALESCE((SELECT s.value FROM console_settings s WHERE s.name = ?), '')
		FROM users u WHERE u.id = ?`, settingTimezone, userID).Scan(&z.User, &z.Console)
	if errors.Is(err, sql.ErrNoRows) {
		return Timezones{}, ErrNotFound
	}
	if err != nil {
		return Timezones{}, fmt.Errorf("store: timezones of user %d: %w", userID, err)
	}
	return z, nil
}

// SetUserTimezone stores a user's own zone ("" follows the console's).
func (db *DB) SetUserTimezone(ctx context.Context, userID int64, tz string) error {
	res, err := db.W.ExecContext(ctx, `UPDATE users SET timezone = ?, updated_at = ? WHERE id = ?`, tz, formatTime(time.Now()), userID)
	if err != nil {
		return fmt.Errorf("store: set timezone of user %d: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
