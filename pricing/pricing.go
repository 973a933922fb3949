// Package pricing tells what WhatsApp charges for one outbound message:
// under which of Meta's pricing models the message falls (by its time),
// whether it is billable, at which market's rate, and how much.
//
// Everything Meta may change is data, not code:
//
//   - rules.json: the pricing models, one row per change, effective from a
//     date (conversation-based pricing; per-message pricing of 1 Jul 2025;
//     per-message pricing of 1 Oct 2026, when service replies and utility
//     templates inside the window became billable). Each row says its
//     source and whether it was confirmed on Meta's own page.
//   - markets.json: calling code → Meta's pricing market.
//   - the rate card (a Book's Rates, kept by the store and edited under
//     Settings → Pricing): market × category → price, effective from a
//     date, with monthly volume tiers as rows that apply from a volume.
//
// The package is pure: no SQL, no HTTP, no clock. Callers pass the time
// and the facts about the conversation (see Input).
package pricing

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Categories as Meta names them in templates and in status webhooks'
// pricing object (compared without regard to case).
const (
	Marketing                   = "marketing"
	MarketingLite               = "marketing_lite"
	Utility                     = "utility"
	Authentication              = "authentication"
	AuthenticationInternational = "authentication_international"
	// Service is a free-form (non-template) message.
	Service = "service"
	// ReferralConversion is what Meta reported, under per-message pricing,
	// for a message inside a free entry point window.
	ReferralConversion = "referral_conversion"
	// BusinessAgent is the Meta Business Agent category, billed per token
	// since 1 Aug 2026 (reported by BSPs; ../shared/contracts/README.md).
	// wadesk does not send it; it is recorded when a status reports it,
	// without a price (wadesk does not know the tokens used).
	BusinessAgent = "meta_business_agent"
)

// Categories lists the categories a rate card has prices for, in the
// order pages show them.
var Categories = []string{Marketing, Utility, Authentication, AuthenticationInternational, Service}

// Pricing types in the status webhook's pricing object.
const (
	TypeRegular             = "regular"
	TypeFreeCustomerService = "free_customer_service"
	TypeFreeEntryPoint      = "free_entry_point"
)

// Models of the rules.
const (
	ModelConversation = "conversation"
	ModelPerMessage   = "per_message"
)

// EntryPointWindow is how long messages are free after a customer wrote
// from a click-to-WhatsApp ad or a Page's button.
const EntryPointWindow = 72 * time.Hour

// Rule is one of Meta's pricing models, in force from From until the next
// rule's From.
type Rule struct {
	From  time.Time `json:"from"`
	Name  string    `json:"name"`
	Model string    `json:"model"`
	// ChargeService: free-form replies inside the service window are billed.
	ChargeService bool `json:"charge_service"`
	// ChargeUtilityInWindow: utility templates inside the window are billed.
	ChargeUtilityInWindow bool `json:"charge_utility_in_window"`
	// FreeServicePerMonth: this many service conversations a month are
	// free (conversation model only).
	FreeServicePerMonth int `json:"free_service_per_month"`
	// EntryPointFree: messages inside a free entry point window are free.
	EntryPointFree bool   `json:"entry_point_free"`
	Source         string `json:"source"`
	Confirmed      bool   `json:"confirmed"`
}

// Market is one of Meta's pricing markets.
type Market struct {
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	CallingCodes []string `json:"calling_codes"`
}

// Move is a calling code that Meta moved from one pricing market to
// another on a date (markets.json "moves"): before From, numbers with the
// calling code were priced in market Before; from From on, in the market
// that lists the calling code now.
type Move struct {
	CallingCode string    `json:"calling_code"`
	Before      string    `json:"before"`
	From        time.Time `json:"from"`
	Source      string    `json:"source"`
	Confirmed   bool      `json:"confirmed"`
}

//go:embed rules.json
var rulesJSON []byte

//go:embed markets.json
var marketsJSON []byte

// Rules are Meta's pricing models, oldest first (from rules.json).
var Rules []Rule

// Markets are Meta's pricing markets (from markets.json); DefaultMarket
// is the market of any number no other market claims.
var (
	Markets       []Market
	DefaultMarket string
	// Moves are the dated changes of market of calling codes, oldest first.
	Moves  []Move
	byCode map[string]Market
)

func init() {
	var r struct {
		Rules []Rule `json:"rules"`
	}
	if err := json.Unmarshal(rulesJSON, &r); err != nil {
		panic(fmt.Sprintf("pricing: rules.json: %v", err))
	}
	Rules = r.Rules
	sort.SliceStable(Rules, func(i, j int) bool { return Rules[i].From.Before(Rules[j].From) })
	var m struct {
		Default string   `json:"default"`
		Markets []Market `json:"markets"`
		Moves   []Move   `json:"moves"`
	}
	if err := json.Unmarshal(marketsJSON, &m); err != nil {
		panic(fmt.Sprintf("pricing: markets.json: %v", err))
	}
	Markets, DefaultMarket, Moves = m.Markets, m.Default, m.Moves
	sort.SliceStable(Moves, func(i, j int) bool { return Moves[i].From.Before(Moves[j].From) })
	byCode = map[string]Market{}
	for _, mk := range Markets {
		byCode[mk.Code] = mk
	}
	for _, mv := range Moves {
		if _, ok := byCode[mv.Before]; !ok {
			panic(fmt.Sprintf("pricing: markets.json: move of +%s names unknown market %q", mv.CallingCode, mv.Before))
		}
	}
}

// RuleAt is the rule in force at t (the conversation model for anything
// older than the first rule).
func RuleAt(rules []Rule, t time.Time) Rule {
	if len(rules) == 0 {
		return Rule{}
	}
	r := rules[0]
	for _, x := range rules {
		if !x.From.After(t) {
			r = x
		}
	}
	return r
}

// MarketOf is the pricing market of a phone number (E.164 or digits) as
// the markets are now (after every move in markets.json): the market with
// the longest calling code the number starts with, else the default
// market. MarketAt is the market at a given time.
func MarketOf(phone string) Market {
	m, _ := marketOf(phone)
	return m
}

// MarketAt is the pricing market of a phone number at t: MarketOf, unless
// the number's calling code moved to its market after t (see Move).
func MarketAt(phone string, t time.Time) Market {
	m, cc := marketOf(phone)
	if cc == "" {
		return m
	}
	// The earliest move still ahead of t says where the code was at t.
	for _, mv := range Moves {
		if mv.CallingCode == cc && t.Before(mv.From) {
			return byCode[mv.Before]
		}
	}
	return m
}

// marketOf is MarketOf and the calling code that matched ("" for the
// default market).
func marketOf(phone string) (Market, string) {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
	best, bestCC := byCode[DefaultMarket], ""
	if digits == "" {
		return best, ""
	}
	for _, m := range Markets {
		for _, cc := range m.CallingCodes {
			if len(cc) > len(bestCC) && strings.HasPrefix(digits, cc) {
				best, bestCC = m, cc
			}
		}
	}
	return best, bestCC
}

// MarketOfRegion is the market Meta names region in a volume tier update
// (e.g. "INDIA", "REST_OF_AFRICA", "NORTH_AMERICA"): the market whose code
// or name matches, ignoring case, spaces and punctuation.
func MarketOfRegion(region string) (Market, bool) {
	key := regionKey(region)
	if key == "" {
		return Market{}, false
	}
	for _, m := range Markets {
		if regionKey(m.Code) == key || regionKey(m.Name) == key {
			return m, true
		}
	}
	// "Rest of Africa" is REST_AFRICA here.
	if strings.HasPrefix(key, "REST_OF_") {
		return MarketOfRegion("REST_" + strings.TrimPrefix(key, "REST_OF_"))
	}
	return Market{}, false
}

func regionKey(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// ParseTier reads a volume tier as Meta writes it in
// VOLUME_BASED_PRICING_TIER_UPDATE ("25000001:50000000", or "100000001:"
// for the open top tier): the number of the tier's first and last
// message of the month (last 0 when open).
func ParseTier(s string) (first, last int, ok bool) {
	lo, hi, found := strings.Cut(strings.TrimSpace(s), ":")
	if !found {
		return 0, 0, false
	}
	first, err := strconv.Atoi(strings.TrimSpace(lo))
	if err != nil || first < 0 {
		return 0, 0, false
	}
	if hi = strings.TrimSpace(hi); hi != "" {
		if last, err = strconv.Atoi(hi); err != nil || last < first {
			return 0, 0, false
		}
	}
	return first, last, true
}

// MarketByCode returns a market by its code.
func MarketByCode(code string) (Market, bool) {
	m, ok := byCode[code]
	return m, ok
}

// Rate is one row of the rate card: the price of one billable message of
// Category to Market, from From, in Currency. TierFrom > 0 makes it a
// volume tier: it applies once that many messages of the market and
// category were billed in the calendar month (UTC).
type Rate struct {
	Market   string
	Category string
	From     time.Time
	TierFrom int
	// Micros is the price in millionths of the currency unit.
	Micros   int64
	Currency string
	// Source says where the price comes from; Example marks the shipped
	// defaults, which are examples and not Meta's rate card.
	Source  string
	Example bool
}

// Book is what the engine prices with: the rules and the rate card.
type Book struct {
	Rules []Rule
	Rates []Rate
}

// NewBook is a Book with Meta's rules (rules.json) and rates.
func NewBook(rates []Rate) Book { return Book{Rules: Rules, Rates: rates} }

// Report is the pricing a provider reported for a sent message in a status
// webhook: it replaces the estimate.
type Report struct {
	Model    string // CBP or PMP as Meta spells it
	Category string
	Type     string // regular, free_customer_service, free_entry_point
	// Billable is Meta's deprecated flag; nil when not sent.
	Billable *bool
}

// Input is one message to price.
type Input struct {
	At time.Time
	// Phone is the recipient's number (E.164); its calling code picks the market.
	Phone string
	// Category is the template's category; "" or service for free-form.
	Category string
	// InServiceWindow: the customer wrote less than 24 hours before At.
	InServiceWindow bool
	// EntryPointUntil is when the customer's free entry point window ends
	// (72 h after they wrote from an ad or a Page button); zero without one.
	EntryPointUntil time.Time
	// MonthVolume is how many messages of this market and category were
	// billed earlier in At's calendar month: it picks the volume tier (and,
	// under the conversation model, uses up the free service allowance).
	MonthVolume int
	// ReportedTierFirst is the first message number of the volume tier
	// the provider reported for this market, category and month (Meta's
	// account_update VOLUME_BASED_PRICING_TIER_UPDATE); 0 without one.
	// Meta counts every message of the business portfolio, including
	// those sent by other apps, so the month's volume is taken as at
	// least ReportedTierFirst-1. The event is uncertain: known from a
	// BSP's documentation, not checked against Meta's
	// (../shared/contracts/README.md).
	ReportedTierFirst int
	// ConversationOpen (conversation model): a conversation of this
	// category is already open with the customer, so the message is free.
	ConversationOpen bool
	// Reported, when set, is the provider's word and wins.
	Reported *Report
}

// Free reasons.
const (
	FreeNone             = ""
	FreeCustomerService  = "customer_service"  // service reply or utility in the window, under a rule that does not bill it
	FreeEntryPoint       = "entry_point"       // inside the 72 h free entry point window
	FreeConversationOpen = "conversation_open" // conversation model: already paid for this conversation
	FreeAllowance        = "allowance"         // conversation model: monthly free service conversations
)

// Quote is what one message costs.
type Quote struct {
	Market   Market
	Category string
	Rule     Rule
	Billable bool
	// Free says why a message is not billable.
	Free string
	// Type is the pricing type as Meta names it (regular, free_...).
	Type string
	// Micros and Currency are the price (0 when free). PriceKnown is false
	// when a billable message has no rate (the card has none for its
	// category anywhere, or it is a Meta Business Agent message).
	Micros     int64
	Currency   string
	PriceKnown bool
	// Rate is the rate card row used; DefaultMarket is true when the
	// market has no rate and the default market's was used.
	Rate          Rate
	DefaultMarket bool
	// EntryPointLeft is the time left in the free entry point window.
	EntryPointLeft time.Duration
	// Reported: the price follows the provider's report, not the estimate.
	Reported bool
	// Volume is how many messages of the market and category the month
	// had before this one, as the volume tier was chosen; VolumeReported
	// is true when the provider's reported tier raised it above
	// wadesk's own count.
	Volume         int
	VolumeReported bool
}

// NormalizeCategory lower-cases a category; "" is service.
func NormalizeCategory(c string) string {
	c = strings.ToLower(strings.TrimSpace(c))
	if c == "" {
		return Service
	}
	return c
}

// Quote prices one message. See the package comment.
func (b Book) Quote(in Input) Quote {
	at := in.At.UTC()
	q := Quote{Market: MarketAt(in.Phone, at), Category: NormalizeCategory(in.Category), Rule: RuleAt(b.Rules, at)}
	q.Volume = in.MonthVolume
	if in.ReportedTierFirst-1 > q.Volume {
		q.Volume, q.VolumeReported = in.ReportedTierFirst-1, true
	}
	if in.Reported != nil {
		return b.reported(q, in, at)
	}
	if q.Rule.EntryPointFree && !in.EntryPointUntil.IsZero() && at.Before(in.EntryPointUntil) {
		q.Free, q.Type = FreeEntryPoint, TypeFreeEntryPoint
		q.EntryPointLeft = in.EntryPointUntil.Sub(at)
		return q
	}
	switch q.Rule.Model {
	case ModelConversation:
		if in.ConversationOpen {
			q.Free, q.Type = FreeConversationOpen, TypeRegular
			return q
		}
		if q.Category == Service && !q.Rule.ChargeService {
			q.Free, q.Type = FreeCustomerService, TypeFreeCustomerService
			return q
		}
		if q.Category == Service && q.Volume < q.Rule.FreeServicePerMonth {
			q.Free, q.Type = FreeAllowance, TypeFreeCustomerService
			return q
		}
	default:
		if q.Category == Service && !q.Rule.ChargeService {
			q.Free, q.Type = FreeCustomerService, TypeFreeCustomerService
			return q
		}
		if q.Category == Utility && in.InServiceWindow && !q.Rule.ChargeUtilityInWindow {
			q.Free, q.Type = FreeCustomerService, TypeFreeCustomerService
			return q
		}
	}
	q.Billable, q.Type = true, TypeRegular
	b.price(&q, at, q.Volume)
	return q
}

// reported prices a message as the provider reported it.
func (b Book) reported(q Quote, in Input, at time.Time) Quote {
	r := in.Reported
	q.Reported = true
	if c := strings.ToLower(strings.TrimSpace(r.Category)); c != "" {
		q.Category = c
	}
	q.Type = strings.ToLower(r.Type)
	switch {
	case q.Type == TypeFreeEntryPoint || q.Category == ReferralConversion:
		q.Free, q.Type = FreeEntryPoint, TypeFreeEntryPoint
		return q
	case q.Type == TypeFreeCustomerService:
		q.Free = FreeCustomerService
		return q
	case q.Type == "" && r.Billable != nil && !*r.Billable:
		// Conversation-based reports say only whether it was billed.
		q.Free = FreeConversationOpen
		return q
	}
	if q.Type == "" {
		q.Type = TypeRegular
	}
	q.Billable = true
	if q.Category == BusinessAgent {
		return q // billed per token: no price here
	}
	b.price(&q, at, q.Volume)
	return q
}

// fallback is the category whose rate prices a category without its own.
var fallback = map[string]string{
	AuthenticationInternational: Authentication,
	MarketingLite:               Marketing,
	Service:                     Utility,
}

// price fills in the rate of a billable quote.
func (b Book) price(q *Quote, at time.Time, volume int) {
	for _, market := range []string{q.Market.Code, DefaultMarket} {
		for c := q.Category; c != ""; c = fallback[c] {
			if r, ok := b.rateFor(market, c, at, volume); ok {
				q.Rate, q.Micros, q.Currency, q.PriceKnown = r, r.Micros, r.Currency, true
				q.DefaultMarket = market != q.Market.Code
				return
			}
		}
	}
}

// rateFor is the rate of market and category at t for the message after
// volume billed ones: among the rows in force at t (the latest From), the
// highest tier the volume has reached.
func (b Book) rateFor(market, category string, t time.Time, volume int) (Rate, bool) {
	var best Rate
	found := false
	for _, r := range b.Rates {
		if r.Market != market || r.Category != category || r.From.After(t) || r.TierFrom > volume {
			continue
		}
		if !found || r.From.After(best.From) || (r.From.Equal(best.From) && r.TierFrom > best.TierFrom) {
			best, found = r, true
		}
	}
	return best, found
}

// Total is the sum of a batch for one market, category and currency.
type Total struct {
	Market   string
	Category string
	Currency string
	Messages int
	Billable int
	Micros   int64
	// Unpriced counts billable messages without a known price.
	Unpriced int
}

// Sum adds up quotes per market, category and currency, in a stable order.
// Free messages carry no currency: they are counted with their market and
// category's priced total when there is exactly one currency for it.
func Sum(quotes []Quote) []Total {
	currencies := map[[2]string]map[string]bool{}
	for _, q := range quotes {
		if q.Currency == "" {
			continue
		}
		k := [2]string{q.Market.Code, q.Category}
		if currencies[k] == nil {
			currencies[k] = map[string]bool{}
		}
		currencies[k][q.Currency] = true
	}
	idx := map[[3]string]int{}
	var out []Total
	for _, q := range quotes {
		cur := q.Currency
		if cur == "" {
			if cs := currencies[[2]string{q.Market.Code, q.Category}]; len(cs) == 1 {
				for c := range cs {
					cur = c
				}
			}
		}
		k := [3]string{q.Market.Code, q.Category, cur}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Total{Market: q.Market.Code, Category: q.Category, Currency: cur})
		}
		t := &out[i]
		t.Messages++
		if q.Billable {
			t.Billable++
			t.Micros += q.Micros
			if !q.PriceKnown {
				t.Unpriced++
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Market != out[j].Market {
			return out[i].Market < out[j].Market
		}
		if out[i].Category != out[j].Category {
			return out[i].Category < out[j].Category
		}
		return out[i].Currency < out[j].Currency
	})
	return out
}

// MonthStart is the start of t's calendar month in UTC, from which volume
// tiers count.
func MonthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// FormatMicros writes a price in millionths as a decimal with at least
// two and at most six fraction digits ("0.0034", "0.025", "1.50").
func FormatMicros(micros int64) string {
	neg := micros < 0
	if neg {
		micros = -micros
	}
	s := fmt.Sprintf("%d.%06d", micros/1_000_000, micros%1_000_000)
	s = strings.TrimRight(s, "0")
	if i := strings.IndexByte(s, '.'); len(s)-i-1 < 2 {
		s += strings.Repeat("0", 2-(len(s)-i-1))
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ParseMicros reads a decimal price ("0.0034") into millionths. More than
// six fraction digits, a sign or anything but digits and one dot is an error.
func ParseMicros(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("the price is empty")
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if len(frac) > 6 {
		return 0, fmt.Errorf("%q has more than six decimal places", s)
	}
	var w, f int64
	for _, r := range whole {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q is not a price (digits and one dot, e.g. 0.0034)", s)
		}
		w = w*10 + int64(r-'0')
		if w > 1_000_000 {
			return 0, fmt.Errorf("%q is too large for one message", s)
		}
	}
	for i := 0; i < 6; i++ {
		f *= 10
		if i < len(frac) {
			r := frac[i]
			if r < '0' || r > '9' {
				return 0, fmt.Errorf("%q is not a price (digits and one dot, e.g. 0.0034)", s)
			}
			f += int64(r - '0')
		}
	}
	return w*1_000_000 + f, nil
}
