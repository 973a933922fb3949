package store

import (
	"context"
	"fmt"
)

// LabelChoices returns every label by name without usage counts: what
// filters and pickers need, read on every inbox page, so it stays cheap
// however many conversations carry labels.
func (db *DB) LabelChoices(ctx context.Context) ([]Label, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, name, colour FROM labels ORDER BY lower(name), id`)
	if err != nil {
		return nil, fmt.Errorf("store: label choices: %w", err)
	}
	defer rows.Close()
	var out []Label
	for rows.Next() {
		var l Label
		if err := rows.Scan(&l.ID, &l.Name, &l.Colour); err != nil {
			return nil, fmt.Errorf("store: label choices: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
