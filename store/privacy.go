package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Contact is a WhatsApp user wadesk has talked to.
type Contact struct {
	ID            int64
	Phone         string // E.164
	WaID          string
	Name          string
	CreatedAt     time.Time
	Conversations int
	Messages      int
}

// FindContacts finds contacts whose phone number or name contains q
// (digits of a number are enough), at most limit of them.
func (db *DB) FindContacts(ctx context.Context, q string, limit int) ([]Contact, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, q)
	where := "c.name LIKE ? ESCAPE '\\'"
	args := []any{"%" + likeEscape(q) + "%"}
	if len(digits) >= 4 {
		where += " OR c.wa_id LIKE ?"
		args = append(args, "%"+digits+"%")
	}
	args = append(args, limit)
	rows, err := db.R.QueryContext(ctx, `SELECT c.id, c.phone, c.wa_id, c.name, c.created_at,
		(SELECT COUNT(*) FROM conversations v WHERE v.contact_id = c.id),
		(SELECT COUNT(*) FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.contact_id = c.id)
		FROM contacts c WHERE `+where+` ORDER BY c.name, c.id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: find contacts: %w", err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		var created string
		if err := rows.Scan(&c.ID, &c.Phone, &c.WaID, &c.Name, &created, &c.Conversations, &c.Messages); err != nil {
			return nil, fmt.Errorf("store: find contacts: %w", err)
		}
		c.CreatedAt, _ = parseTime(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ContactByID returns one contact with its counts.
func (db *DB) ContactByID(ctx context.Context, id int64) (Contact, error) {
	var c Contact
	var created string
	err := db.R.QueryRowContext(ctx, `SELECT c.id, c.phone, c.wa_id, c.name, c.created_at,
		(SELECT COUNT(*) FROM conversations v WHERE v.contact_id = c.id),
		(SELECT COUNT(*) FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.contact_id = c.id)
		FROM contacts c WHERE c.id = ?`, id).Scan(&c.ID, &c.Phone, &c.WaID, &c.Name, &created, &c.Conversations, &c.Messages)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("store: contact %d: %w", id, err)
	}
	c.CreatedAt, _ = parseTime(created)
	return c, nil
}

// ContactData is everything wadesk holds about one contact, for a
// subject access request. Field names are the export's JSON.
type ContactData struct {
	Contact       ExportContact        `json:"contact"`
	Conversations []ExportConversation `json:"conversations"`
}

// ExportContact is the contact itself.
type ExportContact struct {
	ID        int64     `json:"id"`
	Phone     string    `json:"phone"`
	WaID      string    `json:"wa_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"first_seen"`
	// Consent, custom attributes and labels (contacts).
	OptedInAt           *time.Time        `json:"opted_in_at,omitempty"`
	OptInSource         string            `json:"opt_in_source,omitempty"`
	MarketingOptedOutAt *time.Time        `json:"marketing_opted_out_at,omitempty"`
	OptOutSource        string            `json:"opt_out_source,omitempty"`
	Blocked             bool              `json:"blocked"`
	Attributes          map[string]string `json:"attributes"`
	Labels              []string          `json:"labels"`
}

// ExportConversation is one conversation with its messages, notes and orders.
type ExportConversation struct {
	ID             int64           `json:"id"`
	ChannelID      int64           `json:"channel_id"`
	Channel        string          `json:"channel"`
	BusinessNumber string          `json:"business_number"`
	Status         string          `json:"status"`
	CreatedAt      time.Time       `json:"started_at"`
	Messages       []ExportMessage `json:"messages"`
	Notes          []ExportNote    `json:"internal_notes"`
	Orders         []ExportOrder   `json:"orders"`
}

// ExportMessage is one message, with the provider's JSON kept whole.
type ExportMessage struct {
	ID        int64           `json:"id"`
	WAMID     string          `json:"wamid,omitempty"`
	Direction string          `json:"direction"`
	Type      string          `json:"type"`
	Text      string          `json:"text,omitempty"`
	Status    string          `json:"status,omitempty"`
	SentAt    time.Time       `json:"sent_at"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	// MediaFile names the file in the export's media/ folder, or says why
	// it is missing; set by the exporter.
	MediaFile string `json:"media_file,omitempty"`
}

// ExportNote is an internal note agents wrote in the conversation.
type ExportNote struct {
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportOrder is an order the contact placed.
type ExportOrder struct {
	ID        int64     `json:"id"`
	Status    string    `json:"status"`
	Currency  string    `json:"currency"`
	Total1000 int64     `json:"total_times_1000"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportContactData reads everything stored about a contact.
func (db *DB) ExportContactData(ctx context.Context, contactID int64) (ContactData, error) {
	var d ContactData
	c, err := db.ContactByID(ctx, contactID)
	if err != nil {
		return d, err
	}
	d.Contact = ExportContact{ID: c.ID, Phone: c.Phone, WaID: c.WaID, Name: c.Name, CreatedAt: c.CreatedAt}
	if err := db.exportConsent(ctx, &d.Contact); err != nil {
		return d, err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT v.id, v.channel_id, ch.title, ch.display_phone_number, v.status, v.created_at
		FROM conversations v JOIN channels ch ON ch.id = v.channel_id WHERE v.contact_id = ? ORDER BY v.id`, contactID)
	if err != nil {
		return d, fmt.Errorf("store: export contact %d: %w", contactID, err)
	}
	for rows.Next() {
		var v ExportConversation
		var created string
		if err := rows.Scan(&v.ID, &v.ChannelID, &v.Channel, &v.BusinessNumber, &v.Status, &created); err != nil {
			rows.Close()
			return d, fmt.Errorf("store: export contact %d: %w", contactID, err)
		}
		v.CreatedAt, _ = parseTime(created)
		d.Conversations = append(d.Conversations, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("store: export contact %d: %w", contactID, err)
	}
	for i := range d.Conversations {
		v := &d.Conversations[i]
		if v.Messages, err = exportMessages(ctx, db.R, v.ID); err != nil {
			return d, err
		}
		if v.Notes, err = exportNotes(ctx, db.R, v.ID); err != nil {
			return d, err
		}
		if v.Orders, err = exportOrders(ctx, db.R, v.ID); err != nil {
			return d, err
		}
	}
	return d, nil
}

func exportMessages(ctx context.Context, q queryer, conversationID int64) ([]ExportMessage, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(wamid, ''), direction, type, text, status, wa_timestamp, payload
		FROM messages WHERE conversation_id = ? ORDER BY id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: export messages: %w", err)
	}
	defer rows.Close()
	out := []ExportMessage{}
	for rows.Next() {
		var m ExportMessage
		var at, payload string
		if err := rows.Scan(&m.ID, &m.WAMID, &m.Direction, &m.Type, &m.Text, &m.Status, &at, &payload); err != nil {
			return nil, fmt.Errorf("store: export messages: %w", err)
		}
		m.SentAt, _ = parseTime(at)
		if json.Valid([]byte(payload)) && payload != "{}" {
			m.Payload = json.RawMessage(payload)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func exportNotes(ctx context.Context, q queryer, conversationID int64) ([]ExportNote, error) {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(u.name, 'former user'), n.body, n.created_at
		FROM conversation_notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.conversation_id = ? ORDER BY n.id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: export notes: %w", err)
	}
	defer rows.Close()
	out := []ExportNote{}
	for rows.Next() {
		var n ExportNote
		var at string
		if err := rows.Scan(&n.Author, &n.Body, &at); err != nil {
			return nil, fmt.Errorf("store: export notes: %w", err)
		}
		n.CreatedAt, _ = parseTime(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

func exportOrders(ctx context.Context, q queryer, conversationID int64) ([]ExportOrder, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, status, currency, total_1000, note, created_at FROM orders
		WHERE conversation_id = ? ORDER BY id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: export orders: %w", err)
	}
	defer rows.Close()
	out := []ExportOrder{}
	for rows.Next() {
		var o ExportOrder
		var at string
		if err := rows.Scan(&o.ID, &o.Status, &o.Currency, &o.Total1000, &o.Note, &at); err != nil {
			return nil, fmt.Errorf("store: export orders: %w", err)
		}
		o.CreatedAt, _ = parseTime(at)
		out = append(out, o)
	}
	return out, rows.Err()
}

// ErrContactBusy means webhooks about the contact are still waiting to be
// processed; erasing now would let them bring the contact back.
var ErrContactBusy = errors.New("webhooks about this contact are still being processed")

// Erased counts what EraseContact removed.
type Erased struct {
	Conversations, Messages, Webhooks int64
	// MediaBlobs are the media store's files (SHA-256) the contact's
	// messages referred to: the caller removes those nothing else uses.
	MediaBlobs []string
}

// EraseContact removes everything stored about a contact: their messages
// (and the search index's entries for them), conversations with their
// notes and orders, delivery statuses, the raw webhooks that mentioned
// them and those webhooks' forwarding queue. Deleted content is
// overwritten (secure_delete), the search indexes are merged so that no
// old index segment keeps their words, the database is rewritten
// (VACUUM) so that no free space keeps old copies of their rows, and the
// write-ahead log is checkpointed and truncated: nothing of theirs
// remains in the database files.
func (db *DB) EraseContact(ctx context.Context, contactID int64) (Erased, error) {
	var e Erased
	conn, err := db.W.Conn(ctx)
	if err != nil {
		return e, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA secure_delete = ON"); err != nil {
		return e, fmt.Errorf("store: erase contact %d: %w", contactID, err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA secure_delete = OFF"); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return e, err
	}
	if e, err = eraseContactTx(ctx, tx, contactID); err != nil {
		tx.Rollback()
		return e, err
	}
	if err := tx.Commit(); err != nil {
		return e, fmt.Errorf("store: erase contact %d: %w", contactID, err)
	}
	// Merge each search index into one new segment: the deleted entries'
	// words live on in the old segments until they are merged away.
	for _, t := range []string{"messages_fts", "contacts_fts"} {
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+t+" ("+t+") VALUES ('optimize')"); err != nil {
			return e, fmt.Errorf("store: erase contact %d: rebuild %s: %w", contactID, t, err)
		}
	}
	// Rows deleted or changed before today (an outbox row that left the
	// queue, an updated conversation) left their old bytes in the free
	// space of pages, where secure_delete cannot reach: rewrite the whole
	// database. Writers wait meanwhile (webhooks are acknowledged late,
	// never lost).
	if _, err := conn.ExecContext(ctx, "VACUUM"); err != nil {
		return e, fmt.Errorf("store: erase contact %d: vacuum: %w", contactID, err)
	}
	if err := checkpointTruncate(ctx, conn); err != nil {
		return e, fmt.Errorf("store: erase contact %d: %w", contactID, err)
	}
	return e, nil
}

func eraseContactTx(ctx context.Context, tx *sql.Tx, contactID int64) (Erased, error) {
	var e Erased
	var waID string
	err := tx.QueryRowContext(ctx, "SELECT wa_id FROM contacts WHERE id = ?", contactID).Scan(&waID)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("store: erase contact %d: %w", contactID, ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("store: erase contact %d: %w", contactID, err)
	}
	fail := func(what string, err error) (Erased, error) {
		return e, fmt.Errorf("store: erase contact %d: %s: %w", contactID, what, err)
	}
	// Raw webhooks mention the contact by their WhatsApp ID (digits).
	var pending int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM webhook_events WHERE state = 'new' AND instr(body, ?) > 0", waID).Scan(&pending); err != nil {
		return fail("look for pending webhooks", err)
	}
	if pending > 0 {
		return e, fmt.Errorf("store: erase contact %d: %w", contactID, ErrContactBusy)
	}
	steps := []struct {
		what  string
		sql   string
		count *int64
	}{
		{"forwarding queue", `DELETE FROM forward_outbox WHERE event_id IN (SELECT id FROM webhook_events WHERE instr(body, ?) > 0)`, nil},
		{"webhooks", `DELETE FROM webhook_events WHERE instr(body, ?) > 0`, &e.Webhooks},
	}
	for _, s := range steps {
		res, err := tx.ExecContext(ctx, s.sql, waID)
		if err != nil {
			return fail(s.what, err)
		}
		if s.count != nil {
			*s.count, _ = res.RowsAffected()
		}
	}
	conv := "(SELECT id FROM conversations WHERE contact_id = ?)"
	rows, err := tx.QueryContext(ctx, `SELECT f.sha256 FROM media_files f JOIN messages m ON m.id = f.message_id
		WHERE f.sha256 <> '' AND m.conversation_id IN `+conv+`
		UNION SELECT f.thumb_sha256 FROM media_files f JOIN messages m ON m.id = f.message_id
		WHERE f.thumb_sha256 <> '' AND m.conversation_id IN `+conv, contactID, contactID)
	if err != nil {
		return fail("media files", err)
	}
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			rows.Close()
			return fail("media files", err)
		}
		e.MediaBlobs = append(e.MediaBlobs, sha)
	}
	if err := rows.Close(); err != nil {
		return fail("media files", err)
	}
	for _, s := range []struct {
		what, sql string
		args      []any
		count     *int64
	}{
		{"statuses", `DELETE FROM message_statuses WHERE recipient_id = ? OR wamid IN
			(SELECT wamid FROM messages WHERE wamid IS NOT NULL AND conversation_id IN ` + conv + `)`, []any{waID, contactID}, nil},
		{"orders", `DELETE FROM orders WHERE conversation_id IN ` + conv, []any{contactID}, nil},
		{"messages", `DELETE FROM messages WHERE conversation_id IN ` + conv, []any{contactID}, &e.Messages},
		{"conversations", `DELETE FROM conversations WHERE contact_id = ?`, []any{contactID}, &e.Conversations},
		{"contact", `DELETE FROM contacts WHERE id = ?`, []any{contactID}, nil},
	} {
		res, err := tx.ExecContext(ctx, s.sql, s.args...)
		if err != nil {
			return fail(s.what, err)
		}
		if s.count != nil {
			*s.count, _ = res.RowsAffected()
		}
	}
	return e, nil
}

// checkpointTruncate copies the write-ahead log into the database and
// empties it, so that old page images in it are gone too.
func checkpointTruncate(ctx context.Context, conn *sql.Conn) error {
	var busy, logFrames, done int
	if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return errors.New("checkpoint: readers kept the write-ahead log busy; the erased data is deleted but may linger in it until the next checkpoint")
	}
	return nil
}

// PurgeBefore deletes messages stored before cutoff (with their statuses,
// orders and search entries), conversations left without any message,
// and processed webhooks received before it with their finished
// forwarding records, at most batch messages at a time. It returns how
// many messages and webhooks it deleted; call it again while it deletes.
func (db *DB) PurgeBefore(ctx context.Context, cutoff time.Time, batch int) (messages, webhooks int64, err error) {
	at := formatTime(cutoff)
	err = db.tx(ctx, func(tx *sql.Tx) error {
		old := `SELECT id FROM messages WHERE created_at < ? ORDER BY id LIMIT ?`
		if _, err := tx.ExecContext(ctx, `DELETE FROM message_statuses WHERE wamid IN
			(SELECT wamid FROM messages WHERE wamid IS NOT NULL AND id IN (`+old+`))`, at, batch); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM orders WHERE message_id IN (`+old+`)`, at, batch); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE id IN (`+old+`)`, at, batch)
		if err != nil {
			return err
		}
		messages, _ = res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM forward_outbox WHERE state <> 'pending' AND event_id IN
			(SELECT id FROM webhook_events WHERE state <> 'new' AND received_at < ? ORDER BY id LIMIT ?)`, at, batch); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `DELETE FROM webhook_events WHERE id IN
			(SELECT e.id FROM webhook_events e WHERE e.state <> 'new' AND e.received_at < ?
				AND NOT EXISTS (SELECT 1 FROM forward_outbox f WHERE f.event_id = e.id) ORDER BY e.id LIMIT ?)`, at, batch)
		if err != nil {
			return err
		}
		webhooks, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM conversations WHERE last_message_at < ?
			AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id)
			AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.conversation_id = conversations.id)`, at)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: purge before %s: %w", at, err)
	}
	return messages, webhooks, nil
}

// OptimizeSearch merges the search indexes' segments, dropping the
// entries of deleted messages and contacts for good.
func (db *DB) OptimizeSearch(ctx context.Context) error {
	for _, t := range []string{"messages_fts", "contacts_fts"} {
		if _, err := db.W.ExecContext(ctx, "INSERT INTO "+t+" ("+t+") VALUES ('optimize')"); err != nil {
			return fmt.Errorf("store: optimize %s: %w", t, err)
		}
	}
	return nil
}

// SearchTerms lists the words the search indexes hold (messages_fts's
// terms), read from the database file at path; for checking that an
// erasure left nothing in the index.
func SearchTerms(ctx context.Context, path string) (map[string]bool, error) {
	conn, err := openPlain(path)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	c, err := conn.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, messages_fts, row)"); err != nil {
		return nil, fmt.Errorf("store: search terms: %w", err)
	}
	rows, err := c.QueryContext(ctx, "SELECT term FROM temp.terms")
	if err != nil {
		return nil, fmt.Errorf("store: search terms: %w", err)
	}
	defer rows.Close()
	terms := map[string]bool{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		terms[t] = true
	}
	return terms, rows.Err()
}
