package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SnoozeConversation takes an open conversation the viewer may see out of
// the Open list until until, or (until nil) until the customer writes
// again. Only open conversations can be snoozed (ErrNotFound otherwise).
func (db *DB) SnoozeConversation(ctx context.Context, v InboxViewer, id int64, until *time.Time) error {
	at := SnoozedUntilMessage
	if until != nil {
		at = *until
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkVisible(ctx, tx, v, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET snoozed_until = ?, updated_at = ? WHERE id = ? AND status = 'open'`,
			formatTime(at), formatTime(time.Now()), id)
		if err == nil {
			err = mustAffect(res)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: snooze conversation %d: %w", id, err)
	}
	return nil
}

// UnsnoozeConversation brings a snoozed conversation back now.
func (db *DB) UnsnoozeConversation(ctx context.Context, v InboxViewer, id int64) (changed bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkVisible(ctx, tx, v, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET snoozed_until = NULL, updated_at = ? WHERE id = ? AND snoozed_until IS NOT NULL`,
			formatTime(time.Now()), id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		changed = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: unsnooze conversation %d: %w", id, err)
	}
	return changed, nil
}

// SnoozeWoken is a conversation whose snooze ended.
type SnoozeWoken struct {
	ConversationID int64
	ChannelID      int64
}

// WakeSnoozed brings back every conversation whose snooze time has come,
// and returns them (one statement: two instances cannot both wake one).
func (db *DB) WakeSnoozed(ctx context.Context, now time.Time) ([]SnoozeWoken, error) {
	rows, err := db.W.QueryContext(ctx, `UPDATE conversations SET snoozed_until = NULL, updated_at = ?
		WHERE snoozed_until IS NOT NULL AND snoozed_until <= ? RETURNING id, channel_id`, formatTime(now), formatTime(now))
	if err != nil {
		return nil, fmt.Errorf("store: wake snoozed conversations: %w", err)
	}
	defer rows.Close()
	var out []SnoozeWoken
	for rows.Next() {
		var w SnoozeWoken
		if err := rows.Scan(&w.ConversationID, &w.ChannelID); err != nil {
			return nil, fmt.Errorf("store: wake snoozed conversations: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
