package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/wadesk/wadesk/store"
)

// SeedPricing gives every message in db a price row, spread over the days
// back from until (message id modulo days), across eight markets and the
// four categories and pricing types, as if each had been sent and priced;
// then builds the daily rollup from them. For benchmarks: the dashboard
// then sums over as many messages as db holds.
func SeedPricing(tb testing.TB, db *store.DB, until time.Time, days int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE seed_days (n INTEGER PRIMARY KEY, day TEXT NOT NULL, at TEXT NOT NULL)`); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < days; i++ {
		d := until.UTC().AddDate(0, 0, -i)
		if _, err := tx.ExecContext(ctx, `INSERT INTO seed_days (n, day, at) VALUES (?, ?, ?)`, i, d.Format(time.DateOnly),
			d.Format("2006-01-02T15:04:05.000000000Z")); err != nil {
			tb.Fatal(err)
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO message_pricing (message_id, conversation_id, channel_id, sent_at, day, market,
		est_category, est_type, est_billable, est_micros, category, pricing_type, billable, micros, currency, rate_source, reported)
		SELECT m.id, m.conversation_id, c.channel_id, d.at, d.day,
			CASE m.id % 8 WHEN 0 THEN 'BR' WHEN 1 THEN 'IN' WHEN 2 THEN 'NA' WHEN 3 THEN 'MX' WHEN 4 THEN 'ID'
				WHEN 5 THEN 'GB' WHEN 6 THEN 'DE' ELSE 'OTHER' END,
			CASE m.id % 10 WHEN 0 THEN 'marketing' WHEN 1 THEN 'utility' WHEN 2 THEN 'authentication' ELSE 'service' END,
			CASE WHEN m.id % 10 >= 3 AND m.id % 7 = 0 THEN 'free_entry_point' ELSE 'regular' END,
			m.id % 7 <> 0, CASE WHEN m.id % 7 = 0 THEN 0 WHEN m.id % 10 = 0 THEN 25000 ELSE 3400 END,
			CASE m.id % 10 WHEN 0 THEN 'marketing' WHEN 1 THEN 'utility' WHEN 2 THEN 'authentication' ELSE 'service' END,
			CASE WHEN m.id % 10 >= 3 AND m.id % 7 = 0 THEN 'free_entry_point' ELSE 'regular' END,
			m.id % 7 <> 0, CASE WHEN m.id % 7 = 0 THEN 0 WHEN m.id % 10 = 0 THEN 25000 ELSE 3400 END,
			'USD', 'bench', TRUE
		FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN seed_days d ON d.n = m.id % ?`, days)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE seed_days`); err != nil {
		tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if err := db.RebuildPricingDaily(ctx); err != nil {
		tb.Fatal(err)
	}
}
