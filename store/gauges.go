package store

import (
	"context"
	"fmt"
	"os"
	"time"
)

// Gauges are the store's numbers that monitoring reads at each scrape.
type Gauges struct {
	// JournalBacklog is how many accepted webhooks wait to be processed.
	JournalBacklog int64
	// DeadWebhooks is how many webhooks could not be processed (kept for
	// an admin under the channel's Unreadable webhooks).
	DeadWebhooks int64
	// OutboxDepth is, per sending number (phone number ID), how many
	// messages are waiting or being sent.
	OutboxDepth map[string]int64
	// DBBytes and WALBytes are the sizes of the database file and its
	// write-ahead log.
	DBBytes, WALBytes int64
}

// ReadGauges reads the Gauges. Every count runs over a partial index that
// only holds the rows it counts, so a scrape stays cheap however large the
// database grows.
func (db *DB) ReadGauges(ctx context.Context) (Gauges, error) {
	g := Gauges{OutboxDepth: map[string]int64{}}
	err := db.R.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM webhook_events WHERE state = 'new'),
		(SELECT COUNT(*) FROM webhook_events WHERE state = 'dead')`).Scan(&g.JournalBacklog, &g.DeadWebhooks)
	if err != nil {
		return g, fmt.Errorf("store: read gauges: %w", err)
	}
	rows, err := db.R.QueryContext(ctx, `SELECT phone_number_id, COUNT(*) FROM outbox
		WHERE state IN ('queued', 'attempting') GROUP BY phone_number_id`)
	if err != nil {
		return g, fmt.Errorf("store: read outbox depth: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var num string
		var n int64
		if err := rows.Scan(&num, &n); err != nil {
			return g, fmt.Errorf("store: read outbox depth: %w", err)
		}
		g.OutboxDepth[num] = n
	}
	if err := rows.Err(); err != nil {
		return g, fmt.Errorf("store: read outbox depth: %w", err)
	}
	if st, err := os.Stat(db.path); err == nil {
		g.DBBytes = st.Size()
	}
	if st, err := os.Stat(db.path + "-wal"); err == nil {
		g.WALBytes = st.Size()
	}
	return g, nil
}

// OutboxDue counts the messages that are being sent or due to be sent by
// now (not those waiting out a back-off): what a graceful shutdown waits
// for.
func (db *DB) OutboxDue(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox
		WHERE state IN ('queued', 'attempting') AND (state = 'attempting' OR next_attempt_at <= ?)`, formatTime(now)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: outbox due: %w", err)
	}
	return n, nil
}
