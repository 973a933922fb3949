package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// StoreSettings are what wadesk keeps about a channel's store. The cart
// and catalog switches are the provider's (see providers.CommerceSettings).
type StoreSettings struct {
	ChannelID int64
	// CatalogID is the Meta catalog connected to the account ("" unset).
	CatalogID string
	// Currency is the ISO 4217 code of the store's prices ("" unset).
	Currency string
	// PaymentTemplateName and PaymentTemplateLanguage choose the approved
	// template that carries payment links outside the 24-hour window.
	PaymentTemplateName     string
	PaymentTemplateLanguage string
	// UpdatedAt is zero for a channel whose settings were never saved.
	UpdatedAt time.Time
}

// StoreSettingsOf returns a channel's store settings; a channel that has
// none gets empty settings, not an error.
func (db *DB) StoreSettingsOf(ctx context.Context, channelID int64) (StoreSettings, error) {
	s := StoreSettings{ChannelID: channelID}
	var updated string
	err := db.R.QueryRowContext(ctx, `SELECT catalog_id, currency, payment_template_name, payment_template_language,
		updated_at FROM store_settings WHERE channel_id = ?`, channelID).Scan(&s.CatalogID, &s.Currency,
		&s.PaymentTemplateName, &s.PaymentTemplateLanguage, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return StoreSettings{}, fmt.Errorf("store: store settings of channel %d: %w", channelID, err)
	}
	if s.UpdatedAt, err = parseTime(updated); err != nil {
		return StoreSettings{}, fmt.Errorf("store: store settings of channel %d: %w", channelID, err)
	}
	return s, nil
}

// ListStoreSettings returns the saved store settings of every channel, by
// channel ID.
func (db *DB) ListStoreSettings(ctx context.Context) (map[int64]StoreSettings, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT channel_id, catalog_id, currency, payment_template_name,
		payment_template_language, updated_at FROM store_settings`)
	if err != nil {
		return nil, fmt.Errorf("store: list store settings: %w", err)
	}
	defer rows.Close()
	out := map[int64]StoreSettings{}
	for rows.Next() {
		var s StoreSettings
		var updated string
		if err := rows.Scan(&s.ChannelID, &s.CatalogID, &s.Currency, &s.PaymentTemplateName, &s.PaymentTemplateLanguage, &updated); err != nil {
			return nil, fmt.Errorf("store: list store settings: %w", err)
		}
		if s.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, fmt.Errorf("store: list store settings: %w", err)
		}
		out[s.ChannelID] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list store settings: %w", err)
	}
	return out, nil
}

// SaveStoreSettings stores a channel's store settings (ChannelID names the
// channel; UpdatedAt is set here). ErrNotFound when the channel is unknown.
func (db *DB) SaveStoreSettings(ctx context.Context, s StoreSettings) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO store_settings (channel_id, catalog_id, currency, payment_template_name,
		payment_template_language, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel_id) DO UPDATE SET catalog_id = excluded.catalog_id, currency = excluded.currency,
			payment_template_name = excluded.payment_template_name,
			payment_template_language = excluded.payment_template_language, updated_at = excluded.updated_at`,
		s.ChannelID, s.CatalogID, s.Currency, s.PaymentTemplateName, s.PaymentTemplateLanguage, formatTime(time.Now()))
	if err != nil {
		return fmt.Errorf("store: save store settings of channel %d: %w", s.ChannelID, translate(err))
	}
	return nil
}
