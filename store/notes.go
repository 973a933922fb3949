package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Note is an internal note on a conversation: agents write them for each
// other, and they are never sent to the customer.
type Note struct {
	ID             int64
	ConversationID int64
	AuthorID       int64  // 0: the account is gone
	AuthorName     string // "" when the account is gone
	Body           string
	CreatedAt      time.Time
}

// AddNote stores a note by the viewer on a conversation they may see
// (ErrNotFound otherwise). It touches nothing else: no message, no outbox.
func (db *DB) AddNote(ctx context.Context, v InboxViewer, conversationID int64, body string) (Note, error) {
	if strings.TrimSpace(body) == "" {
		return Note{}, fmt.Errorf("store: add note to conversation %d: the note is empty", conversationID)
	}
	n := Note{ConversationID: conversationID, AuthorID: v.UserID, Body: body, CreatedAt: time.Now().UTC()}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkVisible(ctx, tx, v, conversationID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO conversation_notes (conversation_id, author_id, body, created_at)
			VALUES (?, ?, ?, ?) RETURNING id, COALESCE((SELECT name FROM users WHERE id = ?), '')`,
			conversationID, v.UserID, body, formatTime(n.CreatedAt), v.UserID).Scan(&n.ID, &n.AuthorName)
	})
	if err != nil {
		return Note{}, fmt.Errorf("store: add note to conversation %d: %w", conversationID, err)
	}
	return n, nil
}

// ConversationNotes returns the last limit notes of a conversation
// (default and at most 100), oldest first.
func (db *DB) ConversationNotes(ctx context.Context, conversationID int64, limit int) ([]Note, error) {
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	rows, err := db.R.QueryContext(ctx, `SELECT n.id, n.conversation_id, COALESCE(n.author_id, 0), COALESCE(u.name, ''),
		n.body, n.created_at FROM (SELECT * FROM conversation_notes WHERE conversation_id = ? ORDER BY id DESC LIMIT ?) n
		LEFT JOIN users u ON u.id = n.author_id ORDER BY n.id`, conversationID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: notes of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		var n Note
		var at string
		if err := rows.Scan(&n.ID, &n.ConversationID, &n.AuthorID, &n.AuthorName, &n.Body, &at); err != nil {
			return nil, fmt.Errorf("store: notes of conversation %d: %w", conversationID, err)
		}
		if n.CreatedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("store: note %d: created_at: %w", n.ID, err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: notes of conversation %d: %w", conversationID, err)
	}
	return out, nil
}
