// Package costs applies the pricing engine (package pricing) to wadesk's
// data: it loads the rate card, gathers what a message's price depends on
// (the customer's market, the service window, the free entry point window
// from an ad, the month's volume), and prices messages before they are
// sent (the composer, the template picker, campaigns), when they are
// queued (the estimate stored with each message) and when the provider
// reports their pricing (the pricer, which replaces the estimate).
package costs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/wadesk/wadesk/pricing"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/window"
)

// bookTTL is how long a loaded rate card is used before it is read again
// (Invalidate drops it at once, after an edit in this process).
const bookTTL = time.Minute

// FreeUnofficial is the Free reason of a message sent through an
// unofficial provider: Meta bills nothing for it.
const FreeUnofficial = "unofficial_provider"

// Estimator prices messages with the stored rate card.
type Estimator struct {
	db  *store.DB
	log *slog.Logger

	mu       sync.Mutex
	book     pricing.Book
	loadedAt time.Time

	wake chan struct{}
}

// New returns an estimator reading db.
func New(db *store.DB, log *slog.Logger) *Estimator {
	if log == nil {
		log = slog.Default()
	}
	return &Estimator{db: db, log: log, wake: make(chan struct{}, 1)}
}

// Invalidate drops the cached rate card (call it after the card changed).
func (e *Estimator) Invalidate() {
	e.mu.Lock()
	e.loadedAt = time.Time{}
	e.mu.Unlock()
}

// Book returns Meta's rules and the stored rate card.
func (e *Estimator) Book(ctx context.Context) (pricing.Book, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.loadedAt.IsZero() && time.Since(e.loadedAt) < bookTTL {
		return e.book, nil
	}
	rows, err := e.db.ListRates(ctx)
	if err != nil {
		return pricing.Book{}, fmt.Errorf("costs: rate card: %w", err)
	}
	e.book, e.loadedAt = pricing.NewBook(Rates(rows)), time.Now()
	return e.book, nil
}

// Rates converts stored rate rows for the engine.
func Rates(rows []store.RateRow) []pricing.Rate {
	out := make([]pricing.Rate, 0, len(rows))
	for _, r := range rows {
		out = append(out, pricing.Rate{Market: r.Market, Category: r.Category, From: r.EffectiveFrom, TierFrom: r.TierFrom,
			Micros: r.PriceMicros, Currency: r.Currency, Source: r.Source, Example: r.Example})
	}
	return out
}

// Estimate is a priced message with the window facts it was priced with.
type Estimate struct {
	pricing.Quote
	Window window.State
}

// Estimate tells what sending one message of category (a template's
// category, or "" / "service" for free-form) to phone (E.164) on channel
// costs at time at. When the channel already has a conversation with the
// number, its service window and free entry point window count; otherwise
// the window is closed. This is the function campaigns and other senders
// call before sending; EstimateBatch sums many.
func (e *Estimator) Estimate(ctx context.Context, channelID int64, phone, category string, at time.Time) (Estimate, error) {
	var f store.PricingFacts
	convID, err := e.db.ConversationWithPhone(ctx, channelID, phone)
	switch {
	case errors.Is(err, store.ErrNotFound):
		f = store.PricingFacts{ChannelID: channelID, Phone: phone}
	case err != nil:
		return Estimate{}, fmt.Errorf("costs: estimate: %w", err)
	default:
		if f, err = e.db.PricingFactsOf(ctx, convID); err != nil {
			return Estimate{}, fmt.Errorf("costs: estimate: %w", err)
		}
	}
	book, err := e.Book(ctx)
	if err != nil {
		return Estimate{}, err
	}
	return e.quote(ctx, book, f, category, at, nil)
}

// EstimateConversation is Estimate for a message in a conversation.
func (e *Estimator) EstimateConversation(ctx context.Context, conversationID int64, category string, at time.Time) (Estimate, error) {
	f, err := e.db.PricingFactsOf(ctx, conversationID)
	if err != nil {
		return Estimate{}, fmt.Errorf("costs: estimate: %w", err)
	}
	book, err := e.Book(ctx)
	if err != nil {
		return Estimate{}, err
	}
	return e.quote(ctx, book, f, category, at, nil)
}

// EstimateCategories is EstimateConversation for several categories at
// once (the composer: a reply and each template category), reading the
// conversation's facts once.
func (e *Estimator) EstimateCategories(ctx context.Context, conversationID int64, categories []string, at time.Time) (map[string]Estimate, error) {
	f, err := e.db.PricingFactsOf(ctx, conversationID)
	if err != nil {
		return nil, fmt.Errorf("costs: estimate: %w", err)
	}
	book, err := e.Book(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Estimate, len(categories))
	for _, c := range categories {
		if _, done := out[c]; done {
			continue
		}
		if out[c], err = e.quote(ctx, book, f, c, at, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EstimateBatch prices one message of category to each of phones on
// channel at time at and sums them per market, category and currency.
// Volume tiers count the batch's own messages as it goes.
func (e *Estimator) EstimateBatch(ctx context.Context, channelID int64, phones []string, category string, at time.Time) ([]pricing.Total, error) {
	book, err := e.Book(ctx)
	if err != nil {
		return nil, err
	}
	extra := map[string]int{} // billed in this batch, by market
	quotes := make([]pricing.Quote, 0, len(phones))
	for _, p := range phones {
		f := store.PricingFacts{ChannelID: channelID, Phone: p}
		convID, err := e.db.ConversationWithPhone(ctx, channelID, p)
		if err == nil {
			f, err = e.db.PricingFactsOf(ctx, convID)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("costs: estimate batch: %w", err)
		}
		m := pricing.MarketAt(p, at).Code
		est, err := e.quote(ctx, book, f, category, at, func(n int) int { return n + extra[m] })
		if err != nil {
			return nil, err
		}
		if est.Billable {
			extra[m]++
		}
		quotes = append(quotes, est.Quote)
	}
	return pricing.Sum(quotes), nil
}

// quote prices one message given the conversation's facts. volume, when
// set, adjusts the month's billed count (a batch's own messages).
func (e *Estimator) quote(ctx context.Context, book pricing.Book, f store.PricingFacts, category string, at time.Time, volume func(int) int) (Estimate, error) {
	return e.quoteWith(ctx, book, f, category, at, volume, nil)
}

// batchFacts keeps, for one batch of quotes at one time, what is the same
// for all of them: whether a channel is official and a market's billed
// count this month.
type batchFacts struct {
	official map[int64]bool
	// billed: by channel, market and category, the month's billed count
	// and the reported tier's first message number (see volume).
	billed map[string][2]int
}

// quoteWith is quote reading channel and volume facts through cache (nil:
// read each time).
func (e *Estimator) quoteWith(ctx context.Context, book pricing.Book, f store.PricingFacts, category string, at time.Time, volume func(int) int, cache *batchFacts) (Estimate, error) {
	at = at.UTC()
	var opts []window.Option
	if !f.EntryPointAt.IsZero() {
		opts = append(opts, window.WithReferral(f.EntryPointAt))
	}
	w := window.Stored(f.LastInboundAt, f.ClosedAt, at, opts...)
	in := pricing.Input{At: at, Phone: f.Phone, Category: category, InServiceWindow: w.Open}
	if w.FreeEntryPoint {
		in.EntryPointUntil = w.FreeUntil
	}
	if f.ChannelID != 0 {
		official, ok := false, false
		if cache != nil {
			official, ok = cache.official[f.ChannelID]
		}
		if !ok {
			var err error
			if official, err = e.official(ctx, f.ChannelID); err != nil {
				return Estimate{}, err
			}
			if cache != nil {
				cache.official[f.ChannelID] = official
			}
		}
		if !official {
			return Estimate{Quote: pricing.Quote{Market: pricing.MarketAt(f.Phone, at), Category: pricing.NormalizeCategory(category),
				Rule: pricing.RuleAt(book.Rules, at), Free: FreeUnofficial}, Window: w}, nil
		}
	}
	cat := pricing.NormalizeCategory(category)
	market := pricing.MarketAt(f.Phone, at).Code
	key := fmt.Sprintf("%d %s %s", f.ChannelID, market, cat)
	var n, tier int
	facts, ok := [2]int{}, false
	if cache != nil {
		facts, ok = cache.billed[key]
	}
	if ok {
		n, tier = facts[0], facts[1]
	} else {
		var err error
		if n, tier, err = e.volume(ctx, f.ChannelID, market, cat, at); err != nil {
			return Estimate{}, err
		}
		if cache != nil {
			cache.billed[key] = [2]int{n, tier}
		}
	}
	if volume != nil {
		n = volume(n)
	}
	in.MonthVolume, in.ReportedTierFirst = n, tier
	if pricing.RuleAt(book.Rules, at).Model == pricing.ModelConversation && f.ConversationID != 0 {
		var err error
		if in.ConversationOpen, err = e.db.ConversationOpenFor(ctx, f.ConversationID, cat, at); err != nil {
			return Estimate{}, fmt.Errorf("costs: %w", err)
		}
	}
	return Estimate{Quote: book.Quote(in), Window: w}, nil
}

// volumeTiered are the categories Meta prices in monthly volume tiers
// (utility and authentication, per market; ../shared/contracts/README.md).
var volumeTiered = map[string]bool{pricing.Utility: true, pricing.Authentication: true, pricing.AuthenticationInternational: true}

// volume is what picks a message's volume tier: how many messages of
// market and category channelID's business portfolio was billed in at's
// month before at, and the first message number of the tier the provider
// reported for them this month (0 without one; see
// pricing.Input.ReportedTierFirst).
func (e *Estimator) volume(ctx context.Context, channelID int64, market, category string, at time.Time) (n, tier int, err error) {
	if channelID == 0 {
		n, err = e.db.BilledInMonth(ctx, market, category, pricing.MonthStart(at), at)
	} else {
		n, err = e.db.BilledInPortfolioMonth(ctx, channelID, market, category, pricing.MonthStart(at), at)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("costs: %w", err)
	}
	if channelID == 0 || !volumeTiered[category] {
		return n, 0, nil
	}
	tiers, err := e.db.PortfolioVolumeTiers(ctx, channelID, at.UTC().Format("2006-01"), category)
	if err != nil {
		return 0, 0, fmt.Errorf("costs: %w", err)
	}
	for _, v := range tiers {
		m, ok := pricing.MarketOfRegion(v.Region)
		if !ok || m.Code != market {
			continue
		}
		if first, _, ok := pricing.ParseTier(v.Tier); ok && first > tier {
			tier = first
		}
	}
	return n, tier, nil
}

// official reports whether a channel's provider sends through Meta's
// WhatsApp Business Platform (and so is billed Meta's prices).
func (e *Estimator) official(ctx context.Context, channelID int64) (bool, error) {
	p, err := e.db.ChannelProvider(ctx, channelID)
	if err != nil {
		return false, fmt.Errorf("costs: %w", err)
	}
	d, known := providers.Describe(providers.ProviderID(p))
	return !known || d.Official, nil
}

// CategoryOf is the pricing category of an outbound message: its
// template's category on the channel, or service for anything else.
func (e *Estimator) CategoryOf(ctx context.Context, channelID int64, msg providers.OutboundMessage) (string, error) {
	if msg.Template == nil {
		return pricing.Service, nil
	}
	c, err := e.db.TemplateCategory(ctx, channelID, msg.Template.Name, msg.Template.Language)
	if err != nil {
		return "", fmt.Errorf("costs: %w", err)
	}
	if c == "" {
		// Unknown template: priced as marketing, the dearest, rather than
		// promised cheaper than it is.
		return pricing.Marketing, nil
	}
	return strings.ToLower(c), nil
}

// PriceOutbound is the estimate stored with a message queued at at (the
// outbox calls it; see outbox.Pricer).
func (e *Estimator) PriceOutbound(ctx context.Context, conversationID int64, msg providers.OutboundMessage, at time.Time) (*store.MessagePrice, error) {
	f, err := e.db.PricingFactsOf(ctx, conversationID)
	if err != nil {
		return nil, fmt.Errorf("costs: price outbound: %w", err)
	}
	cat, err := e.CategoryOf(ctx, f.ChannelID, msg)
	if err != nil {
		return nil, err
	}
	book, err := e.Book(ctx)
	if err != nil {
		return nil, err
	}
	est, err := e.quote(ctx, book, f, cat, at, nil)
	if err != nil {
		return nil, err
	}
	p := priceOf(est.Quote)
	return &p, nil
}

// PriceRecipients is the estimate stored with each of a batch of messages
// of category queued at at, one per conversation facts (a campaign's
// recipients; a fact's ConversationID is 0 when the customer has no
// conversation with the number yet). Volume tiers count the batch's own
// billable messages as it goes.
func (e *Estimator) PriceRecipients(ctx context.Context, category string, facts []store.PricingFacts, at time.Time) ([]store.MessagePrice, error) {
	book, err := e.Book(ctx)
	if err != nil {
		return nil, err
	}
	cat := pricing.Marketing // a template of unknown category: priced as the dearest
	if strings.TrimSpace(category) != "" {
		cat = pricing.NormalizeCategory(category)
	}
	extra := map[string]int{} // billed in this batch, by market
	cache := &batchFacts{official: map[int64]bool{}, billed: map[string][2]int{}}
	out := make([]store.MessagePrice, 0, len(facts))
	for _, f := range facts {
		m := pricing.MarketOf(f.Phone).Code
		est, err := e.quoteWith(ctx, book, f, cat, at, func(n int) int { return n + extra[m] }, cache)
		if err != nil {
			return nil, fmt.Errorf("costs: price recipients: %w", err)
		}
		if est.Billable {
			extra[m]++
		}
		out = append(out, priceOf(est.Quote))
	}
	return out, nil
}

// priceOf is what the store keeps of a quote.
func priceOf(q pricing.Quote) store.MessagePrice {
	typ := q.Type
	if typ == "" {
		typ = pricing.TypeFreeCustomerService
		if q.Free == FreeUnofficial {
			typ = "not_billed"
		}
	}
	return store.MessagePrice{Market: q.Market.Code, Category: q.Category, Type: typ, Billable: q.Billable,
		Micros: q.Micros, Currency: q.Currency, RateSource: q.Rate.Source}
}

// Wake makes Run price reported messages now.
func (e *Estimator) Wake() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Run prices again, until ctx is done, the messages whose provider
// reported their pricing or which failed: when woken, and every minute.
func (e *Estimator) Run(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		for {
			n, err := e.Reprice(ctx)
			if err != nil {
				if ctx.Err() == nil {
					e.log.Error("pricing reported messages failed; retrying", "err", err)
				}
				break
			}
			if n < repriceBatch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-e.wake:
		case <-t.C:
		}
	}
}

const repriceBatch = 200

// Reprice prices one batch of flagged messages with their providers'
// reports and returns how many it priced.
func (e *Estimator) Reprice(ctx context.Context) (int, error) {
	jobs, err := e.db.RepriceDue(ctx, repriceBatch)
	if err != nil || len(jobs) == 0 {
		return 0, err
	}
	book, err := e.Book(ctx)
	if err != nil {
		return 0, err
	}
	out := make([]store.Repriced, 0, len(jobs))
	for _, j := range jobs {
		r := store.Repriced{Job: j, Price: j.Current}
		if j.Category != "" || j.Type != "" {
			rep := &pricing.Report{Model: j.Model, Category: j.Category, Type: j.Type}
			switch {
			case j.Type == "" && strings.EqualFold(j.Model, "CBP"):
				// Conversation-based reports say only whether it was billed.
				b := j.Billable
				rep.Billable = &b
			case j.Type == "":
				// The category alone (Vonage): the estimate's billing
				// stands for it; another category is priced as billed,
				// unless the message was in a free entry point window.
				cat := pricing.NormalizeCategory(j.Category)
				if cat == j.Current.Category || j.Current.Type == pricing.TypeFreeEntryPoint {
					r.Price.Category, r.Reported = cat, true
					out = append(out, r)
					continue
				}
				rep.Type = pricing.TypeRegular
			}
			cat := pricing.NormalizeCategory(j.Category)
			n, tier, err := e.volume(ctx, j.ChannelID, j.Market, cat, j.SentAt)
			if err != nil {
				return 0, fmt.Errorf("costs: reprice: %w", err)
			}
			if j.Current.Billable && j.Current.Category == cat && n > 0 {
				n-- // the month's count holds this message itself
			}
			q := book.Quote(pricing.Input{At: j.SentAt, Phone: j.Phone, Category: j.EstCategory, MonthVolume: n,
				ReportedTierFirst: tier, Reported: rep})
			r.Price, r.Model, r.Reported = priceOf(q), j.Model, true
			r.Price.Market = j.Market
		}
		out = append(out, r)
	}
	if err := e.db.SaveRepriced(ctx, out); err != nil {
		return 0, err
	}
	return len(jobs), nil
}
