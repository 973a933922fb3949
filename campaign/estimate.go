package campaign

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/wadesk/wadesk/store"
)

// Estimator prices a campaign before it is launched: recipients by
// country (ISO 3166 code) for a template category (MARKETING, UTILITY,
// AUTHENTICATION) on a channel.
type Estimator interface {
	Estimate(ctx context.Context, channelID int64, category string, countries map[string]int) (Estimate, error)
}

// Estimate is the expected cost of a campaign.
type Estimate struct {
	Lines    []EstimateLine
	Total    float64
	Currency string
	// Example: the prices are examples, not the provider's rate card; the
	// page says so.
	Example bool
	// Unpriced counts recipients in countries without a price.
	Unpriced int
}

// EstimateLine is the cost of one country and category.
type EstimateLine struct {
	Country    string
	Category   string
	Recipients int
	UnitPrice  float64
	Cost       float64
	// Priced is false when no price is known for the country.
	Priced bool
}

// ExampleRates is the default Estimator: a small table of EXAMPLE prices
// per message in US dollars, by category, with a few countries priced
// apart. They are not any provider's rate card; they exist so that a
// campaign shows the shape of its cost until a real price list is wired
// in (the pricing module). Estimates from it are marked Example.
type ExampleRates struct {
	// Default prices by category; Countries override them.
	Default   map[string]float64
	Countries map[string]map[string]float64
}

// DefaultExampleRates returns the example table.
func DefaultExampleRates() ExampleRates {
	return ExampleRates{
		Default: map[string]float64{"MARKETING": 0.05, "UTILITY": 0.01, "AUTHENTICATION": 0.01},
		Countries: map[string]map[string]float64{
			"US": {"MARKETING": 0.025, "UTILITY": 0.004, "AUTHENTICATION": 0.0135},
			"BR": {"MARKETING": 0.0625, "UTILITY": 0.008, "AUTHENTICATION": 0.0315},
			"IN": {"MARKETING": 0.011, "UTILITY": 0.0014, "AUTHENTICATION": 0.0014},
			"GB": {"MARKETING": 0.053, "UTILITY": 0.022, "AUTHENTICATION": 0.036},
			"DE": {"MARKETING": 0.137, "UTILITY": 0.055, "AUTHENTICATION": 0.077},
		},
	}
}

// Estimate implements Estimator.
func (x ExampleRates) Estimate(_ context.Context, _ int64, category string, countries map[string]int) (Estimate, error) {
	cat := strings.ToUpper(category)
	e := Estimate{Currency: "USD", Example: true}
	for country, n := range countries {
		price, ok := x.Countries[country][cat]
		if !ok {
			price, ok = x.Default[cat]
		}
		if country == "ZZ" {
			ok = false
		}
		line := EstimateLine{Country: country, Category: cat, Recipients: n, Priced: ok}
		if ok {
			line.UnitPrice, line.Cost = price, price*float64(n)
			e.Total += line.Cost
		} else {
			e.Unpriced += n
		}
		e.Lines = append(e.Lines, line)
	}
	sort.Slice(e.Lines, func(i, j int) bool {
		if e.Lines[i].Recipients != e.Lines[j].Recipients {
			return e.Lines[i].Recipients > e.Lines[j].Recipients
		}
		return e.Lines[i].Country < e.Lines[j].Country
	})
	return e, nil
}

// LimitChecker says how many more customers a channel may start
// business-initiated conversations with today (Meta's messaging limit).
type LimitChecker interface {
	Check(ctx context.Context, channelID int64, now time.Time) (Limit, error)
}

// Limit is a channel's messaging limit now.
type Limit struct {
	Unlimited bool
	// PerDay customers in a rolling 24 hours; UsedToday already reached;
	// Remaining what is left (never below 0).
	PerDay    int
	UsedToday int
	Remaining int
	// Tier is the provider's name for the limit ("TIER_1K"), if known.
	Tier string
}

// TierLimits is the default LimitChecker: the limit is the channel's
// messaging limit tier as the provider last reported it (TIER_250,
// TIER_1K, TIER_10K, TIER_100K, TIER_UNLIMITED; 250 when unknown, a new
// number's limit), and what is used is the customers sent a template in
// the last 24 hours.
type TierLimits struct {
	DB *store.DB
}

// TierPerDay returns the customers a day a tier allows (0: unlimited).
func TierPerDay(tier string) int {
	switch strings.ToUpper(strings.TrimSpace(tier)) {
	case "TIER_UNLIMITED", "UNLIMITED":
		return 0
	case "TIER_100K":
		return 100000
	case "TIER_10K":
		return 10000
	case "TIER_2K":
		return 2000
	case "TIER_1K":
		return 1000
	case "TIER_50":
		return 50
	default:
		return 250
	}
}

// Check implements LimitChecker.
func (t TierLimits) Check(ctx context.Context, channelID int64, now time.Time) (Limit, error) {
	ch, err := t.DB.ChannelByID(ctx, channelID)
	if err != nil {
		return Limit{}, err
	}
	l := Limit{Tier: ch.MessagingLimitTier, PerDay: TierPerDay(ch.MessagingLimitTier)}
	if l.PerDay == 0 {
		l.Unlimited = true
		return l, nil
	}
	if l.UsedToday, err = t.DB.TemplateRecipientsSince(ctx, channelID, now.Add(-24*time.Hour)); err != nil {
		return Limit{}, err
	}
	l.Remaining = max(0, l.PerDay-l.UsedToday)
	return l, nil
}

// FixedLimit is a LimitChecker with a set limit and nothing used (tests,
// benchmarks); PerDay 0 is unlimited.
type FixedLimit struct{ PerDay int }

// Check implements LimitChecker.
func (f FixedLimit) Check(context.Context, int64, time.Time) (Limit, error) {
	if f.PerDay <= 0 {
		return Limit{Unlimited: true}, nil
	}
	return Limit{PerDay: f.PerDay, Remaining: f.PerDay}, nil
}
