package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// States of a forward_outbox row.
const (
	// ForwardPending: not delivered yet; tried again at its next attempt time.
	ForwardPending = "pending"
	// ForwardDelivered: the business's middleware answered 2xx.
	ForwardDelivered = "delivered"
	// ForwardGivenUp: retried until the deadline without success.
	ForwardGivenUp = "given_up"
)

// ForwardDelivery is one accepted webhook body waiting to be forwarded to
// a channel's forward URL.
type ForwardDelivery struct {
	ID        int64
	ChannelID int64
	EventID   int64
	// URL is the channel's forward URL when the body was accepted.
	URL string
	// Attempts is how many deliveries failed so far.
	Attempts      int
	NextAttemptAt time.Time
	CreatedAt     time.Time
}

// DueForwards returns the deliveries to make now: for each channel, the
// oldest pending row of its queue, when that row's next attempt time has
// come. A channel's later rows wait until its head is delivered or given
// up, so that a channel's bodies arrive in the order they were accepted.
// next is the earliest next attempt time of the heads that are not due yet
// (zero when there are none): the time to look again.
func (db *DB) DueForwards(ctx context.Context, now time.Time) (due []ForwardDelivery, next time.Time, err error) {
	rows, err := db.R.QueryContext(ctx, `SELECT o.id, o.channel_id, o.event_id, o.url, o.attempts, o.next_attempt_at, o.created_at
		FROM (SELECT MIN(id) AS id FROM forward_outbox WHERE state = 'pending' GROUP BY channel_id) h
		JOIN forward_outbox o ON o.id = h.id
		ORDER BY o.next_attempt_at, o.id`)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("store: due forwards: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d ForwardDelivery
		var nextAt, created string
		if err := rows.Scan(&d.ID, &d.ChannelID, &d.EventID, &d.URL, &d.Attempts, &nextAt, &created); err != nil {
			return nil, time.Time{}, fmt.Errorf("store: due forwards: %w", err)
		}
		if d.NextAttemptAt, err = parseTime(nextAt); err != nil {
			return nil, time.Time{}, fmt.Errorf("store: due forwards: %w", err)
		}
		if d.CreatedAt, err = parseTime(created); err != nil {
			return nil, time.Time{}, fmt.Errorf("store: due forwards: %w", err)
		}
		if d.NextAttemptAt.After(now) {
			if next.IsZero() || d.NextAttemptAt.Before(next) {
				next = d.NextAttemptAt
			}
			continue
		}
		due = append(due, d)
	}
	if err := rows.Err(); err != nil {
		return nil, time.Time{}, fmt.Errorf("store: due forwards: %w", err)
	}
	return due, next, nil
}

// ForwardBody returns the raw body of a webhook event, exactly as it was
// received.
func (db *DB) ForwardBody(ctx context.Context, eventID int64) ([]byte, error) {
	var body []byte
	err := db.R.QueryRowContext(ctx, "SELECT body FROM webhook_events WHERE id = ?", eventID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: body of webhook event %d: %w", eventID, err)
	}
	return body, nil
}

// ForwardAttempt is one try at delivering a forward_outbox row.
type ForwardAttempt struct {
	ID          int64
	OutboxID    int64
	ChannelID   int64
	EventID     int64 // read back by ListForwardAttempts
	AttemptedAt time.Time
	// HTTPStatus is the middleware's answer; 0 when none came.
	HTTPStatus int
	// Error says, in plain words, why the attempt failed ("" for a 2xx).
	Error    string
	Duration time.Duration
	// OutboxState is the row's state now (read back by ListForwardAttempts):
	// a failed attempt of a body delivered later shows ForwardDelivered.
	OutboxState string
}

// RecordForwardAttempt stores an attempt and moves its outbox row on:
// ForwardDelivered, ForwardGivenUp, or ForwardPending again with the next
// attempt at retryAt. The row must still be pending (ErrNotFound if not).
func (db *DB) RecordForwardAttempt(ctx context.Context, a ForwardAttempt, state string, retryAt time.Time) error {
	if err := db.recordForwardAttempt(ctx, a, state, retryAt); err != nil {
		return fmt.Errorf("store: record forward attempt of outbox %d: %w", a.OutboxID, err)
	}
	return nil
}

func (db *DB) recordForwardAttempt(ctx context.Context, a ForwardAttempt, state string, retryAt time.Time) error {
	switch state {
	case ForwardDelivered, ForwardGivenUp:
	case ForwardPending:
		if retryAt.IsZero() {
			return errors.New("a pending row needs its next attempt time")
		}
	default:
		return fmt.Errorf("unknown state %q", state)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		switch state {
		case ForwardDelivered:
			res, err = tx.ExecContext(ctx, `UPDATE forward_outbox SET state = 'delivered', delivered_at = ?
				WHERE id = ? AND state = 'pending'`, formatTime(a.AttemptedAt.Add(a.Duration)), a.OutboxID)
		case ForwardGivenUp:
			res, err = tx.ExecContext(ctx, `UPDATE forward_outbox SET state = 'given_up', attempts = attempts + 1
				WHERE id = ? AND state = 'pending'`, a.OutboxID)
		default:
			res, err = tx.ExecContext(ctx, `UPDATE forward_outbox SET attempts = attempts + 1, next_attempt_at = ?
				WHERE id = ? AND state = 'pending'`, formatTime(retryAt), a.OutboxID)
		}
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO forward_attempts (outbox_id, channel_id, attempted_at, http_status, error, duration_ms)
			SELECT id, channel_id, ?, ?, ?, ? FROM forward_outbox WHERE id = ?`,
			formatTime(a.AttemptedAt), a.HTTPStatus, a.Error, a.Duration.Milliseconds(), a.OutboxID)
		return err
	})
}

// ListForwardAttempts returns a channel's most recent delivery attempts,
// newest first; limit <= 0 returns all of them.
func (db *DB) ListForwardAttempts(ctx context.Context, channelID int64, limit int) ([]ForwardAttempt, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.R.QueryContext(ctx, `SELECT a.id, a.outbox_id, a.channel_id, o.event_id, a.attempted_at,
		a.http_status, a.error, a.duration_ms, o.state
		FROM forward_attempts a JOIN forward_outbox o ON o.id = a.outbox_id
		WHERE a.channel_id = ? ORDER BY a.id DESC LIMIT ?`, channelID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: forward attempts of channel %d: %w", channelID, err)
	}
	defer rows.Close()
	var out []ForwardAttempt
	for rows.Next() {
		var a ForwardAttempt
		var at string
		var ms int64
		if err := rows.Scan(&a.ID, &a.OutboxID, &a.ChannelID, &a.EventID, &at, &a.HTTPStatus, &a.Error, &ms, &a.OutboxState); err != nil {
			return nil, fmt.Errorf("store: forward attempts of channel %d: %w", channelID, err)
		}
		if a.AttemptedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("store: forward attempts of channel %d: %w", channelID, err)
		}
		a.Duration = time.Duration(ms) * time.Millisecond
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: forward attempts of channel %d: %w", channelID, err)
	}
	return out, nil
}

// ForwardBacklog is what waits to be forwarded for one channel.
type ForwardBacklog struct {
	// Pending counts the bodies not delivered and not given up yet.
	Pending int
	// NextAttemptAt is when the oldest pending body is tried next (zero
	// when nothing is pending).
	NextAttemptAt time.Time
	// OldestAt is when the oldest pending body was accepted.
	OldestAt time.Time
}

// ChannelForwardBacklog returns what waits to be forwarded for a channel.
func (db *DB) ChannelForwardBacklog(ctx context.Context, channelID int64) (ForwardBacklog, error) {
	var b ForwardBacklog
	var next, oldest sql.NullString
	err := db.R.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM forward_outbox WHERE channel_id = ?1 AND state = 'pending'),
		h.next_attempt_at, h.created_at
		FROM (SELECT 1) LEFT JOIN forward_outbox h ON h.id =
			(SELECT MIN(id) FROM forward_outbox WHERE channel_id = ?1 AND state = 'pending')`, channelID).
		Scan(&b.Pending, &next, &oldest)
	if err != nil {
		return ForwardBacklog{}, fmt.Errorf("store: forward backlog of channel %d: %w", channelID, err)
	}
	for _, f := range []struct {
		dst *time.Time
		src sql.NullString
	}{{&b.NextAttemptAt, next}, {&b.OldestAt, oldest}} {
		t, err := parseNullTime(f.src)
		if err != nil {
			return ForwardBacklog{}, fmt.Errorf("store: forward backlog of channel %d: %w", channelID, err)
		}
		if t != nil {
			*f.dst = *t
		}
	}
	return b, nil
}

// EnsureForwardSecret returns a channel's forward secret, storing candidate
// as the secret first when the channel has none (created then reports
// that). It is atomic: an admin generating a secret at the same moment
// either wins before, and their secret is returned, or after, and replaces
// candidate. ErrNotFound: the channel does not exist or was deleted.
func (db *DB) EnsureForwardSecret(ctx context.Context, channelID int64, candidate string) (secret string, created bool, err error) {
	if candidate == "" {
		return "", false, fmt.Errorf("store: ensure forward secret of channel %d: empty candidate", channelID)
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var sealed []byte
		err := tx.QueryRowContext(ctx, "SELECT forward_secret_enc FROM channels WHERE id = ? AND deleted_at IS NULL", channelID).Scan(&sealed)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if len(sealed) > 0 {
			secret, err = db.open(sealed, "channel", channelID, "forward secret")
			return err
		}
		if err := db.writeSecrets(ctx, tx, channelID, ChannelSecrets{ForwardSecret: candidate}); err != nil {
			return err
		}
		secret, created = candidate, true
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("store: ensure forward secret of channel %d: %w", channelID, err)
	}
	return secret, created, nil
}
