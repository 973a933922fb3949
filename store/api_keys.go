package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// APIKey is a key of the notification API (never the key itself).
type APIKey struct {
	ID         int64
	Name       string
	Prefix     string
	Scopes     []string
	CreatedBy  int64
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// HasScope reports whether the key may do what scope names.
func (k APIKey) HasScope(scope string) bool {
	for _, s := range k.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

const apiKeyColumns = `id, name, prefix, scopes, COALESCE(created_by, 0), created_at, last_used_at, revoked_at`

func scanAPIKey(s scanner) (APIKey, error) {
	var k APIKey
	var scopes, created string
	var used, revoked sql.NullString
	if err := s.Scan(&k.ID, &k.Name, &k.Prefix, &scopes, &k.CreatedBy, &created, &used, &revoked); err != nil {
		return APIKey{}, err
	}
	k.Scopes = strings.Fields(scopes)
	var err error
	if k.CreatedAt, err = parseTime(created); err != nil {
		return APIKey{}, err
	}
	if k.LastUsedAt, err = parseNullTime(used); err != nil {
		return APIKey{}, err
	}
	if k.RevokedAt, err = parseNullTime(revoked); err != nil {
		return APIKey{}, err
	}
	return k, nil
}

// CreateAPIKey stores a key by its hash.
func (db *DB) CreateAPIKey(ctx context.Context, name, prefix, hash string, scopes []string, by int64) (APIKey, error) {
	var id int64
	var creator any
	if by > 0 {
		creator = by
	}
	err := db.W.QueryRowContext(ctx, `INSERT INTO api_keys (name, prefix, hash, scopes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		name, prefix, hash, strings.Join(scopes, " "), creator, formatTime(time.Now())).Scan(&id)
	if err != nil {
		return APIKey{}, fmt.Errorf("store: create API key: %w", translate(err))
	}
	return db.APIKeyByID(ctx, id)
}

// APIKeyByID returns a key.
func (db *DB) APIKeyByID(ctx context.Context, id int64) (APIKey, error) {
	k, err := scanAPIKey(db.R.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return APIKey{}, fmt.Errorf("store: API key %d: %w", id, err)
	}
	return k, nil
}

// APIKeyByHash returns the key with the hash, revoked or not, and notes
// its use now (at most once a minute, to spare the writer).
func (db *DB) APIKeyByHash(ctx context.Context, hash string) (APIKey, error) {
	k, err := scanAPIKey(db.R.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return APIKey{}, fmt.Errorf("store: API key: %w", err)
	}
	now := time.Now()
	if k.RevokedAt == nil && (k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > time.Minute) {
		if _, err := db.W.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, formatTime(now), k.ID); err != nil {
			return APIKey{}, fmt.Errorf("store: API key %d: note use: %w", k.ID, err)
		}
		k.LastUsedAt = &now
	}
	return k, nil
}

// ListAPIKeys returns every key, newest first.
func (db *DB) ListAPIKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: list API keys: %w", err)
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list API keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey stops a key from working, for good.
func (db *DB) RevokeAPIKey(ctx context.Context, id int64) error {
	res, err := db.W.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, formatTime(time.Now()), id)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: revoke API key %d: %w", id, err)
	}
	return nil
}

// Idempotency of API requests.

// IdempotentAnswer is the stored answer to a request, Status 0 while the
// first request is still being handled.
type IdempotentAnswer struct {
	RequestHash string
	Status      int
	Body        string
}

// idempotencyKeep is how long answers are kept for retries.
const idempotencyKeep = 24 * time.Hour

// ClaimIdempotencyKey records that a request with the key is being
// handled. claimed is false when the key was used before: prior is then
// what is known of that request.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, keyID int64, idemKey, requestHash string) (claimed bool, prior IdempotentAnswer, err error) {
	now := time.Now()
	if _, err := db.W.ExecContext(ctx, `DELETE FROM api_idempotency WHERE created_at < ?`, formatTime(now.Add(-idempotencyKeep))); err != nil {
		return false, prior, fmt.Errorf("store: idempotency: %w", err)
	}
	var got int64
	err = db.W.QueryRowContext(ctx, `INSERT INTO api_idempotency (key_id, idem_key, request_hash, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (key_id, idem_key) DO NOTHING RETURNING key_id`, keyID, idemKey, requestHash, formatTime(now)).Scan(&got)
	if err == nil {
		return true, prior, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, prior, fmt.Errorf("store: idempotency: %w", err)
	}
	err = db.W.QueryRowContext(ctx, `SELECT request_hash, status, body FROM api_idempotency WHERE key_id = ? AND idem_key = ?`, keyID, idemKey).
		Scan(&prior.RequestHash, &prior.Status, &prior.Body)
	if err != nil {
		return false, prior, fmt.Errorf("store: idempotency: %w", err)
	}
	return false, prior, nil
}

// SaveIdempotentAnswer keeps the answer to a claimed request; an answer
// that must not be replayed (a failure worth retrying) releases the key
// instead (status 0).
func (db *DB) SaveIdempotentAnswer(ctx context.Context, keyID int64, idemKey string, status int, body string) error {
	var err error
	if status == 0 {
		_, err = db.W.ExecContext(ctx, `DELETE FROM api_idempotency WHERE key_id = ? AND idem_key = ?`, keyID, idemKey)
	} else {
		_, err = db.W.ExecContext(ctx, `UPDATE api_idempotency SET status = ?, body = ? WHERE key_id = ? AND idem_key = ?`, status, body, keyID, idemKey)
	}
	if err != nil {
		return fmt.Errorf("store: idempotency: %w", err)
	}
	return nil
}

// MessageByID returns a message, whatever its conversation (the API's
// status look-up).
func (db *DB) MessageByID(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(db.R.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages m`+messageStatusJoin+` WHERE m.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Message{}, fmt.Errorf("store: message %d: %w", id, err)
	}
	return m, nil
}

// ConversationWith returns the conversation of a channel with a contact;
// ErrNotFound when they never talked.
func (db *DB) ConversationWith(ctx context.Context, channelID, contactID int64) (int64, error) {
	var id int64
	err := db.R.QueryRowContext(ctx, `SELECT id FROM conversations WHERE channel_id = ? AND contact_id = ?`, channelID, contactID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: conversation of channel %d with contact %d: %w", channelID, contactID, err)
	}
	return id, nil
}
