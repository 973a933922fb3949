package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Message is one message of a conversation.
type Message struct {
	ID             int64
	ConversationID int64
	WAMID          string
	Direction      string // in or out
	Type           string
	// Text is what a list shows: the body, a caption, a title.
	Text string
	// Payload is the message whole: the provider's JSON for inbound
	// messages, the serialized providers.OutboundMessage for outbound ones.
	Payload string
	// ContextWAMID is the message this one replies to, if any.
	ContextWAMID string
	Status       string // outbound: sending, sent, delivered, read, failed
	// FailureReason (plain words) and FailureCode say why wadesk failed an
	// outbound message itself (the provider refused it when sending).
	FailureReason string
	FailureCode   int
	// StatusError is the error of a "failed" status webhook, when the
	// provider failed the message after accepting it.
	StatusError StatusError
	// MediaSize is the size in bytes of the message's media file, 0 while
	// unknown.
	MediaSize int64
	Timestamp time.Time
}

// StatusError is the error a provider reported with a failed status.
type StatusError struct {
	Code    int
	Title   string
	Details string
}

const messageColumns = `m.id, m.conversation_id, COALESCE(m.wamid, ''), m.direction, m.type, m.text, m.payload,
	m.context_wamid, m.status, m.failure_reason, m.failure_code, COALESCE(s.error_code, 0), COALESCE(s.error_title, ''),
	COALESCE(s.error_details, ''), m.media_size, m.wa_timestamp`

// messageStatusJoin finds the failed status of a message, if any, by its
// primary key.
const messageStatusJoin = ` LEFT JOIN message_statuses s ON s.wamid = m.wamid AND s.status = 'failed'`

func scanMessages(rows *sql.Rows) ([]Message, error) {
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func scanMessage(s scanner) (Message, error) {
	var m Message
	var ts string
	if err := s.Scan(&m.ID, &m.ConversationID, &m.WAMID, &m.Direction, &m.Type, &m.Text, &m.Payload, &m.ContextWAMID,
		&m.Status, &m.FailureReason, &m.FailureCode, &m.StatusError.Code, &m.StatusError.Title, &m.StatusError.Details,
		&m.MediaSize, &ts); err != nil {
		return Message{}, err
	}
	var err error
	if m.Timestamp, err = parseTime(ts); err != nil {
		return Message{}, fmt.Errorf("message %d: timestamp: %w", m.ID, err)
	}
	return m, nil
}

// ConversationMessage returns one message of a conversation; ErrNotFound
// when the conversation has no such message.
func (db *DB) ConversationMessage(ctx context.Context, conversationID, messageID int64) (Message, error) {
	m, err := scanMessage(db.R.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages m`+messageStatusJoin+`
		WHERE m.id = ? AND m.conversation_id = ?`, messageID, conversationID))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Message{}, fmt.Errorf("store: message %d of conversation %d: %w", messageID, conversationID, err)
	}
	return m, nil
}

// ConversationMessagesByWAMID returns the messages of a conversation that
// have the given provider message IDs (those replied to or reacted to),
// keyed by wamid. IDs of other conversations' messages are not found.
func (db *DB) ConversationMessagesByWAMID(ctx context.Context, conversationID int64, wamids []string) (map[string]Message, error) {
	out := map[string]Message{}
	for len(wamids) > 0 {
		batch := wamids[:min(len(wamids), 200)]
		wamids = wamids[len(batch):]
		args := make([]any, 0, len(batch)+1)
		args = append(args, conversationID)
		for _, w := range batch {
			args = append(args, w)
		}
		rows, err := db.R.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages m`+messageStatusJoin+`
			WHERE m.conversation_id = ? AND m.wamid IN (?`+strings.Repeat(", ?", len(batch)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: messages of conversation %d by wamid: %w", conversationID, err)
		}
		ms, err := scanMessages(rows)
		if err != nil {
			return nil, fmt.Errorf("store: messages of conversation %d by wamid: %w", conversationID, err)
		}
		for _, m := range ms {
			out[m.WAMID] = m
		}
	}
	return out, nil
}

// SetMessageMediaSize records the size of a message's media file.
func (db *DB) SetMessageMediaSize(ctx context.Context, messageID, size int64) error {
	if _, err := db.W.ExecContext(ctx, `UPDATE messages SET media_size = ? WHERE id = ? AND media_size <> ?`,
		size, messageID, size); err != nil {
		return fmt.Errorf("store: set media size of message %d: %w", messageID, err)
	}
	return nil
}
