package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ConversationWindow is what decides a conversation's customer service
// window: WhatsApp's timestamp of the customer's last message, and whether
// the provider has since said the window is closed.
type ConversationWindow struct {
	// LastInboundAt is zero when the customer never wrote.
	LastInboundAt time.Time
	// ClosedAt is when the provider refused a free-form message because
	// the window is closed (nil: it has not, or the customer wrote since).
	ClosedAt *time.Time
}

// WindowOf returns the facts about a conversation's window.
func (db *DB) WindowOf(ctx context.Context, conversationID int64) (ConversationWindow, error) {
	var inbound, closed sql.NullString
	err := db.R.QueryRowContext(ctx, `SELECT last_inbound_at, window_closed_at FROM conversations WHERE id = ?`,
		conversationID).Scan(&inbound, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return ConversationWindow{}, fmt.Errorf("store: window of conversation %d: %w", conversationID, err)
	}
	w, err := windowFrom(inbound, closed)
	if err != nil {
		return ConversationWindow{}, fmt.Errorf("store: window of conversation %d: %w", conversationID, err)
	}
	return w, nil
}

// windowFrom reads a conversation's last_inbound_at and window_closed_at.
func windowFrom(inbound, closed sql.NullString) (ConversationWindow, error) {
	var w ConversationWindow
	var err error
	if inbound.Valid && inbound.String != "" {
		if w.LastInboundAt, err = parseTime(inbound.String); err != nil {
			return ConversationWindow{}, fmt.Errorf("last_inbound_at: %w", err)
		}
	}
	if w.ClosedAt, err = parseNullTime(closed); err != nil {
		return ConversationWindow{}, fmt.Errorf("window_closed_at: %w", err)
	}
	return w, nil
}

// closeWindowOf closes the window of the conversation the outbound message
// wamid belongs to, as the provider said at at. A refusal older than the
// customer's last message is stale (the customer wrote since) and changes
// nothing; an unknown wamid changes nothing either. closed reports whether
// the window of the conversation changed: open pages are then told.
func closeWindowOf(ctx context.Context, tx *sql.Tx, wamid string, at time.Time) (closed bool, err error) {
	closed, err = closeWindow(ctx, tx, "wamid = ?", wamid, at)
	if err != nil {
		return false, fmt.Errorf("close the window of %s's conversation: %w", wamid, err)
	}
	return closed, nil
}

// closeWindowOfMessage is closeWindowOf for a message known by its id,
// refused at once (it has no wamid).
func closeWindowOfMessage(ctx context.Context, tx *sql.Tx, messageID int64, at time.Time) (closed bool, err error) {
	closed, err = closeWindow(ctx, tx, "id = ?", messageID, at)
	if err != nil {
		return false, fmt.Errorf("close the window of message %d's conversation: %w", messageID, err)
	}
	return closed, nil
}

// closeWindow closes the window of the conversation of the outbound
// message that match (a condition on messages with one argument) finds.
func closeWindow(ctx context.Context, tx *sql.Tx, match string, arg any, at time.Time) (bool, error) {
	ts := formatTime(at)
	res, err := tx.ExecContext(ctx, `UPDATE conversations SET window_closed_at = ?, updated_at = ?
		WHERE id = (SELECT conversation_id FROM messages WHERE `+match+` AND direction = 'out')
		AND (last_inbound_at IS NULL OR last_inbound_at <= ?)
		AND (window_closed_at IS NULL OR window_closed_at < ?)`, ts, formatTime(time.Now()), arg, ts, ts)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
