package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// PaymentPartner is a payment partner of a channel (see package commerce
// for the kinds and how links are built).
type PaymentPartner struct {
	ID        int64
	ChannelID int64
	Kind      string
	Name      string
	URL       string
	IsDefault bool
	CreatedAt time.Time
}

// NewPaymentPartner is a partner to add.
type NewPaymentPartner struct {
	Kind string
	Name string
	URL  string
	// Default makes it the channel's default. The channel's first partner
	// is the default whatever this says.
	Default bool
}

const partnerColumns = `id, channel_id, kind, name, url, is_default, created_at`

func scanPartner(s scanner) (PaymentPartner, error) {
	var p PaymentPartner
	var created string
	if err := s.Scan(&p.ID, &p.ChannelID, &p.Kind, &p.Name, &p.URL, &p.IsDefault, &created); err != nil {
		return PaymentPartner{}, err
	}
	var err error
	if p.CreatedAt, err = parseTime(created); err != nil {
		return PaymentPartner{}, err
	}
	return p, nil
}

// ListPaymentPartners returns a channel's partners, the default first.
func (db *DB) ListPaymentPartners(ctx context.Context, channelID int64) ([]PaymentPartner, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+partnerColumns+` FROM payment_partners WHERE channel_id = ?
		ORDER BY is_default DESC, id`, channelID)
	if err != nil {
		return nil, fmt.Errorf("store: payment partners of channel %d: %w", channelID, err)
	}
	defer rows.Close()
	var out []PaymentPartner
	for rows.Next() {
		p, err := scanPartner(rows)
		if err != nil {
			return nil, fmt.Errorf("store: payment partners of channel %d: %w", channelID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: payment partners of channel %d: %w", channelID, err)
	}
	return out, nil
}

// DefaultPaymentPartners returns the default partner of every channel that
// has one, by channel ID.
func (db *DB) DefaultPaymentPartners(ctx context.Context) (map[int64]PaymentPartner, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+partnerColumns+` FROM payment_partners WHERE is_default = 1`)
	if err != nil {
		return nil, fmt.Errorf("store: default payment partners: %w", err)
	}
	defer rows.Close()
	out := map[int64]PaymentPartner{}
	for rows.Next() {
		p, err := scanPartner(rows)
		if err != nil {
			return nil, fmt.Errorf("store: default payment partners: %w", err)
		}
		out[p.ChannelID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: default payment partners: %w", err)
	}
	return out, nil
}

// DefaultPaymentPartner returns a channel's default partner; ErrNotFound
// when it has none.
func (db *DB) DefaultPaymentPartner(ctx context.Context, channelID int64) (PaymentPartner, error) {
	p, err := scanPartner(db.R.QueryRowContext(ctx, `SELECT `+partnerColumns+` FROM payment_partners
		WHERE channel_id = ? AND is_default = 1`, channelID))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return PaymentPartner{}, fmt.Errorf("store: default payment partner of channel %d: %w", channelID, err)
	}
	return p, nil
}

// CreatePaymentPartner adds a partner to a channel. When it is to be the
// default, the previous default stops being one, in the same transaction.
func (db *DB) CreatePaymentPartner(ctx context.Context, channelID int64, n NewPaymentPartner) (PaymentPartner, error) {
	var p PaymentPartner
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var others int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM payment_partners WHERE channel_id = ?", channelID).Scan(&others); err != nil {
			return err
		}
		def := n.Default || others == 0
		now := formatTime(time.Now())
		if def {
			if _, err := tx.ExecContext(ctx, "UPDATE payment_partners SET is_default = 0, updated_at = ? WHERE channel_id = ? AND is_default = 1",
				now, channelID); err != nil {
				return err
			}
		}
		var err error
		p, err = scanPartner(tx.QueryRowContext(ctx, `INSERT INTO payment_partners (channel_id, kind, name, url, is_default,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+partnerColumns,
			channelID, n.Kind, n.Name, n.URL, def, now, now))
		return err
	})
	if err != nil {
		return PaymentPartner{}, fmt.Errorf("store: create payment partner of channel %d: %w", channelID, translate(err))
	}
	return p, nil
}

// SetDefaultPaymentPartner makes a partner its channel's default.
func (db *DB) SetDefaultPaymentPartner(ctx context.Context, channelID, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var exists bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM payment_partners WHERE channel_id = ? AND id = ?)",
			channelID, id).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return ErrNotFound
		}
		now := formatTime(time.Now())
		if _, err := tx.ExecContext(ctx, "UPDATE payment_partners SET is_default = 0, updated_at = ? WHERE channel_id = ? AND is_default = 1 AND id <> ?",
			now, channelID, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE payment_partners SET is_default = 1, updated_at = ? WHERE id = ?", now, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: make payment partner %d the default of channel %d: %w", id, channelID, err)
	}
	return nil
}

// DeletePaymentPartner removes a partner. When it was the default, the
// oldest remaining partner becomes the default, so that a channel with
// partners always has one.
func (db *DB) DeletePaymentPartner(ctx context.Context, channelID, id int64) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var wasDefault bool
		err := tx.QueryRowContext(ctx, "DELETE FROM payment_partners WHERE channel_id = ? AND id = ? RETURNING is_default",
			channelID, id).Scan(&wasDefault)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil || !wasDefault {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE payment_partners SET is_default = 1, updated_at = ? WHERE id =
			(SELECT id FROM payment_partners WHERE channel_id = ? ORDER BY id LIMIT 1)`, formatTime(time.Now()), channelID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete payment partner %d of channel %d: %w", id, channelID, err)
	}
	return nil
}
