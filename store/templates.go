package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Template is a message template of a channel as the provider last
// reported it. Templates belong to a WhatsApp Business Account; every
// channel of the account holds its own copy.
type Template struct {
	ID           int64
	ChannelID    int64
	ChannelTitle string
	WABAID       string
	// ProviderTemplateID is the provider's ID of this name and language.
	ProviderTemplateID string
	Name               string
	Language           string
	Category           string
	PreviousCategory   string
	Status             string
	RejectedReason     string
	Quality            string
	// ComponentsJSON holds the header, body, footer and buttons in the
	// provider's JSON shape (see package templates).
	ComponentsJSON string
	CreatedAt      time.Time
	// UpdatedAt is when wadesk last saw the template change.
	UpdatedAt time.Time
	// SyncedAt is when a sync last confirmed it; nil for a template known
	// only from its creation in wadesk.
	SyncedAt *time.Time
}

// TemplateRecord is what the provider says about one template.
type TemplateRecord struct {
	ProviderTemplateID string
	Name               string
	Language           string
	Category           string
	PreviousCategory   string
	Status             string
	RejectedReason     string
	Quality            string
	ComponentsJSON     string
}

// TemplateSyncResult counts what a sync changed.
type TemplateSyncResult struct {
	Total   int
	Added   int
	Changed int
	Removed int
}

// TemplateFilter narrows ListTemplates; zero fields match everything.
type TemplateFilter struct {
	ChannelID int64
	Status    string
	Category  string
	Language  string
}

// TemplateStatusChange is a status update the provider pushed for a
// template (Meta's message_template_status_update webhook).
type TemplateStatusChange struct {
	// TemplateID is the provider's template ID; when empty or unknown, the
	// template is found by Name and Language.
	TemplateID string
	Name       string
	Language   string
	Status     string
	// Reason is why the template was rejected, paused or disabled; an
	// approved template keeps no reason.
	Reason string
}

// TemplateSync is the outcome of a channel's last template sync.
type TemplateSync struct {
	ChannelID int64
	// At is when the last sync ran, successful or not.
	At time.Time
	// Error is "" after a successful sync, otherwise what went wrong in
	// plain words.
	Error string
	// OKAt is the last successful sync (nil: never).
	OKAt *time.Time
}

const templateColumns = `t.id, t.channel_id, c.title, c.waba_id, t.provider_template_id, t.name, t.language,
	t.category, t.previous_category, t.status, t.rejected_reason, t.quality, t.components_json,
	t.created_at, t.updated_at, t.synced_at`

const templateFrom = ` FROM message_templates t JOIN channels c ON c.id = t.channel_id `

func scanTemplate(s scanner) (Template, error) {
	var t Template
	var created, updated string
	var synced sql.NullString
	err := s.Scan(&t.ID, &t.ChannelID, &t.ChannelTitle, &t.WABAID, &t.ProviderTemplateID, &t.Name, &t.Language,
		&t.Category, &t.PreviousCategory, &t.Status, &t.RejectedReason, &t.Quality, &t.ComponentsJSON,
		&created, &updated, &synced)
	if errors.Is(err, sql.ErrNoRows) {
		return Template{}, ErrNotFound
	}
	if err != nil {
		return Template{}, err
	}
	if t.CreatedAt, err = parseTime(created); err != nil {
		return Template{}, err
	}
	if t.UpdatedAt, err = parseTime(updated); err != nil {
		return Template{}, err
	}
	if t.SyncedAt, err = parseNullTime(synced); err != nil {
		return Template{}, err
	}
	return t, nil
}

// TemplateByID returns one stored template.
func (db *DB) TemplateByID(ctx context.Context, id int64) (Template, error) {
	t, err := scanTemplate(db.R.QueryRowContext(ctx, "SELECT "+templateColumns+templateFrom+"WHERE t.id = ?", id))
	if err != nil {
		return Template{}, fmt.Errorf("store: template %d: %w", id, err)
	}
	return t, nil
}

// ListTemplates returns the templates of connected (not pending, not
// deleted) channels that match f, by channel, then name and language.
func (db *DB) ListTemplates(ctx context.Context, f TemplateFilter) ([]Template, error) {
	where := []string{"c.deleted_at IS NULL", "c.state <> 'pending'"}
	var args []any
	if f.ChannelID != 0 {
		where = append(where, "t.channel_id = ?")
		args = append(args, f.ChannelID)
	}
	for _, cond := range []struct{ col, val string }{
		{"t.status", f.Status}, {"t.category", f.Category}, {"t.language", f.Language},
	} {
		if cond.val != "" {
			where = append(where, cond.col+" = ?")
			args = append(args, cond.val)
		}
	}
	q := "SELECT " + templateColumns + templateFrom + "WHERE " + strings.Join(where, " AND ") +
		" ORDER BY c.is_default DESC, c.title COLLATE NOCASE, c.id, t.name, t.language, t.id"
	rows, err := db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list templates: %w", err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list templates: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list templates: %w", err)
	}
	return out, nil
}

// storedTemplate is a row's provider-reported state, for comparisons.
type storedTemplate struct {
	id      int64
	rec     TemplateRecord
	updated string
}

// ReplaceChannelTemplates stores the full list of a channel's templates as
// the provider reported it in a sync that started at startedAt: new ones
// are added, changed ones updated, and ones the provider no longer has
// removed. A template that changed in wadesk after startedAt (created, or
// updated by a status webhook, while the list was being fetched) keeps its
// newer state. The sync is recorded as successful.
func (db *DB) ReplaceChannelTemplates(ctx context.Context, channelID int64, recs []TemplateRecord, startedAt time.Time) (TemplateSyncResult, error) {
	var res TemplateSyncResult
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := liveChannel(ctx, tx, channelID); err != nil {
			return err
		}
		existing := map[string]storedTemplate{}
		rows, err := tx.QueryContext(ctx, `SELECT id, provider_template_id, name, language, category, previous_category,
			status, rejected_reason, quality, components_json, updated_at FROM message_templates WHERE channel_id = ?`, channelID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var st storedTemplate
			r := &st.rec
			if err := rows.Scan(&st.id, &r.ProviderTemplateID, &r.Name, &r.Language, &r.Category, &r.PreviousCategory,
				&r.Status, &r.RejectedReason, &r.Quality, &r.ComponentsJSON, &st.updated); err != nil {
				rows.Close()
				return err
			}
			existing[r.ProviderTemplateID] = st
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}

		now := formatTime(time.Now())
		started := formatTime(startedAt)
		seen := map[string]bool{}
		for _, r := range recs {
			r = cleanRecord(r)
			if err := r.check(); err != nil {
				return err
			}
			if seen[r.ProviderTemplateID] {
				continue
			}
			seen[r.ProviderTemplateID] = true
			res.Total++
			old, ok := existing[r.ProviderTemplateID]
			switch {
			case !ok:
				if err := insertTemplate(ctx, tx, channelID, r, now, sql.NullString{String: now, Valid: true}); err != nil {
					return err
				}
				res.Added++
			case old.updated >= started || old.rec == r:
				// Newer in wadesk than this list, or unchanged.
				if _, err := tx.ExecContext(ctx, "UPDATE message_templates SET synced_at = ? WHERE id = ?", now, old.id); err != nil {
					return err
				}
			default:
				if _, err := tx.ExecContext(ctx, `UPDATE message_templates SET name = ?, language = ?, category = ?,
					previous_category = ?, status = ?, rejected_reason = ?, quality = ?, components_json = ?,
					updated_at = ?, synced_at = ? WHERE id = ?`,
					r.Name, r.Language, r.Category, r.PreviousCategory, r.Status, r.RejectedReason, r.Quality,
					r.ComponentsJSON, now, now, old.id); err != nil {
					return err
				}
				res.Changed++
			}
		}
		for pid, old := range existing {
			if seen[pid] || old.updated >= started {
				continue
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM message_templates WHERE id = ?", old.id); err != nil {
				return err
			}
			res.Removed++
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO template_syncs (channel_id, synced_at, error, ok_at) VALUES (?, ?, '', ?)
			ON CONFLICT (channel_id) DO UPDATE SET synced_at = excluded.synced_at, error = '', ok_at = excluded.ok_at`,
			channelID, now, now)
		return err
	})
	if err != nil {
		return TemplateSyncResult{}, fmt.Errorf("store: replace templates of channel %d: %w", channelID, err)
	}
	return res, nil
}

// RecordTemplateSyncFailure notes that a channel's template sync failed,
// with the reason in plain words. The stored templates stay as they were.
func (db *DB) RecordTemplateSyncFailure(ctx context.Context, channelID int64, problem string, at time.Time) error {
	if problem == "" {
		problem = "The sync failed."
	}
	_, err := db.W.ExecContext(ctx, `INSERT INTO template_syncs (channel_id, synced_at, error) VALUES (?, ?, ?)
		ON CONFLICT (channel_id) DO UPDATE SET synced_at = excluded.synced_at, error = excluded.error`,
		channelID, formatTime(at), problem)
	if err != nil {
		return fmt.Errorf("store: record template sync failure of channel %d: %w", channelID, translate(err))
	}
	return nil
}

// TemplateSyncOf returns the outcome of a channel's last template sync;
// ErrNotFound when it was never synced.
func (db *DB) TemplateSyncOf(ctx context.Context, channelID int64) (TemplateSync, error) {
	s := TemplateSync{ChannelID: channelID}
	var at string
	var ok sql.NullString
	err := db.R.QueryRowContext(ctx, "SELECT synced_at, error, ok_at FROM template_syncs WHERE channel_id = ?", channelID).
		Scan(&at, &s.Error, &ok)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err == nil {
		if s.At, err = parseTime(at); err == nil {
			s.OKAt, err = parseNullTime(ok)
		}
	}
	if err != nil {
		return TemplateSync{}, fmt.Errorf("store: template sync of channel %d: %w", channelID, err)
	}
	return s, nil
}

// SaveTemplate stores a template the provider just accepted (created or
// edited) for the channel and every other live channel of the same
// WhatsApp Business Account, and returns the channel's copy.
func (db *DB) SaveTemplate(ctx context.Context, channelID int64, r TemplateRecord) (Template, error) {
	r = cleanRecord(r)
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := r.check(); err != nil {
			return err
		}
		if err := liveChannel(ctx, tx, channelID); err != nil {
			return err
		}
		now := formatTime(time.Now())
		rows, err := tx.QueryContext(ctx, `SELECT id FROM channels WHERE deleted_at IS NULL
			AND waba_id = (SELECT waba_id FROM channels WHERE id = ?)`, channelID)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var cid int64
			if err := rows.Scan(&cid); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, cid)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, cid := range ids {
			if err := insertTemplate(ctx, tx, cid, r, now, sql.NullString{}); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, "SELECT id FROM message_templates WHERE channel_id = ? AND provider_template_id = ?",
			channelID, r.ProviderTemplateID).Scan(&id)
	})
	if err != nil {
		return Template{}, fmt.Errorf("store: save template %s of channel %d: %w", r.Name, channelID, err)
	}
	return db.TemplateByID(ctx, id)
}

// RemoveTemplates removes the templates called name (only the one with
// providerTemplateID when it is not empty) from the channel and every other
// channel of its WhatsApp Business Account, after the provider deleted them.
func (db *DB) RemoveTemplates(ctx context.Context, channelID int64, name, providerTemplateID string) (int, error) {
	if name == "" {
		return 0, errors.New("store: remove templates: no name given")
	}
	q := `DELETE FROM message_templates WHERE name = ? AND channel_id IN (SELECT id FROM channels
		WHERE waba_id = (SELECT waba_id FROM channels WHERE id = ?))`
	args := []any{name, channelID}
	if providerTemplateID != "" {
		q += " AND provider_template_id = ?"
		args = append(args, providerTemplateID)
	}
	res, err := db.W.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("store: remove templates %s of channel %d: %w", name, channelID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: remove templates %s of channel %d: %w", name, channelID, err)
	}
	return int(n), nil
}

// ApplyTemplateStatus records a status the provider pushed for a template
// of the WhatsApp Business Account wabaID, on every live channel of that
// account. The template is found by its provider ID, or, when no row has
// that ID, by name and language. It returns how many rows matched (0: the
// template is not known here yet; the next sync brings it).
func (db *DB) ApplyTemplateStatus(ctx context.Context, wabaID string, c TemplateStatusChange) (updated int, err error) {
	status := strings.ToUpper(strings.TrimSpace(c.Status))
	if wabaID == "" || status == "" {
		return 0, fmt.Errorf("store: apply template status: the account and the status are required")
	}
	reason := strings.TrimSpace(c.Reason)
	if status == "APPROVED" {
		reason = ""
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(time.Now())
		const set = `UPDATE message_templates SET status = ?, rejected_reason = ?,
			updated_at = CASE WHEN status <> ? OR rejected_reason <> ? THEN ? ELSE updated_at END
			WHERE channel_id IN (SELECT id FROM channels WHERE waba_id = ? AND deleted_at IS NULL) AND `
		args := []any{status, reason, status, reason, now, wabaID}
		var n int64
		if c.TemplateID != "" {
			res, err := tx.ExecContext(ctx, set+"provider_template_id = ?", append(args, c.TemplateID)...)
			if err != nil {
				return err
			}
			if n, err = res.RowsAffected(); err != nil {
				return err
			}
		}
		if n == 0 && c.Name != "" && c.Language != "" {
			res, err := tx.ExecContext(ctx, set+"name = ? AND language = ?", append(args, c.Name, c.Language)...)
			if err != nil {
				return err
			}
			if n, err = res.RowsAffected(); err != nil {
				return err
			}
		}
		updated = int(n)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: apply template status (account %s, template %s %s): %w", wabaID, c.TemplateID, c.Name, err)
	}
	return updated, nil
}

func insertTemplate(ctx context.Context, tx *sql.Tx, channelID int64, r TemplateRecord, now string, synced sql.NullString) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO message_templates (channel_id, provider_template_id, name, language,
		category, previous_category, status, rejected_reason, quality, components_json, created_at, updated_at, synced_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel_id, provider_template_id) DO UPDATE SET name = excluded.name, language = excluded.language,
		category = excluded.category, previous_category = excluded.previous_category, status = excluded.status,
		rejected_reason = excluded.rejected_reason, quality = excluded.quality, components_json = excluded.components_json,
		updated_at = excluded.updated_at, synced_at = COALESCE(excluded.synced_at, synced_at)`,
		channelID, r.ProviderTemplateID, r.Name, r.Language, r.Category, r.PreviousCategory, r.Status,
		r.RejectedReason, r.Quality, r.ComponentsJSON, now, now, synced)
	return translate(err)
}

// liveChannel checks that a channel exists and is not deleted.
func liveChannel(ctx context.Context, tx *sql.Tx, channelID int64) error {
	var ok bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM channels WHERE id = ? AND deleted_at IS NULL)", channelID).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return nil
}

func cleanRecord(r TemplateRecord) TemplateRecord {
	r.ProviderTemplateID = strings.TrimSpace(r.ProviderTemplateID)
	r.Name = strings.TrimSpace(r.Name)
	r.Language = strings.TrimSpace(r.Language)
	r.Category = strings.ToUpper(strings.TrimSpace(r.Category))
	r.PreviousCategory = strings.ToUpper(strings.TrimSpace(r.PreviousCategory))
	r.Status = strings.ToUpper(strings.TrimSpace(r.Status))
	r.RejectedReason = strings.TrimSpace(r.RejectedReason)
	r.Quality = strings.ToUpper(strings.TrimSpace(r.Quality))
	if strings.TrimSpace(r.ComponentsJSON) == "" {
		r.ComponentsJSON = "[]"
	}
	return r
}

func (r TemplateRecord) check() error {
	if r.ProviderTemplateID == "" || r.Name == "" || r.Language == "" {
		return fmt.Errorf("template %q (%s): the provider ID, name and language are required", r.Name, r.Language)
	}
	return nil
}
