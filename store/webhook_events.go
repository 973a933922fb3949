package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Webhook event states.
const (
	EventNew  = "new"
	EventDone = "done"
	EventDead = "dead"
)

// NewWebhookEvent is a signed webhook body accepted for a channel.
type NewWebhookEvent struct {
	ChannelID  int64
	Body       []byte
	ReceivedAt time.Time
}

// WebhookEvent is a journaled webhook body.
type WebhookEvent struct {
	ID          int64
	ChannelID   int64
	ReceivedAt  time.Time
	Body        []byte
	State       string
	Error       string
	ProcessedAt *time.Time
}

// AppendWebhookEvents commits a group of accepted bodies in one
// transaction: the journal rows, each channel's last-webhook time, and a
// forward_outbox row for every channel that forwards to its middleware.
// When it returns nil, every body is durable (synchronous=FULL).
func (db *DB) AppendWebhookEvents(ctx context.Context, evs []NewWebhookEvent) ([]int64, error) {
	ids := make([]int64, len(evs))
	err := db.tx(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, "INSERT INTO webhook_events (channel_id, received_at, body) VALUES (?, ?, ?)")
		if err != nil {
			return err
		}
		defer ins.Close()
		// Which channels forward, read once per group.
		forwardURL := map[int64]string{}
		for _, ev := range evs {
			if _, seen := forwardURL[ev.ChannelID]; seen {
				continue
			}
			var u string
			err := tx.QueryRowContext(ctx, "SELECT forward_url FROM channels WHERE id = ? AND deleted_at IS NULL", ev.ChannelID).Scan(&u)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			forwardURL[ev.ChannelID] = u
		}
		latest := map[int64]time.Time{}
		for i, ev := range evs {
			at := formatTime(ev.ReceivedAt)
			res, err := ins.ExecContext(ctx, ev.ChannelID, at, ev.Body)
			if err != nil {
				return err
			}
			if ids[i], err = res.LastInsertId(); err != nil {
				return err
			}
			if u := forwardURL[ev.ChannelID]; u != "" {
				if _, err := tx.ExecContext(ctx, `INSERT INTO forward_outbox (channel_id, event_id, url, next_attempt_at, created_at)
					VALUES (?, ?, ?, ?, ?)`, ev.ChannelID, ids[i], u, at, at); err != nil {
					return err
				}
			}
			if ev.ReceivedAt.After(latest[ev.ChannelID]) {
				latest[ev.ChannelID] = ev.ReceivedAt
			}
		}
		for ch, at := range latest {
			if _, err := tx.ExecContext(ctx, "UPDATE channels SET last_webhook_at = ? WHERE id = ?", formatTime(at), ch); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: append %d webhook events: %w", len(evs), err)
	}
	return ids, nil
}

// PendingWebhookEvents returns up to limit unprocessed events, oldest first.
func (db *DB) PendingWebhookEvents(ctx context.Context, limit int) ([]WebhookEvent, error) {
	return db.queryEvents(ctx, "WHERE state = 'new' ORDER BY id LIMIT ?", limit)
}

// DeadWebhookEvents returns a channel's unreadable events, newest first.
func (db *DB) DeadWebhookEvents(ctx context.Context, channelID int64, limit int) ([]WebhookEvent, error) {
	return db.queryEvents(ctx, "WHERE state = 'dead' AND channel_id = ? ORDER BY id DESC LIMIT ?", channelID, limit)
}

// WebhookEventByID returns one journaled event.
func (db *DB) WebhookEventByID(ctx context.Context, id int64) (WebhookEvent, error) {
	evs, err := db.queryEvents(ctx, "WHERE id = ?", id)
	if err != nil {
		return WebhookEvent{}, err
	}
	if len(evs) == 0 {
		return WebhookEvent{}, fmt.Errorf("store: webhook event %d: %w", id, ErrNotFound)
	}
	return evs[0], nil
}

func (db *DB) queryEvents(ctx context.Context, where string, args ...any) ([]WebhookEvent, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT id, channel_id, received_at, body, state, error, processed_at FROM webhook_events "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: webhook events: %w", err)
	}
	defer rows.Close()
	var out []WebhookEvent
	for rows.Next() {
		var e WebhookEvent
		var received string
		var processed sql.NullString
		if err := rows.Scan(&e.ID, &e.ChannelID, &received, &e.Body, &e.State, &e.Error, &processed); err != nil {
			return nil, fmt.Errorf("store: webhook events: %w", err)
		}
		if e.ReceivedAt, err = parseTime(received); err != nil {
			return nil, err
		}
		if e.ProcessedAt, err = parseNullTime(processed); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountDeadWebhookEvents counts a channel's unreadable events.
func (db *DB) CountDeadWebhookEvents(ctx context.Context, channelID int64) (int, error) {
	var n int
	if err := db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM webhook_events WHERE state = 'dead' AND channel_id = ?", channelID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count dead webhook events: %w", err)
	}
	return n, nil
}

// ReprocessDeadWebhookEvents puts a channel's dead letters back in the
// queue, all of them when eventID is 0, else that one; the processor then
// reads them again (a message already stored is not stored twice). It
// returns how many were queued.
func (db *DB) ReprocessDeadWebhookEvents(ctx context.Context, channelID, eventID int64) (int, error) {
	res, err := db.W.ExecContext(ctx, `UPDATE webhook_events SET state = 'new', error = '', processed_at = NULL
		WHERE state = 'dead' AND channel_id = ? AND (? = 0 OR id = ?)`, channelID, eventID, eventID)
	if err != nil {
		return 0, fmt.Errorf("store: reprocess dead webhook events of channel %d: %w", channelID, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// CountAllDeadWebhookEvents counts the dead letters of every channel that
// is not deleted, for the admins' alert.
func (db *DB) CountAllDeadWebhookEvents(ctx context.Context) (int, error) {
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_events e JOIN channels c ON c.id = e.channel_id
		WHERE e.state = 'dead' AND c.deleted_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count dead webhook events: %w", err)
	}
	return n, nil
}
