package limits

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// Mailer sends one email; *mailer.SMTP is the real one.
type Mailer interface {
	Send(ctx context.Context, m mailer.Message) error
}

// Monitor applies limit, quality, template health and account webhooks,
// records what health checks report, and emails the channels' alert lists
// about what an admin should act on (each event once).
type Monitor struct {
	DB      *store.DB
	Mail    Mailer
	Log     *slog.Logger
	BaseURL *url.URL
	Now     func() time.Time
}

func (m *Monitor) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *Monitor) log() *slog.Logger {
	if m.Log != nil {
		return m.Log
	}
	return slog.Default()
}

// ApplyWebhook applies the health events of one parsed webhook body. It
// fits the webhook processor's hook; a failure is returned after trying
// every event (the processor logs it).
func (m *Monitor) ApplyWebhook(ctx context.Context, b *providers.WebhookBatch) error {
	var errs []error
	for _, c := range b.Capabilities {
		errs = append(errs, m.applyCapability(ctx, c))
	}
	for _, q := range b.QualityUpdates {
		errs = append(errs, m.applyQuality(ctx, q))
	}
	for _, t := range b.TemplateStatuses {
		errs = append(errs, m.applyTemplateStatus(ctx, t))
	}
	for _, t := range b.TemplateQuality {
		errs = append(errs, m.applyTemplateQuality(ctx, t))
	}
	for _, t := range b.TemplateCategory {
		errs = append(errs, m.applyTemplateCategory(ctx, t))
	}
	for _, a := range b.AccountUpdates {
		errs = append(errs, m.applyAccount(ctx, a))
	}
	return errors.Join(errs...)
}

func eventTime(meta providers.WebhookMeta, fallback time.Time) time.Time {
	if !meta.EntryTime.IsZero() {
		return meta.EntryTime
	}
	return fallback
}

// setLimit records a portfolio limit reported for an account.
func (m *Monitor) setLimit(ctx context.Context, wabaID, reported, source string, at time.Time) error {
	l, ok := ParseTier(reported)
	if !ok {
		return nil
	}
	ports, err := m.DB.PortfoliosOfAccount(ctx, wabaID)
	if err != nil {
		return err
	}
	for _, p := range ports {
		if _, _, err := m.DB.SetPortfolioLimit(ctx, p, reported, l.Stored(), source, at); err != nil {
			return err
		}
	}
	return nil
}

func (m *Monitor) applyCapability(ctx context.Context, c providers.CapabilityUpdate) error {
	v := c.MaxDailyConversationsPerBusiness
	if v == "" {
		v = c.MaxDailyConversationPerPhone
	}
	return m.setLimit(ctx, c.Meta.EntryID, v, "webhook", eventTime(c.Meta, m.now()))
}

func (m *Monitor) applyQuality(ctx context.Context, q providers.PhoneQualityUpdate) error {
	at := eventTime(q.Meta, m.now())
	limit := q.MaxDailyConversationsPerBusiness
	if limit == "" {
		limit = q.CurrentLimit
	}
	if err := m.setLimit(ctx, q.Meta.EntryID, limit, "webhook", at); err != nil {
		return err
	}
	display := q.DisplayPhoneNumber
	if display == "" {
		display = q.Meta.DisplayPhoneNumber
	}
	ids, err := m.DB.ChannelsOfNumber(ctx, q.Meta.EntryID, display)
	if err != nil {
		return err
	}
	for _, id := range ids {
		ch, err := m.DB.ChannelByID(ctx, id)
		if err != nil {
			return err
		}
		if err := m.DB.AddQualityEvent(ctx, store.QualityEvent{ChannelID: id, Event: q.Event, Quality: ch.QualityRating,
			OldLimit: q.OldLimit, NewLimit: limit, At: at}); err != nil {
			return err
		}
		if q.Event == "FLAGGED" || q.Event == "DOWNGRADE" {
			key := fmt.Sprintf("quality:%d:%s:%d", id, q.Event, at.Unix())
			m.alert(ctx, ch, key, i18n.T(ctx, "limits.mail.quality_subject", "Channel", channelName(ch)),
				i18n.T(ctx, "limits.mail.quality_body", "Channel", channelName(ch), "Event", q.Event, "Quality", ch.QualityRating))
		}
	}
	return nil
}

func (m *Monitor) channelsOfAccount(ctx context.Context, wabaID string) ([]store.Channel, error) {
	all, err := m.DB.ListChannels(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.Channel
	for _, c := range all {
		if c.WABAID == wabaID {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m *Monitor) applyTemplateStatus(ctx context.Context, t providers.TemplateStatusUpdate) error {
	at := eventTime(t.Meta, m.now())
	e := store.TemplateHealthEvent{WABAID: t.Meta.EntryID, ProviderTemplateID: t.TemplateID, Name: t.TemplateName,
		Language: t.Language, Kind: "status", New: strings.ToUpper(t.Event), Reason: t.Reason, At: at}
	if e.New == "PAUSED" {
		if until, ok := PausedUntil(t.Title, at); ok {
			e.Until = &until
		}
	}
	if _, err := m.DB.ApplyTemplateHealth(ctx, e); err != nil {
		return err
	}
	if e.New != "PAUSED" && e.New != "DISABLED" {
		return nil
	}
	chs, err := m.channelsOfAccount(ctx, t.Meta.EntryID)
	if err != nil {
		return err
	}
	until := ""
	if e.Until != nil {
		until = i18n.T(ctx, "limits.mail.resumes", "Time", i18n.DateTime(ctx, *e.Until))
	}
	for _, ch := range chs {
		key := fmt.Sprintf("template:%d:%s:%s:%s:%d", ch.ID, t.TemplateName, t.Language, e.New, at.Unix())
		m.alert(ctx, ch, key, i18n.T(ctx, "limits.mail.template_subject", "Template", t.TemplateName, "Status", statusWord(ctx, e.New)),
			i18n.T(ctx, "limits.mail.template_body", "Template", t.TemplateName, "Language", t.Language, "Status", statusWord(ctx, e.New),
				"Reason", t.Reason, "Resumes", until, "Channel", channelName(ch)))
	}
	return nil
}

func statusWord(ctx context.Context, s string) string {
	if s == "DISABLED" {
		return i18n.T(ctx, "limits.status.disabled")
	}
	return i18n.T(ctx, "limits.status.paused")
}

func (m *Monitor) applyTemplateQuality(ctx context.Context, t providers.TemplateQualityUpdate) error {
	_, err := m.DB.ApplyTemplateHealth(ctx, store.TemplateHealthEvent{WABAID: t.Meta.EntryID, ProviderTemplateID: t.TemplateID,
		Name: t.TemplateName, Language: t.Language, Kind: "quality", Old: t.Previous, New: strings.ToUpper(t.New), At: eventTime(t.Meta, m.now())})
	return err
}

func (m *Monitor) applyTemplateCategory(ctx context.Context, t providers.TemplateCategoryUpdate) error {
	e := store.TemplateHealthEvent{WABAID: t.Meta.EntryID, ProviderTemplateID: t.TemplateID, Name: t.TemplateName,
		Language: t.Language, Kind: "category", Old: t.Previous, New: strings.ToUpper(t.New), At: eventTime(t.Meta, m.now())}
	if t.Correct != "" && t.Previous == "" {
		// An impending change: record it, change nothing yet.
		e.Kind, e.Old, e.New = "category_notice", t.New, strings.ToUpper(t.Correct)
		if !t.UpdateAt.IsZero() {
			e.Until = &t.UpdateAt
		}
	}
	_, err := m.DB.ApplyTemplateHealth(ctx, e)
	return err
}

func (m *Monitor) applyAccount(ctx context.Context, a providers.AccountUpdate) error {
	at := eventTime(a.Meta, m.now())
	if a.VolumeTier != nil {
		v := a.VolumeTier
		t := v.UpdateTime
		if t.IsZero() {
			t = at
		}
		return m.DB.SetVolumeTier(ctx, store.VolumeTier{WABAID: a.Meta.EntryID, EffectiveMonth: v.EffectiveMonth,
			PricingCategory: v.PricingCategory, Region: v.Region, Tier: v.Tier, TierUpdateTime: t}, m.now())
	}
	st := store.AccountState{WABAID: a.Meta.EntryID, BanState: a.BanState, Violation: a.ViolationType, LastEvent: a.Event, UpdatedAt: at}
	for _, r := range a.Restrictions {
		st.Restrictions = append(st.Restrictions, store.AccountRestriction{Type: r.Type, Until: r.Expiration})
	}
	restriction := a.Event == "ACCOUNT_RESTRICTION"
	if err := m.DB.SetAccountState(ctx, st, restriction); err != nil {
		return err
	}
	if len(a.Restrictions) == 0 && a.BanState == "" {
		return nil // nothing placed on the account (a lift, another event)
	}
	chs, err := m.channelsOfAccount(ctx, a.Meta.EntryID)
	if err != nil {
		return err
	}
	for _, ch := range chs {
		key := fmt.Sprintf("account:%d:%s:%s:%d", ch.ID, a.Event, a.BanState, at.Unix())
		m.alert(ctx, ch, key, i18n.T(ctx, "limits.mail.account_subject", "Channel", channelName(ch)),
			i18n.T(ctx, "limits.mail.account_body", "Channel", channelName(ch), "Event", a.Event))
	}
	return nil
}

// RecordNumber records what a health check read of a number: the
// portfolio's limit and, when it changed, the quality rating.
func (m *Monitor) RecordNumber(ctx context.Context, ch store.Channel, pn providers.PhoneNumber) {
	now := m.now()
	reported := pn.PortfolioMessagingLimit
	if reported == "" {
		reported = pn.MessagingLimitTier
	}
	if l, ok := ParseTier(reported); ok {
		p := store.PortfolioKey(ch.BusinessID, ch.WABAID)
		if _, _, err := m.DB.SetPortfolioLimit(ctx, p, reported, l.Stored(), "number", now); err != nil {
			m.log().ErrorContext(ctx, "record portfolio limit", "channel_id", ch.ID, "err", err)
		}
	}
	if pn.QualityRating != "" && pn.QualityRating != ch.QualityRating {
		if err := m.DB.AddQualityEvent(ctx, store.QualityEvent{ChannelID: ch.ID, Event: "CHECK", Quality: pn.QualityRating, At: now}); err != nil {
			m.log().ErrorContext(ctx, "record quality", "channel_id", ch.ID, "err", err)
		}
	}
}

// AfterSend warns the channel's alert list once a day when its portfolio
// has used WarnPercent of its limit, and when it is full.
func (m *Monitor) AfterSend(ctx context.Context, channelID int64) {
	now := m.now()
	u, err := UsageOf(ctx, m.DB, channelID, now)
	if err != nil || !u.Near() {
		return
	}
	ch, err := m.DB.ChannelByID(ctx, channelID)
	if err != nil {
		return
	}
	kind := "near"
	if u.Full() {
		kind = "full"
	}
	key := fmt.Sprintf("limit:%s:%s:%s", u.Portfolio, kind, now.UTC().Format("2006-01-02"))
	m.alert(ctx, ch, key, i18n.T(ctx, "limits.mail.limit_subject_"+kind),
		i18n.T(ctx, "limits.mail.limit_body", "Reached", u.Reached, "Limit", u.Limit.Customers, "Percent", u.Percent(), "Channel", channelName(ch)))
}

func channelName(ch store.Channel) string {
	if ch.DisplayPhoneNumber == "" {
		return ch.Title
	}
	return ch.Title + " (" + ch.DisplayPhoneNumber + ")"
}

// alert emails ch's alert list once per key.
func (m *Monitor) alert(ctx context.Context, ch store.Channel, key, subject, body string) {
	log := m.log().With("channel_id", ch.ID, "alert", key)
	if len(ch.AlertEmails) == 0 {
		log.InfoContext(ctx, "health alert not sent: the channel has no alert addresses")
		return
	}
	first, err := m.DB.ClaimHealthAlert(ctx, key, ch.ID, subject, ch.AlertEmails, m.now())
	if err != nil || !first {
		if err != nil {
			log.ErrorContext(ctx, "health alert: claim", "err", err)
		}
		return
	}
	link := ""
	if m.BaseURL != nil {
		link = m.BaseURL.JoinPath("channels", strconv.FormatInt(ch.ID, 10)).String()
	}
	text := body + "\n\n" + i18n.T(ctx, "limits.mail.open", "Link", link) + "\n"
	if m.Mail == nil {
		_ = m.DB.NoteHealthAlertError(ctx, key, mailer.Plain(mailer.ErrNotConfigured))
		return
	}
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := m.Mail.Send(mctx, mailer.Message{To: ch.AlertEmails, Subject: subject, Text: text}); err != nil {
		log.WarnContext(ctx, "health alert not sent", "err", err)
		_ = m.DB.NoteHealthAlertError(ctx, key, mailer.Plain(err))
		return
	}
	log.InfoContext(ctx, "health alert sent", "to", strings.Join(ch.AlertEmails, ","))
}
