package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// States of an outbox row (see migrations/0006_outbox.sql).
const (
	OutboxQueued     = "queued"
	OutboxAttempting = "attempting"
	OutboxSent       = "sent"
	OutboxFailed     = "failed"
	OutboxUnknown    = "unknown"
)

// InterruptedReason is the failure reason of a message wadesk was sending
// when it stopped: the provider may or may not have it.
const InterruptedReason = "wadesk stopped while sending this message, so it may or may not have reached the customer. Check the conversation on the customer's side before sending it again."

// NewOutbound is a message an agent sends in a conversation.
type NewOutbound struct {
	ConversationID int64
	// Type and Text are what the inbox shows (Text: the body, a caption, a
	// template's name); Payload is kept with the message ("{}" if empty).
	Type    string
	Text    string
	Payload string
	// ContextWAMID is the message replied to, if any.
	ContextWAMID string
	// Request is the serialized message the sender replays to the provider.
	Request []byte
	// Price, when set, is the estimate of what the message costs (see
	// package pricing); it is stored with the message.
	Price *MessagePrice
	// Reach, when set, counts the message against its portfolio's
	// messaging limit (and may refuse it) in the same transaction.
	Reach *ReachGuard
}

// OutboundMessage locates an outbound message and says what it is now.
type OutboundMessage struct {
	MessageID      int64
	ConversationID int64
	ChannelID      int64
	// Status is the message's status ("sending", "sent", "failed"...).
	Status string
	// WindowClosed: recording this message's outcome closed its
	// conversation's customer service window (the provider refused it
	// for being outside the window).
	WindowClosed bool
}

// OutboxJob is an outbox row as the sender sees it.
type OutboxJob struct {
	MessageID      int64
	ConversationID int64
	ChannelID      int64
	PhoneNumberID  string
	// Recipient is the customer's WhatsApp ID.
	Recipient     string
	Request       []byte
	State         string
	Attempts      int
	AttemptID     string
	NextAttemptAt time.Time
	LastError     string
	LastErrorCode int
	WAMID         string
	CreatedAt     time.Time
}

// EnqueueOutbound stores an outbound message as "sending" together with its
// outbox row, in one durable transaction: once it returns, the message
// survives a crash and will be sent (or reported failed). The number and
// the recipient come from the conversation.
func (db *DB) EnqueueOutbound(ctx context.Context, n NewOutbound) (OutboundMessage, error) {
	if len(n.Request) == 0 {
		return OutboundMessage{}, fmt.Errorf("store: enqueue outbound message: the request is empty")
	}
	if n.Payload == "" {
		n.Payload = "{}"
	}
	out := OutboundMessage{ConversationID: n.ConversationID, Status: "sending"}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var phoneID, waID string
		err := tx.QueryRowContext(ctx, `SELECT c.channel_id, ch.phone_number_id, ct.wa_id FROM conversations c
			JOIN channels ch ON ch.id = c.channel_id JOIN contacts ct ON ct.id = c.contact_id
			WHERE c.id = ? AND ch.deleted_at IS NULL`, n.ConversationID).Scan(&out.ChannelID, &phoneID, &waID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		now := formatTime(time.Now())
		err = tx.QueryRowContext(ctx, `INSERT INTO messages (conversation_id, direction, type, text, payload,
			context_wamid, wa_timestamp, status, status_rank, created_at) VALUES (?, 'out', ?, ?, ?, ?, ?, 'sending', ?, ?)
			RETURNING id`, n.ConversationID, n.Type, n.Text, n.Payload, n.ContextWAMID, now, StatusRank("sending"), now).Scan(&out.MessageID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (message_id, channel_id, phone_number_id, recipient, request,
			next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			out.MessageID, out.ChannelID, phoneID, waID, string(n.Request), now, now, now); err != nil {
			return err
		}
		if n.Reach != nil {
			if err := guardReach(ctx, tx, n.Reach, out.ChannelID, out.MessageID, waID); err != nil {
				return err
			}
		}
		if n.Price != nil {
			at, _ := parseTime(now)
			if err := insertMessagePrice(ctx, tx, out.MessageID, n.ConversationID, out.ChannelID, at, *n.Price); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE conversations SET last_message_at = MAX(last_message_at, ?), updated_at = ? WHERE id = ?`,
			now, now, n.ConversationID)
		return err
	})
	if err != nil {
		return OutboundMessage{}, fmt.Errorf("store: enqueue outbound message in conversation %d: %w", n.ConversationID, err)
	}
	return out, nil
}

const outboxJobColumns = `o.message_id, m.conversation_id, o.channel_id, o.phone_number_id, o.recipient, o.request, o.state,
	o.attempts, o.attempt_id, o.next_attempt_at, o.last_error, o.last_error_code, COALESCE(o.wamid, ''), o.created_at`

func scanOutboxJob(s scanner) (OutboxJob, error) {
	var j OutboxJob
	var req, next, created string
	if err := s.Scan(&j.MessageID, &j.ConversationID, &j.ChannelID, &j.PhoneNumberID, &j.Recipient, &req, &j.State,
		&j.Attempts, &j.AttemptID, &next, &j.LastError, &j.LastErrorCode, &j.WAMID, &created); err != nil {
		return OutboxJob{}, err
	}
	j.Request = []byte(req)
	var err error
	if j.NextAttemptAt, err = parseTime(next); err != nil {
		return OutboxJob{}, err
	}
	if j.CreatedAt, err = parseTime(created); err != nil {
		return OutboxJob{}, err
	}
	return j, nil
}

// OutboxJobByID returns a message's outbox row.
func (db *DB) OutboxJobByID(ctx context.Context, messageID int64) (OutboxJob, error) {
	row := db.R.QueryRowContext(ctx, `SELECT `+outboxJobColumns+` FROM outbox o JOIN messages m ON m.id = o.message_id
		WHERE o.message_id = ?`, messageID)
	j, err := scanOutboxJob(row)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return OutboxJob{}, fmt.Errorf("store: outbox row of message %d: %w", messageID, err)
	}
	return j, nil
}

// OutboxNumbers returns the business numbers that have queued messages.
// The sender asks on every wake-up, while the outbox keeps every message
// ever sent: the numbers are walked one index seek each through the
// active rows' index (a loose index scan), never by reading the queue.
func (db *DB) OutboxNumbers(ctx context.Context) ([]string, error) {
	rows, err := db.R.QueryContext(ctx, `WITH RECURSIVE n (p) AS (
			SELECT MIN(o.phone_number_id) FROM outbox o WHERE o.state IN ('queued', 'attempting')
			UNION ALL
			SELECT (SELECT MIN(o.phone_number_id) FROM outbox o WHERE o.state IN ('queued', 'attempting') AND o.phone_number_id > n.p)
			FROM n WHERE n.p IS NOT NULL)
		SELECT n.p FROM n WHERE n.p IS NOT NULL
			AND EXISTS (SELECT 1 FROM outbox o WHERE o.phone_number_id = n.p AND o.state IN ('queued', 'attempting') AND o.state = 'queued')`)
	if err != nil {
		return nil, fmt.Errorf("store: outbox numbers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("store: outbox numbers: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: outbox numbers: %w", err)
	}
	return out, nil
}

// DueOutbound returns up to limit messages of one business number to send
// now, oldest first. Messages to one customer go in the order they were
// queued: only the oldest unfinished message of each customer is a
// candidate, and none while that customer's previous message is being
// attempted. next is the earliest time a candidate that is not due yet
// becomes due (zero when there is none).
func (db *DB) DueOutbound(ctx context.Context, phoneNumberID string, now time.Time, limit int) (due []OutboxJob, next time.Time, err error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+outboxJobColumns+`
		FROM (SELECT MIN(message_id) AS id FROM outbox WHERE phone_number_id = ? AND state IN ('queued', 'attempting')
			GROUP BY recipient) h
		JOIN outbox o ON o.message_id = h.id JOIN messages m ON m.id = o.message_id
		WHERE o.state = 'queued'
		ORDER BY o.next_attempt_at, o.message_id`, phoneNumberID)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("store: due outbound messages of %s: %w", phoneNumberID, err)
	}
	defer rows.Close()
	for rows.Next() {
		j, err := scanOutboxJob(rows)
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("store: due outbound messages of %s: %w", phoneNumberID, err)
		}
		if j.NextAttemptAt.After(now) {
			if next.IsZero() || j.NextAttemptAt.Before(next) {
				next = j.NextAttemptAt
			}
			continue
		}
		if len(due) < limit {
			due = append(due, j)
		} else {
			// Enough to send now; the rest wait for the next look.
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, time.Time{}, fmt.Errorf("store: due outbound messages of %s: %w", phoneNumberID, err)
	}
	return due, next, nil
}

// MarkOutboundAttempting moves queued rows to "attempting" with attemptID,
// durably, and returns the IDs it moved (rows no longer queued are left
// alone). The sender calls the provider only for the returned IDs: if
// wadesk stops before the answer is recorded, the row is found attempting
// at the next start and is not sent blindly again (see ReconcileOutbox).
func (db *DB) MarkOutboundAttempting(ctx context.Context, messageIDs []int64, attemptID string) ([]int64, error) {
	var claimed []int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		claimed = claimed[:0]
		now := formatTime(time.Now())
		for _, id := range messageIDs {
			res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'attempting', attempts = attempts + 1, attempt_id = ?,
				attempt_at = ?, updated_at = ? WHERE message_id = ? AND state = 'queued'`, attemptID, now, now, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				claimed = append(claimed, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: mark %d outbound messages attempting: %w", len(messageIDs), err)
	}
	return claimed, nil
}

// RecordOutboundSent records that the provider accepted an attempted
// message with the given wamid. Status webhooks for that wamid may have
// been stored before the provider's answer came back; the highest of them
// (at least "sent") becomes the message's status.
func (db *DB) RecordOutboundSent(ctx context.Context, messageID int64, wamid string) (OutboundMessage, error) {
	var out OutboundMessage
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = recordSent(ctx, tx, messageID, wamid)
		return err
	})
	if err != nil {
		return OutboundMessage{}, fmt.Errorf("store: record message %d sent as %s: %w", messageID, wamid, err)
	}
	return out, nil
}

// SentRecord is one message the provider accepted.
type SentRecord struct {
	MessageID int64
	WAMID     string
}

// RecordOutboundSentBatch records several accepted messages (see
// RecordOutboundSent) in one transaction, so that a number sending
// hundreds a second does not commit once per message. If any of them
// cannot be recorded, none is, and the error says which.
func (db *DB) RecordOutboundSentBatch(ctx context.Context, recs []SentRecord) ([]OutboundMessage, error) {
	out := make([]OutboundMessage, 0, len(recs))
	err := db.tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		for _, r := range recs {
			m, err := recordSent(ctx, tx, r.MessageID, r.WAMID)
			if err != nil {
				return fmt.Errorf("message %d as %s: %w", r.MessageID, r.WAMID, err)
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: record %d messages sent: %w", len(recs), err)
	}
	return out, nil
}

func recordSent(ctx context.Context, tx *sql.Tx, messageID int64, wamid string) (OutboundMessage, error) {
	var out OutboundMessage
	err := func() error {
		now := formatTime(time.Now())
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'sent', wamid = ?, sent_at = ?, updated_at = ?, last_error = ''
			WHERE message_id = ? AND state = 'attempting'`, wamid, now, now, messageID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("not being attempted: %w", ErrNotFound)
		}
		status, rank := "sent", StatusRank("sent")
		var st string
		var r int
		err = tx.QueryRowContext(ctx, `SELECT status, rank FROM message_statuses WHERE wamid = ? ORDER BY rank DESC LIMIT 1`,
			wamid).Scan(&st, &r)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case r > rank:
			status, rank = st, r
		}
		out.MessageID, out.Status = messageID, status
		err = tx.QueryRowContext(ctx, `UPDATE messages SET wamid = ?, status = ?, status_rank = MAX(status_rank, ?) WHERE id = ?
			RETURNING conversation_id, (SELECT channel_id FROM conversations c WHERE c.id = conversation_id)`,
			wamid, status, rank, messageID).Scan(&out.ConversationID, &out.ChannelID)
		if err != nil {
			return err
		}
		// Pricing reported before the answer came back: price it again.
		if _, err := tx.ExecContext(ctx, `UPDATE message_pricing SET reprice = TRUE WHERE message_id = ? AND EXISTS
			(SELECT 1 FROM message_statuses s WHERE s.wamid = ? AND (s.pricing_category <> '' OR s.pricing_type <> '' OR s.status = 'failed'))`,
			messageID, wamid); err != nil {
			return err
		}
		// A failure that closes the window may have come before the answer.
		var closedAt sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT MAX(wa_timestamp) FROM message_statuses WHERE wamid = ? AND closes_window = 1`,
			wamid).Scan(&closedAt); err != nil {
			return err
		}
		if closedAt.Valid {
			at, err := parseTime(closedAt.String)
			if err != nil {
				return err
			}
			out.WindowClosed, err = closeWindowOf(ctx, tx, wamid, at)
			return err
		}
		return nil
	}()
	return out, err
}

// RecordOutboundRetry puts a message that the provider refused for now
// (or that could not be tried) back in the queue until retryAt. The
// message stays "sending". detail and code describe the refusal for logs.
func (db *DB) RecordOutboundRetry(ctx context.Context, messageID int64, retryAt time.Time, detail string, code int) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(time.Now())
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'queued', next_attempt_at = ?, last_error = ?, last_error_code = ?,
			attempt_id = '', updated_at = ? WHERE message_id = ? AND state IN ('queued', 'attempting')`,
			formatTime(retryAt), detail, code, now, messageID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("not in the queue: %w", ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: reschedule message %d: %w", messageID, err)
	}
	return nil
}

// OutboundFailure says why a message was not sent.
type OutboundFailure struct {
	// State is OutboxFailed (the provider refused it) or OutboxUnknown
	// (wadesk cannot tell whether the provider got it).
	State string
	// Reason is shown to agents: plain words.
	Reason string
	// Code is the provider's error code, 0 when there is none.
	Code int
	// Detail is the technical detail, kept for admins and logs.
	Detail string
	// ClosesWindow: the provider refused the message because the customer
	// service window is closed; the conversation's window is closed from
	// now until the customer writes again.
	ClosesWindow bool
}

// RecordOutboundFailure marks a queued or attempted message failed. Its
// outbox row ends in f.State; the message's status becomes "failed" with
// f.Reason and f.Code.
func (db *DB) RecordOutboundFailure(ctx context.Context, messageID int64, f OutboundFailure) (OutboundMessage, error) {
	if f.State != OutboxFailed && f.State != OutboxUnknown {
		return OutboundMessage{}, fmt.Errorf("store: fail message %d: bad state %q", messageID, f.State)
	}
	var out OutboundMessage
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = ?, last_error = ?, last_error_code = ?, attempt_id = '', updated_at = ?
			WHERE message_id = ? AND state IN ('queued', 'attempting')`, f.State, f.Detail, f.Code, formatTime(time.Now()), messageID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("not in the queue: %w", ErrNotFound)
		}
		var err2 error
		if out, err2 = failMessage(ctx, tx, messageID, f.Reason, f.Code); err2 != nil {
			return err2
		}
		if f.ClosesWindow {
			out.WindowClosed, err = closeWindowOfMessage(ctx, tx, messageID, time.Now())
			return err
		}
		return nil
	})
	if err != nil {
		return OutboundMessage{}, fmt.Errorf("store: fail message %d: %w", messageID, err)
	}
	return out, nil
}

func failMessage(ctx context.Context, tx *sql.Tx, messageID int64, reason string, code int) (OutboundMessage, error) {
	out := OutboundMessage{MessageID: messageID, Status: "failed"}
	err := tx.QueryRowContext(ctx, `UPDATE messages SET status = 'failed', status_rank = ?, failure_reason = ?, failure_code = ?
		WHERE id = ? RETURNING conversation_id, (SELECT channel_id FROM conversations c WHERE c.id = conversation_id)`,
		StatusRank("failed"), reason, code, messageID).Scan(&out.ConversationID, &out.ChannelID)
	if err != nil {
		return out, err
	}
	// A failed message costs nothing: the pricer takes it out of the totals.
	_, err = tx.ExecContext(ctx, `UPDATE message_pricing SET reprice = TRUE WHERE message_id = ?`, messageID)
	return out, err
}

// ReconcileOutbox runs when the sender starts, before it sends anything.
// A row still "attempting" was being sent when wadesk stopped: the
// provider may have accepted it (and the customer may have it) even though
// no wamid was recorded. The Cloud API has no idempotency key, so sending
// it again could deliver it twice, and wadesk cannot ask the provider
// whether it got it. Such rows are therefore never resent: they become
// "unknown" and their messages "failed" with InterruptedReason, and an
// agent decides whether to send again (RequeueOutbound).
func (db *DB) ReconcileOutbox(ctx context.Context) ([]OutboundMessage, error) {
	var out []OutboundMessage
	err := db.tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `SELECT message_id FROM outbox WHERE state = 'attempting'`)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := formatTime(time.Now())
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'unknown', updated_at = ?,
				last_error = 'interrupted while attempting (attempt ' || attempt_id || ')' WHERE message_id = ?`, now, id); err != nil {
				return err
			}
			m, err := failMessage(ctx, tx, id, InterruptedReason, 0)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: reconcile outbox: %w", err)
	}
	return out, nil
}

// RequeueOutbound queues a failed message (or one whose fate is unknown)
// again, when an agent asks for it to be sent again. Messages the provider
// accepted cannot be requeued.
func (db *DB) RequeueOutbound(ctx context.Context, messageID int64) (OutboundMessage, error) {
	out := OutboundMessage{MessageID: messageID, Status: "sending"}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(time.Now())
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'queued', next_attempt_at = ?, attempt_id = '', updated_at = ?
			WHERE message_id = ? AND state IN ('failed', 'unknown') AND wamid IS NULL`, now, now, messageID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("not failed: %w", ErrNotFound)
		}
		return tx.QueryRowContext(ctx, `UPDATE messages SET status = 'sending', status_rank = ?, failure_reason = '', failure_code = 0
			WHERE id = ? AND wamid IS NULL RETURNING conversation_id, (SELECT channel_id FROM conversations c WHERE c.id = conversation_id)`,
			StatusRank("sending"), messageID).Scan(&out.ConversationID, &out.ChannelID)
	})
	if err != nil {
		return OutboundMessage{}, fmt.Errorf("store: requeue message %d: %w", messageID, err)
	}
	return out, nil
}

// MessageFailure returns a message's status and why wadesk failed it.
func (db *DB) MessageFailure(ctx context.Context, messageID int64) (status, reason string, code int, err error) {
	err = db.R.QueryRowContext(ctx, `SELECT status, failure_reason, failure_code FROM messages WHERE id = ?`, messageID).
		Scan(&status, &reason, &code)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return "", "", 0, fmt.Errorf("store: failure of message %d: %w", messageID, err)
	}
	return status, reason, code, nil
}
