package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TOTP is a user's authenticator-app secret (sealed) and its state.
type TOTP struct {
	UserID    int64
	SecretEnc []byte
	// Confirmed is false while the user is still enrolling: the secret has
	// been shown but no code from it was entered yet.
	Confirmed bool
	// LastStep is the 30-second time step of the last accepted code.
	LastStep int64
}

// TOTPOf returns a user's authenticator secret, or ErrNotFound.
func (db *DB) TOTPOf(ctx context.Context, userID int64) (TOTP, error) {
	t := TOTP{UserID: userID}
	var confirmed sql.NullString
	err := db.R.QueryRowContext(ctx, "SELECT secret_enc, confirmed_at, last_step FROM user_totp WHERE user_id = ?", userID).
		Scan(&t.SecretEnc, &confirmed, &t.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return TOTP{}, fmt.Errorf("store: authenticator of user %d: %w", userID, ErrNotFound)
	}
	if err != nil {
		return TOTP{}, fmt.Errorf("store: authenticator of user %d: %w", userID, err)
	}
	t.Confirmed = confirmed.Valid
	return t, nil
}

// StartTOTPEnrolment stores a new, unconfirmed secret. It returns ErrConflict
// when the user already has a confirmed authenticator.
func (db *DB) StartTOTPEnrolment(ctx context.Context, userID int64, secretEnc []byte) error {
	res, err := db.W.ExecContext(ctx, `INSERT INTO user_totp (user_id, secret_enc, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET secret_enc = excluded.secret_enc, last_step = 0,
			created_at = excluded.created_at
		WHERE user_totp.confirmed_at IS NULL`, userID, secretEnc, formatTime(time.Now()))
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			err = ErrConflict
		}
	}
	if err != nil {
		return fmt.Errorf("store: start authenticator enrolment of user %d: %w", userID, translate(err))
	}
	return nil
}

// ConfirmTOTP finishes enrolment with the step of the first code entered
// (which may not be used again). ErrNotFound: nothing was being enrolled.
func (db *DB) ConfirmTOTP(ctx context.Context, userID, step int64) error {
	res, err := db.W.ExecContext(ctx, `UPDATE user_totp SET confirmed_at = ?, last_step = ?
		WHERE user_id = ? AND confirmed_at IS NULL`, formatTime(time.Now()), step, userID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: confirm authenticator of user %d: %w", userID, err)
	}
	return nil
}

// UseTOTPStep records that the code of this time step was used. It reports
// false when that step, or a later one, was used already: a code is
// accepted once.
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := db.W.ExecContext(ctx, `UPDATE user_totp SET last_step = ?
		WHERE user_id = ? AND confirmed_at IS NOT NULL AND last_step < ?`, step, userID, step)
	if err != nil {
		return false, fmt.Errorf("store: use authenticator code of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RecoveryCode is one stored recovery code.
type RecoveryCode struct {
	ID   int64
	Hash string
}

// ReplaceRecoveryCodes deletes a user's recovery codes and stores new ones.
func (db *DB) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	now := formatTime(time.Now())
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", userID); err != nil {
			return err
		}
		for _, h := range hashes {
			if _, err := tx.ExecContext(ctx, "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)",
				userID, h, now); err != nil {
				return translate(err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: replace recovery codes of user %d: %w", userID, err)
	}
	return nil
}

// UnusedRecoveryCodes returns a user's recovery codes that were not used.
func (db *DB) UnusedRecoveryCodes(ctx context.Context, userID int64) ([]RecoveryCode, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT id, code_hash FROM recovery_codes WHERE user_id = ? AND used_at IS NULL ORDER BY id", userID)
	if err != nil {
		return nil, fmt.Errorf("store: recovery codes of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []RecoveryCode
	for rows.Next() {
		var c RecoveryCode
		if err := rows.Scan(&c.ID, &c.Hash); err != nil {
			return nil, fmt.Errorf("store: recovery codes of user %d: %w", userID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UseRecoveryCode marks a code used. It reports false when it already was
// (two sign-ins racing with the same code: one wins).
func (db *DB) UseRecoveryCode(ctx context.Context, id int64) (bool, error) {
	res, err := db.W.ExecContext(ctx, "UPDATE recovery_codes SET used_at = ? WHERE id = ? AND used_at IS NULL",
		formatTime(time.Now()), id)
	if err != nil {
		return false, fmt.Errorf("store: use recovery code %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TwoFactorStatus is what a user has set up as a second factor.
type TwoFactorStatus struct {
	// TOTP: a confirmed authenticator app.
	TOTP bool
	// Passkeys is how many passkeys are registered.
	Passkeys int
	// RecoveryLeft is how many recovery codes are unused; RecoveryTotal how
	// many were issued.
	RecoveryLeft, RecoveryTotal int
}

// Enabled reports whether signing in asks for a second factor.
func (t TwoFactorStatus) Enabled() bool { return t.TOTP || t.Passkeys > 0 }

// TwoFactorStatusOf returns what second factors a user has.
func (db *DB) TwoFactorStatusOf(ctx context.Context, userID int64) (TwoFactorStatus, error) {
	var t TwoFactorStatus
	err := db.R.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM user_totp WHERE user_id = ? AND confirmed_at IS NOT NULL),
		(SELECT COUNT(*) FROM passkeys WHERE user_id = ?),
		(SELECT COUNT(*) FILTER (WHERE used_at IS NULL) FROM recovery_codes WHERE user_id = ?),
		(SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?)`, userID, userID, userID, userID).
		Scan(&t.TOTP, &t.Passkeys, &t.RecoveryLeft, &t.RecoveryTotal)
	if err != nil {
		return TwoFactorStatus{}, fmt.Errorf("store: two-factor status of user %d: %w", userID, err)
	}
	return t, nil
}

// RemoveTOTP deletes a user's authenticator; when no passkey is left, the
// recovery codes go too.
func (db *DB) RemoveTOTP(ctx context.Context, userID int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM user_totp WHERE user_id = ?", userID); err != nil {
			return err
		}
		return dropOrphanRecoveryCodes(ctx, tx, userID)
	})
	if err != nil {
		return fmt.Errorf("store: remove authenticator of user %d: %w", userID, err)
	}
	return nil
}

// ResetTwoFactor removes every second factor of a user: authenticator,
// passkeys and recovery codes (an admin's reset, or `wadesk user reset-2fa`).
func (db *DB) ResetTwoFactor(ctx context.Context, userID int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			"DELETE FROM user_totp WHERE user_id = ?",
			"DELETE FROM passkeys WHERE user_id = ?",
			"DELETE FROM recovery_codes WHERE user_id = ?",
			"DELETE FROM user_sessions WHERE user_id = ?",
			"UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ?",
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: reset two-factor of user %d: %w", userID, err)
	}
	return nil
}

func dropOrphanRecoveryCodes(ctx context.Context, tx *sql.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?
		AND NOT EXISTS (SELECT 1 FROM user_totp WHERE user_id = ? AND confirmed_at IS NOT NULL)
		AND NOT EXISTS (SELECT 1 FROM passkeys WHERE user_id = ?)`, userID, userID, userID)
	return err
}

// Two-factor policies (Settings → Security).
const (
	TwoFactorOptional   = "optional"
	TwoFactorAdmins     = "admins"
	TwoFactorEveryone   = "everyone"
	settingTwoFactorKey = "two_factor_policy"
)

// TwoFactorPolicy returns who must use two-factor sign-in
// (TwoFactorOptional until an admin chose otherwise).
func (db *DB) TwoFactorPolicy(ctx context.Context) (string, error) {
	var v string
	err := db.R.QueryRowContext(ctx, "SELECT value FROM security_settings WHERE name = ?", settingTwoFactorKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return TwoFactorOptional, nil
	}
	if err != nil {
		return "", fmt.Errorf("store: two-factor policy: %w", err)
	}
	return v, nil
}

// SetTwoFactorPolicy stores who must use two-factor sign-in.
func (db *DB) SetTwoFactorPolicy(ctx context.Context, policy string) error {
	switch policy {
	case TwoFactorOptional, TwoFactorAdmins, TwoFactorEveryone:
	default:
		return fmt.Errorf("store: unknown two-factor policy %q", policy)
	}
	if err := db.setSecuritySetting(ctx, settingTwoFactorKey, policy); err != nil {
		return fmt.Errorf("store: set two-factor policy: %w", err)
	}
	return nil
}

// settingNewBrowserNotice is "on" when people are emailed about a sign-in
// from a browser their account never used before.
const settingNewBrowserNotice = "new_browser_notice"

// NewBrowserNotice reports whether people are emailed about sign-ins from
// new browsers (off until an admin turns it on).
func (db *DB) NewBrowserNotice(ctx context.Context) (bool, error) {
	var v string
	err := db.R.QueryRowContext(ctx, "SELECT value FROM security_settings WHERE name = ?", settingNewBrowserNotice).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: new-browser notice setting: %w", err)
	}
	return v == "on", nil
}

// SetNewBrowserNotice turns the new-browser emails on or off.
func (db *DB) SetNewBrowserNotice(ctx context.Context, on bool) error {
	v := "off"
	if on {
		v = "on"
	}
	if err := db.setSecuritySetting(ctx, settingNewBrowserNotice, v); err != nil {
		return fmt.Errorf("store: set new-browser notice: %w", err)
	}
	return nil
}

func (db *DB) setSecuritySetting(ctx context.Context, name, value string) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO security_settings (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		name, value, formatTime(time.Now()))
	return err
}

// TwoFactorRequired reports whether the policy asks this role for a second factor.
func TwoFactorRequired(policy, role string) bool {
	return policy == TwoFactorEveryone || policy == TwoFactorAdmins && role == RoleAdmin
}
