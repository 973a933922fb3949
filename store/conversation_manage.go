package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotAssignable means the chosen person cannot take the conversation:
// the account is disabled, gone, or may not see the conversation.
var ErrNotAssignable = errors.New("cannot be assigned this conversation")

// userSees is the access rule for user u on conversation c (the viewer
// side is visibleTo): admins see every conversation, agents those without a
// department and those of their departments. The channel's part of the rule
// is the same for everyone and is checked on c separately.
const userSees = ` (u.role = 'admin' OR c.department_id IS NULL OR EXISTS (SELECT 1 FROM user_departments ud
	WHERE ud.user_id = u.id AND ud.department_id = c.department_id))`

// UnreadTotals counts the open conversations with unread messages in each
// scope of the inbox list.
type UnreadTotals struct {
	All, Mine, Unassigned int
}

// UnreadTotals counts, for the viewer, the open conversations that have
// unread messages: all of them, those assigned to the viewer and the
// unassigned ones. The channel and department of f apply (its scope,
// search and cursor do not), so the totals match the list's other filters.
func (db *DB) UnreadTotals(ctx context.Context, v InboxViewer, f ConversationFilter) (UnreadTotals, error) {
	// The conversations_unread partial index holds exactly these rows and
	// every column read here.
	where := ` c.unread_count > 0 AND c.status = 'open' AND` + visibleTo
	args := []any{v.UserID, v.Admin, v.UserID}
	// The unary + keeps SQLite from reading the channel or department
	// index instead, which would visit every conversation of the channel
	// or department rather than only the unread ones.
	if f.ChannelID > 0 {
		where += ` AND +c.channel_id = ?`
		args = append(args, f.ChannelID)
	}
	switch {
	case f.DepartmentID == DepartmentNone:
		where += ` AND +c.department_id IS NULL`
	case f.DepartmentID > 0:
		where += ` AND +c.department_id = ?`
		args = append(args, f.DepartmentID)
	}
	// Snoozed conversations are out of the Open tabs' counts.
	where += ` AND c.snoozed_until IS NULL`
	if f.LabelID > 0 {
		where += ` AND c.id IN (SELECT cl.conversation_id FROM conversation_labels cl WHERE cl.label_id = ?)`
		args = append(args, f.LabelID)
	}
	var t UnreadTotals
	err := db.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(c.assignee_id = ?), 0),
		COALESCE(SUM(c.assignee_id IS NULL), 0)`+conversationFrom0+` WHERE`+where,
		args...).Scan(&t.All, &t.Mine, &t.Unassigned)
	if err != nil {
		return UnreadTotals{}, fmt.Errorf("store: unread totals: %w", err)
	}
	return t, nil
}

// conversationFrom0 is conversationFrom without the contact, for queries
// that read nothing of it.
const conversationFrom0 = ` FROM conversations c JOIN channels ch ON ch.id = c.channel_id`

// Assignee is a person a conversation can be assigned to.
type Assignee struct {
	ID   int64
	Name string
	Role string
}

// Assignees returns the active users who may see the conversation, by
// name: the people it can be assigned to.
func (db *DB) Assignees(ctx context.Context, conversationID int64) ([]Assignee, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT u.id, u.name, u.role FROM users u, conversations c
		WHERE c.id = ? AND u.disabled_at IS NULL AND`+userSees+`
		ORDER BY u.name COLLATE NOCASE, u.id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: assignees of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	var out []Assignee
	for rows.Next() {
		var a Assignee
		if err := rows.Scan(&a.ID, &a.Name, &a.Role); err != nil {
			return nil, fmt.Errorf("store: assignees of conversation %d: %w", conversationID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: assignees of conversation %d: %w", conversationID, err)
	}
	return out, nil
}

// checkVisible fails with ErrNotFound unless the viewer may see the
// conversation, inside a write transaction.
func checkVisible(ctx context.Context, tx *sql.Tx, v InboxViewer, id int64) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1`+conversationFrom0+` WHERE c.id = ? AND`+visibleTo, id, v.Admin, v.UserID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// AssignConversation assigns a conversation the viewer may see to a user
// (0: nobody). The user must be active and allowed to see it, else
// ErrNotAssignable. changed is false when it was already so.
func (db *DB) AssignConversation(ctx context.Context, v InboxViewer, id, assigneeID int64) (changed bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkVisible(ctx, tx, v, id); err != nil {
			return err
		}
		if assigneeID != 0 {
			var ok bool
			err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users u, conversations c
				WHERE c.id = ? AND u.id = ? AND u.disabled_at IS NULL AND`+userSees+`)`, id, assigneeID).Scan(&ok)
			if err != nil {
				return err
			}
			if !ok {
				return ErrNotAssignable
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET assignee_id = ?, updated_at = ?
			WHERE id = ? AND assignee_id IS NOT ?`, nullID(assigneeID), formatTime(time.Now()), id, nullID(assigneeID))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		changed = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: assign conversation %d to user %d: %w", id, assigneeID, err)
	}
	return changed, nil
}

// SetConversationStatus resolves or reopens a conversation the viewer may
// see. changed is false when it already had that status.
func (db *DB) SetConversationStatus(ctx context.Context, v InboxViewer, id int64, status string) (changed bool, err error) {
	if status != ConversationOpen && status != ConversationResolved {
		return false, fmt.Errorf("store: set conversation %d status: unknown status %q", id, status)
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkVisible(ctx, tx, v, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET status = ?, snoozed_until = NULL, updated_at = ? WHERE id = ? AND status <> ?`,
			status, formatTime(time.Now()), id, status)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		changed = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: set conversation %d status to %s: %w", id, status, err)
	}
	return changed, nil
}

// AnyVisible reports whether the viewer may see at least one of the
// conversations: a live list asks it before reading itself again.
func (db *DB) AnyVisible(ctx context.Context, v InboxViewer, ids []int64) (bool, error) {
	if len(ids) == 0 {
		return false, nil
	}
	args := make([]any, 0, len(ids)+2)
	for _, id := range ids {
		args = append(args, id)
	}
	args = append(args, v.Admin, v.UserID)
	var ok bool
	err := db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1`+conversationFrom0+` WHERE c.id IN (?`+
		strings.Repeat(", ?", len(ids)-1)+`) AND`+visibleTo+`)`, args...).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("store: conversations visible: %w", err)
	}
	return ok, nil
}

// Choice is an id and a name for a filter select.
type Choice struct {
	ID   int64
	Name string
}

// InboxChoices returns what the viewer can filter the inbox list by: the
// channels shown in the inbox, and the departments whose conversations
// they see (every one for admins, their own for agents), by name.
func (db *DB) InboxChoices(ctx context.Context, v InboxViewer) (channels, departments []Choice, err error) {
	read := func(query string, args ...any) ([]Choice, error) {
		rows, err := db.R.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []Choice
		for rows.Next() {
			var c Choice
			if err := rows.Scan(&c.ID, &c.Name); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	channels, err = read(`SELECT id, title FROM channels WHERE deleted_at IS NULL AND inbox_visible = 1 AND state <> 'pending'
		ORDER BY is_default DESC, title COLLATE NOCASE, id`)
	if err != nil {
		return nil, nil, fmt.Errorf("store: inbox channels: %w", err)
	}
	departments, err = read(`SELECT id, name FROM departments
		WHERE ? OR id IN (SELECT department_id FROM user_departments WHERE user_id = ?) ORDER BY name COLLATE NOCASE, id`,
		v.Admin, v.UserID)
	if err != nil {
		return nil, nil, fmt.Errorf("store: inbox departments: %w", err)
	}
	return channels, departments, nil
}
