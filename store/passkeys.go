package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Passkey is a registered WebAuthn credential.
type Passkey struct {
	ID           int64
	UserID       int64
	CredentialID []byte
	Name         string
	// Credential is the WebAuthn library's JSON record of the credential.
	Credential string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

const passkeyColumns = "id, user_id, credential_id, name, credential, created_at, last_used_at"

// PasskeysOf lists a user's passkeys, oldest first.
func (db *DB) PasskeysOf(ctx context.Context, userID int64) ([]Passkey, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT "+passkeyColumns+" FROM passkeys WHERE user_id = ? ORDER BY id", userID)
	if err != nil {
		return nil, fmt.Errorf("store: passkeys of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []Passkey
	for rows.Next() {
		p, err := scanPasskey(rows)
		if err != nil {
			return nil, fmt.Errorf("store: passkeys of user %d: %w", userID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CreatePasskey stores a new passkey. ErrConflict: the credential is
// already registered.
func (db *DB) CreatePasskey(ctx context.Context, p Passkey) (int64, error) {
	var id int64
	err := db.W.QueryRowContext(ctx, `INSERT INTO passkeys (user_id, credential_id, name, credential, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, p.UserID, p.CredentialID, strings.TrimSpace(p.Name), p.Credential,
		formatTime(time.Now())).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create passkey of user %d: %w", p.UserID, translate(err))
	}
	return id, nil
}

// DeletePasskey removes one of a user's passkeys (and the recovery codes
// when no second factor is left). ErrNotFound: no such passkey of theirs.
func (db *DB) DeletePasskey(ctx context.Context, userID, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM passkeys WHERE id = ? AND user_id = ?", id, userID)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		return dropOrphanRecoveryCodes(ctx, tx, userID)
	})
	if err != nil {
		return fmt.Errorf("store: delete passkey %d: %w", id, err)
	}
	return nil
}

// PasskeyUsed stores the credential's new state (its signature counter)
// after a sign-in.
func (db *DB) PasskeyUsed(ctx context.Context, id int64, credential string) error {
	_, err := db.W.ExecContext(ctx, "UPDATE passkeys SET credential = ?, last_used_at = ? WHERE id = ?",
		credential, formatTime(time.Now()), id)
	if err != nil {
		return fmt.Errorf("store: passkey %d used: %w", id, err)
	}
	return nil
}

func scanPasskey(s scanner) (Passkey, error) {
	var p Passkey
	var created string
	var used sql.NullString
	err := s.Scan(&p.ID, &p.UserID, &p.CredentialID, &p.Name, &p.Credential, &created, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return Passkey{}, ErrNotFound
	}
	if err != nil {
		return Passkey{}, err
	}
	if p.CreatedAt, err = parseTime(created); err != nil {
		return Passkey{}, err
	}
	if p.LastUsedAt, err = parseNullTime(used); err != nil {
		return Passkey{}, err
	}
	return p, nil
}
