package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// PortfolioKey names the business portfolio a channel belongs to: its
// business ID, or "waba:<id>" for a channel connected without one (then
// the account stands for the portfolio).
func PortfolioKey(businessID, wabaID string) string {
	if b := strings.TrimSpace(businessID); b != "" {
		return b
	}
	return "waba:" + wabaID
}

// ChannelPortfolio is what the limit rules need of a channel.
type ChannelPortfolio struct {
	ChannelID int64
	Provider  string
	Portfolio string
	WABAID    string
}

// PortfolioOf returns the portfolio of a channel.
func (db *DB) PortfolioOf(ctx context.Context, channelID int64) (ChannelPortfolio, error) {
	var p ChannelPortfolio
	var business string
	err := db.R.QueryRowContext(ctx, `SELECT id, provider, business_id, waba_id FROM channels WHERE id = ?`, channelID).
		Scan(&p.ChannelID, &p.Provider, &business, &p.WABAID)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return ChannelPortfolio{}, fmt.Errorf("store: portfolio of channel %d: %w", channelID, err)
	}
	p.Portfolio = PortfolioKey(business, p.WABAID)
	return p, nil
}

// PortfoliosOfAccount returns the portfolios of a WhatsApp Business
// Account's live channels (webhooks name the account, not the portfolio).
func (db *DB) PortfoliosOfAccount(ctx context.Context, wabaID string) ([]string, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT DISTINCT business_id FROM channels WHERE waba_id = ? AND deleted_at IS NULL`, wabaID)
	if err != nil {
		return nil, fmt.Errorf("store: portfolios of account %s: %w", wabaID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, PortfolioKey(b, wabaID))
	}
	return out, rows.Err()
}

// PortfolioLimit is a portfolio's messaging limit as last reported.
type PortfolioLimit struct {
	Portfolio string
	Reported  string
	// Customers: -1 unlimited, 0 unknown, else unique customers per 24 hours.
	Customers int
	Source    string
	UpdatedAt time.Time
}

// PortfolioLimitOf returns a portfolio's limit; a portfolio never
// reported has the zero limit (unknown) and no error.
func (db *DB) PortfolioLimitOf(ctx context.Context, portfolio string) (PortfolioLimit, error) {
	l := PortfolioLimit{Portfolio: portfolio}
	var at string
	err := db.R.QueryRowContext(ctx, `SELECT reported, customers, source, updated_at FROM portfolio_limits WHERE portfolio = ?`, portfolio).
		Scan(&l.Reported, &l.Customers, &l.Source, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return l, nil
	}
	if err != nil {
		return PortfolioLimit{}, fmt.Errorf("store: limit of portfolio %s: %w", portfolio, err)
	}
	l.UpdatedAt, err = parseTime(at)
	return l, err
}

// SetPortfolioLimit records a portfolio's limit (customers as in
// PortfolioLimit) and, when it changed, a row of its history. It returns
// the previous number of customers and whether it changed.
func (db *DB) SetPortfolioLimit(ctx context.Context, portfolio, reported string, customers int, source string, at time.Time) (old int, changed bool, err error) {
	if portfolio == "" || customers == 0 {
		return 0, false, fmt.Errorf("store: set portfolio limit: the portfolio and a known limit are required")
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		old, changed = 0, false
		var prev sql.NullInt64
		var prevAt, prevSource sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT customers, updated_at, source FROM portfolio_limits WHERE portfolio = ?`, portfolio).
			Scan(&prev, &prevAt, &prevSource)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		old = int(prev.Int64)
		now := formatTime(at)
		if source == "webhook" && prevSource.String == "webhook" && now < prevAt.String {
			// An older webhook delivered again after a newer one: the
			// newer limit stands and the history has the event already.
			// (A read of the number is always current.)
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO portfolio_limits (portfolio, reported, customers, source, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (portfolio) DO UPDATE SET reported = excluded.reported,
			customers = excluded.customers, source = excluded.source, updated_at = excluded.updated_at`,
			portfolio, reported, customers, source, now); err != nil {
			return err
		}
		if old == customers {
			return nil
		}
		changed = true
		_, err = tx.ExecContext(ctx, `INSERT INTO portfolio_limit_changes (portfolio, old_customers, new_customers, source, changed_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (portfolio, old_customers, new_customers, changed_at) DO NOTHING`,
			portfolio, old, customers, source, now)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: set limit of portfolio %s: %w", portfolio, err)
	}
	return old, changed, nil
}

// LimitChange is one change of a portfolio's limit.
type LimitChange struct {
	Old, New int
	Source   string
	At       time.Time
}

// PortfolioLimitChanges returns the last n changes of a portfolio's
// limit, newest first.
func (db *DB) PortfolioLimitChanges(ctx context.Context, portfolio string, n int) ([]LimitChange, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT old_customers, new_customers, source, changed_at FROM portfolio_limit_changes
		WHERE portfolio = ? ORDER BY changed_at DESC, id DESC LIMIT ?`, portfolio, n)
	if err != nil {
		return nil, fmt.Errorf("store: limit changes of %s: %w", portfolio, err)
	}
	defer rows.Close()
	var out []LimitChange
	for rows.Next() {
		var c LimitChange
		var at string
		if err := rows.Scan(&c.Old, &c.New, &c.Source, &at); err != nil {
			return nil, err
		}
		if c.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PortfolioReachOf counts the unique customers a portfolio reached with
// business-initiated messages after since (exclusive), and the time of
// the earliest of their latest reaches (zero when none). Messages the
// provider refused (failed) do not count.
func (db *DB) PortfolioReachOf(ctx context.Context, portfolio string, since time.Time) (unique int, earliest time.Time, err error) {
	return portfolioReach(ctx, db.R, portfolio, since)
}

type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const reachCount = `SELECT COUNT(*), COALESCE(MIN(last), '') FROM (SELECT r.customer, MAX(r.reached_at) AS last
	FROM portfolio_reach r JOIN messages m ON m.id = r.message_id
	WHERE r.portfolio = ? AND r.reached_at > ? AND m.status <> 'failed' GROUP BY r.customer) t`

func portfolioReach(ctx context.Context, q rowQueryer, portfolio string, since time.Time) (int, time.Time, error) {
	var n int
	var last string
	if err := q.QueryRowContext(ctx, reachCount, portfolio, formatTime(since)).Scan(&n, &last); err != nil {
		return 0, time.Time{}, fmt.Errorf("store: reach of portfolio %s: %w", portfolio, err)
	}
	if last == "" {
		return n, time.Time{}, nil
	}
	t, err := parseTime(last)
	return n, t, err
}

const reachedCustomer = `SELECT EXISTS (SELECT 1 FROM portfolio_reach r JOIN messages m ON m.id = r.message_id
	WHERE r.portfolio = ? AND r.customer = ? AND r.reached_at > ? AND m.status <> 'failed')`

// CustomerReached reports whether the portfolio reached customer (digits)
// with a business-initiated message after since.
func (db *DB) CustomerReached(ctx context.Context, portfolio, customer string, since time.Time) (bool, error) {
	var ok bool
	if err := db.R.QueryRowContext(ctx, reachedCustomer, portfolio, digitsOf(customer), formatTime(since)).Scan(&ok); err != nil {
		return false, fmt.Errorf("store: reach of %s in portfolio %s: %w", customer, portfolio, err)
	}
	return ok, nil
}

// ReachGuard makes EnqueueOutbound count a business-initiated message
// against its portfolio's limit, in the same transaction that stores it,
// so two agents cannot both take the last place.
type ReachGuard struct {
	Portfolio string
	// At is the message's time; the window is (At - Window, At].
	At     time.Time
	Window time.Duration
	// Decide gets the unique customers reached in the window, when the
	// next place frees, and whether this customer is one of them; an
	// error refuses the message (nothing is stored).
	Decide func(reached int, freesAt time.Time, already bool) error
	// NoLimit: the limit is unknown or unlimited, so Decide refuses
	// nothing; the message is still recorded as a reach, and a bulk
	// enqueue (QueueCampaignMessages) skips counting the portfolio.
	NoLimit bool
}

// lockPortfolio serialises the limit check of one portfolio. SQLite runs
// one write transaction at a time, so it has nothing to do there; on
// PostgreSQL it takes a transaction-scoped advisory lock on the key.
func lockPortfolio(ctx context.Context, tx *sql.Tx, portfolio string) error { return nil }

func guardReach(ctx context.Context, tx *sql.Tx, g *ReachGuard, channelID, messageID int64, customer string) error {
	if err := lockPortfolio(ctx, tx, g.Portfolio); err != nil {
		return err
	}
	since := g.At.Add(-g.Window)
	n, earliest, err := portfolioReach(ctx, tx, g.Portfolio, since)
	if err != nil {
		return err
	}
	var already bool
	if err := tx.QueryRowContext(ctx, reachedCustomer, g.Portfolio, digitsOf(customer), formatTime(since)).Scan(&already); err != nil {
		return err
	}
	var frees time.Time
	if !earliest.IsZero() {
		frees = earliest.Add(g.Window)
	}
	if g.Decide != nil {
		if err := g.Decide(n, frees, already); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO portfolio_reach (portfolio, channel_id, message_id, customer, reached_at)
		VALUES (?, ?, ?, ?, ?)`, g.Portfolio, channelID, messageID, digitsOf(customer), formatTime(g.At))
	return err
}

// QualityEvent is one entry of a number's quality history.
type QualityEvent struct {
	ChannelID int64
	Event     string
	Quality   string
	OldLimit  string
	NewLimit  string
	At        time.Time
}

// AddQualityEvent records an entry of a number's quality history, once:
// the same event delivered again (same number, event, limits and time)
// adds nothing.
func (db *DB) AddQualityEvent(ctx context.Context, e QualityEvent) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO number_quality_events (channel_id, event, quality, old_limit, new_limit, at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, event, old_limit, new_limit, at) DO NOTHING`,
		e.ChannelID, e.Event, e.Quality, e.OldLimit, e.NewLimit, formatTime(e.At))
	if err != nil {
		return fmt.Errorf("store: quality event of channel %d: %w", e.ChannelID, err)
	}
	return nil
}

// QualityHistory returns a number's last n quality events, newest first.
func (db *DB) QualityHistory(ctx context.Context, channelID int64, n int) ([]QualityEvent, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT event, quality, old_limit, new_limit, at FROM number_quality_events
		WHERE channel_id = ? ORDER BY at DESC, id DESC LIMIT ?`, channelID, n)
	if err != nil {
		return nil, fmt.Errorf("store: quality history of channel %d: %w", channelID, err)
	}
	defer rows.Close()
	var out []QualityEvent
	for rows.Next() {
		e := QualityEvent{ChannelID: channelID}
		var at string
		if err := rows.Scan(&e.Event, &e.Quality, &e.OldLimit, &e.NewLimit, &at); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ChannelsOfNumber returns the live channels of a WhatsApp Business
// Account whose display number has the digits of display.
func (db *DB) ChannelsOfNumber(ctx context.Context, wabaID, display string) ([]int64, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, display_phone_number FROM channels WHERE waba_id = ? AND deleted_at IS NULL`, wabaID)
	if err != nil {
		return nil, fmt.Errorf("store: channels of %s in account %s: %w", display, wabaID, err)
	}
	defer rows.Close()
	var ids []int64
	want := digitsOf(display)
	for rows.Next() {
		var id int64
		var d string
		if err := rows.Scan(&id, &d); err != nil {
			return nil, err
		}
		if want == "" || digitsOf(d) == want {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// TemplateHealthEvent is a status, quality or category change of a
// template as the provider reported it.
type TemplateHealthEvent struct {
	WABAID             string
	ProviderTemplateID string
	Name               string
	Language           string
	// Kind is "status", "quality", "category" or "category_notice" (a
	// change announced for Until).
	Kind     string
	Old, New string
	Reason   string
	// Until is when a paused template resumes (nil otherwise).
	Until *time.Time
	At    time.Time
}

// ApplyTemplateHealth records a template health event and applies it to
// the account's stored templates (found by provider ID, else by name and
// language): a quality sets the quality, a category the category (keeping
// the old one as previous), a pause its end. It returns how many stored
// templates matched; an event delivered again is neither recorded nor
// applied a second time (0).
func (db *DB) ApplyTemplateHealth(ctx context.Context, e TemplateHealthEvent) (int, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		n = 0
		var until sql.NullString
		if e.Until != nil {
			until = sql.NullString{String: formatTime(*e.Until), Valid: true}
		}
		at := formatTime(e.At)
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO template_health_events (waba_id, provider_template_id, name, language, kind,
			old_value, new_value, reason, until, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (waba_id, provider_template_id, name, language, kind, old_value, new_value, at) DO NOTHING RETURNING id`,
			e.WABAID, e.ProviderTemplateID, e.Name, e.Language, e.Kind, e.Old, e.New, e.Reason, until, at).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			// The same event delivered again: applied the first time
			// (applying a category change twice would lose the old one).
			return nil
		}
		if err != nil {
			return err
		}
		var set string
		var args []any
		switch e.Kind {
		case "quality":
			set, args = "quality = ?, updated_at = ?", []any{e.New, at}
		case "category":
			set, args = "previous_category = category, category = ?, updated_at = ?", []any{e.New, at}
		case "status":
			set, args = "paused_until = ?", []any{until}
		case "category_notice":
			// An impending change: recorded, nothing changes yet.
			return nil
		default:
			return fmt.Errorf("unknown kind %q", e.Kind)
		}
		where := " WHERE channel_id IN (SELECT id FROM channels WHERE waba_id = ? AND deleted_at IS NULL) AND "
		args = append(args, e.WABAID)
		if e.ProviderTemplateID != "" {
			res, err := tx.ExecContext(ctx, "UPDATE message_templates SET "+set+where+"provider_template_id = ?", append(args, e.ProviderTemplateID)...)
			if err != nil {
				return err
			}
			if n, err = res.RowsAffected(); err != nil {
				return err
			}
		}
		if n == 0 && e.Name != "" && e.Language != "" {
			res, err := tx.ExecContext(ctx, "UPDATE message_templates SET "+set+where+"name = ? AND language = ?", append(args, e.Name, e.Language)...)
			if err != nil {
				return err
			}
			if n, err = res.RowsAffected(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: template health (account %s, template %s %s): %w", e.WABAID, e.ProviderTemplateID, e.Name, err)
	}
	return int(n), nil
}

// TemplateHealthHistory returns the account's last n template health
// events, newest first.
func (db *DB) TemplateHealthHistory(ctx context.Context, wabaID string, n int) ([]TemplateHealthEvent, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT provider_template_id, name, language, kind, old_value, new_value, reason,
		COALESCE(until, ''), at FROM template_health_events WHERE waba_id = ? ORDER BY at DESC, id DESC LIMIT ?`, wabaID, n)
	if err != nil {
		return nil, fmt.Errorf("store: template health of account %s: %w", wabaID, err)
	}
	defer rows.Close()
	var out []TemplateHealthEvent
	for rows.Next() {
		e := TemplateHealthEvent{WABAID: wabaID}
		var until, at string
		if err := rows.Scan(&e.ProviderTemplateID, &e.Name, &e.Language, &e.Kind, &e.Old, &e.New, &e.Reason, &until, &at); err != nil {
			return nil, err
		}
		if until != "" {
			t, err := parseTime(until)
			if err != nil {
				return nil, err
			}
			e.Until = &t
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// TemplatePausedUntil returns when the paused templates of a channel
// resume, by template ID (only those with a known end).
func (db *DB) TemplatePausedUntil(ctx context.Context, channelID int64) (map[int64]time.Time, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, paused_until FROM message_templates
		WHERE channel_id = ? AND status = 'PAUSED' AND paused_until IS NOT NULL`, channelID)
	if err != nil {
		return nil, fmt.Errorf("store: paused templates of channel %d: %w", channelID, err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return nil, err
		}
		t, err := parseTime(s)
		if err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}

// AccountRestriction is one restriction of an account.
type AccountRestriction struct {
	Type  string    `json:"type"`
	Until time.Time `json:"until,omitzero"`
}

// AccountState is what the provider last reported of an account's
// restrictions and ban.
type AccountState struct {
	WABAID       string
	BanState     string
	Restrictions []AccountRestriction
	Violation    string
	LastEvent    string
	UpdatedAt    time.Time
}

// SetAccountState records an account_update: the ban state and
// violation when given, the restrictions as sent (an empty list lifts
// them when clearRestrictions is set).
func (db *DB) SetAccountState(ctx context.Context, s AccountState, clearRestrictions bool) error {
	rs, err := json.Marshal(s.Restrictions)
	if err != nil {
		return err
	}
	if s.Restrictions == nil {
		rs = []byte("[]")
	}
	setRestr := "CASE WHEN ? OR excluded.restrictions <> '[]' THEN excluded.restrictions ELSE account_states.restrictions END"
	_, err = db.W.ExecContext(ctx, `INSERT INTO account_states (waba_id, ban_state, restrictions, violation, last_event, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (waba_id) DO UPDATE SET
		ban_state = COALESCE(NULLIF(excluded.ban_state, ''), account_states.ban_state),
		restrictions = `+setRestr+`,
		violation = COALESCE(NULLIF(excluded.violation, ''), account_states.violation),
		last_event = excluded.last_event, updated_at = excluded.updated_at`,
		s.WABAID, s.BanState, string(rs), s.Violation, s.LastEvent, formatTime(s.UpdatedAt), clearRestrictions)
	if err != nil {
		return fmt.Errorf("store: state of account %s: %w", s.WABAID, err)
	}
	return nil
}

// AccountStateOf returns an account's state (zero when never reported).
func (db *DB) AccountStateOf(ctx context.Context, wabaID string) (AccountState, error) {
	s := AccountState{WABAID: wabaID}
	var rs, at string
	err := db.R.QueryRowContext(ctx, `SELECT ban_state, restrictions, violation, last_event, updated_at FROM account_states WHERE waba_id = ?`, wabaID).
		Scan(&s.BanState, &rs, &s.Violation, &s.LastEvent, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return AccountState{}, fmt.Errorf("store: state of account %s: %w", wabaID, err)
	}
	if err := json.Unmarshal([]byte(rs), &s.Restrictions); err != nil {
		return AccountState{}, fmt.Errorf("store: state of account %s: restrictions: %w", wabaID, err)
	}
	s.UpdatedAt, err = parseTime(at)
	return s, err
}

// LastAccountSendProblem returns the error code and time of the channel's
// latest send the provider refused with one of codes, when the provider
// has accepted no send of the channel since (0 otherwise).
func (db *DB) LastAccountSendProblem(ctx context.Context, channelID int64, codes []int) (code int, at time.Time, err error) {
	if len(codes) == 0 {
		return 0, time.Time{}, nil
	}
	args := []any{channelID}
	for _, c := range codes {
		args = append(args, c)
	}
	var when string
	err = db.R.QueryRowContext(ctx, `SELECT o.last_error_code, o.updated_at FROM outbox o
		WHERE o.channel_id = ? AND o.state = 'failed' AND o.last_error_code IN (`+placeholders(len(codes))+`)
		ORDER BY o.updated_at DESC LIMIT 1`, args...).Scan(&code, &when)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: account send problem of channel %d: %w", channelID, err)
	}
	var since bool
	err = db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM outbox o WHERE o.channel_id = ? AND o.state = 'sent' AND o.sent_at > ?)`,
		channelID, when).Scan(&since)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: sends of channel %d after its account problem: %w", channelID, err)
	}
	if since {
		return 0, time.Time{}, nil
	}
	at, err = parseTime(when)
	return code, at, err
}

// VolumeTier is the volume-based pricing tier an account reached in a
// market for a month (account_update VOLUME_BASED_PRICING_TIER_UPDATE).
type VolumeTier struct {
	WABAID          string
	EffectiveMonth  string // YYYY-MM
	PricingCategory string // UTILITY, AUTHENTICATION, ...
	Region          string // as Meta names the market, e.g. INDIA
	// Tier is Meta's range of messages, e.g. "25000001:50000000".
	Tier           string
	TierUpdateTime time.Time
}

// SetVolumeTier records a volume tier; a later update of the same month,
// category and market replaces it.
func (db *DB) SetVolumeTier(ctx context.Context, v VolumeTier, received time.Time) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO volume_tiers (waba_id, effective_month, pricing_category, region, tier, tier_update_time, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (waba_id, effective_month, pricing_category, region) DO UPDATE SET
		tier = excluded.tier, tier_update_time = excluded.tier_update_time, received_at = excluded.received_at
		WHERE excluded.tier_update_time >= volume_tiers.tier_update_time`,
		v.WABAID, v.EffectiveMonth, strings.ToUpper(v.PricingCategory), strings.ToUpper(v.Region), v.Tier, formatTime(v.TierUpdateTime), formatTime(received))
	if err != nil {
		return fmt.Errorf("store: volume tier of account %s: %w", v.WABAID, err)
	}
	return nil
}

// VolumeTiers returns the volume tiers an account reached in a month
// (YYYY-MM), for the pricing engine.
func (db *DB) VolumeTiers(ctx context.Context, wabaID, month string) ([]VolumeTier, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT pricing_category, region, tier, tier_update_time FROM volume_tiers
		WHERE waba_id = ? AND effective_month = ? ORDER BY pricing_category, region`, wabaID, month)
	if err != nil {
		return nil, fmt.Errorf("store: volume tiers of account %s: %w", wabaID, err)
	}
	defer rows.Close()
	var out []VolumeTier
	for rows.Next() {
		v := VolumeTier{WABAID: wabaID, EffectiveMonth: month}
		var at string
		if err := rows.Scan(&v.PricingCategory, &v.Region, &v.Tier, &at); err != nil {
			return nil, err
		}
		if v.TierUpdateTime, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ClaimHealthAlert records that the alert named key is being sent; false
// when it was sent before (a re-delivered webhook, a repeated check).
func (db *DB) ClaimHealthAlert(ctx context.Context, key string, channelID int64, subject string, recipients []string, at time.Time) (bool, error) {
	res, err := db.W.ExecContext(ctx, `INSERT INTO health_alerts (key, channel_id, subject, recipients, sent_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (key) DO NOTHING`, key, channelID, subject, strings.Join(recipients, ","), formatTime(at))
	if err != nil {
		return false, fmt.Errorf("store: claim alert %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// NoteHealthAlertError records why a claimed alert was not sent.
func (db *DB) NoteHealthAlertError(ctx context.Context, key, problem string) error {
	_, err := db.W.ExecContext(ctx, `UPDATE health_alerts SET error = ? WHERE key = ?`, problem, key)
	return err
}

// WindowWith returns the service window facts of the conversation between
// a channel and the customer with phone (digits compared); found is false
// when they have none.
func (db *DB) WindowWith(ctx context.Context, channelID int64, phone string) (w ConversationWindow, found bool, err error) {
	var inbound, closed sql.NullString
	err = db.R.QueryRowContext(ctx, `SELECT c.last_inbound_at, c.window_closed_at FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
		WHERE c.channel_id = ? AND ct.wa_id = ?`, channelID, digitsOf(phone)).Scan(&inbound, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return ConversationWindow{}, false, nil
	}
	if err == nil {
		w, err = windowFrom(inbound, closed)
	}
	if err != nil {
		return ConversationWindow{}, false, fmt.Errorf("store: window of channel %d with %s: %w", channelID, phone, err)
	}
	return w, true, nil
}
