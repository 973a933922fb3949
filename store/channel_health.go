package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Kinds of channel alert emails.
const (
	// AlertDisconnected is sent when a channel enters the disconnected state.
	AlertDisconnected = "disconnected"
	// AlertRecovered is sent when it leaves it again.
	AlertRecovered = "recovered"
)

// ChannelAlert is one alert email wadesk tried to send about a channel.
type ChannelAlert struct {
	ID         int64
	ChannelID  int64
	Kind       string
	Recipients []string
	// Reason is the channel's state reason the email explained.
	Reason string
	SentAt time.Time
	// Error is "" when the mail server accepted the message, otherwise why
	// it was not sent, in plain words.
	Error string
}

// RecordChannelAlert stores an alert attempt.
func (db *DB) RecordChannelAlert(ctx context.Context, a ChannelAlert) (ChannelAlert, error) {
	if a.Kind != AlertDisconnected && a.Kind != AlertRecovered {
		return ChannelAlert{}, fmt.Errorf("store: record channel alert: unknown kind %q", a.Kind)
	}
	if a.SentAt.IsZero() {
		a.SentAt = time.Now()
	}
	res, err := db.W.ExecContext(ctx, `INSERT INTO channel_alerts (channel_id, kind, recipients, reason, sent_at, error)
		VALUES (?, ?, ?, ?, ?, ?)`, a.ChannelID, a.Kind, strings.Join(a.Recipients, ","), a.Reason, formatTime(a.SentAt), a.Error)
	if err == nil {
		a.ID, err = res.LastInsertId()
	}
	if err != nil {
		return ChannelAlert{}, fmt.Errorf("store: record alert of channel %d: %w", a.ChannelID, translate(err))
	}
	a.SentAt = a.SentAt.UTC()
	return a, nil
}

// ListChannelAlerts returns a channel's most recent alerts, newest first;
// limit <= 0 returns all of them.
func (db *DB) ListChannelAlerts(ctx context.Context, channelID int64, limit int) ([]ChannelAlert, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.R.QueryContext(ctx, `SELECT id, channel_id, kind, recipients, reason, sent_at, error
		FROM channel_alerts WHERE channel_id = ? ORDER BY sent_at DESC, id DESC LIMIT ?`, channelID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: alerts of channel %d: %w", channelID, err)
	}
	defer rows.Close()
	var out []ChannelAlert
	for rows.Next() {
		var a ChannelAlert
		var recipients, sent string
		if err := rows.Scan(&a.ID, &a.ChannelID, &a.Kind, &recipients, &a.Reason, &sent, &a.Error); err != nil {
			return nil, fmt.Errorf("store: alerts of channel %d: %w", channelID, err)
		}
		a.Recipients = splitList(recipients)
		if a.SentAt, err = parseTime(sent); err != nil {
			return nil, fmt.Errorf("store: alerts of channel %d: %w", channelID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: alerts of channel %d: %w", channelID, err)
	}
	return out, nil
}

// NoteChannelCheckProblem records why a health check could not reach a
// conclusion (the provider was unreachable, say) without changing the
// channel's state or its last successful check time: one failed attempt says
// nothing about the channel itself.
func (db *DB) NoteChannelCheckProblem(ctx context.Context, id int64, reason string) error {
	res, err := db.W.ExecContext(ctx, "UPDATE channels SET state_reason = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL",
		reason, formatTime(time.Now()), id)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: note check problem of channel %d: %w", id, err)
	}
	return nil
}
