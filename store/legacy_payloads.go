package store

import (
	"context"
	"database/sql"
	"fmt"
)

// legacyBatch is how many messages one conversion transaction rewrites.
const legacyBatch = 500

// ConvertLegacyPayloads rewrites the inbound messages stored before
// payloads became provider-neutral (noted by migration 0021), batch by
// batch, with convert (the provider's message object → the neutral stored
// form). A payload convert refuses is left as it was. It returns how many
// messages it rewrote; once done, a call costs one empty query.
func (db *DB) ConvertLegacyPayloads(ctx context.Context, convert func(payload string) (string, error)) (int, error) {
	total := 0
	for {
		n, more, err := db.convertLegacyBatch(ctx, convert)
		total += n
		if err != nil {
			return total, fmt.Errorf("store: convert stored payloads: %w", err)
		}
		if !more {
			return total, nil
		}
	}
}

func (db *DB) convertLegacyBatch(ctx context.Context, convert func(string) (string, error)) (converted int, more bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT l.message_id, COALESCE(m.payload, '') FROM legacy_payloads l
			LEFT JOIN messages m ON m.id = l.message_id ORDER BY l.message_id LIMIT ?`, legacyBatch)
		if err != nil {
			return err
		}
		type row struct {
			id      int64
			payload string
		}
		var batch []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.payload); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, r)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		more = len(batch) == legacyBatch
		for _, r := range batch {
			if r.payload != "" {
				if neutral, cerr := convert(r.payload); cerr == nil {
					if _, err := tx.ExecContext(ctx, "UPDATE messages SET payload = ? WHERE id = ?", neutral, r.id); err != nil {
						return err
					}
					converted++
				}
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM legacy_payloads WHERE message_id = ?", r.id); err != nil {
				return err
			}
		}
		return nil
	})
	return converted, more, err
}
