package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Conversation scopes of the inbox list.
const (
	ScopeAll        = "all"
	ScopeMine       = "mine"
	ScopeUnassigned = "unassigned"
)

// Conversation statuses.
const (
	ConversationOpen     = "open"
	ConversationResolved = "resolved"
)

// InboxViewer is who looks at the inbox: admins see every conversation;
// agents see those without a department and those of their departments.
type InboxViewer struct {
	UserID int64
	Admin  bool
}

// ViewerOf returns the inbox viewer for a user.
func ViewerOf(u User) InboxViewer { return InboxViewer{UserID: u.ID, Admin: u.Role == RoleAdmin} }

// ConversationCursor is a position in the inbox list (newest activity
// first): the list continues with conversations older than it.
type ConversationCursor struct {
	LastMessageAt time.Time
	ID            int64
}

// String is the cursor's form in a URL.
func (c ConversationCursor) String() string { return formatCursor(c.LastMessageAt, c.ID) }

// ParseConversationCursor reads a cursor made by String.
func ParseConversationCursor(s string) (ConversationCursor, error) {
	at, id, err := parseCursor(s, "conversation")
	return ConversationCursor{LastMessageAt: at, ID: id}, err
}

// DepartmentNone as ConversationFilter.DepartmentID selects the
// conversations that belong to no department.
const DepartmentNone int64 = -1

// ConversationFilter selects conversations for the inbox list.
type ConversationFilter struct {
	// Status is open or resolved; empty means open.
	Status string
	// Scope is all, mine (assigned to the viewer) or unassigned; empty means all.
	Scope string
	// ChannelID keeps one channel's conversations; 0: every channel.
	ChannelID int64
	// DepartmentID keeps one department's conversations (DepartmentNone:
	// those without one); 0: every department. It narrows what the viewer
	// may see, never widens it.
	DepartmentID int64
	// Search keeps conversations whose contact's name or number, or one of
	// whose messages, matches what a user typed (any text is safe); empty:
	// no search.
	Search string
	// LabelID keeps the conversations that carry one label; 0: any.
	LabelID int64
	// Snoozed lists the open conversations snoozed for later instead of
	// the others (which leave out the snoozed ones).
	Snoozed bool
	// After continues a list after this cursor; nil starts at the newest.
	After *ConversationCursor
	// Limit is the page size (default 50, at most 200).
	Limit int
}

// Conversation is a conversation as the inbox shows it.
type Conversation struct {
	ID            int64
	ChannelID     int64
	ChannelTitle  string
	ContactID     int64
	ContactName   string
	ContactPhone  string
	DepartmentID  int64 // 0: none
	AssigneeID    int64 // 0: nobody
	AssigneeName  string
	Status        string
	LastInboundAt time.Time // zero: the customer never wrote
	// WindowClosedAt is when the provider said the customer service
	// window is closed (nil: it has not since the customer last wrote);
	// see WindowOf.
	WindowClosedAt *time.Time
	LastMessageAt  time.Time
	UnreadCount    int
	// LastText and LastDirection describe the newest message.
	LastText      string
	LastDirection string
	// SnoozedUntil is when a snoozed conversation comes back (nil: not
	// snoozed); SnoozedUntilMessage when that is the customer's next message.
	SnoozedUntil *time.Time
}

// SnoozedUntilMessage is what SnoozedUntil holds for a conversation
// snoozed until the customer writes again.
var SnoozedUntilMessage = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// Cursor is the position just after c in the inbox list.
func (c Conversation) Cursor() ConversationCursor {
	return ConversationCursor{LastMessageAt: c.LastMessageAt, ID: c.ID}
}

const conversationColumns = `c.id, c.channel_id, ch.title, c.contact_id, ct.name, ct.phone, COALESCE(c.department_id, 0),
	COALESCE(c.assignee_id, 0), COALESCE((SELECT u.name FROM users u WHERE u.id = c.assignee_id), ''), c.status, COALESCE(c.last_inbound_at, ''), c.window_closed_at, c.last_message_at, c.unread_count,
	COALESCE((SELECT m.text FROM messages m WHERE m.conversation_id = c.id ORDER BY m.id DESC LIMIT 1), ''),
	COALESCE((SELECT m.direction FROM messages m WHERE m.conversation_id = c.id ORDER BY m.id DESC LIMIT 1), ''), c.snoozed_until`

const conversationFrom = ` FROM conversations c JOIN channels ch ON ch.id = c.channel_id JOIN contacts ct ON ct.id = c.contact_id`

// visibleTo is the access rule: the channel is live and shown in the
// inbox, and the viewer is an admin or the conversation has no department
// or one of the viewer's.
const visibleTo = ` ch.deleted_at IS NULL AND ch.inbox_visible = 1 AND (? OR c.department_id IS NULL OR
	c.department_id IN (SELECT department_id FROM user_departments WHERE user_id = ?))`

func scanConversation(s scanner) (Conversation, error) {
	var c Conversation
	var inbound, last string
	var closed, snoozed sql.NullString
	if err := s.Scan(&c.ID, &c.ChannelID, &c.ChannelTitle, &c.ContactID, &c.ContactName, &c.ContactPhone, &c.DepartmentID,
		&c.AssigneeID, &c.AssigneeName, &c.Status, &inbound, &closed, &last, &c.UnreadCount, &c.LastText, &c.LastDirection, &snoozed); err != nil {
		return Conversation{}, err
	}
	var err error
	if c.LastMessageAt, err = parseTime(last); err != nil {
		return Conversation{}, fmt.Errorf("conversation %d: last_message_at: %w", c.ID, err)
	}
	if inbound != "" {
		if c.LastInboundAt, err = parseTime(inbound); err != nil {
			return Conversation{}, fmt.Errorf("conversation %d: last_inbound_at: %w", c.ID, err)
		}
	}
	if c.WindowClosedAt, err = parseNullTime(closed); err != nil {
		return Conversation{}, fmt.Errorf("conversation %d: window_closed_at: %w", c.ID, err)
	}
	if c.SnoozedUntil, err = parseNullTime(snoozed); err != nil {
		return Conversation{}, fmt.Errorf("conversation %d: snoozed_until: %w", c.ID, err)
	}
	return c, nil
}

// conversationListSQL is the list's query for f (whose defaults it fills
// in); an empty query means nothing can match.
func (db *DB) conversationListSQL(ctx context.Context, v InboxViewer, f *ConversationFilter) (string, []any, bool, error) {
	if f.Status == "" {
		f.Status = ConversationOpen
	}
	if f.Status != ConversationOpen && f.Status != ConversationResolved {
		return "", nil, false, fmt.Errorf("store: list conversations: unknown status %q", f.Status)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 200)
	from, where := conversationFrom, visibleTo+` AND c.status = ?`
	args := []any{v.Admin, v.UserID, f.Status}
	switch f.Scope {
	case "", ScopeAll:
	case ScopeMine:
		where += ` AND c.assignee_id = ?`
		args = append(args, v.UserID)
	case ScopeUnassigned:
		where += ` AND c.assignee_id IS NULL`
	default:
		return "", nil, false, fmt.Errorf("store: list conversations: unknown scope %q", f.Scope)
	}
	switch {
	case f.ChannelID > 0:
		where += ` AND c.channel_id = ?`
		args = append(args, f.ChannelID)
	case f.ChannelID < 0:
		return "", nil, false, fmt.Errorf("store: list conversations: bad channel id %d", f.ChannelID)
	}
	switch {
	case f.DepartmentID == DepartmentNone:
		where += ` AND c.department_id IS NULL`
	case f.DepartmentID > 0:
		where += ` AND c.department_id = ?`
		args = append(args, f.DepartmentID)
	case f.DepartmentID < 0:
		return "", nil, false, fmt.Errorf("store: list conversations: bad department id %d", f.DepartmentID)
	}
	if f.Status == ConversationOpen {
		if f.Snoozed {
			where += ` AND c.snoozed_until IS NOT NULL`
		} else {
			where += ` AND c.snoozed_until IS NULL`
		}
	}
	switch {
	case f.LabelID > 0:
		// Read through conversation_labels_label (label_id, conversation_id).
		where += ` AND c.id IN (SELECT cl.conversation_id FROM conversation_labels cl WHERE cl.label_id = ?)`
		args = append(args, f.LabelID)
	case f.LabelID < 0:
		return "", nil, false, fmt.Errorf("store: list conversations: bad label id %d", f.LabelID)
	}
	if strings.TrimSpace(f.Search) != "" {
		q, ok := parseSearch(f.Search)
		if !ok {
			// Only punctuation: nothing can match it.
			return "", nil, true, nil
		}
		if err := db.catchUpSearchIndex(ctx); err != nil {
			return "", nil, false, fmt.Errorf("store: list conversations: %w", err)
		}
		var fromArgs, condArgs []any
		var cond string
		var err error
		if from, fromArgs, cond, condArgs, err = db.searchSQL(ctx, q); err != nil {
			return "", nil, false, fmt.Errorf("store: list conversations: %w", err)
		}
		where += cond
		args = append(append(fromArgs, args...), condArgs...)
	}
	if f.After != nil {
		where += ` AND (c.last_message_at, c.id) < (?, ?)`
		args = append(args, formatTime(f.After.LastMessageAt), f.After.ID)
	}
	args = append(args, f.Limit+1)
	return `SELECT ` + conversationColumns + from + ` WHERE ` + where +
		` ORDER BY c.last_message_at DESC, c.id DESC LIMIT ?`, args, false, nil
}

// ListConversations returns a page of the viewer's conversations, newest
// activity first, and the cursor of the next page (nil on the last page).
func (db *DB) ListConversations(ctx context.Context, v InboxViewer, f ConversationFilter) ([]Conversation, *ConversationCursor, error) {
	query, args, _, err := db.conversationListSQL(ctx, v, &f)
	if err != nil || query == "" {
		return nil, nil, err
	}
	rows, err := db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: list conversations: %w", err)
	}
	defer rows.Close()
	var out []Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("store: list conversations: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: list conversations: %w", err)
	}
	var next *ConversationCursor
	if len(out) > f.Limit {
		out = out[:f.Limit]
		cur := out[len(out)-1].Cursor()
		next = &cur
	}
	return out, next, nil
}

// ConversationFor returns a conversation the viewer may see; ErrNotFound
// when it does not exist or is not theirs to see (the two are not told
// apart, so that ids cannot be probed).
func (db *DB) ConversationFor(ctx context.Context, v InboxViewer, id int64) (Conversation, error) {
	c, err := scanConversation(db.R.QueryRowContext(ctx, `SELECT `+conversationColumns+conversationFrom+
		` WHERE c.id = ? AND`+visibleTo, id, v.Admin, v.UserID))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("store: conversation %d: %w", id, err)
	}
	return c, nil
}

// ConversationMessages returns the last limit messages of a conversation
// (default and at most 100), oldest first.
func (db *DB) ConversationMessages(ctx context.Context, conversationID int64, limit int) ([]Message, error) {
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	rows, err := db.R.QueryContext(ctx, `SELECT `+messageColumns+`
		FROM (SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?) m`+messageStatusJoin+`
		ORDER BY m.id`, conversationID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: messages of conversation %d: %w", conversationID, err)
	}
	out, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("store: messages of conversation %d: %w", conversationID, err)
	}
	return out, nil
}

// MarkConversationRead clears a conversation's unread count. changed
// reports whether there was anything unread (other inboxes are then told).
func (db *DB) MarkConversationRead(ctx context.Context, conversationID int64) (changed bool, err error) {
	res, err := db.W.ExecContext(ctx, `UPDATE conversations SET unread_count = 0, updated_at = ?
		WHERE id = ? AND unread_count <> 0`, formatTime(time.Now()), conversationID)
	if err != nil {
		return false, fmt.Errorf("store: mark conversation %d read: %w", conversationID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: mark conversation %d read: %w", conversationID, err)
	}
	return n > 0, nil
}

// ExplainConversationList returns SQLite's plan for the list's query with
// filter f, one line per step (for tests that keep the list on indexes).
func (db *DB) ExplainConversationList(ctx context.Context, v InboxViewer, f ConversationFilter) ([]string, error) {
	query, args, _, err := db.conversationListSQL(ctx, v, &f)
	if err != nil || query == "" {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: explain conversation list: %w", err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, fmt.Errorf("store: explain conversation list: %w", err)
		}
		plan = append(plan, detail)
	}
	return plan, rows.Err()
}
