package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ContactImport is an uploaded CSV file waiting to be imported.
type ContactImport struct {
	ID        int64
	CreatedBy int64
	Filename  string
	Body      string
	CreatedAt time.Time
}

// importKeep is how long an uploaded file waits for its import.
const importKeep = time.Hour

// SaveContactImport keeps an uploaded file for its user (and drops the
// files older than an hour).
func (db *DB) SaveContactImport(ctx context.Context, userID int64, filename, body string) (int64, error) {
	now := time.Now()
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM contact_imports WHERE created_at < ?`, formatTime(now.Add(-importKeep))); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO contact_imports (created_by, filename, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			userID, filename, body, formatTime(now)).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("store: save contact import: %w", err)
	}
	return id, nil
}

// ContactImportOf returns a user's uploaded file; ErrNotFound when it is
// someone else's, gone or older than an hour.
func (db *DB) ContactImportOf(ctx context.Context, userID, id int64) (ContactImport, error) {
	var ci ContactImport
	var at string
	err := db.R.QueryRowContext(ctx, `SELECT id, created_by, filename, body, created_at FROM contact_imports
		WHERE id = ? AND created_by = ? AND created_at >= ?`, id, userID, formatTime(time.Now().Add(-importKeep))).
		Scan(&ci.ID, &ci.CreatedBy, &ci.Filename, &ci.Body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return ContactImport{}, fmt.Errorf("store: contact import %d: %w", id, err)
	}
	ci.CreatedAt, _ = parseTime(at)
	return ci, nil
}

// ImportedContact is one row an import writes.
type ImportedContact struct {
	Phone      string // E.164, checked
	Name       string
	OptedIn    bool
	Attributes map[string]string
}

// ImportResult counts what an import wrote.
type ImportResult struct {
	Created, Updated int
}

// ImportContacts writes rows in one transaction: new numbers become
// contacts (added by userID); known ones keep their name unless they had
// none, and get the file's attributes. A row with OptedIn records an
// opt-in from the import where none is recorded. labelID (0: none) is put
// on every row's contact. The uploaded file importID is removed in the
// same transaction, so an import cannot be run twice.
func (db *DB) ImportContacts(ctx context.Context, userID, importID, labelID int64, rows []ImportedContact) (ImportResult, error) {
	var out ImportResult
	now := formatTime(time.Now())
	err := db.tx(ctx, func(tx *sql.Tx) error {
		out = ImportResult{}
		res, err := tx.ExecContext(ctx, `DELETE FROM contact_imports WHERE id = ? AND created_by = ?`, importID, userID)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		upsert, err := tx.PrepareContext(ctx, `INSERT INTO contacts (phone, wa_id, name, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (phone) DO UPDATE SET name = CASE WHEN contacts.name = '' THEN excluded.name ELSE contacts.name END,
				updated_at = excluded.updated_at
			RETURNING id, created_at = ?`)
		if err != nil {
			return err
		}
		defer upsert.Close()
		attr, err := tx.PrepareContext(ctx, `INSERT INTO contact_attributes (contact_id, name, value, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (contact_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
		if err != nil {
			return err
		}
		defer attr.Close()
		optIn, err := tx.PrepareContext(ctx, `UPDATE contacts SET opted_in_at = ?, opt_in_source = 'import' WHERE id = ? AND opted_in_at IS NULL`)
		if err != nil {
			return err
		}
		defer optIn.Close()
		label, err := tx.PrepareContext(ctx, `INSERT INTO contact_labels (contact_id, label_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (contact_id, label_id) DO NOTHING`)
		if err != nil {
			return err
		}
		defer label.Close()
		for _, r := range rows {
			var id int64
			var created bool
			if err := upsert.QueryRowContext(ctx, r.Phone, r.Phone[1:], r.Name, userID, now, now, now).Scan(&id, &created); err != nil {
				return fmt.Errorf("contact %s: %w", r.Phone, err)
			}
			if created {
				out.Created++
			} else {
				out.Updated++
			}
			for k, v := range r.Attributes {
				if _, err := attr.ExecContext(ctx, id, k, v, now); err != nil {
					return fmt.Errorf("contact %s: attribute %s: %w", r.Phone, k, err)
				}
			}
			if r.OptedIn {
				if _, err := optIn.ExecContext(ctx, now, id); err != nil {
					return fmt.Errorf("contact %s: opt-in: %w", r.Phone, err)
				}
			}
			if labelID > 0 {
				if _, err := label.ExecContext(ctx, id, labelID, now); err != nil {
					return fmt.Errorf("contact %s: label: %w", r.Phone, translate(err))
				}
			}
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("store: import contacts: %w", err)
	}
	return out, nil
}

// KnownPhones returns which of the numbers are contacts already.
func (db *DB) KnownPhones(ctx context.Context, phones []string) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(phones); start += 500 {
		chunk := phones[start:min(start+500, len(phones))]
		args := make([]any, len(chunk))
		for i, p := range chunk {
			args[i] = p
		}
		rows, err := db.R.QueryContext(ctx, `SELECT phone FROM contacts WHERE phone IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: known phones: %w", err)
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return nil, err
			}
			out[p] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AttributesOf returns the attributes of each of the contacts.
func (db *DB) AttributesOf(ctx context.Context, contactIDs ...int64) (map[int64]map[string]string, error) {
	out := map[int64]map[string]string{}
	if len(contactIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(contactIDs))
	for i, id := range contactIDs {
		args[i] = id
	}
	rows, err := db.R.QueryContext(ctx, `SELECT contact_id, name, value FROM contact_attributes WHERE contact_id IN (`+placeholders(len(contactIDs))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: attributes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n, v string
		if err := rows.Scan(&id, &n, &v); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]string{}
		}
		out[id][n] = v
	}
	return out, rows.Err()
}
