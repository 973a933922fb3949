package limits

import (
	"context"
	"fmt"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/window"
)

// PortfolioUsage is a channel's portfolio, its limit and its use now.
type PortfolioUsage struct {
	Portfolio string
	Usage
	// Reported is the limit as the provider spelt it; Source says where
	// it was read (number, webhook); UpdatedAt when.
	Reported  string
	Source    string
	UpdatedAt time.Time
	// Official is false for unofficial providers, which have no portfolio
	// limit (they may have a daily cap instead).
	Official bool
}

func official(provider string) bool {
	d, ok := providers.Describe(providers.ProviderID(provider))
	return !ok || d.Official
}

// UsageOf returns the messaging limit use of a channel's portfolio at now.
func UsageOf(ctx context.Context, db *store.DB, channelID int64, now time.Time) (PortfolioUsage, error) {
	p, err := db.PortfolioOf(ctx, channelID)
	if err != nil {
		return PortfolioUsage{}, fmt.Errorf("limits: usage: %w", err)
	}
	return usageOfPortfolio(ctx, db, p, now)
}

func usageOfPortfolio(ctx context.Context, db *store.DB, p store.ChannelPortfolio, now time.Time) (PortfolioUsage, error) {
	out := PortfolioUsage{Portfolio: p.Portfolio, Official: official(p.Provider)}
	if !out.Official {
		return out, nil
	}
	l, err := db.PortfolioLimitOf(ctx, p.Portfolio)
	if err != nil {
		return PortfolioUsage{}, fmt.Errorf("limits: usage: %w", err)
	}
	out.Limit, out.Reported, out.Source, out.UpdatedAt = FromStored(l.Customers), l.Reported, l.Source, l.UpdatedAt
	n, earliest, err := db.PortfolioReachOf(ctx, p.Portfolio, Since(now))
	if err != nil {
		return PortfolioUsage{}, fmt.Errorf("limits: usage: %w", err)
	}
	out.Reached = n
	if !earliest.IsZero() {
		out.FreesAt = earliest.Add(Window)
	}
	return out, nil
}

// Room tells a sender (a campaign) how many more unique customers the
// channel's portfolio can reach now with business-initiated messages, and
// whether one phone would take one of those places.
type Room struct {
	// Left is the number of new customers that can be reached now; -1
	// when there is no finite limit (unlimited, not reported, or an
	// unofficial provider).
	Left int
	// WouldCount is true when a business-initiated message to the phone
	// would count as a new customer: not reached in the last 24 hours by
	// any number of the portfolio, and no service window open with this
	// channel (a message inside an open window never counts).
	WouldCount bool
	Usage      PortfolioUsage
}

// RoomFor answers Room for channelID and phone (any format; its digits
// are compared) at now. Campaigns: send to customers with WouldCount
// while Left > 0, decreasing Left by one for each; customers without
// WouldCount can be sent to regardless. The outbox enforces the same rule
// when each message is queued.
func RoomFor(ctx context.Context, db *store.DB, channelID int64, phone string, now time.Time) (Room, error) {
	p, err := db.PortfolioOf(ctx, channelID)
	if err != nil {
		return Room{}, fmt.Errorf("limits: room: %w", err)
	}
	u, err := usageOfPortfolio(ctx, db, p, now)
	if err != nil {
		return Room{}, err
	}
	r := Room{Left: u.Left(), Usage: u}
	if !u.Official || phone == "" {
		return r, nil
	}
	reached, err := db.CustomerReached(ctx, p.Portfolio, phone, Since(now))
	if err != nil {
		return Room{}, fmt.Errorf("limits: room: %w", err)
	}
	w, found, err := db.WindowWith(ctx, channelID, phone)
	if err != nil {
		return Room{}, fmt.Errorf("limits: room: %w", err)
	}
	open := found && window.Stored(w.LastInboundAt, w.ClosedAt, now).Open
	r.WouldCount = !reached && !open
	return r, nil
}

// Guard returns what the outbox must check before queuing a message of
// conversation's channel: a *BlockedError when the account cannot send it,
// else the reach guard of a business-initiated message (nil for others).
func Guard(ctx context.Context, db *store.DB, channelID int64, template, windowOpen bool, now time.Time) (*store.ReachGuard, error) {
	p, err := db.PortfolioOf(ctx, channelID)
	if err != nil {
		return nil, fmt.Errorf("limits: guard: %w", err)
	}
	off := official(p.Provider)
	bi := BusinessInitiated(off, template, windowOpen)
	if off {
		st, err := AccountStateOfChannel(ctx, db, p, now)
		if err != nil {
			return nil, err
		}
		if b := AccountBlock(st, bi, now); b.Refuse {
			return nil, &BlockedError{Block: b}
		}
	}
	if !bi {
		return nil, nil
	}
	l, err := db.PortfolioLimitOf(ctx, p.Portfolio)
	if err != nil {
		return nil, fmt.Errorf("limits: guard: %w", err)
	}
	limit := FromStored(l.Customers)
	return &store.ReachGuard{Portfolio: p.Portfolio, At: now, Window: Window, NoLimit: !limit.Known || limit.Unlimited,
		Decide: func(reached int, freesAt time.Time, already bool) error {
			return Check(Usage{Limit: limit, Reached: reached, FreesAt: freesAt}, already)
		}}, nil
}

// accountProblemCodes are the send errors that concern the whole account.
var accountProblemCodes = []int{131042, 131031, 368, 130497}

// AccountStateOfChannel gathers what is known of whether the channel's
// account can send: restrictions and ban from webhooks, and the last send
// refused for the account's payment method or a restriction.
func AccountStateOfChannel(ctx context.Context, db *store.DB, p store.ChannelPortfolio, now time.Time) (AccountState, error) {
	as, err := db.AccountStateOf(ctx, p.WABAID)
	if err != nil {
		return AccountState{}, fmt.Errorf("limits: account state: %w", err)
	}
	st := AccountState{BanState: as.BanState}
	for _, r := range as.Restrictions {
		st.Restrictions = append(st.Restrictions, Restriction{Type: r.Type, Until: r.Until})
	}
	code, at, err := db.LastAccountSendProblem(ctx, p.ChannelID, accountProblemCodes)
	if err != nil {
		return AccountState{}, fmt.Errorf("limits: account state: %w", err)
	}
	if code != 0 {
		st.SendProblem, st.SendProblemAt = string(providers.ClassifyMeta(code, 0, 0)), at
	}
	return st, nil
}

// AccountBlockOf is AccountBlock for a channel, for the composer.
func AccountBlockOf(ctx context.Context, db *store.DB, channelID int64, businessInitiated bool, now time.Time) (Block, error) {
	p, err := db.PortfolioOf(ctx, channelID)
	if err != nil {
		return Block{}, fmt.Errorf("limits: account block: %w", err)
	}
	if !official(p.Provider) {
		return Block{}, nil
	}
	st, err := AccountStateOfChannel(ctx, db, p, now)
	if err != nil {
		return Block{}, err
	}
	return AccountBlock(st, businessInitiated, now), nil
}
