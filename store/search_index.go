package store

import (
	"context"
	"database/sql"
	"fmt"
)

// searchIndexBatch is how many messages one indexing transaction takes.
const searchIndexBatch = 2000

// IndexPendingMessages adds messages stored since the last call to the
// search index, at most limit of them (searchIndexBatch when limit <= 0),
// in one transaction, and reports how many it indexed. Messages are not
// indexed in the transaction that stores them (see migration 0012); the
// webhook processor calls this when it is idle, and a search catches up
// first. The commit is relaxed (see txRelaxed): after a crash, what was
// not indexed is still waiting.
func (db *DB) IndexPendingMessages(ctx context.Context, limit int) (int, error) {
	if limit <= 0 {
		limit = searchIndexBatch
	}
	n := 0
	err := db.txRelaxed(ctx, func(tx *sql.Tx) error {
		// The batch is the waiting ids up to hi: the same set is indexed
		// and then struck off, whatever the join finds.
		var hi sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(message_id) FROM
			(SELECT message_id FROM search_pending ORDER BY message_id LIMIT ?)`, limit).Scan(&hi); err != nil {
			return err
		}
		if !hi.Valid {
			return nil
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO messages_fts (rowid, text)
			SELECT m.id, m.text FROM search_pending p JOIN messages m ON m.id = p.message_id
			WHERE p.message_id <= ? ORDER BY p.message_id`, hi.Int64)
		if err != nil {
			return err
		}
		added, err := res.RowsAffected()
		if err != nil {
			return err
		}
		n = int(added)
		_, err = tx.ExecContext(ctx, `DELETE FROM search_pending WHERE message_id <= ?`, hi.Int64)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: index messages for search: %w", err)
	}
	return n, nil
}

// catchUpSearchIndex indexes every message still waiting, so that a search
// finds all stored messages.
func (db *DB) catchUpSearchIndex(ctx context.Context) error {
	for {
		var waiting bool
		if err := db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_pending)`).Scan(&waiting); err != nil {
			return fmt.Errorf("store: search index: %w", err)
		}
		if !waiting {
			return nil
		}
		if _, err := db.IndexPendingMessages(ctx, searchIndexBatch); err != nil {
			return err
		}
	}
}
