package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Label is a name and a colour agents put on conversations and contacts.
// Colour is a palette name ("green", "amber", …) that the views turn into
// shades with enough contrast; the store keeps it as given.
type Label struct {
	ID          int64
	Name        string
	Colour      string
	Description string
	CreatedAt   time.Time
	// Conversations and Contacts count where the label is used (filled by
	// ListLabels only).
	Conversations int
	Contacts      int
}

// CreateLabel adds a label; ErrConflict when the name is taken (in any
// letter case).
func (db *DB) CreateLabel(ctx context.Context, l Label) (Label, error) {
	l.Name = strings.TrimSpace(l.Name)
	l.CreatedAt = time.Now().UTC()
	err := db.W.QueryRowContext(ctx, `INSERT INTO labels (name, colour, description, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`, l.Name, l.Colour, l.Description, formatTime(l.CreatedAt)).Scan(&l.ID)
	if err != nil {
		return Label{}, fmt.Errorf("store: create label: %w", translate(err))
	}
	return l, nil
}

// UpdateLabel changes a label's name, colour and description.
func (db *DB) UpdateLabel(ctx context.Context, l Label) error {
	res, err := db.W.ExecContext(ctx, "UPDATE labels SET name = ?, colour = ?, description = ? WHERE id = ?",
		strings.TrimSpace(l.Name), l.Colour, l.Description, l.ID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: update label %d: %w", l.ID, translate(err))
	}
	return nil
}

// DeleteLabel removes a label from everything that carries it.
func (db *DB) DeleteLabel(ctx context.Context, id int64) error {
	res, err := db.W.ExecContext(ctx, "DELETE FROM labels WHERE id = ?", id)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: delete label %d: %w", id, translate(err))
	}
	return nil
}

// LabelByID returns one label (without usage counts).
func (db *DB) LabelByID(ctx context.Context, id int64) (Label, error) {
	var l Label
	var created string
	err := db.R.QueryRowContext(ctx, "SELECT id, name, colour, description, created_at FROM labels WHERE id = ?", id).
		Scan(&l.ID, &l.Name, &l.Colour, &l.Description, &created)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err == nil {
		l.CreatedAt, err = parseTime(created)
	}
	if err != nil {
		return Label{}, fmt.Errorf("store: label %d: %w", id, err)
	}
	return l, nil
}

// ListLabels returns every label by name, with how many conversations and
// contacts carry it.
func (db *DB) ListLabels(ctx context.Context) ([]Label, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT l.id, l.name, l.colour, l.description, l.created_at,
		(SELECT COUNT(*) FROM conversation_labels cl WHERE cl.label_id = l.id),
		(SELECT COUNT(*) FROM contact_labels kl WHERE kl.label_id = l.id)
		FROM labels l ORDER BY lower(l.name), l.id`)
	if err != nil {
		return nil, fmt.Errorf("store: list labels: %w", err)
	}
	defer rows.Close()
	var out []Label
	for rows.Next() {
		var l Label
		var created string
		if err := rows.Scan(&l.ID, &l.Name, &l.Colour, &l.Description, &created, &l.Conversations, &l.Contacts); err != nil {
			return nil, fmt.Errorf("store: list labels: %w", err)
		}
		if l.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("store: list labels: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list labels: %w", err)
	}
	return out, nil
}

// labelTarget names the join table of one kind of labelled thing.
type labelTarget struct{ table, column string }

var (
	conversationLabels = labelTarget{"conversation_labels", "conversation_id"}
	contactLabels      = labelTarget{"contact_labels", "contact_id"}
)

// AddConversationLabel puts a label on conversations (one or many, for
// bulk actions from the list); ones that carry it already are left alone.
func (db *DB) AddConversationLabel(ctx context.Context, labelID int64, conversationIDs ...int64) error {
	return db.addLabel(ctx, conversationLabels, labelID, conversationIDs)
}

// RemoveConversationLabel takes a label off conversations.
func (db *DB) RemoveConversationLabel(ctx context.Context, labelID int64, conversationIDs ...int64) error {
	return db.removeLabel(ctx, conversationLabels, labelID, conversationIDs)
}

// ConversationLabels returns the labels of each of the given conversations,
// by name; conversations without labels are absent from the map.
func (db *DB) ConversationLabels(ctx context.Context, conversationIDs ...int64) (map[int64][]Label, error) {
	return db.labelsOf(ctx, conversationLabels, conversationIDs)
}

// AddContactLabel puts a label on contacts; ones that carry it already are
// left alone.
func (db *DB) AddContactLabel(ctx context.Context, labelID int64, contactIDs ...int64) error {
	return db.addLabel(ctx, contactLabels, labelID, contactIDs)
}

// RemoveContactLabel takes a label off contacts.
func (db *DB) RemoveContactLabel(ctx context.Context, labelID int64, contactIDs ...int64) error {
	return db.removeLabel(ctx, contactLabels, labelID, contactIDs)
}

// ContactLabels returns the labels of each of the given contacts, by name.
func (db *DB) ContactLabels(ctx context.Context, contactIDs ...int64) (map[int64][]Label, error) {
	return db.labelsOf(ctx, contactLabels, contactIDs)
}

func (db *DB) addLabel(ctx context.Context, t labelTarget, labelID int64, ids []int64) error {
	now := formatTime(time.Now().UTC())
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var exists bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM labels WHERE id = ?)", labelID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return ErrNotFound
		}
		stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+t.table+" ("+t.column+", label_id, created_at) VALUES (?, ?, ?) "+
			"ON CONFLICT ("+t.column+", label_id) DO NOTHING")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range ids {
			if _, err := stmt.ExecContext(ctx, id, labelID, now); err != nil {
				return translate(err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: add label %d to %s: %w", labelID, t.table, err)
	}
	return nil
}

func (db *DB) removeLabel(ctx context.Context, t labelTarget, labelID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, labelID)
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := db.W.ExecContext(ctx, "DELETE FROM "+t.table+" WHERE label_id = ? AND "+t.column+" IN ("+placeholders(len(ids))+")", args...)
	if err != nil {
		return fmt.Errorf("store: remove label %d from %s: %w", labelID, t.table, err)
	}
	return nil
}

func (db *DB) labelsOf(ctx context.Context, t labelTarget, ids []int64) (map[int64][]Label, error) {
	out := make(map[int64][]Label)
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.R.QueryContext(ctx, "SELECT x."+t.column+", l.id, l.name, l.colour, l.description, l.created_at FROM "+
		t.table+" x JOIN labels l ON l.id = x.label_id WHERE x."+t.column+" IN ("+placeholders(len(ids))+
		") ORDER BY lower(l.name), l.id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: labels of %s: %w", t.table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner int64
		var l Label
		var created string
		if err := rows.Scan(&owner, &l.ID, &l.Name, &l.Colour, &l.Description, &created); err != nil {
			return nil, fmt.Errorf("store: labels of %s: %w", t.table, err)
		}
		if l.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("store: labels of %s: %w", t.table, err)
		}
		out[owner] = append(out[owner], l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: labels of %s: %w", t.table, err)
	}
	return out, nil
}

// placeholders returns "?, ?, …" with n marks, for IN lists.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return "?" + strings.Repeat(", ?", n-1)
}
