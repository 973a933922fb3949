package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// States of a campaign (see migrations/0160_campaigns.sql).
const (
	CampaignDraft     = "draft"
	CampaignScheduled = "scheduled"
	CampaignSending   = "sending"
	CampaignPaused    = "paused"
	CampaignDone      = "done"
	CampaignCancelled = "cancelled"
)

// States of a campaign's recipient.
const (
	RecipientPending   = "pending"
	RecipientQueued    = "queued"
	RecipientSkipped   = "skipped"
	RecipientCancelled = "cancelled"
)

// Why a recipient is skipped.
const (
	SkipOptedOut = "opted_out"
	SkipBlocked  = "blocked"
)

// ErrCampaignState means the campaign is not in a state that allows the
// change (launching a campaign already sent, pausing a finished one).
var ErrCampaignState = errors.New("store: the campaign cannot do that in its present state")

// Campaign is a template sent to many customers of one number.
type Campaign struct {
	ID                 int64
	Name               string
	ChannelID          int64
	ChannelTitle       string
	PhoneNumberID      string
	TemplateID         int64 // 0: the template was removed since
	TemplateName       string
	TemplateLanguage   string
	TemplateCategory   string
	TemplateComponents string
	Audience           string // JSON, the campaign package's
	Mapping            string // JSON, the campaign package's
	CSVColumns         string // JSON array
	State              string
	ScheduledAt        *time.Time
	Timezone           string
	OverLimit          string
	CreatedBy          int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
	LaunchedAt         *time.Time
	FinishedAt         *time.Time
}

const campaignColumns = `c.id, c.name, c.channel_id, ch.title, ch.phone_number_id, COALESCE(c.template_id, 0), c.template_name,
	c.template_language, c.template_category, c.template_components, c.audience, c.mapping, c.csv_columns, c.state,
	c.scheduled_at, c.timezone, c.over_limit, COALESCE(c.created_by, 0), c.created_at, c.updated_at, c.launched_at, c.finished_at`

const campaignFrom = ` FROM campaigns c JOIN channels ch ON ch.id = c.channel_id`

func scanCampaign(s scanner) (Campaign, error) {
	var c Campaign
	var sched, launched, finished sql.NullString
	var created, updated string
	if err := s.Scan(&c.ID, &c.Name, &c.ChannelID, &c.ChannelTitle, &c.PhoneNumberID, &c.TemplateID, &c.TemplateName,
		&c.TemplateLanguage, &c.TemplateCategory, &c.TemplateComponents, &c.Audience, &c.Mapping, &c.CSVColumns, &c.State,
		&sched, &c.Timezone, &c.OverLimit, &c.CreatedBy, &created, &updated, &launched, &finished); err != nil {
		return Campaign{}, err
	}
	var err error
	if c.CreatedAt, err = parseTime(created); err != nil {
		return Campaign{}, err
	}
	if c.UpdatedAt, err = parseTime(updated); err != nil {
		return Campaign{}, err
	}
	if c.ScheduledAt, err = parseNullTime(sched); err != nil {
		return Campaign{}, err
	}
	if c.LaunchedAt, err = parseNullTime(launched); err != nil {
		return Campaign{}, err
	}
	if c.FinishedAt, err = parseNullTime(finished); err != nil {
		return Campaign{}, err
	}
	return c, nil
}

// CreateCampaign stores a new draft campaign. ID, State and the times are
// set by the store.
func (db *DB) CreateCampaign(ctx context.Context, c Campaign) (Campaign, error) {
	now := formatTime(time.Now())
	var tmpl any
	if c.TemplateID != 0 {
		tmpl = c.TemplateID
	}
	var by any
	if c.CreatedBy != 0 {
		by = c.CreatedBy
	}
	var id int64
	err := db.W.QueryRowContext(ctx, `INSERT INTO campaigns (name, channel_id, template_id, template_name, template_language,
		template_category, template_components, audience, mapping, csv_columns, state, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id`,
		strings.TrimSpace(c.Name), c.ChannelID, tmpl, c.TemplateName, c.TemplateLanguage, c.TemplateCategory,
		nonEmpty(c.TemplateComponents, "[]"), nonEmpty(c.Audience, "{}"), nonEmpty(c.Mapping, "{}"), nonEmpty(c.CSVColumns, "[]"),
		by, now, now).Scan(&id)
	if err != nil {
		return Campaign{}, fmt.Errorf("store: create campaign: %w", translate(err))
	}
	return db.CampaignByID(ctx, id)
}

func nonEmpty(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// CampaignByID returns a campaign.
func (db *DB) CampaignByID(ctx context.Context, id int64) (Campaign, error) {
	c, err := scanCampaign(db.R.QueryRowContext(ctx, `SELECT `+campaignColumns+campaignFrom+` WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("store: campaign %d: %w", id, err)
	}
	return c, nil
}

// ListCampaigns returns the campaigns, newest first.
func (db *DB) ListCampaigns(ctx context.Context) ([]Campaign, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+campaignColumns+campaignFrom+` ORDER BY c.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: list campaigns: %w", err)
	}
	defer rows.Close()
	var out []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list campaigns: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list campaigns: %w", err)
	}
	return out, nil
}

// UpdateCampaignDraft saves a draft's name, audience, mapping and CSV
// columns; ErrCampaignState once it was launched.
func (db *DB) UpdateCampaignDraft(ctx context.Context, c Campaign) error {
	res, err := db.W.ExecContext(ctx, `UPDATE campaigns SET name = ?, audience = ?, mapping = ?, csv_columns = ?, updated_at = ?
		WHERE id = ? AND state = 'draft'`, strings.TrimSpace(c.Name), nonEmpty(c.Audience, "{}"), nonEmpty(c.Mapping, "{}"),
		nonEmpty(c.CSVColumns, "[]"), formatTime(time.Now()), c.ID)
	if err != nil {
		return fmt.Errorf("store: update campaign %d: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: update campaign %d: %w", c.ID, ErrCampaignState)
	}
	return nil
}

// DeleteCampaignDraft removes a campaign that was never launched.
func (db *DB) DeleteCampaignDraft(ctx context.Context, id int64) error {
	res, err := db.W.ExecContext(ctx, `DELETE FROM campaigns WHERE id = ? AND state = 'draft'`, id)
	if err != nil {
		return fmt.Errorf("store: delete campaign %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: delete campaign %d: %w", id, ErrCampaignState)
	}
	return nil
}

// LabelAudience picks a campaign's recipients among the contacts.
type LabelAudience struct {
	// LabelIDs: contacts with any of these labels; none: every contact.
	LabelIDs []int64
	// OptedInOnly keeps contacts who opted in to business messages.
	OptedInOnly bool
	// Marketing: the template is a marketing one, so contacts who opted
	// out of marketing are skipped.
	Marketing bool
}

// CSVRecipient is one row of an uploaded audience.
type CSVRecipient struct {
	Phone   string // E.164
	WaID    string // digits
	Name    string
	Columns string // JSON object of the row's values
}

// AudienceCounts says how a draft's audience came out.
type AudienceCounts struct {
	// Recipients will be sent the template.
	Recipients int
	OptedOut   int
	Blocked    int
	// Duplicates were given more than once (a CSV) and are sent once.
	Duplicates int
}

// SetLabelAudience replaces a draft's recipients with the contacts a picks,
// in one statement: blocked contacts (and, for marketing, opted-out ones)
// are kept as skipped rows, so the campaign shows who was left out and why.
func (db *DB) SetLabelAudience(ctx context.Context, campaignID int64, a LabelAudience) (AudienceCounts, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := draftOnly(ctx, tx, campaignID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM campaign_recipients WHERE campaign_id = ?`, campaignID); err != nil {
			return err
		}
		where := []string{"TRUE"}
		args := []any{campaignID, a.Marketing, a.Marketing, formatTime(time.Now())}
		if len(a.LabelIDs) > 0 {
			where = append(where, `ct.id IN (SELECT contact_id FROM contact_labels WHERE label_id IN (`+placeholders(len(a.LabelIDs))+`))`)
			for _, id := range a.LabelIDs {
				args = append(args, id)
			}
		}
		if a.OptedInOnly {
			where = append(where, "ct.opted_in_at IS NOT NULL")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO campaign_recipients (campaign_id, contact_id, phone, wa_id, name, state, skip_reason, not_before)
			SELECT ?, ct.id, ct.phone, ct.wa_id, ct.name,
				CASE WHEN ct.blocked OR (? AND ct.marketing_opted_out_at IS NOT NULL) THEN 'skipped' ELSE 'pending' END,
				CASE WHEN ct.blocked THEN 'blocked' WHEN ? AND ct.marketing_opted_out_at IS NOT NULL THEN 'opted_out' ELSE '' END,
				?
			FROM contacts ct WHERE `+strings.Join(where, " AND ")+`
			ON CONFLICT (campaign_id, wa_id) DO NOTHING`, args...)
		return err
	})
	if err != nil {
		return AudienceCounts{}, fmt.Errorf("store: audience of campaign %d: %w", campaignID, err)
	}
	return db.audienceCounts(ctx, campaignID, 0)
}

// SetCSVAudience replaces a draft's recipients with rows of an uploaded
// file. Numbers given twice are stored once and counted as duplicates;
// numbers of known contacts who are blocked (or, for marketing, opted out)
// are stored as skipped.
func (db *DB) SetCSVAudience(ctx context.Context, campaignID int64, marketing bool, rows []CSVRecipient) (AudienceCounts, error) {
	dups := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		dups = 0
		if err := draftOnly(ctx, tx, campaignID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM campaign_recipients WHERE campaign_id = ?`, campaignID); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO campaign_recipients (campaign_id, contact_id, phone, wa_id, name, columns, state, skip_reason, not_before)
			SELECT ?, ct.id, one.phone, ?, COALESCE(NULLIF(?, ''), ct.name, ''), ?,
				CASE WHEN ct.blocked OR (? AND ct.marketing_opted_out_at IS NOT NULL) THEN 'skipped' ELSE 'pending' END,
				CASE WHEN ct.blocked THEN 'blocked' WHEN ? AND ct.marketing_opted_out_at IS NOT NULL THEN 'opted_out' ELSE '' END,
				?
			FROM (SELECT ? AS phone) one LEFT JOIN contacts ct ON ct.phone = one.phone WHERE TRUE
			ON CONFLICT (campaign_id, wa_id) DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := formatTime(time.Now())
		for _, r := range rows {
			res, err := stmt.ExecContext(ctx, campaignID, r.WaID, r.Name, nonEmpty(r.Columns, "{}"), marketing, marketing, now, r.Phone)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				dups++
			}
		}
		return nil
	})
	if err != nil {
		return AudienceCounts{}, fmt.Errorf("store: CSV audience of campaign %d: %w", campaignID, err)
	}
	return db.audienceCounts(ctx, campaignID, dups)
}

func draftOnly(ctx context.Context, tx *sql.Tx, campaignID int64) error {
	var state string
	err := tx.QueryRowContext(ctx, `SELECT state FROM campaigns WHERE id = ?`, campaignID).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if state != CampaignDraft {
		return ErrCampaignState
	}
	return nil
}

func (db *DB) audienceCounts(ctx context.Context, campaignID int64, dups int) (AudienceCounts, error) {
	out := AudienceCounts{Duplicates: dups}
	err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE state <> 'skipped'),
		COUNT(*) FILTER (WHERE skip_reason = 'opted_out'), COUNT(*) FILTER (WHERE skip_reason = 'blocked')
		FROM campaign_recipients WHERE campaign_id = ?`, campaignID).Scan(&out.Recipients, &out.OptedOut, &out.Blocked)
	if err != nil {
		return AudienceCounts{}, fmt.Errorf("store: audience of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

// CampaignAudienceCounts counts a campaign's recipients (Duplicates is
// not known here: it is only counted when a CSV is read).
func (db *DB) CampaignAudienceCounts(ctx context.Context, campaignID int64) (AudienceCounts, error) {
	return db.audienceCounts(ctx, campaignID, 0)
}

// RecipientPrefixes counts a campaign's recipients that will be sent the
// template by the first four digits of their number, for working out
// countries (the calling code is at most three digits).
func (db *DB) RecipientPrefixes(ctx context.Context, campaignID int64) (map[string]int, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT SUBSTR(wa_id, 1, 4), COUNT(*) FROM campaign_recipients
		WHERE campaign_id = ? AND state <> 'skipped' GROUP BY SUBSTR(wa_id, 1, 4)`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("store: recipient prefixes of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			return nil, fmt.Errorf("store: recipient prefixes of campaign %d: %w", campaignID, err)
		}
		out[p] = n
	}
	return out, rows.Err()
}

// Recipient is one customer of a campaign as the feeder and the pages
// see it.
type Recipient struct {
	ID         int64
	CampaignID int64
	ContactID  int64 // 0: not a contact yet (a CSV number)
	Phone      string
	WaID       string
	Name       string
	Columns    string
	// Attributes are the contact's custom attributes.
	Attributes map[string]string
	State      string
	SkipReason string
	NotBefore  time.Time
	MessageID  int64
	// Status is the message's status once queued (sending, sent,
	// delivered, read, failed) and FailureReason why it failed.
	Status        string
	FailureReason string
	// ConversationID is the conversation the message went to (0 before).
	ConversationID int64
	// Facts is what pricing needs to know of the recipient's conversation
	// with the campaign's number (PendingRecipients only; its
	// ConversationID is 0 when there is none yet).
	Facts PricingFacts
	// Cost is the message's price once queued (CampaignRecipients only;
	// nil before).
	Cost *RecipientCost
}

// RecipientCost is what one campaign message costs: the estimate stored
// when it was queued, replaced by the provider's pricing when reported.
type RecipientCost struct {
	Micros   int64
	Currency string
	Billable bool
	// Reported: the provider reported the message's pricing.
	Reported bool
	// Failed messages cost nothing.
	Failed bool
}

// LaunchPlan says when a campaign's recipients may be queued.
type LaunchPlan struct {
	// At is when sending starts (now, or the scheduled time).
	At        time.Time
	Scheduled bool
	Timezone  string
	// PerDay, when > 0, splits the campaign over days: the first
	// FirstDay recipients from At, then PerDay more every 24 hours.
	FirstDay int
	PerDay   int
}

// LaunchCampaign moves a draft to scheduled (or sending) and dates its
// recipients per plan. ErrCampaignState when it is not a draft.
func (db *DB) LaunchCampaign(ctx context.Context, campaignID int64, p LaunchPlan) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		state, over := CampaignSending, ""
		if p.Scheduled {
			state = CampaignScheduled
		}
		if p.PerDay > 0 {
			over = "split"
		}
		now := formatTime(time.Now())
		res, err := tx.ExecContext(ctx, `UPDATE campaigns SET state = ?, scheduled_at = ?, timezone = ?, over_limit = ?,
			launched_at = ?, updated_at = ? WHERE id = ? AND state = 'draft'`,
			state, formatTime(p.At), p.Timezone, over, now, now, campaignID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrCampaignState
		}
		if _, err := tx.ExecContext(ctx, `UPDATE campaign_recipients SET not_before = ? WHERE campaign_id = ? AND state = 'pending'`,
			formatTime(p.At), campaignID); err != nil {
			return err
		}
		if p.PerDay <= 0 {
			return nil
		}
		// Later days: the recipients after the first day's, PerDay a day.
		rows, err := tx.QueryContext(ctx, `SELECT id FROM campaign_recipients WHERE campaign_id = ? AND state = 'pending' ORDER BY id`, campaignID)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if p.FirstDay < len(ids) {
			stmt, err := tx.PrepareContext(ctx, `UPDATE campaign_recipients SET not_before = ? WHERE id = ?`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for i, id := range ids[p.FirstDay:] {
				day := 1 + i/p.PerDay
				if _, err := stmt.ExecContext(ctx, formatTime(p.At.Add(time.Duration(day)*24*time.Hour)), id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: launch campaign %d: %w", campaignID, err)
	}
	return nil
}

// ActiveCampaigns starts the scheduled campaigns whose time has come and
// returns the IDs of those sending.
func (db *DB) ActiveCampaigns(ctx context.Context, now time.Time) ([]int64, error) {
	if _, err := db.W.ExecContext(ctx, `UPDATE campaigns SET state = 'sending', updated_at = ? WHERE state = 'scheduled' AND scheduled_at <= ?`,
		formatTime(now), formatTime(now)); err != nil {
		return nil, fmt.Errorf("store: start scheduled campaigns: %w", err)
	}
	rows, err := db.R.QueryContext(ctx, `SELECT id FROM campaigns WHERE state = 'sending' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: active campaigns: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: active campaigns: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// CampaignInQueue counts a campaign's messages the outbox has not finished
// with (queued or being attempted).
func (db *DB) CampaignInQueue(ctx context.Context, campaignID int64) (int, error) {
	var n int
	err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM campaign_recipients r JOIN outbox o ON o.message_id = r.message_id
		WHERE r.campaign_id = ? AND r.state = 'queued' AND o.state IN ('queued', 'attempting')`, campaignID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: campaign %d in queue: %w", campaignID, err)
	}
	return n, nil
}

// PendingRecipients returns up to limit recipients due to be queued,
// with their contact's current name, consent and attributes.
func (db *DB) PendingRecipients(ctx context.Context, campaignID int64, now time.Time, limit int) ([]Recipient, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT r.id, COALESCE(r.contact_id, 0), r.phone, r.wa_id,
		COALESCE(NULLIF(r.name, ''), ct.name, ''), r.columns,
		COALESCE(ct.blocked, FALSE), ct.marketing_opted_out_at IS NOT NULL,
		cp.channel_id, COALESCE(cv.id, 0), cv.last_inbound_at, cv.window_closed_at, cv.entry_point_at
		FROM campaign_recipients r JOIN campaigns cp ON cp.id = r.campaign_id
		LEFT JOIN contacts ct ON ct.phone = r.phone
		LEFT JOIN conversations cv ON cv.channel_id = cp.channel_id AND cv.contact_id = ct.id
		WHERE r.campaign_id = ? AND r.state = 'pending' AND r.not_before <= ?
		ORDER BY r.not_before, r.id LIMIT ?`, campaignID, formatTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending recipients of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		r := Recipient{CampaignID: campaignID, State: RecipientPending}
		var blocked, optedOut bool
		var inbound, closed, entry sql.NullString
		if err := rows.Scan(&r.ID, &r.ContactID, &r.Phone, &r.WaID, &r.Name, &r.Columns, &blocked, &optedOut,
			&r.Facts.ChannelID, &r.Facts.ConversationID, &inbound, &closed, &entry); err != nil {
			return nil, fmt.Errorf("store: pending recipients of campaign %d: %w", campaignID, err)
		}
		switch {
		case blocked:
			r.SkipReason = SkipBlocked
		case optedOut:
			r.SkipReason = SkipOptedOut
		}
		r.Facts.Phone = r.Phone
		w, err := windowFrom(inbound, closed)
		if err != nil {
			return nil, fmt.Errorf("store: pending recipients of campaign %d: %w", campaignID, err)
		}
		r.Facts.LastInboundAt, r.Facts.ClosedAt = w.LastInboundAt, w.ClosedAt
		if entry.Valid && entry.String != "" {
			if r.Facts.EntryPointAt, err = parseTime(entry.String); err != nil {
				return nil, fmt.Errorf("store: pending recipients of campaign %d: entry_point_at: %w", campaignID, err)
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pending recipients of campaign %d: %w", campaignID, err)
	}
	rows.Close()
	return out, db.fillAttributes(ctx, out)
}

func (db *DB) fillAttributes(ctx context.Context, rs []Recipient) error {
	ids := make([]any, 0, len(rs))
	at := map[int64][]int{}
	for i, r := range rs {
		if r.ContactID != 0 {
			if _, ok := at[r.ContactID]; !ok {
				ids = append(ids, r.ContactID)
			}
			at[r.ContactID] = append(at[r.ContactID], i)
		}
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := db.R.QueryContext(ctx, `SELECT contact_id, name, value FROM contact_attributes WHERE contact_id IN (`+
			placeholders(len(chunk))+`)`, chunk...)
		if err != nil {
			return fmt.Errorf("store: contact attributes: %w", err)
		}
		for rows.Next() {
			var id int64
			var k, v string
			if err := rows.Scan(&id, &k, &v); err != nil {
				rows.Close()
				return fmt.Errorf("store: contact attributes: %w", err)
			}
			for _, i := range at[id] {
				if rs[i].Attributes == nil {
					rs[i].Attributes = map[string]string{}
				}
				rs[i].Attributes[k] = v
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: contact attributes: %w", err)
		}
	}
	return nil
}

// CampaignMessage is what the feeder decided for one pending recipient:
// skip it (SkipReason), or queue the message (Request and what the inbox
// shows).
type CampaignMessage struct {
	RecipientID int64
	SkipReason  string
	Type        string
	Text        string
	Payload     string
	Request     []byte
	// Price is the estimate of what the message costs (package costs),
	// stored with it as EnqueueOutbound stores an agent's.
	Price *MessagePrice
	// BusinessInitiated: the message starts a conversation (the
	// customer's window is closed), so it counts against the portfolio's
	// messaging limit.
	BusinessInitiated bool
}

// QueueCampaignMessages queues (or skips) pending recipients of a sending
// campaign, in one durable transaction. Each recipient is claimed with a
// conditional update (pending → queued), so a recipient is queued at most
// once however often this is called, by however many feeders; a campaign
// no longer sending queues nothing. A recipient who is not a contact yet
// becomes one, and gets a conversation with the campaign's number. Each
// message is stored as EnqueueOutbound stores an agent's: with its price
// estimate, and, when business-initiated and reach is set, counted against
// the portfolio's messaging limit in the same transaction. It returns the
// queued messages and how many recipients it claimed (queued or skipped).
//
// When reach refuses a recipient (the limit is reached), that recipient
// stays pending and the others are queued as usual (those already reached
// and those inside their window take no new place): they are committed
// and returned together with reach's refusal as the error.
func (db *DB) QueueCampaignMessages(ctx context.Context, campaignID int64, msgs []CampaignMessage, reach *ReachGuard) ([]OutboundMessage, int, error) {
	var out []OutboundMessage
	claimed := 0
	var refused error
	err := db.tx(ctx, func(tx *sql.Tx) error {
		out, claimed, refused = out[:0], 0, nil
		var channelID int64
		var phoneID, state string
		err := tx.QueryRowContext(ctx, `SELECT c.channel_id, ch.phone_number_id, c.state FROM campaigns c JOIN channels ch ON ch.id = c.channel_id
			WHERE c.id = ? AND ch.deleted_at IS NULL`, campaignID).Scan(&channelID, &phoneID, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if state != CampaignSending {
			return nil
		}
		nowT := time.Now()
		now := formatTime(nowT)
		// The portfolio's reach is counted once for the batch and kept up
		// to date as its messages are stored (one write transaction at a
		// time: nobody else changes it meanwhile).
		var reached int
		var frees time.Time
		var since time.Time
		counting := reach != nil && !reach.NoLimit
		if counting {
			if err := lockPortfolio(ctx, tx, reach.Portfolio); err != nil {
				return err
			}
			since = reach.At.Add(-reach.Window)
			var earliest time.Time
			if reached, earliest, err = portfolioReach(ctx, tx, reach.Portfolio, since); err != nil {
				return err
			}
			if !earliest.IsZero() {
				frees = earliest.Add(reach.Window)
			}
		}
		claim, err := tx.PrepareContext(ctx, `UPDATE campaign_recipients SET state = ?, skip_reason = ?, queued_at = ?
			WHERE id = ? AND campaign_id = ? AND state = 'pending' RETURNING phone, wa_id, name`)
		if err != nil {
			return err
		}
		defer claim.Close()
		for _, m := range msgs {
			counts := reach != nil && m.SkipReason == "" && m.BusinessInitiated
			var already bool
			if counts && counting {
				var waID string
				err := tx.QueryRowContext(ctx, `SELECT wa_id FROM campaign_recipients WHERE id = ? AND campaign_id = ? AND state = 'pending'`,
					m.RecipientID, campaignID).Scan(&waID)
				if errors.Is(err, sql.ErrNoRows) {
					continue // queued already, or no longer pending
				}
				if err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, reachedCustomer, reach.Portfolio, digitsOf(waID), formatTime(since)).Scan(&already); err != nil {
					return err
				}
				if reach.Decide != nil {
					if err := reach.Decide(reached, frees, already); err != nil {
						refused = err
						continue // stays pending; those who take no place still go
					}
				}
			}
			st := RecipientQueued
			if m.SkipReason != "" {
				st = RecipientSkipped
			}
			var phone, waID, name string
			err := claim.QueryRowContext(ctx, st, m.SkipReason, now, m.RecipientID, campaignID).Scan(&phone, &waID, &name)
			if errors.Is(err, sql.ErrNoRows) {
				continue // queued already, or no longer pending
			}
			if err != nil {
				return err
			}
			claimed++
			if st == RecipientSkipped {
				continue
			}
			contactID, err := ensureContact(ctx, tx, phone, waID, name, now)
			if err != nil {
				return err
			}
			convID, err := ensureConversation(ctx, tx, channelID, contactID, campaignID, now)
			if err != nil {
				return err
			}
			var msgID int64
			err = tx.QueryRowContext(ctx, `INSERT INTO messages (conversation_id, direction, type, text, payload, wa_timestamp,
				status, status_rank, created_at, campaign_id) VALUES (?, 'out', ?, ?, ?, ?, 'sending', ?, ?, ?) RETURNING id`,
				convID, m.Type, m.Text, nonEmpty(m.Payload, "{}"), now, StatusRank("sending"), now, campaignID).Scan(&msgID)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (message_id, channel_id, phone_number_id, recipient, request,
				next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				msgID, channelID, phoneID, waID, string(m.Request), now, now, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE campaign_recipients SET contact_id = ?, message_id = ? WHERE id = ?`,
				contactID, msgID, m.RecipientID); err != nil {
				return err
			}
			if counts {
				if _, err := tx.ExecContext(ctx, `INSERT INTO portfolio_reach (portfolio, channel_id, message_id, customer, reached_at)
					VALUES (?, ?, ?, ?, ?)`, reach.Portfolio, channelID, msgID, digitsOf(waID), formatTime(reach.At)); err != nil {
					return err
				}
				if !already {
					reached++
					if frees.IsZero() {
						frees = reach.At.Add(reach.Window)
					}
				}
			}
			if m.Price != nil {
				if err := insertMessagePrice(ctx, tx, msgID, convID, channelID, nowT, *m.Price); err != nil {
					return err
				}
			}
			out = append(out, OutboundMessage{MessageID: msgID, ConversationID: convID, ChannelID: channelID, Status: "sending"})
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: queue %d messages of campaign %d: %w", len(msgs), campaignID, err)
	}
	if refused != nil {
		return out, claimed, refused
	}
	return out, claimed, nil
}

func ensureContact(ctx context.Context, tx *sql.Tx, phone, waID, name, now string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO contacts (phone, wa_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (phone) DO UPDATE SET updated_at = contacts.updated_at RETURNING id`, phone, waID, name, now, now).Scan(&id)
	return id, err
}

func ensureConversation(ctx context.Context, tx *sql.Tx, channelID, contactID, campaignID int64, now string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO conversations (channel_id, contact_id, department_id, last_message_at, created_at,
		updated_at, campaign_id) VALUES (?, ?, (SELECT department_id FROM channels WHERE id = ?), ?, ?, ?, ?)
		ON CONFLICT (channel_id, contact_id) DO UPDATE SET campaign_id = excluded.campaign_id, updated_at = excluded.updated_at,
			last_message_at = excluded.last_message_at
		RETURNING id`, channelID, contactID, channelID, now, now, now, campaignID).Scan(&id)
	return id, err
}

// FinishCampaign marks a sending campaign done when nothing of it is left
// to queue or in the outbox's hands; it reports whether it did.
func (db *DB) FinishCampaign(ctx context.Context, campaignID int64) (bool, error) {
	now := formatTime(time.Now())
	res, err := db.W.ExecContext(ctx, `UPDATE campaigns SET state = 'done', finished_at = ?, updated_at = ?
		WHERE id = ? AND state = 'sending'
		AND NOT EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = campaigns.id AND r.state = 'pending')
		AND NOT EXISTS (SELECT 1 FROM campaign_recipients r JOIN outbox o ON o.message_id = r.message_id
			WHERE r.campaign_id = campaigns.id AND r.state = 'queued' AND o.state IN ('queued', 'attempting'))`, now, now, campaignID)
	if err != nil {
		return false, fmt.Errorf("store: finish campaign %d: %w", campaignID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// PauseCampaign stops feeding a scheduled or sending campaign and takes
// back out of the outbox its messages the sender has not claimed yet
// (their recipients are pending again). Messages being handed to the
// provider at that moment go on. It returns how many were taken back.
func (db *DB) PauseCampaign(ctx context.Context, campaignID int64) (int, error) {
	return db.stopCampaign(ctx, campaignID, CampaignPaused, RecipientPending)
}

// CancelCampaign stops a campaign for good: like PauseCampaign, and every
// recipient not queued yet is marked cancelled.
func (db *DB) CancelCampaign(ctx context.Context, campaignID int64) (int, error) {
	return db.stopCampaign(ctx, campaignID, CampaignCancelled, RecipientCancelled)
}

func (db *DB) stopCampaign(ctx context.Context, campaignID int64, to, recipients string) (int, error) {
	taken := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		taken = 0
		now := formatTime(time.Now())
		from := `('scheduled', 'sending')`
		if to == CampaignCancelled {
			from = `('draft', 'scheduled', 'sending', 'paused')`
		}
		res, err := tx.ExecContext(ctx, `UPDATE campaigns SET state = ?, updated_at = ?, finished_at = CASE WHEN ? THEN ? END
			WHERE id = ? AND state IN `+from, to, now, to == CampaignCancelled, now, campaignID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrCampaignState
		}
		// Take back what the sender has not claimed: the outbox row still
		// queued. A row the sender marked attempting stays and is sent.
		rows, err := tx.QueryContext(ctx, `DELETE FROM outbox WHERE state = 'queued' AND message_id IN
			(SELECT message_id FROM campaign_recipients WHERE campaign_id = ? AND state = 'queued') RETURNING message_id`, campaignID)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE campaign_recipients SET state = ?, message_id = NULL, queued_at = NULL
				WHERE message_id = ?`, recipients, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE id = ?`, id); err != nil {
				return err
			}
		}
		taken = len(ids)
		if to == CampaignCancelled {
			_, err = tx.ExecContext(ctx, `UPDATE campaign_recipients SET state = 'cancelled' WHERE campaign_id = ? AND state = 'pending'`, campaignID)
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: %s campaign %d: %w", to, campaignID, err)
	}
	return taken, nil
}

// ResumeCampaign sends a paused campaign again.
func (db *DB) ResumeCampaign(ctx context.Context, campaignID int64) error {
	res, err := db.W.ExecContext(ctx, `UPDATE campaigns SET state = 'sending', updated_at = ? WHERE id = ? AND state = 'paused'`,
		formatTime(time.Now()), campaignID)
	if err == nil {
		if n, _ := res.RowsAffected(); n != 1 {
			err = ErrCampaignState
		}
	}
	if err != nil {
		return fmt.Errorf("store: resume campaign %d: %w", campaignID, err)
	}
	return nil
}

// RetryCampaignFailures queues again the campaign's messages that failed
// without the provider accepting them (no wamid), and sends the campaign
// again if it had finished. It returns the messages queued.
func (db *DB) RetryCampaignFailures(ctx context.Context, campaignID int64) ([]OutboundMessage, error) {
	var out []OutboundMessage
	err := db.tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		now := formatTime(time.Now())
		rows, err := tx.QueryContext(ctx, `UPDATE outbox SET state = 'queued', next_attempt_at = ?, attempt_id = '', updated_at = ?
			WHERE state IN ('failed', 'unknown') AND wamid IS NULL AND message_id IN
				(SELECT message_id FROM campaign_recipients WHERE campaign_id = ? AND state = 'queued')
			RETURNING message_id`, now, now, campaignID)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			m := OutboundMessage{MessageID: id, Status: "sending"}
			if err := tx.QueryRowContext(ctx, `UPDATE messages SET status = 'sending', status_rank = ?, failure_reason = '', failure_code = 0
				WHERE id = ? RETURNING conversation_id, (SELECT channel_id FROM conversations c WHERE c.id = conversation_id)`,
				StatusRank("sending"), id).Scan(&m.ConversationID, &m.ChannelID); err != nil {
				return err
			}
			out = append(out, m)
		}
		if len(ids) > 0 {
			_, err = tx.ExecContext(ctx, `UPDATE campaigns SET state = 'sending', finished_at = NULL, updated_at = ? WHERE id = ? AND state = 'done'`,
				now, campaignID)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: retry failures of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

// CampaignReport counts what became of a campaign's recipients.
type CampaignReport struct {
	Recipients int // not skipped
	Pending    int
	Skipped    int
	OptedOut   int // skipped for opting out
	Blocked    int
	Cancelled  int
	// By the message's status.
	Sending, Sent, Delivered, Read, Failed int
	// Replied: recipients who wrote to the number after the campaign's
	// message reached them.
	Replied int
	// OptedOutAfter: recipients who opted out of marketing after their
	// message was queued.
	OptedOutAfter int
	// Billed counts messages the provider reported as billable, by
	// pricing category (from status webhooks' pricing, where known).
	Billed map[string]int
}

// CampaignReportOf counts a campaign's recipients by outcome.
func (db *DB) CampaignReportOf(ctx context.Context, campaignID int64) (CampaignReport, error) {
	var r CampaignReport
	err := db.R.QueryRowContext(ctx, `SELECT
		COUNT(*) FILTER (WHERE r.state <> 'skipped'),
		COUNT(*) FILTER (WHERE r.state = 'pending'),
		COUNT(*) FILTER (WHERE r.state = 'skipped'),
		COUNT(*) FILTER (WHERE r.skip_reason = 'opted_out'),
		COUNT(*) FILTER (WHERE r.skip_reason = 'blocked'),
		COUNT(*) FILTER (WHERE r.state = 'cancelled'),
		COUNT(*) FILTER (WHERE m.status = 'sending'),
		COUNT(*) FILTER (WHERE m.status = 'sent'),
		COUNT(*) FILTER (WHERE m.status = 'delivered'),
		COUNT(*) FILTER (WHERE m.status = 'read'),
		COUNT(*) FILTER (WHERE m.status = 'failed'),
		COUNT(*) FILTER (WHERE m.id IS NOT NULL AND EXISTS (SELECT 1 FROM messages i WHERE i.conversation_id = m.conversation_id
			AND i.direction = 'in' AND i.id > m.id)),
		COUNT(*) FILTER (WHERE r.queued_at IS NOT NULL AND ct.marketing_opted_out_at >= r.queued_at)
		FROM campaign_recipients r LEFT JOIN messages m ON m.id = r.message_id LEFT JOIN contacts ct ON ct.id = r.contact_id
		WHERE r.campaign_id = ?`, campaignID).Scan(&r.Recipients, &r.Pending, &r.Skipped, &r.OptedOut, &r.Blocked, &r.Cancelled,
		&r.Sending, &r.Sent, &r.Delivered, &r.Read, &r.Failed, &r.Replied, &r.OptedOutAfter)
	if err != nil {
		return CampaignReport{}, fmt.Errorf("store: report of campaign %d: %w", campaignID, err)
	}
	return r, nil
}

// CampaignCost is what a campaign's messages cost in one currency: the
// sum of each message's price (the provider's pricing where reported, the
// estimate stored when it was queued otherwise; failed messages cost
// nothing).
type CampaignCost struct {
	Currency string
	Micros   int64
	// Billable counts the messages that cost something; Priced all with
	// a price; Reported those whose price the provider reported.
	Billable, Priced, Reported int
}

// CampaignCostOf sums the prices of a campaign's messages, by currency.
func (db *DB) CampaignCostOf(ctx context.Context, campaignID int64) ([]CampaignCost, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT p.currency,
		COALESCE(SUM(CASE WHEN p.billable = TRUE AND p.failed = FALSE THEN p.micros ELSE 0 END), 0),
		COUNT(*) FILTER (WHERE p.billable = TRUE AND p.failed = FALSE),
		COUNT(*) FILTER (WHERE p.failed = FALSE),
		COUNT(*) FILTER (WHERE p.reported = TRUE AND p.failed = FALSE)
		FROM campaign_recipients r JOIN message_pricing p ON p.message_id = r.message_id
		WHERE r.campaign_id = ? GROUP BY p.currency ORDER BY p.currency`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("store: cost of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	var out []CampaignCost
	for rows.Next() {
		var c CampaignCost
		if err := rows.Scan(&c.Currency, &c.Micros, &c.Billable, &c.Priced, &c.Reported); err != nil {
			return nil, fmt.Errorf("store: cost of campaign %d: %w", campaignID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cost of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

// RecipientFilter pages through a campaign's recipients.
type RecipientFilter struct {
	// Status: "" (all), a recipient state (pending, skipped, cancelled)
	// or a message status (sending, sent, delivered, read, failed).
	Status string
	Limit  int
	Offset int
}

// CampaignRecipients returns a page of a campaign's recipients in order.
func (db *DB) CampaignRecipients(ctx context.Context, campaignID int64, f RecipientFilter) ([]Recipient, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	where := ""
	args := []any{campaignID}
	switch f.Status {
	case "":
	case RecipientPending, RecipientSkipped, RecipientCancelled:
		where = " AND r.state = ?"
		args = append(args, f.Status)
	default:
		where = " AND m.status = ?"
		args = append(args, f.Status)
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := db.R.QueryContext(ctx, `SELECT r.id, COALESCE(r.contact_id, 0), r.phone, r.wa_id, COALESCE(NULLIF(r.name, ''), ct.name, ''),
		r.columns, r.state, r.skip_reason, r.not_before, COALESCE(r.message_id, 0), COALESCE(m.status, ''), COALESCE(m.failure_reason, ''),
		COALESCE(m.conversation_id, 0), p.message_id IS NOT NULL, COALESCE(p.micros, 0), COALESCE(p.currency, ''),
		COALESCE(p.billable, FALSE), COALESCE(p.reported, FALSE), COALESCE(p.failed, FALSE)
		FROM campaign_recipients r LEFT JOIN messages m ON m.id = r.message_id LEFT JOIN contacts ct ON ct.id = r.contact_id
		LEFT JOIN message_pricing p ON p.message_id = r.message_id
		WHERE r.campaign_id = ?`+where+` ORDER BY r.id LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: recipients of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		r := Recipient{CampaignID: campaignID}
		var nb string
		var priced bool
		var c RecipientCost
		if err := rows.Scan(&r.ID, &r.ContactID, &r.Phone, &r.WaID, &r.Name, &r.Columns, &r.State, &r.SkipReason, &nb,
			&r.MessageID, &r.Status, &r.FailureReason, &r.ConversationID, &priced, &c.Micros, &c.Currency, &c.Billable,
			&c.Reported, &c.Failed); err != nil {
			return nil, fmt.Errorf("store: recipients of campaign %d: %w", campaignID, err)
		}
		if priced {
			r.Cost = &c
		}
		if r.NotBefore, err = parseTime(nb); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recipients of campaign %d: %w", campaignID, err)
	}
	rows.Close()
	return out, db.fillAttributes(ctx, out)
}

// ConversationCampaign returns the name and ID of the last campaign that
// reached a conversation (0 and "" when none did).
func (db *DB) ConversationCampaign(ctx context.Context, conversationID int64) (int64, string, error) {
	var id int64
	var name string
	err := db.R.QueryRowContext(ctx, `SELECT cp.id, cp.name FROM conversations c JOIN campaigns cp ON cp.id = c.campaign_id
		WHERE c.id = ?`, conversationID).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("store: campaign of conversation %d: %w", conversationID, err)
	}
	return id, name, nil
}

// TemplateRecipientsSince counts the distinct customers a channel started
// business-initiated conversations with (template messages accepted or
// on their way) since a time: what Meta's messaging limit counts.
func (db *DB) TemplateRecipientsSince(ctx context.Context, channelID int64, since time.Time) (int, error) {
	var n int
	err := db.R.QueryRowContext(ctx, `SELECT COUNT(DISTINCT c.contact_id) FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE c.channel_id = ? AND m.direction = 'out' AND m.type = 'template' AND m.status <> 'failed' AND m.created_at >= ?`,
		channelID, formatTime(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: template recipients of channel %d: %w", channelID, err)
	}
	return n, nil
}

// ChannelThroughput returns the messages per second a number may send
// (0 when the number is unknown).
func (db *DB) ChannelThroughput(ctx context.Context, phoneNumberID string) (int, error) {
	var n int
	err := db.R.QueryRowContext(ctx, `SELECT throughput FROM channels WHERE phone_number_id = ? AND deleted_at IS NULL
		ORDER BY id DESC LIMIT 1`, phoneNumberID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: throughput of %s: %w", phoneNumberID, err)
	}
	return n, nil
}

// SetChannelThroughput records a number's throughput (80 or 1,000 messages
// per second).
func (db *DB) SetChannelThroughput(ctx context.Context, channelID int64, perSecond int) error {
	res, err := db.W.ExecContext(ctx, `UPDATE channels SET throughput = ? WHERE id = ?`, perSecond, channelID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: throughput of channel %d: %w", channelID, err)
	}
	return nil
}
