package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// InboundMessage is a customer's message as the processor stores it.
type InboundMessage struct {
	// ChannelID is the channel whose number received the message; 0 means
	// the channel the webhook was delivered for.
	ChannelID int64
	// PhoneNumberID is the provider's id of the number that received it
	// (the webhook's metadata), from which ChannelID is found.
	PhoneNumberID string
	WAMID         string
	// Phone is the customer's number in E.164; WaID as WhatsApp sent it.
	// Both are empty when the customer wrote with a username and WhatsApp
	// withheld the number; BSUID then identifies them.
	Phone string
	WaID  string
	// BSUID is the business-scoped user ID, Username the customer's
	// WhatsApp username, when WhatsApp sent them.
	BSUID       string
	Username    string
	ProfileName string
	Type        string
	// Text is what a list or a search shows: the body, a caption, a title.
	Text         string
	Payload      string // the provider's JSON for the message
	ContextWAMID string
	Timestamp    time.Time // WhatsApp's, not ours
	// OptOut, when set, is how the message asks to stop marketing
	// ("keyword:STOP", "meta_button"; see package consent), and
	// OptOutLanguage the keyword's language: storing the message opts
	// the contact out, unless they are already.
	OptOut         string
	OptOutLanguage string
	// Referral: the customer wrote from a click-to-WhatsApp ad or a Page
	// button, which opens a 72-hour free entry point window.
	Referral bool
}

// StatusUpdate is a delivery status of an outbound message.
type StatusUpdate struct {
	WAMID           string
	Status          string
	Timestamp       time.Time
	RecipientID     string
	ErrorCode       int
	ErrorTitle      string
	ErrorDetails    string
	PricingCategory string
	PricingModel    string
	// PricingType: regular, free_customer_service or free_entry_point.
	PricingType      string
	Billable         bool
	ConversationRef  string
	ConversationType string
	// ClosesWindow: the provider refused the message because the
	// customer service window is closed (for Meta, error 131047). The
	// conversation's window is then closed until the customer writes.
	ClosesWindow bool
}

// StatusRank orders statuses: a status never replaces a higher one, so a
// late "delivered" cannot overwrite "read".
func StatusRank(status string) int {
	switch status {
	case "sending":
		return 0
	case "sent":
		return 1
	case "delivered":
		return 2
	case "read":
		return 3
	case "failed":
		return 4
	}
	return 0
}

// NumberUpdate changes what is known of a channel's number. Meta's
// quality webhooks name the number by its display form within a WhatsApp
// Business Account, so it is matched by WABA and digits.
type NumberUpdate struct {
	WABAID             string
	DisplayDigits      string
	MessagingLimitTier string
	QualityRating      string
	NumberStatus       string
	Reason             string
}

// ProcessedEvent is what the processor made of one journaled event.
type ProcessedEvent struct {
	EventID   int64
	ChannelID int64
	// Dead, when not empty, says why the body (or a part of it) could
	// not be used; the event is kept as a dead letter for an admin to
	// see and reprocess. What could be used is applied all the same.
	Dead     string
	Messages []InboundMessage
	Statuses []StatusUpdate
	Numbers  []NumberUpdate
}

// Applied reports what ApplyProcessedEvents changed, for live updates.
type Applied struct {
	// NewMessages are messages inserted now (not re-deliveries).
	NewMessages []AppliedMessage
	// StatusChanges are messages whose status went up.
	StatusChanges []AppliedMessage
	// ClosedWindows are the refused messages whose failure closed their
	// conversation's customer service window (only ConversationID,
	// ChannelID and WAMID are set).
	ClosedWindows []AppliedMessage
}

// AppliedMessage locates a changed message.
type AppliedMessage struct {
	MessageID      int64
	ConversationID int64
	ChannelID      int64
	WAMID          string
	Status         string
	// ClosedWindow: applying a status closed the conversation's window.
	ClosedWindow bool
	// WindowBefore and WindowAfter, for a new inbound message: the facts
	// about the conversation's window before and after it was stored
	// (WindowBefore is zero for a new conversation), from which the
	// window rules tell whether the message reopened a closed window.
	WindowBefore, WindowAfter ConversationWindow
	// OptedOut: the new inbound message opted its contact (ContactID) out
	// of marketing now (it was not before), from a keyword of
	// OptOutLanguage or Meta's button.
	OptedOut       bool
	ContactID      int64
	OptOutLanguage string
}

// ApplyProcessedEvents applies processed events and marks them done (or
// dead) in one transaction, so that a crash either applies an event whole
// or leaves it to be processed again; re-applying is harmless, because
// messages are unique by wamid and statuses by (wamid, status).
func (db *DB) ApplyProcessedEvents(ctx context.Context, evs []ProcessedEvent) (Applied, error) {
	var out Applied
	// Processing can be redone from the journal, so its commits need not
	// wait for the disk (see txRelaxed).
	err := db.txRelaxed(ctx, func(tx *sql.Tx) error {
		out = Applied{}
		now := formatTime(time.Now())
		depts := map[int64]sql.NullInt64{}
		for _, ev := range evs {
			for _, m := range ev.Messages {
				ch := ev.ChannelID
				if m.ChannelID != 0 {
					ch = m.ChannelID
				}
				dept, ok := depts[ch]
				if !ok {
					if err := tx.QueryRowContext(ctx, "SELECT department_id FROM channels WHERE id = ?", ch).Scan(&dept); err != nil {
						return fmt.Errorf("channel %d: %w", ch, err)
					}
					depts[ch] = dept
				}
				am, inserted, err := insertInbound(ctx, tx, ch, dept, m, now)
				if err != nil {
					return fmt.Errorf("message %s: %w", m.WAMID, err)
				}
				if inserted {
					out.NewMessages = append(out.NewMessages, am)
				}
			}
			for _, st := range ev.Statuses {
				am, changed, err := applyStatus(ctx, tx, st, now)
				if err != nil {
					return fmt.Errorf("status %s of %s: %w", st.Status, st.WAMID, err)
				}
				if am.ClosedWindow {
					out.ClosedWindows = append(out.ClosedWindows, AppliedMessage{ConversationID: am.ConversationID,
						ChannelID: am.ChannelID, WAMID: st.WAMID})
				}
				if changed {
					out.StatusChanges = append(out.StatusChanges, am)
				}
			}
			for _, n := range ev.Numbers {
				if err := applyNumberUpdate(ctx, tx, n, now); err != nil {
					return err
				}
			}
			if ev.Dead != "" {
				if _, err := tx.ExecContext(ctx, "UPDATE webhook_events SET state = 'dead', error = ?, processed_at = ? WHERE id = ?",
					ev.Dead, now, ev.EventID); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, "UPDATE webhook_events SET state = 'done', processed_at = ? WHERE id = ?", now, ev.EventID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Applied{}, fmt.Errorf("store: apply %d webhook events: %w", len(evs), err)
	}
	return out, nil
}

// insertInbound stores a customer's message unless its wamid is known,
// upserting the contact and opening (or reopening) the conversation.
func insertInbound(ctx context.Context, tx *sql.Tx, channelID int64, dept sql.NullInt64, m InboundMessage, now string) (AppliedMessage, bool, error) {
	var exists bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM messages WHERE wamid = ?)", m.WAMID).Scan(&exists); err != nil {
		return AppliedMessage{}, false, err
	}
	if exists {
		return AppliedMessage{}, false, nil
	}
	contactID, err := upsertContact(ctx, tx, m, now)
	if err != nil {
		return AppliedMessage{}, false, err
	}
	var before ConversationWindow
	var inbound, closed sql.NullString
	err = tx.QueryRowContext(ctx, `SELECT last_inbound_at, window_closed_at FROM conversations
		WHERE channel_id = ? AND contact_id = ?`, channelID, contactID).Scan(&inbound, &closed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return AppliedMessage{}, false, err
	default:
		if before, err = windowFrom(inbound, closed); err != nil {
			return AppliedMessage{}, false, err
		}
	}
	ts := formatTime(m.Timestamp)
	var entry any
	if m.Referral {
		entry = ts
	}
	var convID int64
	err = tx.QueryRowContext(ctx, `INSERT INTO conversations (channel_id, contact_id, department_id, status,
		last_inbound_at, last_message_at, unread_count, created_at, updated_at, entry_point_at) VALUES (?, ?, ?, 'open', ?, ?, 1, ?, ?, ?)
		ON CONFLICT (channel_id, contact_id) DO UPDATE SET
			entry_point_at = CASE WHEN excluded.entry_point_at > COALESCE(conversations.entry_point_at, '')
				THEN excluded.entry_point_at ELSE conversations.entry_point_at END,
			status = 'open',
			snoozed_until = NULL,
			department_id = CASE WHEN conversations.status = 'resolved' THEN excluded.department_id ELSE conversations.department_id END,
			last_inbound_at = MAX(COALESCE(conversations.last_inbound_at, ''), excluded.last_inbound_at),
			window_closed_at = CASE WHEN excluded.last_inbound_at > COALESCE(conversations.last_inbound_at, '')
				THEN NULL ELSE conversations.window_closed_at END,
			last_message_at = MAX(conversations.last_message_at, excluded.last_message_at),
			unread_count = conversations.unread_count + 1,
			updated_at = excluded.updated_at
		RETURNING id, last_inbound_at, window_closed_at`, channelID, contactID, dept, ts, ts, now, now, entry).Scan(&convID, &inbound, &closed)
	if err != nil {
		return AppliedMessage{}, false, err
	}
	after, err := windowFrom(inbound, closed)
	if err != nil {
		return AppliedMessage{}, false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO messages (conversation_id, wamid, direction, type, text, payload,
		context_wamid, wa_timestamp, created_at) VALUES (?, ?, 'in', ?, ?, ?, ?, ?, ?)`,
		convID, m.WAMID, m.Type, m.Text, m.Payload, m.ContextWAMID, ts, now)
	if err != nil {
		return AppliedMessage{}, false, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return AppliedMessage{}, false, err
	}
	am := AppliedMessage{MessageID: id, ConversationID: convID, ChannelID: channelID, WAMID: m.WAMID,
		WindowBefore: before, WindowAfter: after, ContactID: contactID}
	if m.OptOut != "" {
		// Only the message that changes the contact's state opts them out
		// (and is confirmed): a second STOP finds them opted out already.
		res, err := tx.ExecContext(ctx, `UPDATE contacts SET marketing_opted_out_at = ?, opt_out_source = ?, updated_at = ?
			WHERE id = ? AND marketing_opted_out_at IS NULL`, ts, m.OptOut, now, contactID)
		if err != nil {
			return AppliedMessage{}, false, err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			am.OptedOut, am.OptOutLanguage = true, m.OptOutLanguage
		}
	}
	if err := queueAutoReply(ctx, tx, id, convID, channelID, now); err != nil {
		return AppliedMessage{}, false, err
	}
	return am, true, nil
}

// upsertContact finds or creates the contact who sent m and returns its
// id. A contact is found by BSUID first, then by number; a contact known
// by BSUID alone gets the number when a message brings both, and one
// known by number gets the BSUID. contacts.phone is the number, or the
// BSUID while no number is known (see migration 0030).
func upsertContact(ctx context.Context, tx *sql.Tx, m InboundMessage, now string) (int64, error) {
	if m.Phone == "" && m.BSUID == "" {
		return 0, errors.New("the sender has neither a phone number nor a business-scoped user ID")
	}
	if m.BSUID != "" && m.Phone != "" {
		// Seen first by BSUID alone: the number is known now.
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET phone = ?, wa_id = ?, updated_at = ?
			WHERE bsuid = ? AND phone = bsuid AND NOT EXISTS (SELECT 1 FROM contacts o WHERE o.phone = ?)`,
			m.Phone, m.WaID, now, m.BSUID, m.Phone); err != nil {
			return 0, err
		}
	}
	if m.Phone == "" {
		// No number: the contact with this BSUID, whatever its address.
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE contacts SET
			name = CASE WHEN ? <> '' THEN ? ELSE contacts.name END,
			username = CASE WHEN ? <> '' THEN ? ELSE contacts.username END,
			updated_at = ?
			WHERE bsuid = ? RETURNING id`, m.ProfileName, m.ProfileName, m.Username, m.Username, now, m.BSUID).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	address, waID := m.Phone, m.WaID
	if address == "" {
		address, waID = m.BSUID, m.BSUID
	}
	var bsuid any
	if m.BSUID != "" {
		bsuid = m.BSUID
	}
	var id int64
	// The BSUID is attached to a contact known by number unless another
	// contact holds it already (a person first seen by BSUID alone, then
	// by a number that another contact had: they stay two contacts).
	err := tx.QueryRowContext(ctx, `INSERT INTO contacts (phone, wa_id, bsuid, username, name, created_at, updated_at)
		VALUES (?, ?, CASE WHEN EXISTS (SELECT 1 FROM contacts o WHERE o.bsuid = ?) THEN NULL ELSE ? END, ?, ?, ?, ?)
		ON CONFLICT (phone) DO UPDATE SET
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE contacts.name END,
			wa_id = excluded.wa_id,
			bsuid = CASE WHEN contacts.bsuid IS NULL AND NOT EXISTS (SELECT 1 FROM contacts o WHERE o.bsuid = excluded.bsuid)
				THEN excluded.bsuid ELSE contacts.bsuid END,
			username = CASE WHEN excluded.username <> '' THEN excluded.username ELSE contacts.username END,
			updated_at = excluded.updated_at
		RETURNING id`, address, waID, bsuid, bsuid, m.Username, m.ProfileName, now, now).Scan(&id)
	return id, err
}

// applyStatus records a status and raises the message's status if it is
// higher than what the message has. A status that closes the window sets
// ClosedWindow, ConversationID and ChannelID even when changed is false.
func applyStatus(ctx context.Context, tx *sql.Tx, st StatusUpdate, now string) (AppliedMessage, bool, error) {
	rank := StatusRank(st.Status)
	if _, err := tx.ExecContext(ctx, `INSERT INTO message_statuses (wamid, status, rank, wa_timestamp, recipient_id,
		error_code, error_title, error_details, pricing_category, pricing_model, billable, conversation_ref,
		conversation_type, received_at, closes_window, pricing_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (wamid, status) DO NOTHING`,
		st.WAMID, st.Status, rank, formatTime(st.Timestamp), st.RecipientID, st.ErrorCode, st.ErrorTitle, st.ErrorDetails,
		st.PricingCategory, st.PricingModel, st.Billable, st.ConversationRef, st.ConversationType, now, st.ClosesWindow,
		st.PricingType); err != nil {
		return AppliedMessage{}, false, err
	}
	if st.PricingCategory != "" || st.PricingType != "" || st.Status == "failed" {
		// The provider's word on the price (or a failure): price it again.
		if err := markReprice(ctx, tx, st.WAMID); err != nil {
			return AppliedMessage{}, false, err
		}
	}
	var am AppliedMessage
	if st.ClosesWindow {
		closed, err := closeWindowOf(ctx, tx, st.WAMID, st.Timestamp)
		if err != nil {
			return AppliedMessage{}, false, err
		}
		if closed {
			err := tx.QueryRowContext(ctx, `SELECT m.conversation_id, c.channel_id FROM messages m
				JOIN conversations c ON c.id = m.conversation_id WHERE m.wamid = ? AND m.direction = 'out'`,
				st.WAMID).Scan(&am.ConversationID, &am.ChannelID)
			if err != nil {
				return AppliedMessage{}, false, err
			}
			am.ClosedWindow = true
		}
	}
	err := tx.QueryRowContext(ctx, `UPDATE messages SET status = ?, status_rank = ? WHERE wamid = ? AND status_rank < ?
		RETURNING id, conversation_id, (SELECT channel_id FROM conversations c WHERE c.id = conversation_id)`,
		st.Status, rank, st.WAMID, rank).Scan(&am.MessageID, &am.ConversationID, &am.ChannelID)
	if errors.Is(err, sql.ErrNoRows) {
		// Unknown message, or the status is not higher: kept, nothing to raise.
		return AppliedMessage{ConversationID: am.ConversationID, ChannelID: am.ChannelID, ClosedWindow: am.ClosedWindow}, false, nil
	}
	if err != nil {
		return AppliedMessage{}, false, err
	}
	am.WAMID, am.Status = st.WAMID, st.Status
	return am, true, nil
}

// MessageStatus is a message's current status and the failure, if any.
type MessageStatus struct {
	Status       string
	ErrorCode    int
	ErrorTitle   string
	ErrorDetails string
}

// StatusOf returns the highest status recorded for a wamid, with the
// failure details when it failed. Statuses for messages wadesk does not
// know are kept and reported too.
func (db *DB) StatusOf(ctx context.Context, wamid string) (MessageStatus, error) {
	var s MessageStatus
	err := db.R.QueryRowContext(ctx, `SELECT status, error_code, error_title, error_details FROM message_statuses
		WHERE wamid = ? ORDER BY rank DESC LIMIT 1`, wamid).Scan(&s.Status, &s.ErrorCode, &s.ErrorTitle, &s.ErrorDetails)
	if errors.Is(err, sql.ErrNoRows) {
		return MessageStatus{}, fmt.Errorf("store: status of %s: %w", wamid, ErrNotFound)
	}
	if err != nil {
		return MessageStatus{}, fmt.Errorf("store: status of %s: %w", wamid, err)
	}
	return s, nil
}

func applyNumberUpdate(ctx context.Context, tx *sql.Tx, n NumberUpdate, now string) error {
	rows, err := tx.QueryContext(ctx, "SELECT id, display_phone_number FROM channels WHERE waba_id = ? AND deleted_at IS NULL", n.WABAID)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var display string
		if err := rows.Scan(&id, &display); err != nil {
			rows.Close()
			return err
		}
		if digitsOf(display) == n.DisplayDigits {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE channels SET
			messaging_limit_tier = COALESCE(NULLIF(?, ''), messaging_limit_tier),
			quality_rating = COALESCE(NULLIF(?, ''), quality_rating),
			number_status = COALESCE(NULLIF(?, ''), number_status),
			updated_at = ? WHERE id = ?`,
			n.MessagingLimitTier, n.QualityRating, n.NumberStatus, now, id); err != nil {
			return err
		}
	}
	return nil
}

func digitsOf(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}
