package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// AuditEntry is one recorded admin action.
type AuditEntry struct {
	ID int64
	At time.Time
	// ActorID is 0 for the command line, or once the user was deleted.
	ActorID int64
	// Actor is the user's email at the time, or "command line".
	Actor string
	// Source is where the action came from: the client's address, or
	// "command line".
	Source     string
	Action     string
	TargetType string
	TargetID   int64
	TargetName string
	// Changes name what changed: {"field": {"from": …, "to": …}}, or a
	// plain value such as "replaced" for a secret. Never a secret value.
	Changes map[string]any
}

// AuditFilter narrows the audit trail. Zero fields match everything.
type AuditFilter struct {
	// Action matches an action exactly or, ending in ".", a family
	// ("channel.").
	Action  string
	ActorID int64
	Since   time.Time
	Until   time.Time
	// Before is a cursor: entries older than this id (paging).
	Before int64
	Limit  int
}

// RecordAudit adds an entry; At defaults to now.
func (db *DB) RecordAudit(ctx context.Context, e AuditEntry) (int64, error) {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	changes := []byte("{}")
	if len(e.Changes) > 0 {
		var err error
		if changes, err = json.Marshal(e.Changes); err != nil {
			return 0, fmt.Errorf("store: audit %s: %w", e.Action, err)
		}
	}
	var actor, target any
	if e.ActorID != 0 {
		actor = e.ActorID
	}
	if e.TargetID != 0 {
		target = e.TargetID
	}
	var id int64
	err := db.W.QueryRowContext(ctx, `INSERT INTO audit_log
		(at, actor_id, actor, source, action, target_type, target_id, target_name, changes)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		formatTime(e.At), actor, e.Actor, e.Source, e.Action, e.TargetType, target, e.TargetName, string(changes)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return id, nil
}

// AuditEntries lists entries newest first.
func (db *DB) AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var where []string
	var args []any
	switch {
	case strings.HasSuffix(f.Action, "."):
		where = append(where, "action >= ? AND action < ?")
		args = append(args, f.Action, f.Action[:len(f.Action)-1]+"/") // '/' sorts right after '.'
	case f.Action != "":
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if f.ActorID != 0 {
		where = append(where, "actor_id = ?")
		args = append(args, f.ActorID)
	}
	if !f.Since.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		where = append(where, "at < ?")
		args = append(args, formatTime(f.Until))
	}
	if f.Before != 0 {
		where = append(where, "id < ?")
		args = append(args, f.Before)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := `SELECT id, at, COALESCE(actor_id, 0), actor, source, action, target_type, COALESCE(target_id, 0), target_name, changes
		FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit entries: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at, changes string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Source, &e.Action, &e.TargetType, &e.TargetID, &e.TargetName, &changes); err != nil {
			return nil, fmt.Errorf("store: audit entries: %w", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("store: audit entry %d: %w", e.ID, err)
		}
		if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
			return nil, fmt.Errorf("store: audit entry %d: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditActors lists the users who appear in the audit trail, for the
// filter (id and the latest name they were recorded under).
func (db *DB) AuditActors(ctx context.Context) ([]AuditEntry, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT actor_id, MAX(actor) FROM audit_log
		WHERE actor_id IS NOT NULL GROUP BY actor_id ORDER BY MAX(actor)`)
	if err != nil {
		return nil, fmt.Errorf("store: audit actors: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ActorID, &e.Actor); err != nil {
			return nil, fmt.Errorf("store: audit actors: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// PurgeAudit deletes entries older than before and returns how many.
func (db *DB) PurgeAudit(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.W.ExecContext(ctx, "DELETE FROM audit_log WHERE at < ?", formatTime(before))
	if err != nil {
		return 0, fmt.Errorf("store: purge audit log: %w", err)
	}
	return res.RowsAffected()
}
