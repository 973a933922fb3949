package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// QuickReply is a saved answer an agent inserts in the reply box by its
// shortcut. OwnerID 0 means shared with everyone (kept by admins);
// otherwise it is that user's own.
type QuickReply struct {
	ID       int64
	OwnerID  int64
	Shortcut string
	Body     string
	// File is sent with the reply; zero: none.
	File QuickReplyFile
	// Options are offered to the customer with the reply's text: up to
	// three as reply buttons, four to ten as a list opened by a button
	// labelled ListButton.
	Options    []string
	ListButton string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// QuickReplyFile is a file a quick reply carries, kept in the media store
// under its SHA-256.
type QuickReplyFile struct {
	SHA256 string
	Name   string
	// Type is the MIME type; Kind what WhatsApp sends it as (image,
	// audio, video, document).
	Type string
	Kind string
	Size int64
}

// HasFile reports whether the reply carries a file.
func (q QuickReply) HasFile() bool { return q.File.SHA256 != "" }

// Shared reports whether everyone sees the reply.
func (q QuickReply) Shared() bool { return q.OwnerID == 0 }

func nullOwner(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateQuickReply saves a reply; ErrConflict when its shortcut is taken
// among the shared replies (OwnerID 0) or the owner's own.
func (db *DB) CreateQuickReply(ctx context.Context, q QuickReply) (QuickReply, error) {
	q.Shortcut = strings.TrimSpace(q.Shortcut)
	q.CreatedAt = time.Now().UTC()
	q.UpdatedAt = q.CreatedAt
	err := db.W.QueryRowContext(ctx, `INSERT INTO quick_replies (owner_id, shortcut, body,
			file_sha256, file_name, file_type, file_kind, file_size, options, list_button, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, nullOwner(q.OwnerID), q.Shortcut, q.Body,
		q.File.SHA256, q.File.Name, q.File.Type, q.File.Kind, q.File.Size, strings.Join(q.Options, "\n"), q.ListButton,
		formatTime(q.CreatedAt), formatTime(q.UpdatedAt)).Scan(&q.ID)
	if err != nil {
		return QuickReply{}, fmt.Errorf("store: create quick reply: %w", translate(err))
	}
	return q, nil
}

// UpdateQuickReply changes a reply's shortcut, text, file and options. q.OwnerID must be the
// reply's owner (0 for a shared one): a reply of someone else is
// ErrNotFound.
func (db *DB) UpdateQuickReply(ctx context.Context, q QuickReply) error {
	res, err := db.W.ExecContext(ctx, `UPDATE quick_replies SET shortcut = ?, body = ?,
			file_sha256 = ?, file_name = ?, file_type = ?, file_kind = ?, file_size = ?, options = ?, list_button = ?, updated_at = ?
		WHERE id = ? AND owner_id IS NOT DISTINCT FROM ?`, strings.TrimSpace(q.Shortcut), q.Body,
		q.File.SHA256, q.File.Name, q.File.Type, q.File.Kind, q.File.Size, strings.Join(q.Options, "\n"), q.ListButton,
		formatTime(time.Now().UTC()), q.ID, nullOwner(q.OwnerID))
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: update quick reply %d: %w", q.ID, translate(err))
	}
	return nil
}

// DeleteQuickReply removes a reply of ownerID (0: a shared one).
func (db *DB) DeleteQuickReply(ctx context.Context, id, ownerID int64) error {
	res, err := db.W.ExecContext(ctx, "DELETE FROM quick_replies WHERE id = ? AND owner_id IS NOT DISTINCT FROM ?",
		id, nullOwner(ownerID))
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: delete quick reply %d: %w", id, translate(err))
	}
	return nil
}

const quickReplyColumns = `id, COALESCE(owner_id, 0), shortcut, body,
	file_sha256, file_name, file_type, file_kind, file_size, options, list_button, created_at, updated_at`

func scanQuickReply(s scanner) (QuickReply, error) {
	var q QuickReply
	var options, created, updated string
	if err := s.Scan(&q.ID, &q.OwnerID, &q.Shortcut, &q.Body, &q.File.SHA256, &q.File.Name, &q.File.Type, &q.File.Kind,
		&q.File.Size, &options, &q.ListButton, &created, &updated); err != nil {
		return QuickReply{}, err
	}
	for _, o := range strings.Split(options, "\n") {
		if o != "" {
			q.Options = append(q.Options, o)
		}
	}
	var err error
	if q.CreatedAt, err = parseTime(created); err == nil {
		q.UpdatedAt, err = parseTime(updated)
	}
	return q, err
}

// QuickReplyByID returns one reply.
func (db *DB) QuickReplyByID(ctx context.Context, id int64) (QuickReply, error) {
	q, err := scanQuickReply(db.R.QueryRowContext(ctx, "SELECT "+quickReplyColumns+" FROM quick_replies WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return QuickReply{}, fmt.Errorf("store: quick reply %d: %w", id, err)
	}
	return q, nil
}

// QuickRepliesFor returns the replies a user may insert: the shared ones
// and their own, by shortcut (their own first when both use one).
func (db *DB) QuickRepliesFor(ctx context.Context, userID int64) ([]QuickReply, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT "+quickReplyColumns+` FROM quick_replies
		WHERE owner_id IS NULL OR owner_id = ? ORDER BY lower(shortcut), owner_id IS NULL, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: quick replies of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []QuickReply
	for rows.Next() {
		q, err := scanQuickReply(rows)
		if err != nil {
			return nil, fmt.Errorf("store: quick replies of user %d: %w", userID, err)
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: quick replies of user %d: %w", userID, err)
	}
	return out, nil
}
