package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AutoReplySettings are a channel's business hours and automatic replies.
// Timezone "" means no business hours.
type AutoReplySettings struct {
	ChannelID    int64
	Timezone     string
	Week         string
	Holidays     string
	GreetingOn   bool
	GreetingText string
	AwayOn       bool
	AwayText     string
	RulesOn      bool
}

const autoReplySettingsColumns = `channel_id, timezone, week, holidays, greeting_on, greeting_text, away_on, away_text, rules_on`

func scanAutoReplySettings(s scanner) (AutoReplySettings, error) {
	var a AutoReplySettings
	err := s.Scan(&a.ChannelID, &a.Timezone, &a.Week, &a.Holidays, &a.GreetingOn, &a.GreetingText, &a.AwayOn, &a.AwayText, &a.RulesOn)
	return a, err
}

// AutoReplySettingsOf returns a channel's settings; a channel never set up
// has everything off and no hours.
func (db *DB) AutoReplySettingsOf(ctx context.Context, channelID int64) (AutoReplySettings, error) {
	a, err := scanAutoReplySettings(db.R.QueryRowContext(ctx, `SELECT `+autoReplySettingsColumns+`
		FROM channel_auto_replies WHERE channel_id = ?`, channelID))
	if errors.Is(err, sql.ErrNoRows) {
		return AutoReplySettings{ChannelID: channelID}, nil
	}
	if err != nil {
		return AutoReplySettings{}, fmt.Errorf("store: automatic replies of channel %d: %w", channelID, err)
	}
	return a, nil
}

// AllBusinessHours returns the settings of every channel that has
// business hours, by channel.
func (db *DB) AllBusinessHours(ctx context.Context) (map[int64]AutoReplySettings, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+autoReplySettingsColumns+` FROM channel_auto_replies WHERE timezone <> ''`)
	if err != nil {
		return nil, fmt.Errorf("store: business hours: %w", err)
	}
	defer rows.Close()
	out := map[int64]AutoReplySettings{}
	for rows.Next() {
		a, err := scanAutoReplySettings(rows)
		if err != nil {
			return nil, fmt.Errorf("store: business hours: %w", err)
		}
		out[a.ChannelID] = a
	}
	return out, rows.Err()
}

// SaveBusinessHours sets a channel's business hours (zone "" removes them).
func (db *DB) SaveBusinessHours(ctx context.Context, channelID int64, zone, week, holidays string) error {
	now := formatTime(time.Now().UTC())
	_, err := db.W.ExecContext(ctx, `INSERT INTO channel_auto_replies (channel_id, timezone, week, holidays, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET timezone = excluded.timezone, week = excluded.week,
		holidays = excluded.holidays, updated_at = excluded.updated_at`, channelID, zone, week, holidays, now)
	if err != nil {
		return fmt.Errorf("store: save business hours of channel %d: %w", channelID, translate(err))
	}
	return nil
}

// SaveAutoReplies sets which automatic replies a channel sends, and their
// texts; its business hours are left as they are.
func (db *DB) SaveAutoReplies(ctx context.Context, a AutoReplySettings) error {
	now := formatTime(time.Now().UTC())
	_, err := db.W.ExecContext(ctx, `INSERT INTO channel_auto_replies (channel_id, greeting_on, greeting_text, away_on,
		away_text, rules_on, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET
		greeting_on = excluded.greeting_on, greeting_text = excluded.greeting_text, away_on = excluded.away_on,
		away_text = excluded.away_text, rules_on = excluded.rules_on, updated_at = excluded.updated_at`,
		a.ChannelID, a.GreetingOn, a.GreetingText, a.AwayOn, a.AwayText, a.RulesOn, now)
	if err != nil {
		return fmt.Errorf("store: save automatic replies of channel %d: %w", a.ChannelID, translate(err))
	}
	return nil
}

// AutoReplyRule is a keyword rule of a channel (see package autoreply).
type AutoReplyRule struct {
	ID           int64
	ChannelID    int64
	Position     int
	Enabled      bool
	Match        string
	Phrase       string
	Reply        string
	Options      []string
	DepartmentID int64
	AssigneeID   int64
	LabelID      int64
}

const autoReplyRuleColumns = `id, channel_id, position, enabled, match, phrase, reply, options, COALESCE(department_id, 0),
	COALESCE(assignee_id, 0), COALESCE(label_id, 0)`

func scanAutoReplyRule(s scanner) (AutoReplyRule, error) {
	var r AutoReplyRule
	var options string
	if err := s.Scan(&r.ID, &r.ChannelID, &r.Position, &r.Enabled, &r.Match, &r.Phrase, &r.Reply, &options,
		&r.DepartmentID, &r.AssigneeID, &r.LabelID); err != nil {
		return AutoReplyRule{}, err
	}
	for _, o := range strings.Split(options, "\n") {
		if o = strings.TrimSpace(o); o != "" {
			r.Options = append(r.Options, o)
		}
	}
	return r, nil
}

// AutoReplyRules returns a channel's keyword rules in order.
func (db *DB) AutoReplyRules(ctx context.Context, channelID int64) ([]AutoReplyRule, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+autoReplyRuleColumns+` FROM auto_reply_rules
		WHERE channel_id = ? ORDER BY position, id`, channelID)
	if err != nil {
		return nil, fmt.Errorf("store: rules of channel %d: %w", channelID, err)
	}
	defer rows.Close()
	var out []AutoReplyRule
	for rows.Next() {
		r, err := scanAutoReplyRule(rows)
		if err != nil {
			return nil, fmt.Errorf("store: rules of channel %d: %w", channelID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreateAutoReplyRule adds a rule after the channel's others.
func (db *DB) CreateAutoReplyRule(ctx context.Context, r AutoReplyRule) (AutoReplyRule, error) {
	err := db.W.QueryRowContext(ctx, `INSERT INTO auto_reply_rules (channel_id, position, enabled, match, phrase, reply,
		options, department_id, assignee_id, label_id, created_at)
		VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM auto_reply_rules WHERE channel_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id, position`, r.ChannelID, r.ChannelID, r.Enabled, r.Match, r.Phrase, r.Reply, strings.Join(r.Options, "\n"),
		nullID(r.DepartmentID), nullID(r.AssigneeID), nullID(r.LabelID), formatTime(time.Now().UTC())).Scan(&r.ID, &r.Position)
	if err != nil {
		return AutoReplyRule{}, fmt.Errorf("store: create rule: %w", translate(err))
	}
	return r, nil
}

// SetAutoReplyRuleEnabled switches a channel's rule on or off.
func (db *DB) SetAutoReplyRuleEnabled(ctx context.Context, channelID, id int64, on bool) error {
	res, err := db.W.ExecContext(ctx, "UPDATE auto_reply_rules SET enabled = ? WHERE id = ? AND channel_id = ?", on, id, channelID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: switch rule %d: %w", id, err)
	}
	return nil
}

// DeleteAutoReplyRule removes a channel's rule.
func (db *DB) DeleteAutoReplyRule(ctx context.Context, channelID, id int64) error {
	res, err := db.W.ExecContext(ctx, "DELETE FROM auto_reply_rules WHERE id = ? AND channel_id = ?", id, channelID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: delete rule %d: %w", id, err)
	}
	return nil
}

// queueAutoReply leaves a customer's new message for the automatic-reply
// worker when its channel has an automatic reply switched on.
func queueAutoReply(ctx context.Context, tx *sql.Tx, messageID, conversationID, channelID int64, now string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO auto_reply_jobs (message_id, conversation_id, channel_id, created_at)
		SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM channel_auto_replies a WHERE a.channel_id = ?
			AND (a.greeting_on = 1 OR a.away_on = 1 OR a.rules_on = 1))`, messageID, conversationID, channelID, now, channelID)
	return err
}

// AutoReplyJob is a customer's message waiting for an automatic reply.
type AutoReplyJob struct {
	MessageID      int64
	ConversationID int64
	ChannelID      int64
}

// ClaimAutoReplyJob takes the oldest waiting message whose lease is free
// for lease; ok is false when none waits.
func (db *DB) ClaimAutoReplyJob(ctx context.Context, now time.Time, lease time.Duration) (j AutoReplyJob, ok bool, err error) {
	at := formatTime(now.UTC())
	err = db.W.QueryRowContext(ctx, `UPDATE auto_reply_jobs SET lease_until = ?
		WHERE message_id = (SELECT message_id FROM auto_reply_jobs WHERE lease_until < ? ORDER BY message_id LIMIT 1)
		AND lease_until < ? RETURNING message_id, conversation_id, channel_id`,
		formatTime(now.Add(lease).UTC()), at, at).Scan(&j.MessageID, &j.ConversationID, &j.ChannelID)
	if errors.Is(err, sql.ErrNoRows) {
		return AutoReplyJob{}, false, nil
	}
	if err != nil {
		return AutoReplyJob{}, false, fmt.Errorf("store: claim automatic reply job: %w", err)
	}
	return j, true, nil
}

// FinishAutoReplyJob removes a handled message from the queue.
func (db *DB) FinishAutoReplyJob(ctx context.Context, messageID int64) error {
	if _, err := db.W.ExecContext(ctx, "DELETE FROM auto_reply_jobs WHERE message_id = ?", messageID); err != nil {
		return fmt.Errorf("store: finish automatic reply job %d: %w", messageID, err)
	}
	return nil
}

// Kinds of automatic message.
const (
	AutoGreeting = "greeting"
	AutoAway     = "away"
	AutoRule     = "rule"
)

// ClaimAutoReplySend records that an automatic message of kind answers
// the customer's message inboundID, before it is sent: ok is false when
// one was already recorded (for an away message: for this conversation
// and period), and nothing may be sent.
func (db *DB) ClaimAutoReplySend(ctx context.Context, conversationID, inboundID int64, kind string, ruleID int64, period string) (id int64, ok bool, err error) {
	err = db.W.QueryRowContext(ctx, `INSERT INTO auto_reply_log (conversation_id, inbound_message_id, kind, rule_id, period, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`, conversationID, inboundID, kind, nullID(ruleID), period,
		formatTime(time.Now().UTC())).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: record automatic %s reply: %w", kind, err)
	}
	return id, true, nil
}

// SetAutoReplyMessage links a recorded automatic reply to the message it
// became.
func (db *DB) SetAutoReplyMessage(ctx context.Context, logID, messageID int64) error {
	if _, err := db.W.ExecContext(ctx, "UPDATE auto_reply_log SET message_id = ? WHERE id = ?", messageID, logID); err != nil {
		return fmt.Errorf("store: link automatic reply %d: %w", logID, err)
	}
	return nil
}

// AutomaticMessages returns which of a conversation's messages wadesk
// sent by itself, and the kind of each.
func (db *DB) AutomaticMessages(ctx context.Context, conversationID int64) (map[int64]string, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT message_id, kind FROM auto_reply_log
		WHERE conversation_id = ? AND message_id IS NOT NULL`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("store: automatic messages of conversation %d: %w", conversationID, err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var kind string
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, fmt.Errorf("store: automatic messages of conversation %d: %w", conversationID, err)
		}
		out[id] = kind
	}
	return out, rows.Err()
}

// FirstInbound reports whether messageID is the customer's first message
// in its conversation.
func (db *DB) FirstInbound(ctx context.Context, conversationID, messageID int64) (bool, error) {
	var earlier bool
	err := db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM messages WHERE conversation_id = ? AND direction = 'in'
		AND id < ?)`, conversationID, messageID).Scan(&earlier)
	if err != nil {
		return false, fmt.Errorf("store: first message of conversation %d: %w", conversationID, err)
	}
	return !earlier, nil
}

// TransferConversation moves a conversation to a department (0: none). Its
// assignee stays only if they may see the new department.
func (db *DB) TransferConversation(ctx context.Context, v InboxViewer, id, departmentID int64) (changed bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkVisible(ctx, tx, v, id); err != nil {
			return err
		}
		if departmentID != 0 {
			var ok bool
			if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM departments WHERE id = ?)", departmentID).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return ErrNotFound
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE conversations SET department_id = ?, updated_at = ?
			WHERE id = ? AND department_id IS DISTINCT FROM ?`, nullID(departmentID), formatTime(time.Now()), id, nullID(departmentID))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		changed = true
		_, err = tx.ExecContext(ctx, `UPDATE conversations SET assignee_id = NULL WHERE id = ? AND assignee_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM users u, conversations c WHERE c.id = conversations.id AND u.id = conversations.assignee_id AND`+userSees+`)`, id)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: transfer conversation %d to department %d: %w", id, departmentID, err)
	}
	return changed, nil
}

// ForgetAutoReplySend removes a recorded automatic reply that could not
// be queued for a reason that passes, so that the next try may send it.
func (db *DB) ForgetAutoReplySend(ctx context.Context, logID int64) error {
	if _, err := db.W.ExecContext(ctx, "DELETE FROM auto_reply_log WHERE id = ? AND message_id IS NULL", logID); err != nil {
		return fmt.Errorf("store: forget automatic reply %d: %w", logID, err)
	}
	return nil
}
