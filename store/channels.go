package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/secrets"
)

// Channel states.
const (
	ChannelPending        = "pending"
	ChannelConnected      = "connected"
	ChannelNeedsAttention = "needs_attention"
	ChannelDisconnected   = "disconnected"
)

// Channel is one WhatsApp business phone number connected through a
// provider. Its secrets are not part of it: read them with ChannelSecrets
// when a provider call needs them.
type Channel struct {
	ID             int64
	Title          string
	Provider       string
	DepartmentID   int64 // 0: none
	DepartmentName string
	BusinessID     string
	// AppID is the Meta app's ID ("" when not given); uploads need it.
	AppID                  string
	WABAID                 string
	WABAName               string
	PhoneNumberID          string
	DisplayPhoneNumber     string
	VerifiedName           string
	QualityRating          string
	MessagingLimitTier     string
	NumberStatus           string
	CodeVerificationStatus string
	// Settings are the provider's non-secret settings (providers.Credentials.Settings).
	Settings          map[string]string
	ForwardURL        string
	HasForwardSecret  bool
	AlertEmails       []string
	IsDefault         bool
	InboxVisible      bool
	State             string
	StateReason       string
	SubscribedAt      *time.Time
	LastHealthCheckAt *time.Time
	LastWebhookAt     *time.Time
	DeletedAt         *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// ChannelSecrets are a channel's credentials, decrypted.
type ChannelSecrets struct {
	AccessToken string
	AppSecret   string
	VerifyToken string
	// ForwardSecret signs payloads forwarded to the business's middleware
	// ("" when none was generated).
	ForwardSecret string
}

// NewChannel is what the wizard knows when it finishes.
type NewChannel struct {
	Title                  string
	Provider               string
	DepartmentID           int64
	BusinessID             string
	AppID                  string
	WABAID                 string
	WABAName               string
	PhoneNumberID          string
	DisplayPhoneNumber     string
	VerifiedName           string
	QualityRating          string
	MessagingLimitTier     string
	NumberStatus           string
	CodeVerificationStatus string
	Settings               map[string]string
	Secrets                ChannelSecrets
}

// UseBox sets the key that seals channel secrets; Open's caller must call it
// before using channels.
func (db *DB) UseBox(b *secrets.Box) { db.box = b }

// sealContext binds a sealed value to its channel and purpose, so a value
// copied into another row or column does not decrypt.
func sealContext(table string, id int64, what string) string {
	return table + " " + strconv.FormatInt(id, 10) + " " + what
}

func (db *DB) seal(plain, table string, id int64, what string) ([]byte, error) {
	if db.box == nil {
		return nil, errors.New("store: no secrets box configured (call UseBox)")
	}
	return db.box.Seal([]byte(plain), sealContext(table, id, what))
}

func (db *DB) open(sealed []byte, table string, id int64, what string) (string, error) {
	if sealed == nil {
		return "", nil
	}
	if db.box == nil {
		return "", errors.New("store: no secrets box configured (call UseBox)")
	}
	b, err := db.box.Open(sealed, sealContext(table, id, what))
	if err != nil {
		return "", fmt.Errorf("%s of %s %d: %w", what, table, id, err)
	}
	return string(b), nil
}

const channelColumns = `c.id, c.title, c.provider, COALESCE(c.department_id, 0), COALESCE(d.name, ''),
	c.business_id, c.app_id, c.waba_id, c.waba_name, c.phone_number_id, c.display_phone_number, c.verified_name,
	c.quality_rating, c.messaging_limit_tier, c.number_status, c.code_verification_status,
	c.provider_settings, c.forward_url, c.forward_secret_enc IS NOT NULL, c.alert_emails, c.is_default, c.inbox_visible,
	c.state, c.state_reason, c.subscribed_at, c.last_health_check_at, c.last_webhook_at, c.deleted_at,
	c.created_at, c.updated_at`

const channelFrom = ` FROM channels c LEFT JOIN departments d ON d.id = c.department_id `

func scanChannel(s scanner) (Channel, error) {
	var c Channel
	var alerts, created, updated, settings string
	var subscribed, checked, webhook, deleted sql.NullString
	err := s.Scan(&c.ID, &c.Title, &c.Provider, &c.DepartmentID, &c.DepartmentName,
		&c.BusinessID, &c.AppID, &c.WABAID, &c.WABAName, &c.PhoneNumberID, &c.DisplayPhoneNumber, &c.VerifiedName,
		&c.QualityRating, &c.MessagingLimitTier, &c.NumberStatus, &c.CodeVerificationStatus,
		&settings, &c.ForwardURL, &c.HasForwardSecret, &alerts, &c.IsDefault, &c.InboxVisible,
		&c.State, &c.StateReason, &subscribed, &checked, &webhook, &deleted, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Channel{}, ErrNotFound
	}
	if err != nil {
		return Channel{}, err
	}
	c.AlertEmails = splitList(alerts)
	if c.Settings, err = decodeSettings(settings); err != nil {
		return Channel{}, fmt.Errorf("provider settings of channel %d: %w", c.ID, err)
	}
	for _, f := range []struct {
		dst **time.Time
		src sql.NullString
	}{{&c.SubscribedAt, subscribed}, {&c.LastHealthCheckAt, checked}, {&c.LastWebhookAt, webhook}, {&c.DeletedAt, deleted}} {
		if *f.dst, err = parseNullTime(f.src); err != nil {
			return Channel{}, err
		}
	}
	if c.CreatedAt, err = parseTime(created); err != nil {
		return Channel{}, err
	}
	if c.UpdatedAt, err = parseTime(updated); err != nil {
		return Channel{}, err
	}
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreatePendingChannel stores a channel in the pending state: it exists (so
// that the provider's webhook verification can reach it) but is not listed
// until ActivateChannel. ErrConflict: the number is already connected.
func (db *DB) CreatePendingChannel(ctx context.Context, nc NewChannel) (Channel, error) {
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(time.Now())
		res, err := tx.ExecContext(ctx, `INSERT INTO channels (title, provider, department_id, business_id, app_id,
			waba_id, waba_name, phone_number_id, display_phone_number, verified_name, quality_rating,
			messaging_limit_tier, number_status, code_verification_status, provider_settings,
			access_token_enc, app_secret_enc, verify_token_enc, state, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, x'', x'', x'', 'pending', ?, ?)`,
			strings.TrimSpace(nc.Title), nc.Provider, nullID(nc.DepartmentID), nc.BusinessID, strings.TrimSpace(nc.AppID),
			nc.WABAID, nc.WABAName, nc.PhoneNumberID, nc.DisplayPhoneNumber, nc.VerifiedName, nc.QualityRating,
			nc.MessagingLimitTier, nc.NumberStatus, nc.CodeVerificationStatus, encodeSettings(nc.Settings), now, now)
		if err != nil {
			return translate(err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return db.writeSecrets(ctx, tx, id, nc.Secrets)
	})
	if err != nil {
		return Channel{}, fmt.Errorf("store: create channel: %w", err)
	}
	return db.ChannelByID(ctx, id)
}

// writeSecrets seals and stores a channel's secrets; empty fields other
// than the forward secret are kept as they are.
func (db *DB) writeSecrets(ctx context.Context, tx *sql.Tx, id int64, s ChannelSecrets) error {
	for _, f := range []struct{ col, what, val string }{
		{"access_token_enc", "access token", s.AccessToken},
		{"app_secret_enc", "app secret", s.AppSecret},
		{"verify_token_enc", "verify token", s.VerifyToken},
		{"forward_secret_enc", "forward secret", s.ForwardSecret},
	} {
		if f.val == "" {
			continue
		}
		sealed, err := db.seal(f.val, "channel", id, f.what)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE channels SET "+f.col+" = ? WHERE id = ?", sealed, id); err != nil {
			return err
		}
	}
	return nil
}

// ChannelSecrets decrypts a channel's credentials.
func (db *DB) ChannelSecrets(ctx context.Context, id int64) (ChannelSecrets, error) {
	var tok, app, verify, fwd []byte
	err := db.R.QueryRowContext(ctx, `SELECT access_token_enc, app_secret_enc, verify_token_enc, forward_secret_enc
		FROM channels WHERE id = ?`, id).Scan(&tok, &app, &verify, &fwd)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return ChannelSecrets{}, fmt.Errorf("store: channel %d secrets: %w", id, err)
	}
	var s ChannelSecrets
	for _, f := range []struct {
		dst  *string
		src  []byte
		what string
	}{{&s.AccessToken, tok, "access token"}, {&s.AppSecret, app, "app secret"}, {&s.VerifyToken, verify, "verify token"}, {&s.ForwardSecret, fwd, "forward secret"}} {
		if len(f.src) == 0 {
			continue
		}
		if *f.dst, err = db.open(f.src, "channel", id, f.what); err != nil {
			return ChannelSecrets{}, fmt.Errorf("store: channel %d secrets: %w", id, err)
		}
	}
	return s, nil
}

// ActivateChannel marks a pending channel connected once its webhook
// subscription succeeded. The first channel becomes the default.
func (db *DB) ActivateChannel(ctx context.Context, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(time.Now())
		res, err := tx.ExecContext(ctx, `UPDATE channels SET state = 'connected', state_reason = '',
			subscribed_at = ?, last_health_check_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`, now, now, now, id)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE channels SET is_default = 1 WHERE id = ? AND NOT EXISTS
			(SELECT 1 FROM channels WHERE is_default = 1 AND deleted_at IS NULL)`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: activate channel %d: %w", id, err)
	}
	return nil
}

// ChannelByID returns a channel, including pending and deleted ones.
func (db *DB) ChannelByID(ctx context.Context, id int64) (Channel, error) {
	c, err := scanChannel(db.R.QueryRowContext(ctx, "SELECT "+channelColumns+channelFrom+"WHERE c.id = ?", id))
	if err != nil {
		return Channel{}, fmt.Errorf("store: channel %d: %w", id, err)
	}
	return c, nil
}

// ListChannels returns the channels an admin sees: not pending, not
// deleted, the default first, then by title.
func (db *DB) ListChannels(ctx context.Context) ([]Channel, error) {
	return db.queryChannels(ctx, "WHERE c.state <> 'pending' AND c.deleted_at IS NULL ORDER BY c.is_default DESC, c.title COLLATE NOCASE, c.id")
}

// ChannelsToCheck returns the channels the health check looks at.
func (db *DB) ChannelsToCheck(ctx context.Context) ([]Channel, error) {
	return db.ListChannels(ctx)
}

func (db *DB) queryChannels(ctx context.Context, where string, args ...any) ([]Channel, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT "+channelColumns+channelFrom+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list channels: %w", err)
	}
	defer rows.Close()
	var cs []Channel
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list channels: %w", err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list channels: %w", err)
	}
	return cs, nil
}

// ChannelUpdate holds a channel's editable settings. A nil secret keeps
// the stored value: the edit form never shows secrets, so an empty field
// means "unchanged", not "erase".
type ChannelUpdate struct {
	Title        string
	DepartmentID int64
	AppID        string // "" removes it
	ForwardURL   string
	AlertEmails  []string
	AccessToken  *string
	AppSecret    *string
}

// UpdateChannel saves a channel's settings.
func (db *DB) UpdateChannel(ctx context.Context, id int64, up ChannelUpdate) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE channels SET title = ?, department_id = ?, app_id = ?, forward_url = ?,
			alert_emails = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`,
			strings.TrimSpace(up.Title), nullID(up.DepartmentID), strings.TrimSpace(up.AppID), strings.TrimSpace(up.ForwardURL),
			strings.Join(up.AlertEmails, ","), formatTime(time.Now()), id)
		if err != nil {
			return translate(err)
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		var s ChannelSecrets
		if up.AccessToken != nil {
			s.AccessToken = *up.AccessToken
		}
		if up.AppSecret != nil {
			s.AppSecret = *up.AppSecret
		}
		return db.writeSecrets(ctx, tx, id, s)
	})
	if err != nil {
		return fmt.Errorf("store: update channel %d: %w", id, err)
	}
	return nil
}

// SetChannelSecret replaces one generated secret (verify or forward).
func (db *DB) SetChannelSecrets(ctx context.Context, id int64, s ChannelSecrets) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE channels SET updated_at = ? WHERE id = ?", formatTime(time.Now()), id)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		return db.writeSecrets(ctx, tx, id, s)
	})
	if err != nil {
		return fmt.Errorf("store: set secrets of channel %d: %w", id, err)
	}
	return nil
}

// SetDefaultChannel makes one channel the default, and no other.
func (db *DB) SetDefaultChannel(ctx context.Context, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var ok bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM channels WHERE id = ?
			AND deleted_at IS NULL AND state <> 'pending')`, id).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, "UPDATE channels SET is_default = 0 WHERE is_default = 1"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE channels SET is_default = 1, updated_at = ? WHERE id = ?", formatTime(time.Now()), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: set default channel %d: %w", id, err)
	}
	return nil
}

// SetChannelInboxVisible shows or hides a channel's conversations in the inbox.
func (db *DB) SetChannelInboxVisible(ctx context.Context, id int64, visible bool) error {
	res, err := db.W.ExecContext(ctx, "UPDATE channels SET inbox_visible = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL",
		visible, formatTime(time.Now()), id)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: set inbox visibility of channel %d: %w", id, err)
	}
	return nil
}

// DeleteChannel retires a channel. The row stays (conversations keep
// pointing at it and show it as deleted); its secrets are erased, and its
// number may be connected again. When it was the default, the oldest
// remaining channel takes over.
func (db *DB) DeleteChannel(ctx context.Context, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(time.Now())
		var wasDefault bool
		err := tx.QueryRowContext(ctx, "SELECT is_default FROM channels WHERE id = ? AND deleted_at IS NULL", id).Scan(&wasDefault)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE channels SET deleted_at = ?, is_default = 0, inbox_visible = 0,
			access_token_enc = x'', app_secret_enc = x'', verify_token_enc = x'', forward_secret_enc = NULL,
			state = 'disconnected', state_reason = 'Deleted', updated_at = ? WHERE id = ?`, now, now, id); err != nil {
			return err
		}
		if wasDefault {
			_, err = tx.ExecContext(ctx, `UPDATE channels SET is_default = 1 WHERE id = (SELECT id FROM channels
				WHERE deleted_at IS NULL AND state <> 'pending' ORDER BY created_at, id LIMIT 1)`)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete channel %d: %w", id, err)
	}
	return nil
}

// ChannelHealth is what a health check found.
type ChannelHealth struct {
	State                  string
	Reason                 string
	QualityRating          string
	MessagingLimitTier     string
	NumberStatus           string
	CodeVerificationStatus string
	CheckedAt              time.Time
}

// SetChannelHealth records a health check and returns the state before it,
// so the caller can tell a change (and alert) from a repeat.
func (db *DB) SetChannelHealth(ctx context.Context, id int64, h ChannelHealth) (previous string, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT state FROM channels WHERE id = ? AND deleted_at IS NULL", id).Scan(&previous)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		// Facts the check could not read (e.g. a rejected token) keep their
		// last known value.
		_, err = tx.ExecContext(ctx, `UPDATE channels SET state = ?, state_reason = ?,
			quality_rating = COALESCE(NULLIF(?, ''), quality_rating),
			messaging_limit_tier = COALESCE(NULLIF(?, ''), messaging_limit_tier),
			number_status = COALESCE(NULLIF(?, ''), number_status),
			code_verification_status = COALESCE(NULLIF(?, ''), code_verification_status),
			last_health_check_at = ?, updated_at = ? WHERE id = ?`,
			h.State, h.Reason, h.QualityRating, h.MessagingLimitTier, h.NumberStatus, h.CodeVerificationStatus,
			formatTime(h.CheckedAt), formatTime(time.Now()), id)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store: set health of channel %d: %w", id, err)
	}
	return previous, nil
}

// TouchChannelWebhook records that a webhook arrived for the channel.
func (db *DB) TouchChannelWebhook(ctx context.Context, id int64, at time.Time) error {
	if _, err := db.W.ExecContext(ctx, "UPDATE channels SET last_webhook_at = ? WHERE id = ?", formatTime(at), id); err != nil {
		return fmt.Errorf("store: touch webhook of channel %d: %w", id, err)
	}
	return nil
}

// DeletePendingChannel removes a channel that never got connected.
func (db *DB) DeletePendingChannel(ctx context.Context, id int64) error {
	if _, err := db.W.ExecContext(ctx, "DELETE FROM channels WHERE id = ? AND state = 'pending'", id); err != nil {
		return fmt.Errorf("store: delete pending channel %d: %w", id, err)
	}
	return nil
}

// ChannelWebhookCredentials returns what a webhook request needs to be
// checked: the channel's provider, settings, app secret and webhook
// secret (verify token), decrypted; no access token. ErrNotFound for
// unknown and deleted channels.
func (db *DB) ChannelWebhookCredentials(ctx context.Context, id int64) (providers.Credentials, error) {
	var c providers.Credentials
	var provider, settings string
	var app, verify []byte
	err := db.R.QueryRowContext(ctx, `SELECT provider, business_id, app_id, provider_settings, app_secret_enc, verify_token_enc
		FROM channels WHERE id = ? AND deleted_at IS NULL`, id).Scan(&provider, &c.BusinessID, &c.AppID, &settings, &app, &verify)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err == nil {
		c.Provider = providers.ProviderID(provider)
		c.Settings, err = decodeSettings(settings)
	}
	if err == nil && len(app) > 0 {
		c.AppSecret, err = db.open(app, "channel", id, "app secret")
	}
	if err == nil && len(verify) > 0 {
		c.WebhookSecret, err = db.open(verify, "channel", id, "verify token")
	}
	if err != nil {
		return providers.Credentials{}, fmt.Errorf("store: webhook credentials of channel %d: %w", id, err)
	}
	return c, nil
}

// encodeSettings stores provider settings as a JSON object (” for none).
func encodeSettings(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "" // a map of strings always encodes
	}
	return string(b)
}

func decodeSettings(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return m, nil
}

// Credentials are what the channel's provider client is built from and
// its webhooks are checked with.
func (c Channel) Credentials(sec ChannelSecrets) providers.Credentials {
	return providers.Credentials{Provider: providers.ProviderID(c.Provider), Token: sec.AccessToken, AppSecret: sec.AppSecret,
		WebhookSecret: sec.VerifyToken, BusinessID: c.BusinessID, AppID: c.AppID, Settings: c.Settings}
}

// ChannelNumber is a channel's phone number, for filing webhooks.
type ChannelNumber struct {
	ID            int64
	PhoneNumberID string
}

// ChannelsSharingAccount returns the channels (not deleted) of the same
// provider and WhatsApp Business Account as channelID, itself included:
// Meta subscribes an app per account, so one callback receives the
// webhooks of all its numbers.
func (db *DB) ChannelsSharingAccount(ctx context.Context, channelID int64) ([]ChannelNumber, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT c.id, c.phone_number_id FROM channels c
		JOIN channels o ON o.waba_id = c.waba_id AND o.provider = c.provider
		WHERE o.id = ? AND c.deleted_at IS NULL ORDER BY c.id`, channelID)
	if err != nil {
		return nil, fmt.Errorf("store: channels sharing the account of channel %d: %w", channelID, err)
	}
	defer rows.Close()
	var out []ChannelNumber
	for rows.Next() {
		var n ChannelNumber
		if err := rows.Scan(&n.ID, &n.PhoneNumberID); err != nil {
			return nil, fmt.Errorf("store: channels sharing the account of channel %d: %w", channelID, err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
