package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ContactDetail is a contact as the contacts pages, campaigns and the API
// see it: who they are, how to reach them and what they agreed to.
type ContactDetail struct {
	ID       int64
	Phone    string // E.164, or the BSUID while WhatsApp withholds the number
	WaID     string
	Name     string
	BSUID    string
	Username string
	// CreatedBy is the user who added the contact (0: WhatsApp brought it).
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time

	OptedInAt           *time.Time
	OptInSource         string
	MarketingOptedOutAt *time.Time
	OptOutSource        string
	Blocked             bool

	Conversations int
}

// HasNumber reports whether the contact's phone number is known (a
// contact who wrote with a username may have only a BSUID).
func (c ContactDetail) HasNumber() bool { return strings.HasPrefix(c.Phone, "+") }

const contactDetailColumns = `ct.id, ct.phone, ct.wa_id, ct.name, COALESCE(ct.bsuid, ''), ct.username, COALESCE(ct.created_by, 0),
	ct.created_at, ct.updated_at, ct.opted_in_at, ct.opt_in_source, ct.marketing_opted_out_at, ct.opt_out_source, ct.blocked,
	(SELECT COUNT(*) FROM conversations v WHERE v.contact_id = ct.id)`

func scanContactDetail(s scanner) (ContactDetail, error) {
	var c ContactDetail
	var created, updated string
	var optIn, optOut sql.NullString
	if err := s.Scan(&c.ID, &c.Phone, &c.WaID, &c.Name, &c.BSUID, &c.Username, &c.CreatedBy, &created, &updated,
		&optIn, &c.OptInSource, &optOut, &c.OptOutSource, &c.Blocked, &c.Conversations); err != nil {
		return ContactDetail{}, err
	}
	var err error
	if c.CreatedAt, err = parseTime(created); err != nil {
		return ContactDetail{}, err
	}
	if c.UpdatedAt, err = parseTime(updated); err != nil {
		return ContactDetail{}, err
	}
	if c.OptedInAt, err = parseNullTime(optIn); err != nil {
		return ContactDetail{}, err
	}
	if c.MarketingOptedOutAt, err = parseNullTime(optOut); err != nil {
		return ContactDetail{}, err
	}
	return c, nil
}

// contactVisibleTo is the contacts' access rule (arguments: admin,
// user id, user id): admins see every contact; an agent sees the contacts
// they added and those of the conversations they may see in the inbox.
const contactVisibleTo = ` (? OR ct.created_by = ? OR EXISTS (SELECT 1 FROM conversations c JOIN channels ch ON ch.id = c.channel_id
	WHERE c.contact_id = ct.id AND ch.deleted_at IS NULL AND ch.inbox_visible = TRUE AND (c.department_id IS NULL OR
	c.department_id IN (SELECT department_id FROM user_departments WHERE user_id = ?))))`

func contactVisibleArgs(v InboxViewer) []any { return []any{v.Admin, v.UserID, v.UserID} }

// ContactDetailFor returns a contact the viewer may see; ErrNotFound when
// there is none or the viewer may not see it.
func (db *DB) ContactDetailFor(ctx context.Context, v InboxViewer, id int64) (ContactDetail, error) {
	args := append([]any{id}, contactVisibleArgs(v)...)
	c, err := scanContactDetail(db.R.QueryRowContext(ctx, `SELECT `+contactDetailColumns+` FROM contacts ct
		WHERE ct.id = ? AND`+contactVisibleTo, args...))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return ContactDetail{}, fmt.Errorf("store: contact %d: %w", id, err)
	}
	return c, nil
}

// ContactByPhone returns the contact with the number (E.164), whoever
// may see it; ErrNotFound when there is none.
func (db *DB) ContactByPhone(ctx context.Context, phone string) (ContactDetail, error) {
	c, err := scanContactDetail(db.R.QueryRowContext(ctx, `SELECT `+contactDetailColumns+` FROM contacts ct WHERE ct.phone = ?`, phone))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return ContactDetail{}, fmt.Errorf("store: contact %s: %w", phone, err)
	}
	return c, nil
}

// NewContact is a contact an agent or an import adds.
type NewContact struct {
	Phone     string // E.164, already checked
	Name      string
	CreatedBy int64 // 0: nobody (the API)
}

// CreateContact adds a contact; ErrConflict when the number is known.
func (db *DB) CreateContact(ctx context.Context, n NewContact) (ContactDetail, error) {
	now := formatTime(time.Now())
	var by any
	if n.CreatedBy > 0 {
		by = n.CreatedBy
	}
	var id int64
	err := db.W.QueryRowContext(ctx, `INSERT INTO contacts (phone, wa_id, name, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, n.Phone, strings.TrimPrefix(n.Phone, "+"), strings.TrimSpace(n.Name), by, now, now).Scan(&id)
	if err != nil {
		return ContactDetail{}, fmt.Errorf("store: create contact %s: %w", n.Phone, translate(err))
	}
	return db.ContactDetailFor(ctx, InboxViewer{Admin: true}, id)
}

// RenameContact changes the name wadesk shows for a contact (WhatsApp's
// profile name replaces it when the customer next writes with one).
func (db *DB) RenameContact(ctx context.Context, id int64, name string) error {
	return db.updateContact(ctx, id, "rename", "name = ?", strings.TrimSpace(name))
}

// SetContactOptIn records that the customer agreed to business-initiated
// messages (at, from source), or clears it (at nil).
func (db *DB) SetContactOptIn(ctx context.Context, id int64, at *time.Time, source string) error {
	if at == nil {
		return db.updateContact(ctx, id, "opt-in", "opted_in_at = NULL, opt_in_source = ''")
	}
	return db.updateContact(ctx, id, "opt-in", "opted_in_at = ?, opt_in_source = ?", formatTime(*at), source)
}

// SetMarketingOptOut records that the customer asked not to get marketing
// (at, from source), or clears it (at nil: they asked for it again).
func (db *DB) SetMarketingOptOut(ctx context.Context, id int64, at *time.Time, source string) error {
	if at == nil {
		return db.updateContact(ctx, id, "opt-out", "marketing_opted_out_at = NULL, opt_out_source = ''")
	}
	return db.updateContact(ctx, id, "opt-out", "marketing_opted_out_at = ?, opt_out_source = ?", formatTime(*at), source)
}

// SetContactBlocked blocks or unblocks a contact.
func (db *DB) SetContactBlocked(ctx context.Context, id int64, blocked bool) error {
	return db.updateContact(ctx, id, "block", "blocked = ?", blocked)
}

func (db *DB) updateContact(ctx context.Context, id int64, what, set string, args ...any) error {
	args = append(args, formatTime(time.Now()), id)
	res, err := db.W.ExecContext(ctx, "UPDATE contacts SET "+set+", updated_at = ? WHERE id = ?", args...)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: contact %d: %s: %w", id, what, err)
	}
	return nil
}

// Consent of contacts for the consent rule.

// ContactConsent is the consent facts of the contact of a conversation.
type ContactConsent struct {
	ContactID           int64
	OptedInAt           *time.Time
	OptInSource         string
	MarketingOptedOutAt *time.Time
	OptOutSource        string
	Blocked             bool
}

// ConsentOfConversation returns the consent of a conversation's contact.
func (db *DB) ConsentOfConversation(ctx context.Context, conversationID int64) (ContactConsent, error) {
	var c ContactConsent
	var in, out sql.NullString
	err := db.R.QueryRowContext(ctx, `SELECT ct.id, ct.opted_in_at, ct.opt_in_source, ct.marketing_opted_out_at, ct.opt_out_source, ct.blocked
		FROM conversations v JOIN contacts ct ON ct.id = v.contact_id WHERE v.id = ?`, conversationID).
		Scan(&c.ContactID, &in, &c.OptInSource, &out, &c.OptOutSource, &c.Blocked)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err == nil {
		if c.OptedInAt, err = parseNullTime(in); err == nil {
			c.MarketingOptedOutAt, err = parseNullTime(out)
		}
	}
	if err != nil {
		return ContactConsent{}, fmt.Errorf("store: consent of conversation %d: %w", conversationID, err)
	}
	return c, nil
}

// Custom attributes.

// ContactAttribute is a custom attribute ("city": "Lisbon").
type ContactAttribute struct {
	Name      string
	Value     string
	UpdatedAt time.Time
}

// ContactAttributes returns a contact's attributes by name.
func (db *DB) ContactAttributes(ctx context.Context, contactID int64) ([]ContactAttribute, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT name, value, updated_at FROM contact_attributes WHERE contact_id = ? ORDER BY name`, contactID)
	if err != nil {
		return nil, fmt.Errorf("store: attributes of contact %d: %w", contactID, err)
	}
	defer rows.Close()
	var out []ContactAttribute
	for rows.Next() {
		var a ContactAttribute
		var at string
		if err := rows.Scan(&a.Name, &a.Value, &at); err != nil {
			return nil, fmt.Errorf("store: attributes of contact %d: %w", contactID, err)
		}
		a.UpdatedAt, _ = parseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetContactAttribute sets (or, with an empty value, removes) an attribute.
func (db *DB) SetContactAttribute(ctx context.Context, contactID int64, name, value string) error {
	var err error
	if value == "" {
		_, err = db.W.ExecContext(ctx, `DELETE FROM contact_attributes WHERE contact_id = ? AND name = ?`, contactID, name)
	} else {
		_, err = db.W.ExecContext(ctx, `INSERT INTO contact_attributes (contact_id, name, value, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (contact_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			contactID, name, value, formatTime(time.Now()))
	}
	if err != nil {
		return fmt.Errorf("store: contact %d: attribute %s: %w", contactID, name, translate(err))
	}
	return nil
}

// AttributeNames lists every attribute name in use, for suggestions and
// the import's column mapping.
func (db *DB) AttributeNames(ctx context.Context) ([]string, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT DISTINCT name FROM contact_attributes ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: attribute names: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// The contacts list.

// Consent filters of the contacts list.
const (
	ConsentAny      = ""
	ConsentOptedIn  = "opted_in"
	ConsentOptedOut = "opted_out"
	ConsentBlocked  = "blocked"
	ConsentNoRecord = "none"
)

// ContactCursor is a position in the contacts list (by name, then id).
type ContactCursor struct {
	Name string
	ID   int64
}

// String is the cursor's form in a URL.
func (c ContactCursor) String() string {
	return strconv.FormatInt(c.ID, 10) + "." + base64.RawURLEncoding.EncodeToString([]byte(c.Name))
}

// ParseContactCursor reads a cursor made by String.
func ParseContactCursor(s string) (ContactCursor, error) {
	id, name, ok := strings.Cut(s, ".")
	n, err1 := strconv.ParseInt(id, 10, 64)
	b, err2 := base64.RawURLEncoding.DecodeString(name)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return ContactCursor{}, fmt.Errorf("store: contact cursor %q is not valid", s)
	}
	return ContactCursor{Name: string(b), ID: n}, nil
}

// ContactFilter selects contacts for the list and the export.
type ContactFilter struct {
	// Search matches any part of the name or number (any text is safe).
	Search string
	// LabelID keeps the contacts with the label; 0: any.
	LabelID int64
	// Consent is one of the Consent* filters.
	Consent string
	After   *ContactCursor
	// Limit is the page size (default 50, at most 1000).
	Limit int
}

// ListContacts returns a page of the contacts the viewer may see, by name,
// and the cursor of the next page (nil on the last).
func (db *DB) ListContacts(ctx context.Context, v InboxViewer, f ContactFilter) ([]ContactDetail, *ContactCursor, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 1000)
	where := contactVisibleTo
	args := contactVisibleArgs(v)
	switch f.Consent {
	case ConsentAny:
	case ConsentOptedIn:
		where += ` AND ct.opted_in_at IS NOT NULL AND ct.marketing_opted_out_at IS NULL AND ct.blocked = FALSE`
	case ConsentOptedOut:
		where += ` AND ct.marketing_opted_out_at IS NOT NULL`
	case ConsentBlocked:
		where += ` AND ct.blocked = TRUE`
	case ConsentNoRecord:
		where += ` AND ct.opted_in_at IS NULL AND ct.marketing_opted_out_at IS NULL AND ct.blocked = FALSE`
	default:
		return nil, nil, fmt.Errorf("store: list contacts: unknown consent filter %q", f.Consent)
	}
	if f.LabelID > 0 {
		where += ` AND ct.id IN (SELECT contact_id FROM contact_labels WHERE label_id = ?)`
		args = append(args, f.LabelID)
	}
	if strings.TrimSpace(f.Search) != "" {
		q, ok := parseSearch(f.Search)
		if !ok {
			return nil, nil, nil
		}
		if q.contacts != "" {
			where += ` AND ct.id IN (` + contactMatches + `)`
			args = append(args, q.contacts)
		} else {
			// Shorter than the index can find: names beginning with it.
			where += ` AND ct.name LIKE ? ESCAPE '\'`
			args = append(args, likeEscape(strings.TrimSpace(f.Search))+"%")
		}
	}
	if f.After != nil {
		where += ` AND (ct.name > ? OR (ct.name = ? AND ct.id > ?))`
		args = append(args, f.After.Name, f.After.Name, f.After.ID)
	}
	args = append(args, f.Limit+1)
	rows, err := db.R.QueryContext(ctx, `SELECT `+contactDetailColumns+` FROM contacts ct WHERE`+where+`
		ORDER BY ct.name, ct.id LIMIT ?`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: list contacts: %w", err)
	}
	defer rows.Close()
	var out []ContactDetail
	for rows.Next() {
		c, err := scanContactDetail(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("store: list contacts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: list contacts: %w", err)
	}
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		return out, &ContactCursor{Name: last.Name, ID: last.ID}, nil
	}
	return out, nil, nil
}

// ContactConversation is one of a contact's conversations.
type ContactConversation struct {
	ID            int64
	ChannelTitle  string
	Status        string
	LastMessageAt time.Time
}

// ConversationsOfContact returns the contact's conversations the viewer
// may see, newest activity first.
func (db *DB) ConversationsOfContact(ctx context.Context, v InboxViewer, contactID int64) ([]ContactConversation, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT c.id, ch.title, c.status, c.last_message_at
		FROM conversations c JOIN channels ch ON ch.id = c.channel_id
		WHERE c.contact_id = ? AND`+visibleTo+` ORDER BY c.last_message_at DESC, c.id DESC`, contactID, v.Admin, v.UserID)
	if err != nil {
		return nil, fmt.Errorf("store: conversations of contact %d: %w", contactID, err)
	}
	defer rows.Close()
	var out []ContactConversation
	for rows.Next() {
		var c ContactConversation
		var at string
		if err := rows.Scan(&c.ID, &c.ChannelTitle, &c.Status, &at); err != nil {
			return nil, fmt.Errorf("store: conversations of contact %d: %w", contactID, err)
		}
		c.LastMessageAt, _ = parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// OpenConversation returns the conversation of a channel with a contact,
// creating it (open, in the channel's department) when there is none: the
// way an agent reaches a customer who never wrote.
func (db *DB) OpenConversation(ctx context.Context, channelID, contactID int64) (int64, error) {
	now := formatTime(time.Now())
	var id int64
	err := db.W.QueryRowContext(ctx, `INSERT INTO conversations (channel_id, contact_id, department_id, status,
		last_message_at, unread_count, created_at, updated_at)
		SELECT ?, ?, ch.department_id, 'open', ?, 0, ?, ? FROM channels ch WHERE ch.id = ? AND ch.deleted_at IS NULL
		ON CONFLICT (channel_id, contact_id) DO UPDATE SET status = 'open', updated_at = excluded.updated_at
		RETURNING id`, channelID, contactID, now, now, now, channelID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: open conversation of channel %d with contact %d: %w", channelID, contactID, translate(err))
	}
	return id, nil
}

// Opt-out keywords.

// OptOutKeyword is a word that opts a customer out of marketing.
type OptOutKeyword struct {
	ID       int64
	Keyword  string
	Language string
}

// OptOutKeywords returns the keywords by language, then keyword.
func (db *DB) OptOutKeywords(ctx context.Context) ([]OptOutKeyword, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, keyword, language FROM opt_out_keywords ORDER BY language, lower(keyword)`)
	if err != nil {
		return nil, fmt.Errorf("store: opt-out keywords: %w", err)
	}
	defer rows.Close()
	var out []OptOutKeyword
	for rows.Next() {
		var k OptOutKeyword
		if err := rows.Scan(&k.ID, &k.Keyword, &k.Language); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// AddOptOutKeyword adds a keyword; ErrConflict when it exists (any case).
func (db *DB) AddOptOutKeyword(ctx context.Context, keyword, language string) error {
	if _, err := db.W.ExecContext(ctx, `INSERT INTO opt_out_keywords (keyword, language, created_at) VALUES (?, ?, ?)`,
		keyword, language, formatTime(time.Now())); err != nil {
		return fmt.Errorf("store: add opt-out keyword: %w", translate(err))
	}
	return nil
}

// DeleteOptOutKeyword removes a keyword.
func (db *DB) DeleteOptOutKeyword(ctx context.Context, id int64) error {
	res, err := db.W.ExecContext(ctx, `DELETE FROM opt_out_keywords WHERE id = ?`, id)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: delete opt-out keyword %d: %w", id, err)
	}
	return nil
}

// OptOutReplies returns the confirmation sent on opting out, by language.
func (db *DB) OptOutReplies(ctx context.Context) (map[string]string, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT language, body FROM opt_out_replies`)
	if err != nil {
		return nil, fmt.Errorf("store: opt-out replies: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var l, b string
		if err := rows.Scan(&l, &b); err != nil {
			return nil, err
		}
		out[l] = b
	}
	return out, rows.Err()
}

// SetOptOutReply sets (or, with an empty body, removes) a language's
// confirmation.
func (db *DB) SetOptOutReply(ctx context.Context, language, body string) error {
	var err error
	if body == "" {
		_, err = db.W.ExecContext(ctx, `DELETE FROM opt_out_replies WHERE language = ?`, language)
	} else {
		_, err = db.W.ExecContext(ctx, `INSERT INTO opt_out_replies (language, body, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (language) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
			language, body, formatTime(time.Now()))
	}
	if err != nil {
		return fmt.Errorf("store: opt-out reply %s: %w", language, err)
	}
	return nil
}

// TemplateCategoryOf returns the category of a channel's template by name
// and language ("" when wadesk does not know the template).
func (db *DB) TemplateCategoryOf(ctx context.Context, channelID int64, name, language string) (string, error) {
	var cat string
	err := db.R.QueryRowContext(ctx, `SELECT category FROM message_templates WHERE channel_id = ? AND name = ? AND language = ?
		ORDER BY id DESC LIMIT 1`, channelID, name, language).Scan(&cat)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: category of template %s (%s): %w", name, language, err)
	}
	return cat, nil
}

// exportConsent fills an export's consent, attributes and labels.
func (db *DB) exportConsent(ctx context.Context, e *ExportContact) error {
	c, err := db.ContactDetailFor(ctx, InboxViewer{Admin: true}, e.ID)
	if err != nil {
		return err
	}
	e.OptedInAt, e.OptInSource = c.OptedInAt, c.OptInSource
	e.MarketingOptedOutAt, e.OptOutSource, e.Blocked = c.MarketingOptedOutAt, c.OptOutSource, c.Blocked
	attrs, err := db.AttributesOf(ctx, e.ID)
	if err != nil {
		return err
	}
	e.Attributes = attrs[e.ID]
	if e.Attributes == nil {
		e.Attributes = map[string]string{}
	}
	labels, err := db.ContactLabels(ctx, e.ID)
	if err != nil {
		return err
	}
	e.Labels = []string{}
	for _, l := range labels[e.ID] {
		e.Labels = append(e.Labels, l.Name)
	}
	return nil
}

// SendingChannels are the numbers the viewer may start a conversation
// from: connected, shown in the inbox, and (for an agent) without a
// department or of one of theirs, so that the conversation started is one
// they see. Default channel first, then by title.
func (db *DB) SendingChannels(ctx context.Context, v InboxViewer) ([]Choice, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, title FROM channels WHERE deleted_at IS NULL AND inbox_visible = TRUE AND state <> 'pending'
		AND (? OR department_id IS NULL OR department_id IN (SELECT department_id FROM user_departments WHERE user_id = ?))
		ORDER BY is_default DESC, title COLLATE NOCASE, id`, v.Admin, v.UserID)
	if err != nil {
		return nil, fmt.Errorf("store: sending channels: %w", err)
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
