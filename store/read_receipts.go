package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ReadReceipt is a read receipt owed to the provider: the newest inbound
// message of a conversation an agent has seen.
type ReadReceipt struct {
	ConversationID int64
	MessageID      int64
	WAMID          string
	ChannelID      int64
	PhoneNumberID  string
	// ChannelGone is true when the channel was removed: the receipt can no
	// longer be sent.
	ChannelGone bool
	Attempts    int
}

// QueueReadReceipt asks for the newest inbound message of a conversation
// to be marked read at the provider, unless it already was asked for. It
// reports whether a receipt was queued. Most calls only read: the
// conversation is opened far more often than a customer writes.
func (db *DB) QueueReadReceipt(ctx context.Context, conversationID int64) (bool, error) {
	var newest, asked int64
	err := db.R.QueryRowContext(ctx, `SELECT
		COALESCE((SELECT id FROM messages WHERE conversation_id = ? AND direction = 'in' AND wamid IS NOT NULL
			ORDER BY id DESC LIMIT 1), 0),
		COALESCE((SELECT message_id FROM read_receipts WHERE conversation_id = ?), 0)`,
		conversationID, conversationID).Scan(&newest, &asked)
	if err != nil {
		return false, fmt.Errorf("store: queue read receipt for conversation %d: %w", conversationID, err)
	}
	if newest == 0 || newest <= asked {
		return false, nil
	}
	now := formatTime(time.Now())
	res, err := db.W.ExecContext(ctx, `INSERT INTO read_receipts (conversation_id, message_id, next_attempt_at, updated_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (conversation_id) DO UPDATE SET message_id = excluded.message_id, attempts = 0,
			next_attempt_at = excluded.next_attempt_at, last_error = '', updated_at = excluded.updated_at
		WHERE excluded.message_id > read_receipts.message_id`, conversationID, newest, now, now)
	if err != nil {
		return false, fmt.Errorf("store: queue read receipt for conversation %d: %w", conversationID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: queue read receipt for conversation %d: %w", conversationID, err)
	}
	return n == 1, nil
}

// DueReadReceipts returns up to limit receipts to send now, and the
// earliest time a pending receipt that is not due yet becomes due (zero
// when there is none).
func (db *DB) DueReadReceipts(ctx context.Context, now time.Time, limit int) ([]ReadReceipt, time.Time, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT r.conversation_id, r.message_id, COALESCE(m.wamid, ''), c.channel_id,
		ch.phone_number_id, ch.deleted_at IS NOT NULL, r.attempts, r.next_attempt_at
		FROM read_receipts r
		JOIN messages m ON m.id = r.message_id
		JOIN conversations c ON c.id = r.conversation_id
		JOIN channels ch ON ch.id = c.channel_id
		WHERE r.message_id > r.done_message_id
		ORDER BY r.next_attempt_at`)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("store: due read receipts: %w", err)
	}
	defer rows.Close()
	var due []ReadReceipt
	var next time.Time
	for rows.Next() {
		var r ReadReceipt
		var at string
		if err := rows.Scan(&r.ConversationID, &r.MessageID, &r.WAMID, &r.ChannelID, &r.PhoneNumberID, &r.ChannelGone,
			&r.Attempts, &at); err != nil {
			return nil, time.Time{}, fmt.Errorf("store: due read receipts: %w", err)
		}
		t, err := parseTime(at)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("store: due read receipts: %w", err)
		}
		if t.After(now) {
			if next.IsZero() || t.Before(next) {
				next = t
			}
			continue
		}
		if len(due) < limit {
			due = append(due, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, time.Time{}, fmt.Errorf("store: due read receipts: %w", err)
	}
	return due, next, nil
}

// ReadReceiptDone settles a receipt: sent, or given up on with why
// (problem is kept for the logs and admins; "" when it was sent).
func (db *DB) ReadReceiptDone(ctx context.Context, conversationID, messageID int64, problem string) error {
	_, err := db.W.ExecContext(ctx, `UPDATE read_receipts SET done_message_id = MAX(done_message_id, ?), attempts = 0,
		last_error = ?, updated_at = ? WHERE conversation_id = ?`, messageID, problem, formatTime(time.Now()), conversationID)
	if err != nil {
		return fmt.Errorf("store: settle read receipt of conversation %d: %w", conversationID, err)
	}
	return nil
}

// ReadReceiptRetry puts a receipt back until retryAt after a failed try.
// A newer message queued meanwhile is left due at once.
func (db *DB) ReadReceiptRetry(ctx context.Context, conversationID, messageID int64, retryAt time.Time, problem string) error {
	_, err := db.W.ExecContext(ctx, `UPDATE read_receipts SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?,
		updated_at = ? WHERE conversation_id = ? AND message_id = ?`,
		formatTime(retryAt), problem, formatTime(time.Now()), conversationID, messageID)
	if err != nil {
		return fmt.Errorf("store: reschedule read receipt of conversation %d: %w", conversationID, err)
	}
	return nil
}

// ReadReceiptState is what is known of a conversation's read receipts.
type ReadReceiptState struct {
	MessageID     int64
	DoneMessageID int64
	Attempts      int
	LastError     string
}

// ReadReceiptOf returns a conversation's read receipt row; ErrNotFound
// when none was ever queued.
func (db *DB) ReadReceiptOf(ctx context.Context, conversationID int64) (ReadReceiptState, error) {
	var s ReadReceiptState
	err := db.R.QueryRowContext(ctx, `SELECT message_id, done_message_id, attempts, last_error FROM read_receipts
		WHERE conversation_id = ?`, conversationID).Scan(&s.MessageID, &s.DoneMessageID, &s.Attempts, &s.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return ReadReceiptState{}, fmt.Errorf("store: read receipt of conversation %d: %w", conversationID, err)
	}
	return s, nil
}

// TypingTarget is the customer's newest message of a conversation (with
// its number), the message a typing indicator is shown against; ok is
// false when the customer never wrote or the channel is gone.
func (db *DB) TypingTarget(ctx context.Context, conversationID int64) (r ReadReceipt, ok bool, err error) {
	err = db.R.QueryRowContext(ctx, `SELECT m.id, m.wamid, c.channel_id, ch.phone_number_id
		FROM conversations c JOIN channels ch ON ch.id = c.channel_id AND ch.deleted_at IS NULL
		JOIN messages m ON m.id = (SELECT id FROM messages WHERE conversation_id = c.id AND direction = 'in' AND wamid IS NOT NULL
			ORDER BY id DESC LIMIT 1)
		WHERE c.id = ?`, conversationID).Scan(&r.MessageID, &r.WAMID, &r.ChannelID, &r.PhoneNumberID)
	if errors.Is(err, sql.ErrNoRows) {
		return ReadReceipt{}, false, nil
	}
	if err != nil {
		return ReadReceipt{}, false, fmt.Errorf("store: typing target of conversation %d: %w", conversationID, err)
	}
	r.ConversationID = conversationID
	return r, true, nil
}
