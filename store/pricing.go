package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// dayLayout is how days (UTC) are written in the pricing tables.
const dayLayout = "2006-01-02"

// RateRow is one row of the rate card (see migrations/0130_pricing.sql).
type RateRow struct {
	ID            int64
	Market        string
	Category      string
	EffectiveFrom time.Time // a day, UTC
	TierFrom      int
	PriceMicros   int64
	Currency      string
	Source        string
	Example       bool
	UpdatedAt     time.Time
}

// ListRates returns the whole rate card, by market, category, date and tier.
func (db *DB) ListRates(ctx context.Context) ([]RateRow, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, market, category, effective_from, tier_from, price_micros, currency,
		source, example, updated_at FROM rate_card ORDER BY market, category, effective_from, tier_from`)
	if err != nil {
		return nil, fmt.Errorf("store: list rates: %w", err)
	}
	defer rows.Close()
	var out []RateRow
	for rows.Next() {
		var r RateRow
		var from, updated string
		if err := rows.Scan(&r.ID, &r.Market, &r.Category, &from, &r.TierFrom, &r.PriceMicros, &r.Currency,
			&r.Source, &r.Example, &updated); err != nil {
			return nil, fmt.Errorf("store: list rates: %w", err)
		}
		if r.EffectiveFrom, err = time.Parse(dayLayout, from); err != nil {
			return nil, fmt.Errorf("store: list rates: effective_from %q: %w", from, err)
		}
		if r.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, fmt.Errorf("store: list rates: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list rates: %w", err)
	}
	return out, nil
}

// SaveRates adds rate rows, or replaces the price, currency and source of a
// row with the same market, category, date and tier, all in one
// transaction. A saved row is no longer an example.
func (db *DB) SaveRates(ctx context.Context, rates []RateRow) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(time.Now())
		for _, r := range rates {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rate_card (market, category, effective_from, tier_from, price_micros,
				currency, source, example, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, ?)
				ON CONFLICT (market, category, effective_from, tier_from) DO UPDATE SET
					price_micros = excluded.price_micros, currency = excluded.currency, source = excluded.source,
					example = FALSE, updated_at = excluded.updated_at`,
				r.Market, r.Category, r.EffectiveFrom.UTC().Format(dayLayout), r.TierFrom, r.PriceMicros, r.Currency,
				r.Source, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save %d rates: %w", len(rates), err)
	}
	return nil
}

// DeleteRate removes a rate row.
func (db *DB) DeleteRate(ctx context.Context, id int64) error {
	res, err := db.W.ExecContext(ctx, `DELETE FROM rate_card WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete rate %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// MessagePrice is the estimate of an outbound message's price, made when it
// is queued (see outbox.Enqueue).
type MessagePrice struct {
	Market     string
	Category   string
	Type       string
	Billable   bool
	Micros     int64
	Currency   string
	RateSource string
}

// insertMessagePrice stores a new outbound message's estimate and counts it
// in the daily rollup.
func insertMessagePrice(ctx context.Context, tx *sql.Tx, messageID, conversationID, channelID int64, at time.Time, p MessagePrice) error {
	day := at.UTC().Format(dayLayout)
	if _, err := tx.ExecContext(ctx, `INSERT INTO message_pricing (message_id, conversation_id, channel_id, sent_at, day, market,
		est_category, est_type, est_billable, est_micros, category, pricing_type, billable, micros, currency, rate_source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		messageID, conversationID, channelID, formatTime(at), day, p.Market, p.Category, p.Type, p.Billable, p.Micros,
		p.Category, p.Type, p.Billable, p.Micros, p.Currency, p.RateSource); err != nil {
		return fmt.Errorf("price of message %d: %w", messageID, err)
	}
	return addDaily(ctx, tx, dailyKey{day, channelID, p.Market, p.Category, p.Type, p.Currency}, 1, p.Billable, p.Micros)
}

type dailyKey struct {
	day       string
	channelID int64
	market    string
	category  string
	typ       string
	currency  string
}

// addDaily adds (sign 1) or takes away (sign -1) one message from the
// daily rollup.
func addDaily(ctx context.Context, tx *sql.Tx, k dailyKey, sign int64, billable bool, micros int64) error {
	var b int64
	if billable {
		b = sign
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO pricing_daily (day, channel_id, market, category, pricing_type, currency,
		messages, billable, micros) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (day, market, category, pricing_type, currency, channel_id) DO UPDATE SET
			messages = pricing_daily.messages + excluded.messages,
			billable = pricing_daily.billable + excluded.billable,
			micros = pricing_daily.micros + excluded.micros`,
		k.day, k.channelID, k.market, k.category, k.typ, k.currency, sign, b, sign*micros); err != nil {
		return fmt.Errorf("daily pricing rollup: %w", err)
	}
	return nil
}

// markReprice flags the outbound message wamid for the pricer: its
// provider reported its pricing, or it failed.
func markReprice(ctx context.Context, tx *sql.Tx, wamid string) error {
	_, err := tx.ExecContext(ctx, `UPDATE message_pricing SET reprice = TRUE
		WHERE message_id = (SELECT id FROM messages WHERE wamid = ? AND direction = 'out') AND reprice = FALSE`, wamid)
	return err
}

// PricingFacts are what the engine needs to know about a conversation to
// price a message in it (see pricing.Input).
type PricingFacts struct {
	ConversationID int64
	ChannelID      int64
	// Phone is the customer's number (E.164), or their BSUID when no number is known.
	Phone         string
	LastInboundAt time.Time
	ClosedAt      *time.Time
	// EntryPointAt is the customer's latest message from an ad or a Page
	// button (zero without one).
	EntryPointAt time.Time
}

// PricingFactsOf returns the pricing facts of a conversation.
func (db *DB) PricingFactsOf(ctx context.Context, conversationID int64) (PricingFacts, error) {
	f := PricingFacts{ConversationID: conversationID}
	var inbound, closed, entry sql.NullString
	err := db.R.QueryRowContext(ctx, `SELECT c.channel_id, ct.phone, c.last_inbound_at, c.window_closed_at, c.entry_point_at
		FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = ?`, conversationID).
		Scan(&f.ChannelID, &f.Phone, &inbound, &closed, &entry)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return PricingFacts{}, fmt.Errorf("store: pricing facts of conversation %d: %w", conversationID, err)
	}
	w, err := windowFrom(inbound, closed)
	if err != nil {
		return PricingFacts{}, fmt.Errorf("store: pricing facts of conversation %d: %w", conversationID, err)
	}
	f.LastInboundAt, f.ClosedAt = w.LastInboundAt, w.ClosedAt
	if entry.Valid && entry.String != "" {
		if f.EntryPointAt, err = parseTime(entry.String); err != nil {
			return PricingFacts{}, fmt.Errorf("store: pricing facts of conversation %d: entry_point_at: %w", conversationID, err)
		}
	}
	return f, nil
}

// BilledInMonth counts the messages of market and category billed from
// the start of the month (UTC) until before day (a volume tier's count),
// over all channels (Meta counts per business account; wadesk's channels
// usually share one).
func (db *DB) BilledInMonth(ctx context.Context, market, category string, monthStart, at time.Time) (int, error) {
	var n int
	err := db.R.QueryRowContext(ctx, `SELECT COALESCE(SUM(billable), 0) FROM pricing_daily
		WHERE day >= ? AND day <= ? AND market = ? AND category = ?`,
		monthStart.UTC().Format(dayLayout), at.UTC().Format(dayLayout), market, category).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: billed %s %s this month: %w", market, category, err)
	}
	return n, nil
}

// portfolioChannels is a subquery of the ids of every channel in the
// same business portfolio as the channel whose id is its one parameter
// (see PortfolioKey: the business id, else the WhatsApp Business Account).
const portfolioChannels = `SELECT c.id FROM channels c JOIN channels me ON me.id = ?
	WHERE c.id = me.id
	OR (TRIM(me.business_id) <> '' AND TRIM(c.business_id) = TRIM(me.business_id))
	OR (TRIM(me.business_id) = '' AND TRIM(c.business_id) = '' AND me.waba_id <> '' AND c.waba_id = me.waba_id)`

// BilledInPortfolioMonth is BilledInMonth counted over the channels of
// channelID's business portfolio only: Meta counts volume tiers per
// portfolio, market and category, not across every business wadesk hosts.
func (db *DB) BilledInPortfolioMonth(ctx context.Context, channelID int64, market, category string, monthStart, at time.Time) (int, error) {
	var n int
	err := db.R.QueryRowContext(ctx, `SELECT COALESCE(SUM(d.billable), 0) FROM pricing_daily d
		WHERE d.day >= ? AND d.day <= ? AND d.market = ? AND d.category = ? AND d.channel_id IN (`+portfolioChannels+`)`,
		monthStart.UTC().Format(dayLayout), at.UTC().Format(dayLayout), market, category, channelID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: billed %s %s this month by the portfolio of channel %d: %w", market, category, channelID, err)
	}
	return n, nil
}

// PortfolioVolumeTiers returns the volume tiers the provider reported for
// month (YYYY-MM) and category (any case) to the accounts of channelID's
// business portfolio (account_update VOLUME_BASED_PRICING_TIER_UPDATE).
func (db *DB) PortfolioVolumeTiers(ctx context.Context, channelID int64, month, category string) ([]VolumeTier, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT v.waba_id, v.region, v.tier, v.tier_update_time FROM volume_tiers v
		WHERE v.effective_month = ? AND v.pricing_category = ? AND v.waba_id IN (
			SELECT ch.waba_id FROM channels ch WHERE ch.id IN (`+portfolioChannels+`))
		ORDER BY v.region, v.waba_id`, month, strings.ToUpper(category), channelID)
	if err != nil {
		return nil, fmt.Errorf("store: volume tiers of channel %d's portfolio: %w", channelID, err)
	}
	defer rows.Close()
	var out []VolumeTier
	for rows.Next() {
		v := VolumeTier{EffectiveMonth: month, PricingCategory: strings.ToUpper(category)}
		var at string
		if err := rows.Scan(&v.WABAID, &v.Region, &v.Tier, &at); err != nil {
			return nil, fmt.Errorf("store: volume tiers of channel %d's portfolio: %w", channelID, err)
		}
		if v.TierUpdateTime, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("store: volume tiers of channel %d's portfolio: %w", channelID, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ConversationOpenFor reports whether a message of category was billed in
// the conversation during the 24 hours before at (the conversation model:
// it opened a conversation that is still open).
func (db *DB) ConversationOpenFor(ctx context.Context, conversationID int64, category string, at time.Time) (bool, error) {
	var open bool
	err := db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM message_pricing WHERE conversation_id = ?
		AND sent_at > ? AND sent_at <= ? AND category = ? AND billable = TRUE AND failed = FALSE)`,
		conversationID, formatTime(at.Add(-24*time.Hour)), formatTime(at), category).Scan(&open)
	if err != nil {
		return false, fmt.Errorf("store: open conversation of %d: %w", conversationID, err)
	}
	return open, nil
}

// RepriceJob is an outbound message whose provider reported its pricing
// (or which failed), for the pricer to price again.
type RepriceJob struct {
	MessageID      int64
	ConversationID int64
	ChannelID      int64
	SentAt         time.Time
	Market         string
	Phone          string
	// Estimate: the category estimated when it was queued.
	EstCategory string
	Failed      bool
	// The latest reported pricing (empty when none was reported).
	Model    string
	Category string
	Type     string
	Billable bool
	// Current is what the row says now (its rollup contribution).
	Current MessagePrice
}

// RepriceDue returns up to limit messages flagged for the pricer.
func (db *DB) RepriceDue(ctx context.Context, limit int) ([]RepriceJob, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT p.message_id, p.conversation_id, p.channel_id, p.sent_at, p.market, ct.phone,
		p.est_category, m.status = 'failed', p.category, p.pricing_type, p.billable, p.micros, p.currency, p.rate_source,
		COALESCE((SELECT s.pricing_model FROM message_statuses s WHERE s.wamid = m.wamid AND (s.pricing_category <> '' OR s.pricing_type <> '') ORDER BY s.rank DESC LIMIT 1), ''),
		COALESCE((SELECT s.pricing_category FROM message_statuses s WHERE s.wamid = m.wamid AND (s.pricing_category <> '' OR s.pricing_type <> '') ORDER BY s.rank DESC LIMIT 1), ''),
		COALESCE((SELECT s.pricing_type FROM message_statuses s WHERE s.wamid = m.wamid AND (s.pricing_category <> '' OR s.pricing_type <> '') ORDER BY s.rank DESC LIMIT 1), ''),
		COALESCE((SELECT s.billable FROM message_statuses s WHERE s.wamid = m.wamid AND (s.pricing_category <> '' OR s.pricing_type <> '') ORDER BY s.rank DESC LIMIT 1), FALSE)
		FROM message_pricing p JOIN messages m ON m.id = p.message_id
		JOIN conversations c ON c.id = p.conversation_id JOIN contacts ct ON ct.id = c.contact_id
		WHERE p.reprice = TRUE ORDER BY p.message_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: messages to price again: %w", err)
	}
	defer rows.Close()
	var out []RepriceJob
	for rows.Next() {
		var j RepriceJob
		var sent string
		if err := rows.Scan(&j.MessageID, &j.ConversationID, &j.ChannelID, &sent, &j.Market, &j.Phone, &j.EstCategory, &j.Failed,
			&j.Current.Category, &j.Current.Type, &j.Current.Billable, &j.Current.Micros, &j.Current.Currency, &j.Current.RateSource,
			&j.Model, &j.Category, &j.Type, &j.Billable); err != nil {
			return nil, fmt.Errorf("store: messages to price again: %w", err)
		}
		if j.SentAt, err = parseTime(sent); err != nil {
			return nil, fmt.Errorf("store: messages to price again: %w", err)
		}
		j.Current.Market = j.Market
		out = append(out, j)
	}
	return out, rows.Err()
}

// Repriced is the pricer's verdict on a RepriceJob.
type Repriced struct {
	Job      RepriceJob
	Price    MessagePrice
	Model    string
	Reported bool
}

// SaveRepriced writes the pricer's verdicts and moves each message's
// contribution in the daily rollup, in one transaction. A row flagged
// again meanwhile (another report came) stays flagged.
func (db *DB) SaveRepriced(ctx context.Context, rs []Repriced) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range rs {
			j := r.Job
			var cur MessagePrice
			var failed bool
			var day string
			err := tx.QueryRowContext(ctx, `UPDATE message_pricing SET reprice = FALSE WHERE message_id = ? AND reprice = TRUE
				RETURNING category, pricing_type, billable, micros, currency, failed, day`, j.MessageID).
				Scan(&cur.Category, &cur.Type, &cur.Billable, &cur.Micros, &cur.Currency, &failed, &day)
			if errors.Is(err, sql.ErrNoRows) {
				continue // priced by someone else
			}
			if err != nil {
				return err
			}
			if !failed {
				if err := addDaily(ctx, tx, dailyKey{day, j.ChannelID, j.Market, cur.Category, cur.Type, cur.Currency}, -1, cur.Billable, cur.Micros); err != nil {
					return err
				}
			}
			p := r.Price
			if _, err := tx.ExecContext(ctx, `UPDATE message_pricing SET category = ?, pricing_type = ?, pricing_model = ?, billable = ?,
				micros = ?, currency = ?, rate_source = ?, reported = ?, failed = ? WHERE message_id = ?`,
				p.Category, p.Type, r.Model, p.Billable, p.Micros, p.Currency, p.RateSource, r.Reported, j.Failed, j.MessageID); err != nil {
				return err
			}
			if !j.Failed {
				if err := addDaily(ctx, tx, dailyKey{day, j.ChannelID, j.Market, p.Category, p.Type, p.Currency}, 1, p.Billable, p.Micros); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save %d prices: %w", len(rs), err)
	}
	return nil
}

// MessagePricing is what is known of an outbound message's price.
type MessagePricing struct {
	MessageID   int64
	Market      string
	EstCategory string
	EstType     string
	EstBillable bool
	EstMicros   int64
	Category    string
	Type        string
	Model       string
	Billable    bool
	Micros      int64
	Currency    string
	RateSource  string
	Reported    bool
	Failed      bool
	Pending     bool
}

// PricingOf returns an outbound message's pricing row.
func (db *DB) PricingOf(ctx context.Context, messageID int64) (MessagePricing, error) {
	p := MessagePricing{MessageID: messageID}
	err := db.R.QueryRowContext(ctx, `SELECT market, est_category, est_type, est_billable, est_micros, category, pricing_type,
		pricing_model, billable, micros, currency, rate_source, reported, failed, reprice FROM message_pricing WHERE message_id = ?`,
		messageID).Scan(&p.Market, &p.EstCategory, &p.EstType, &p.EstBillable, &p.EstMicros, &p.Category, &p.Type, &p.Model,
		&p.Billable, &p.Micros, &p.Currency, &p.RateSource, &p.Reported, &p.Failed, &p.Pending)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return MessagePricing{}, fmt.Errorf("store: pricing of message %d: %w", messageID, err)
	}
	return p, nil
}

// SpendTotal is a spend in one currency.
type SpendTotal struct {
	Currency string
	Micros   int64
	Billable int
}

// ChannelSpend sums what a channel's messages of one category (or all,
// when category is "") cost from since (a day, UTC) to the end of until's day.
func (db *DB) ChannelSpend(ctx context.Context, channelID int64, category string, since, until time.Time) ([]SpendTotal, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT currency, COALESCE(SUM(micros), 0), COALESCE(SUM(billable), 0) FROM pricing_daily
		WHERE channel_id = ? AND day >= ? AND day <= ? AND (? = '' OR category = ?) AND currency <> ''
		GROUP BY currency ORDER BY currency`,
		channelID, since.UTC().Format(dayLayout), until.UTC().Format(dayLayout), category, category)
	if err != nil {
		return nil, fmt.Errorf("store: spend of channel %d: %w", channelID, err)
	}
	defer rows.Close()
	var out []SpendTotal
	for rows.Next() {
		var s SpendTotal
		if err := rows.Scan(&s.Currency, &s.Micros, &s.Billable); err != nil {
			return nil, fmt.Errorf("store: spend of channel %d: %w", channelID, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DailyPricing is one row of the daily rollup.
type DailyPricing struct {
	Day       time.Time
	ChannelID int64
	Market    string
	Category  string
	Type      string
	Currency  string
	Messages  int
	Billable  int
	Micros    int64
}

// PricingDays returns the rollup from since to until (days, UTC,
// inclusive), for one channel or all (channelID 0), summed over channels.
func (db *DB) PricingDays(ctx context.Context, channelID int64, since, until time.Time) ([]DailyPricing, error) {
	// All channels: summed in the primary key's order. One channel: its
	// own index, then grouped.
	where, args := `day >= ? AND day <= ?`, []any{since.UTC().Format(dayLayout), until.UTC().Format(dayLayout)}
	if channelID != 0 {
		where = `channel_id = ? AND ` + where
		args = append([]any{channelID}, args...)
	}
	rows, err := db.R.QueryContext(ctx, `SELECT day, market, category, pricing_type, currency, SUM(messages), SUM(billable), SUM(micros)
		FROM pricing_daily WHERE `+where+`
		GROUP BY day, market, category, pricing_type, currency
		HAVING SUM(messages) <> 0 OR SUM(billable) <> 0 OR SUM(micros) <> 0
		ORDER BY day, market, category, pricing_type, currency`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: daily pricing: %w", err)
	}
	defer rows.Close()
	var out []DailyPricing
	var day, lastDay string
	var at time.Time
	for rows.Next() {
		var d DailyPricing
		if err := rows.Scan(&day, &d.Market, &d.Category, &d.Type, &d.Currency, &d.Messages, &d.Billable, &d.Micros); err != nil {
			return nil, fmt.Errorf("store: daily pricing: %w", err)
		}
		if day != lastDay {
			if at, err = time.Parse(dayLayout, day); err != nil {
				return nil, fmt.Errorf("store: daily pricing: day %q: %w", day, err)
			}
			lastDay = day
		}
		d.Day = at
		d.ChannelID = channelID
		out = append(out, d)
	}
	return out, rows.Err()
}

// TemplateCategory returns the category of a channel's template by name and
// language as the provider reported it ("" when the template is unknown).
func (db *DB) TemplateCategory(ctx context.Context, channelID int64, name, language string) (string, error) {
	var c string
	err := db.R.QueryRowContext(ctx, `SELECT category FROM message_templates WHERE channel_id = ? AND name = ? AND language = ?
		ORDER BY id LIMIT 1`, channelID, name, language).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: category of template %s (%s): %w", name, language, err)
	}
	return c, nil
}

// ChannelProvider returns a channel's provider id.
func (db *DB) ChannelProvider(ctx context.Context, channelID int64) (string, error) {
	var p string
	err := db.R.QueryRowContext(ctx, `SELECT provider FROM channels WHERE id = ?`, channelID).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: provider of channel %d: %w", channelID, err)
	}
	return p, nil
}

// ConversationWithPhone returns the conversation of a channel with the contact
// whose number (E.164) is phone; ErrNotFound when there is none.
func (db *DB) ConversationWithPhone(ctx context.Context, channelID int64, phone string) (int64, error) {
	var id int64
	err := db.R.QueryRowContext(ctx, `SELECT c.id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
		WHERE c.channel_id = ? AND ct.phone = ?`, channelID, phone).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: conversation of channel %d with %s: %w", channelID, phone, err)
	}
	return id, nil
}

// RebuildPricingDaily computes the daily rollup again from message_pricing
// (a repair, and how a bulk load is summed): the rollup kept by every write
// equals what this computes (see the store tests).
func (db *DB) RebuildPricingDaily(ctx context.Context) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM pricing_daily`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO pricing_daily (day, channel_id, market, category, pricing_type, currency,
			messages, billable, micros)
			SELECT day, channel_id, market, category, pricing_type, currency, COUNT(*),
				COUNT(*) FILTER (WHERE billable = TRUE), COALESCE(SUM(micros), 0)
			FROM message_pricing WHERE failed = FALSE
			GROUP BY day, channel_id, market, category, pricing_type, currency`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: rebuild the daily pricing rollup: %w", err)
	}
	return nil
}

// DemoHistoryChannel is the channel id under which the demo's sample
// traffic is summed: the demo starts before any number is connected, so
// the samples have a channel of their own, which the dashboard's channel
// filter names as the demo's sample history (no real channel has a
// negative id). Real channels' filters show their own messages only.
const DemoHistoryChannel = -1

// legacyDemoHistoryChannel is where older demos filed the samples.
const legacyDemoHistoryChannel = 0

// HasDemoPricing reports whether the rollup holds the demo's samples.
func (db *DB) HasDemoPricing(ctx context.Context) (bool, error) {
	var exists bool
	if err := db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pricing_daily WHERE channel_id = ?)`,
		DemoHistoryChannel).Scan(&exists); err != nil {
		return false, fmt.Errorf("store: demo pricing history: %w", err)
	}
	return exists, nil
}

// SeedDemoPricing fills the daily rollup with 30 days of sample traffic
// until now (for `wadesk demo`: the insights dashboard has something to
// show before the first message is sent), unless it was seeded before.
// Prices follow the shipped example rates. It reports whether it seeded.
func (db *DB) SeedDemoPricing(ctx context.Context, now time.Time) (bool, error) {
	seeded := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// Samples an older demo filed under channel 0 move to their own
		// channel (no message is ever priced under 0 or -1).
		if _, err := tx.ExecContext(ctx, `UPDATE pricing_daily SET channel_id = ? WHERE channel_id = ?`,
			DemoHistoryChannel, legacyDemoHistoryChannel); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pricing_daily WHERE channel_id = ?)`,
			DemoHistoryChannel).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return nil
		}
		type line struct {
			market, category, typ string
			base                  int
			micros                int64
		}
		lines := []line{
			{"BR", "marketing", "regular", 40, 25000}, {"BR", "utility", "regular", 25, 3400}, {"BR", "authentication", "regular", 12, 3400},
			{"BR", "service", "regular", 60, 3400}, {"BR", "service", "free_entry_point", 15, 0}, {"BR", "utility", "free_entry_point", 4, 0},
			{"OTHER", "marketing", "regular", 10, 60000}, {"OTHER", "service", "regular", 20, 8000}, {"OTHER", "utility", "regular", 8, 8000},
			{"MX", "service", "regular", 14, 8000}, {"MX", "marketing", "regular", 6, 60000},
		}
		for d := 29; d >= 0; d-- {
			day := now.UTC().AddDate(0, 0, -d)
			for i, l := range lines {
				// A weekly rhythm and a slow rise, the same on every run.
				n := l.base + (l.base*((d*7+i*3)%11))/10 - (l.base*d)/60
				if day.Weekday() == time.Sunday {
					n /= 3
				}
				if n <= 0 {
					continue
				}
				billed := 0
				if l.typ == "regular" {
					billed = n
				}
				if err := addDailyN(ctx, tx, dailyKey{day.Format(dayLayout), DemoHistoryChannel, l.market, l.category, l.typ, "USD"},
					n, billed, int64(billed)*l.micros); err != nil {
					return err
				}
			}
		}
		seeded = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: seed the demo's pricing history: %w", err)
	}
	return seeded, nil
}

// addDailyN adds n messages (billed of them billable, costing micros) to the rollup.
func addDailyN(ctx context.Context, tx *sql.Tx, k dailyKey, n, billed int, micros int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO pricing_daily (day, channel_id, market, category, pricing_type, currency,
		messages, billable, micros) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (day, market, category, pricing_type, currency, channel_id) DO UPDATE SET
			messages = pricing_daily.messages + excluded.messages,
			billable = pricing_daily.billable + excluded.billable,
			micros = pricing_daily.micros + excluded.micros`,
		k.day, k.channelID, k.market, k.category, k.typ, k.currency, n, billed, micros)
	return err
}
