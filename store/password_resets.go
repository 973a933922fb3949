package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CreatePasswordReset stores the hash of a reset link's token; the link
// works once, until expires.
func (db *DB) CreatePasswordReset(ctx context.Context, userID int64, tokenHash string, expires time.Time) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, expires_at, created_at)
		VALUES (?, ?, ?, ?)`, tokenHash, userID, formatTime(expires), formatTime(time.Now()))
	if err != nil {
		return fmt.Errorf("store: create password reset for user %d: %w", userID, translate(err))
	}
	return nil
}

// PasswordResetUser returns the user of an unused, unexpired reset link,
// or ErrNotFound.
func (db *DB) PasswordResetUser(ctx context.Context, tokenHash string, now time.Time) (int64, error) {
	var id int64
	err := db.R.QueryRowContext(ctx, `SELECT user_id FROM password_resets
		WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, tokenHash, formatTime(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: password reset: %w", ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: password reset: %w", err)
	}
	return id, nil
}

// ResetPassword uses a reset link: in one transaction it marks the link
// used (only if it is still unused and unexpired), voids the user's other
// links, sets the new password hash and signs out every session of the
// user. ErrNotFound: the link is used, expired or unknown.
func (db *DB) ResetPassword(ctx context.Context, tokenHash, hash string, now time.Time) (int64, error) {
	var userID int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE password_resets SET used_at = ?
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`,
			formatTime(now), tokenHash, formatTime(now)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", []any{formatTime(now), userID}},
			{"UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1, updated_at = ? WHERE id = ?", []any{hash, formatTime(now), userID}},
			{"DELETE FROM user_sessions WHERE user_id = ?", []any{userID}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: reset password: %w", err)
	}
	return userID, nil
}

// DeleteOldPasswordResets drops links that expired before the time given.
func (db *DB) DeleteOldPasswordResets(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.W.ExecContext(ctx, "DELETE FROM password_resets WHERE expires_at < ?", formatTime(before))
	if err != nil {
		return 0, fmt.Errorf("store: delete old password resets: %w", err)
	}
	return res.RowsAffected()
}
