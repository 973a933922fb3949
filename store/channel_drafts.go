package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/wadesk/wadesk/providers"
)

// ChannelDraft is the channel wizard's progress for one admin. It lives
// apart from channels, so an abandoned wizard leaves nothing in the
// channel list, and a reload finds the admin where they were.
type ChannelDraft struct {
	ID           int64
	UserID       int64
	Step         string
	Provider     string
	DepartmentID int64
	Title        string
	BusinessID   string
	AppID        string
	// Settings are the provider's non-secret settings typed so far.
	Settings map[string]string
	// AccessToken and AppSecret are decrypted; empty when not entered yet.
	AccessToken   string
	AppSecret     string
	AccountsJSON  string
	WABAID        string
	PhoneNumberID string
	ChannelID     int64
	LastError     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// ChannelDraftOf returns the user's draft, or ErrNotFound.
func (db *DB) ChannelDraftOf(ctx context.Context, userID int64) (ChannelDraft, error) {
	var d ChannelDraft
	var tok, app []byte
	var created, updated, settings string
	err := db.R.QueryRowContext(ctx, `SELECT id, user_id, step, provider, COALESCE(department_id, 0), title,
		business_id, app_id, provider_settings, access_token_enc, app_secret_enc, accounts_json, waba_id, phone_number_id,
		COALESCE(channel_id, 0), last_error, created_at, updated_at
		FROM channel_drafts WHERE user_id = ?`, userID).Scan(&d.ID, &d.UserID, &d.Step, &d.Provider, &d.DepartmentID,
		&d.Title, &d.BusinessID, &d.AppID, &settings, &tok, &app, &d.AccountsJSON, &d.WABAID, &d.PhoneNumberID, &d.ChannelID,
		&d.LastError, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err == nil {
		d.CreatedAt, err = parseTime(created)
	}
	if err == nil {
		d.UpdatedAt, err = parseTime(updated)
	}
	if err == nil {
		d.Settings, err = decodeSettings(settings)
	}
	if err == nil && len(tok) > 0 {
		d.AccessToken, err = db.open(tok, "channel_draft", d.ID, "access token")
	}
	if err == nil && len(app) > 0 {
		d.AppSecret, err = db.open(app, "channel_draft", d.ID, "app secret")
	}
	if err != nil {
		return ChannelDraft{}, fmt.Errorf("store: channel draft of user %d: %w", userID, err)
	}
	return d, nil
}

// SaveChannelDraft creates or replaces the user's draft.
func (db *DB) SaveChannelDraft(ctx context.Context, d ChannelDraft) (ChannelDraft, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(time.Now())
		err := tx.QueryRowContext(ctx, `INSERT INTO channel_drafts (user_id, step, provider, department_id, title,
			business_id, app_id, provider_settings, accounts_json, waba_id, phone_number_id, channel_id, last_error, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET step = excluded.step, provider = excluded.provider,
			department_id = excluded.department_id, title = excluded.title, business_id = excluded.business_id,
			app_id = excluded.app_id, provider_settings = excluded.provider_settings, accounts_json = excluded.accounts_json, waba_id = excluded.waba_id,
			phone_number_id = excluded.phone_number_id, channel_id = excluded.channel_id,
			last_error = excluded.last_error, updated_at = excluded.updated_at
			RETURNING id`,
			d.UserID, d.Step, d.Provider, nullID(d.DepartmentID), d.Title, d.BusinessID, d.AppID, encodeSettings(d.Settings), d.AccountsJSON,
			d.WABAID, d.PhoneNumberID, nullID(d.ChannelID), d.LastError, now, now).Scan(&d.ID)
		if err != nil {
			return translate(err)
		}
		var tok, app any
		if d.AccessToken != "" {
			if tok, err = db.seal(d.AccessToken, "channel_draft", d.ID, "access token"); err != nil {
				return err
			}
		}
		if d.AppSecret != "" {
			if app, err = db.seal(d.AppSecret, "channel_draft", d.ID, "app secret"); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, "UPDATE channel_drafts SET access_token_enc = ?, app_secret_enc = ? WHERE id = ?", tok, app, d.ID)
		return err
	})
	if err != nil {
		return ChannelDraft{}, fmt.Errorf("store: save channel draft: %w", err)
	}
	return db.ChannelDraftOf(ctx, d.UserID)
}

// DeleteChannelDraft discards the user's draft, and the pending channel it
// created if that never got connected.
func (db *DB) DeleteChannelDraft(ctx context.Context, userID int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM channels WHERE state = 'pending' AND id IN
			(SELECT channel_id FROM channel_drafts WHERE user_id = ?)`, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM channel_drafts WHERE user_id = ?", userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete channel draft of user %d: %w", userID, err)
	}
	return nil
}

// FinishChannelDraft removes the draft once its channel is connected.
func (db *DB) FinishChannelDraft(ctx context.Context, userID int64) error {
	if _, err := db.W.ExecContext(ctx, "DELETE FROM channel_drafts WHERE user_id = ?", userID); err != nil {
		return fmt.Errorf("store: finish channel draft of user %d: %w", userID, err)
	}
	return nil
}

// PurgeStaleChannelDrafts deletes drafts untouched since before, and any
// pending channel no draft refers to any more.
func (db *DB) PurgeStaleChannelDrafts(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM channel_drafts WHERE updated_at < ?", formatTime(before))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM channels WHERE state = 'pending' AND created_at < ?
			AND id NOT IN (SELECT channel_id FROM channel_drafts WHERE channel_id IS NOT NULL)`, formatTime(before))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: purge stale channel drafts: %w", err)
	}
	return n, nil
}

// Credentials are what a client for the draft's provider is built from.
func (d ChannelDraft) Credentials() providers.Credentials {
	return providers.Credentials{Provider: providers.ProviderID(d.Provider), Token: d.AccessToken, AppSecret: d.AppSecret,
		BusinessID: d.BusinessID, AppID: d.AppID, Settings: d.Settings}
}
