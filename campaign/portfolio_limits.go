package campaign

import (
	"context"
	"time"

	"github.com/wadesk/wadesk/limits"
	"github.com/wadesk/wadesk/store"
)

// PortfolioLimits is the LimitChecker that reads the channel's business
// portfolio's messaging limit and the unique customers its numbers reached
// in the last 24 hours, exactly as the outbox counts them when it queues
// each message (package limits). A portfolio whose limit the provider has
// not reported, or an unofficial provider's number, has no finite limit.
type PortfolioLimits struct{ DB *store.DB }

// Check implements LimitChecker.
func (p PortfolioLimits) Check(ctx context.Context, channelID int64, now time.Time) (Limit, error) {
	u, err := limits.UsageOf(ctx, p.DB, channelID, now)
	if err != nil {
		return Limit{}, err
	}
	if !u.Official || u.Left() < 0 {
		return Limit{Unlimited: true, Tier: u.Reported}, nil
	}
	return Limit{PerDay: u.Limit.Customers, UsedToday: u.Reached, Remaining: u.Left(), Tier: u.Reported}, nil
}
