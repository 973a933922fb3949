package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ConversationMessage returns message messageID when it belongs to
// conversation conversationID, for a reply that quotes it. ErrNotFound when
// it does not exist or belongs to another conversation (the two are not
// told apart). An outbound message the provider has not accepted yet has
// no WAMID.
func (db *DB) ConversationMessage(ctx context.Context, conversationID, messageID int64) (Message, error) {
	var m Message
	var ts string
	err := db.R.QueryRowContext(ctx, `SELECT id, conversation_id, COALESCE(wamid, ''), direction, type, text, status,
		failure_reason, wa_timestamp FROM messages WHERE id = ? AND conversation_id = ?`, messageID, conversationID).
		Scan(&m.ID, &m.ConversationID, &m.WAMID, &m.Direction, &m.Type, &m.Text, &m.Status, &m.FailureReason, &ts)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Message{}, fmt.Errorf("store: message %d of conversation %d: %w", messageID, conversationID, err)
	}
	if m.Timestamp, err = parseTime(ts); err != nil {
		return Message{}, fmt.Errorf("store: message %d: timestamp: %w", messageID, err)
	}
	return m, nil
}
