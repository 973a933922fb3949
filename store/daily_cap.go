package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SendingRules are what the outbox checks before queuing a message of a
// conversation: its channel, the channel's provider and stored daily cap.
type SendingRules struct {
	ChannelID int64
	Provider  string
	// DailyCap is the channel's own cap (0: the provider's default).
	DailyCap int
}

// SendingRulesOf returns the sending rules of a conversation's channel.
func (db *DB) SendingRulesOf(ctx context.Context, conversationID int64) (SendingRules, error) {
	var r SendingRules
	err := db.R.QueryRowContext(ctx, `SELECT ch.id, ch.provider, ch.daily_cap FROM conversations c
		JOIN channels ch ON ch.id = c.channel_id WHERE c.id = ?`, conversationID).Scan(&r.ChannelID, &r.Provider, &r.DailyCap)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return SendingRules{}, fmt.Errorf("store: sending rules of conversation %d: %w", conversationID, err)
	}
	return r, nil
}

// OutboundSince counts the channel's outgoing messages created at or after
// since (failed ones included: the provider counted the attempt).
func (db *DB) OutboundSince(ctx context.Context, channelID int64, since time.Time) (int, error) {
	var n int
	err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE c.channel_id = ? AND m.direction = 'out' AND m.created_at >= ?`, channelID, formatTime(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: outbound messages of channel %d since %s: %w", channelID, since, err)
	}
	return n, nil
}

// SetChannelDailyCap stores a channel's cap of outgoing messages a day
// (0: the provider's default).
func (db *DB) SetChannelDailyCap(ctx context.Context, channelID int64, limit int) error {
	if limit < 0 {
		return fmt.Errorf("store: daily cap of channel %d: %d is negative", channelID, limit)
	}
	res, err := db.W.ExecContext(ctx, `UPDATE channels SET daily_cap = ? WHERE id = ?`, limit, channelID)
	if err != nil {
		return fmt.Errorf("store: daily cap of channel %d: %w", channelID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ChannelDailyCap returns a channel's own daily cap (0: the provider's).
func (db *DB) ChannelDailyCap(ctx context.Context, channelID int64) (int, error) {
	var n int
	err := db.R.QueryRowContext(ctx, `SELECT daily_cap FROM channels WHERE id = ?`, channelID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: daily cap of channel %d: %w", channelID, err)
	}
	return n, nil
}
