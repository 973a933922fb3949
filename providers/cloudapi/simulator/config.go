package simulator

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Config describes the simulated Meta world. The zero value of most fields
// means "Meta's default"; New fills them in.
type Config struct {
	// Addr is the listen address used by Run (default 127.0.0.1:8790).
	Addr string
	// StateFile, when set, keeps what Meta would remember across restarts
	// (webhook subscriptions, customers, the clock) in this JSON file.
	StateFile string
	// PublicURL is the base URL clients use to reach the simulator. It is used
	// in paging.next links and media download URLs. Empty: derived from each
	// request's Host header.
	PublicURL string

	// AccessToken is the only token the Graph API accepts (Bearer or
	// access_token query parameter).
	AccessToken string
	// AppSecret signs webhook bodies (X-Hub-Signature-256).
	AppSecret string
	// AppID and AppName describe the Meta app in subscribed_apps answers.
	AppID   string
	AppName string

	Businesses []Business
	// Customers are the WhatsApp users pre-created on the customer phone page.
	Customers []Customer
	// Catalog is the product catalog used by product messages and orders.
	Catalog Catalog

	// Throughput is the per-number send limit in messages per second
	// (Meta's default: 80). Exceeding it answers error 130429.
	Throughput int
	// PairInterval and PairBurst shape the per recipient pair rate: about one
	// message every PairInterval (default 6 s) with a burst of PairBurst
	// (default 5). Exceeding it answers error 131056.
	PairInterval time.Duration
	PairBurst    int
	// SendLatency delays the answer to every message send by this long,
	// as Meta's answers take over the internet (about 150 ms); the send is
	// counted against the limits when it arrives. 0: answer at once.
	SendLatency time.Duration

	// TemplateReviewDelay is how long a new template stays PENDING before it is
	// APPROVED or REJECTED (default 5 s).
	TemplateReviewDelay time.Duration
	// StatusDelay is the pause before the "sent" status and again before the
	// "delivered" status of an accepted message (default 300 ms).
	StatusDelay time.Duration
	// ReadAfter makes the customer "read" a delivered message after this delay
	// even when nobody looks at the phone page. 0 disables it.
	ReadAfter time.Duration

	Webhook WebhookConfig

	// Clock is the simulator's time source (default time.Now). The effective
	// time is Clock() plus ClockOffset plus whatever AdvanceClock added.
	Clock       func() time.Time
	ClockOffset time.Duration

	// Seed seeds the random source (IDs, duplicates). 0 picks a random seed.
	Seed int64
	// Logger receives the simulator's logs (default: discard).
	Logger *slog.Logger
}

// WebhookConfig tunes webhook delivery.
type WebhookConfig struct {
	// Timeout bounds one delivery attempt (default 10 s).
	Timeout time.Duration
	// HandshakeTimeout bounds the hub.challenge verification (default 5 s).
	HandshakeTimeout time.Duration
	// RetryInitial is the first retry delay; it doubles up to RetryMax
	// (defaults 2 s and 10 min).
	RetryInitial time.Duration
	RetryMax     time.Duration
	// MaxAge gives up on an event this long after its first attempt
	// (default 7 days, as Meta). MaxAttempts, when > 0, also caps attempts.
	MaxAge      time.Duration
	MaxAttempts int
	// DuplicateProbability (0..1) is the chance that a delivered event is
	// delivered a second time, as Meta sometimes does.
	DuplicateProbability float64
	// BatchSize is the most events sent in one request (default 1; Meta may
	// batch up to 1,000).
	BatchSize int
}

// Business is a Meta business portfolio (Business Manager).
type Business struct {
	ID   string
	Name string
	// OwnedWABAs are returned by owned_whatsapp_business_accounts,
	// ClientWABAs (shared with this business) by client_whatsapp_business_accounts.
	OwnedWABAs  []WABA
	ClientWABAs []WABA
}

// WABA is a WhatsApp Business Account.
type WABA struct {
	ID                         string
	Name                       string
	MessageTemplateNamespace   string
	TimezoneID                 string
	Currency                   string
	Country                    string
	AccountReviewStatus        string // APPROVED, PENDING, REJECTED
	BusinessVerificationStatus string // VERIFIED, UNVERIFIED, PENDING, REJECTED
	OwnershipType              string // SELF_OWNED, CLIENT_OWNED, AGENCY_OWNED
	PhoneNumbers               []PhoneNumber
	Templates                  []Template
}

// PhoneNumber is a business phone number of a WABA. Sending is refused
// (133010) unless Status is CONNECTED, FLAGGED or RESTRICTED and the code is
// VERIFIED.
type PhoneNumber struct {
	ID                     string
	DisplayPhoneNumber     string // e.g. "+1 555-010-1234"
	VerifiedName           string
	QualityRating          string // GREEN, YELLOW, RED, UNKNOWN
	MessagingLimitTier     string // TIER_50, TIER_250, TIER_1K, TIER_10K, TIER_100K, TIER_UNLIMITED
	Status                 string // CONNECTED, PENDING, FLAGGED, RESTRICTED, DISCONNECTED, BANNED...
	CodeVerificationStatus string // VERIFIED, NOT_VERIFIED, EXPIRED
	NameStatus             string // APPROVED, AVAILABLE_WITHOUT_REVIEW, PENDING_REVIEW, DECLINED, EXPIRED, NONE
	AccountMode            string // LIVE, SANDBOX
	CountryCode            string // ISO 3166 alpha-2, e.g. US
	CountryDialCode        string // e.g. 1
	Profile                BusinessProfile
}

// BusinessProfile is the whatsapp_business_profile of a number.
type BusinessProfile struct {
	About             string
	Address           string
	Description       string
	Email             string
	ProfilePictureURL string
	Websites          []string
	Vertical          string
}

// Template is a message template as stored by Meta. Components use Meta's
// JSON shape (type HEADER/BODY/FOOTER/BUTTONS...).
type Template struct {
	ID              string
	Name            string
	Language        string
	Category        string // MARKETING, UTILITY, AUTHENTICATION
	Status          string // APPROVED, PENDING, REJECTED, PAUSED, DISABLED
	ParameterFormat string // POSITIONAL (default) or NAMED
	Components      []TemplateComponent
}

// Customer is a simulated WhatsApp user.
type Customer struct {
	Name string
	WaID string // digits only, e.g. 16505551234
}

// Catalog is a small product catalog for product messages and orders.
type Catalog struct {
	ID       string
	Products []Product
}

// Product is one catalog item.
type Product struct {
	RetailerID  string
	Name        string
	Description string
	Price       float64
	Currency    string
}

// DefaultConfig is the demo world: one business with an owned WABA (one
// usable number, one that is not verified yet) and a client WABA with one
// number, some approved templates, two customers and a small catalog.
func DefaultConfig() Config {
	return Config{
		Addr:        "127.0.0.1:8790",
		AccessToken: "EAAWadeskSimulatorAccessToken0000000000000000000000",
		AppSecret:   "5ea1c0de5ea1c0de5ea1c0de5ea1c0de", // 32 hex digits, like a Meta App Secret
		AppID:       "908070605040302",
		AppName:     "wadesk (simulated)",
		Businesses: []Business{{
			ID:   "512300000000001",
			Name: "Flor de Lis Bakery",
			OwnedWABAs: []WABA{{
				ID:                         "104500000000011",
				Name:                       "Flor de Lis Bakery",
				MessageTemplateNamespace:   "7c1e2f9a_5d4b_4c3e_9a8f_1b2c3d4e5f60",
				TimezoneID:                 "1",
				Currency:                   "USD",
				Country:                    "US",
				AccountReviewStatus:        "APPROVED",
				BusinessVerificationStatus: "VERIFIED",
				OwnershipType:              "SELF_OWNED",
				PhoneNumbers: []PhoneNumber{
					{
						ID:                     "110200000000101",
						DisplayPhoneNumber:     "+1 555-010-2001",
						VerifiedName:           "Flor de Lis Bakery",
						QualityRating:          "GREEN",
						MessagingLimitTier:     "TIER_1K",
						Status:                 "CONNECTED",
						CodeVerificationStatus: "VERIFIED",
						NameStatus:             "APPROVED",
						AccountMode:            "LIVE",
						CountryCode:            "US",
						CountryDialCode:        "1",
						Profile: BusinessProfile{
							About:       "Fresh bread every morning 🥐",
							Address:     "12 Baker Street, Springfield",
							Description: "Family bakery. Order ahead on WhatsApp.",
							Email:       "hello@flordelis.example",
							Websites:    []string{"https://flordelis.example"},
							Vertical:    "RESTAURANT",
						},
					},
					{
						ID:                     "110200000000102",
						DisplayPhoneNumber:     "+1 555-010-2002",
						VerifiedName:           "Flor de Lis Catering",
						QualityRating:          "UNKNOWN",
						MessagingLimitTier:     "TIER_50",
						Status:                 "PENDING",
						CodeVerificationStatus: "NOT_VERIFIED",
						NameStatus:             "PENDING_REVIEW",
						AccountMode:            "LIVE",
						CountryCode:            "US",
						CountryDialCode:        "1",
						Profile:                BusinessProfile{Vertical: "RESTAURANT"},
					},
				},
				Templates: defaultTemplates("7001"),
			}},
			ClientWABAs: []WABA{{
				ID:                         "104500000000022",
				Name:                       "Ateliê Costa (client)",
				MessageTemplateNamespace:   "0a9b8c7d_6e5f_4a3b_8c2d_1e0f9a8b7c6d",
				TimezoneID:                 "25",
				Currency:                   "BRL",
				Country:                    "BR",
				AccountReviewStatus:        "APPROVED",
				BusinessVerificationStatus: "VERIFIED",
				OwnershipType:              "CLIENT_OWNED",
				PhoneNumbers: []PhoneNumber{{
					ID:                     "110200000000201",
					DisplayPhoneNumber:     "+55 11 95555-0101",
					VerifiedName:           "Ateliê Costa",
					QualityRating:          "YELLOW",
					MessagingLimitTier:     "TIER_250",
					Status:                 "CONNECTED",
					CodeVerificationStatus: "VERIFIED",
					NameStatus:             "APPROVED",
					AccountMode:            "LIVE",
					CountryCode:            "BR",
					CountryDialCode:        "55",
					Profile: BusinessProfile{
						About:       "Roupas sob medida",
						Description: "Ateliê de costura em São Paulo.",
						Vertical:    "APPAREL",
					},
				}},
				Templates: defaultTemplates("7002"),
			}},
		}},
		Customers: []Customer{
			{Name: "Sheena Nelson", WaID: "16505551234"},
			{Name: "João Araújo", WaID: "5511987654321"},
		},
		Catalog: Catalog{
			ID: "194800000000001",
			Products: []Product{
				{RetailerID: "sourdough-loaf", Name: "Sourdough loaf", Description: "800 g, naturally leavened", Price: 8.5, Currency: "USD"},
				{RetailerID: "croissant", Name: "Butter croissant", Description: "Baked this morning", Price: 3.25, Currency: "USD"},
				{RetailerID: "pao-de-queijo", Name: "Pão de queijo (6)", Description: "Cheese bread, six pieces", Price: 6, Currency: "USD"},
				{RetailerID: "carrot-cake", Name: "Carrot cake slice", Description: "With chocolate topping", Price: 4.75, Currency: "USD"},
			},
		},
		Throughput:          80,
		PairInterval:        6 * time.Second,
		PairBurst:           5,
		TemplateReviewDelay: 5 * time.Second,
		StatusDelay:         300 * time.Millisecond,
		ReadAfter:           20 * time.Second,
		Webhook: WebhookConfig{
			Timeout:              10 * time.Second,
			HandshakeTimeout:     5 * time.Second,
			RetryInitial:         2 * time.Second,
			RetryMax:             10 * time.Minute,
			MaxAge:               7 * 24 * time.Hour,
			DuplicateProbability: 0.02,
			BatchSize:            1,
		},
	}
}

// DefaultTemplates are the demo's approved templates with IDs starting
// with idPrefix (4 digits), for another account of the demo world.
func DefaultTemplates(idPrefix string) []Template { return defaultTemplates(idPrefix) }

// defaultTemplates are approved templates every demo WABA starts with. The
// prefix keeps template IDs unique across WABAs.
func defaultTemplates(prefix string) []Template {
	return []Template{
		{
			ID: prefix + "00000000001", Name: "hello_world", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
			Components: []TemplateComponent{
				{Type: "HEADER", Format: "TEXT", Text: "Hello World"},
				{Type: "BODY", Text: "Welcome! This message shows that your WhatsApp number can send notifications."},
				{Type: "FOOTER", Text: "wadesk simulator"},
			},
		},
		{
			ID: prefix + "00000000002", Name: "order_ready", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
			Components: []TemplateComponent{
				{Type: "BODY", Text: "Hi {{1}}, your order {{2}} is ready for pickup.",
					Example: &TemplateExample{BodyText: [][]string{{"Sheena", "#1042"}}}},
				{Type: "BUTTONS", Buttons: []TemplateButton{
					{Type: "QUICK_REPLY", Text: "On my way"},
					{Type: "QUICK_REPLY", Text: "Deliver instead"},
				}},
			},
		},
		{
			ID: prefix + "00000000003", Name: "weekend_offer", Language: "en_US", Category: "MARKETING", Status: "APPROVED",
			Components: []TemplateComponent{
				{Type: "HEADER", Format: "TEXT", Text: "Weekend {{1}}", Example: &TemplateExample{HeaderText: []string{"treats"}}},
				{Type: "BODY", Text: "Hello {{1}}! Use code {{2}} for 10% off this weekend.",
					Example: &TemplateExample{BodyText: [][]string{{"Sheena", "BREAD10"}}}},
				{Type: "FOOTER", Text: "Reply STOP to opt out"},
				{Type: "BUTTONS", Buttons: []TemplateButton{
					{Type: "URL", Text: "See the menu", URL: "https://flordelis.example/menu?src={{1}}", Example: []string{"whatsapp"}},
					{Type: "QUICK_REPLY", Text: "Stop promotions"},
				}},
			},
		},
		{
			ID: prefix + "00000000004", Name: "login_code", Language: "en_US", Category: "AUTHENTICATION", Status: "APPROVED",
			Components: []TemplateComponent{
				{Type: "BODY", AddSecurityRecommendation: true},
				{Type: "FOOTER", CodeExpirationMinutes: 10},
				{Type: "BUTTONS", Buttons: []TemplateButton{{Type: "OTP", OTPType: "COPY_CODE", Text: "Copy code"}}},
			},
		},
	}
}

// withDefaults fills zero fields with Meta's defaults.
func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8790"
	}
	if c.AppID == "" {
		c.AppID = "908070605040302"
	}
	if c.AppName == "" {
		c.AppName = "wadesk (simulated)"
	}
	if c.Throughput <= 0 {
		c.Throughput = 80
	}
	if c.PairInterval <= 0 {
		c.PairInterval = 6 * time.Second
	}
	if c.PairBurst <= 0 {
		c.PairBurst = 5
	}
	if c.TemplateReviewDelay <= 0 {
		c.TemplateReviewDelay = 5 * time.Second
	}
	if c.StatusDelay <= 0 {
		c.StatusDelay = 300 * time.Millisecond
	}
	w := &c.Webhook
	if w.Timeout <= 0 {
		w.Timeout = 10 * time.Second
	}
	if w.HandshakeTimeout <= 0 {
		w.HandshakeTimeout = 5 * time.Second
	}
	if w.RetryInitial <= 0 {
		w.RetryInitial = 2 * time.Second
	}
	if w.RetryMax <= 0 {
		w.RetryMax = 10 * time.Minute
	}
	if w.RetryMax < w.RetryInitial {
		w.RetryMax = w.RetryInitial
	}
	if w.MaxAge <= 0 {
		w.MaxAge = 7 * 24 * time.Hour
	}
	if w.BatchSize <= 0 {
		w.BatchSize = 1
	}
	if w.BatchSize > 1000 {
		w.BatchSize = 1000
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Catalog.ID == "" && len(c.Catalog.Products) > 0 {
		c.Catalog.ID = "194800000000001"
	}
	return c
}

// validate rejects configurations the simulator cannot serve.
func (c Config) validate() error {
	if c.AccessToken == "" {
		return errors.New("simulator: config: access token is empty")
	}
	if c.AppSecret == "" {
		return errors.New("simulator: config: app secret is empty")
	}
	if c.Webhook.DuplicateProbability < 0 || c.Webhook.DuplicateProbability > 1 {
		return fmt.Errorf("simulator: config: duplicate probability %v is not between 0 and 1", c.Webhook.DuplicateProbability)
	}
	seen := map[string]string{}
	claim := func(id, what string) error {
		if id == "" {
			return fmt.Errorf("simulator: config: %s has an empty ID", what)
		}
		if !isDigits(id) {
			return fmt.Errorf("simulator: config: %s ID %q is not numeric like Meta's", what, id)
		}
		if prev, ok := seen[id]; ok {
			return fmt.Errorf("simulator: config: ID %s is used by both %s and %s", id, prev, what)
		}
		seen[id] = what
		return nil
	}
	if len(c.Businesses) == 0 {
		return errors.New("simulator: config: no business")
	}
	for _, b := range c.Businesses {
		if err := claim(b.ID, "business "+b.Name); err != nil {
			return err
		}
		for _, list := range [][]WABA{b.OwnedWABAs, b.ClientWABAs} {
			for _, w := range list {
				if err := claim(w.ID, "WABA "+w.Name); err != nil {
					return err
				}
				for _, p := range w.PhoneNumbers {
					if err := claim(p.ID, "phone number "+p.DisplayPhoneNumber); err != nil {
						return err
					}
					if digitsOnly(p.DisplayPhoneNumber) == "" {
						return fmt.Errorf("simulator: config: phone number %s has no display number", p.ID)
					}
				}
				for _, t := range w.Templates {
					if err := claim(t.ID, "template "+t.Name); err != nil {
						return err
					}
				}
			}
		}
	}
	for _, cu := range c.Customers {
		if !isDigits(cu.WaID) || len(cu.WaID) < 8 {
			return fmt.Errorf("simulator: config: customer %q has an invalid wa_id %q", cu.Name, cu.WaID)
		}
	}
	return nil
}

// ConfigFromFlags builds the configuration of `wadesk sim` from command line
// flags, falling back to WADESK_SIM_* environment variables, then to
// DefaultConfig.
func ConfigFromFlags(args []string, getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	cfg := DefaultConfig()
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	envDuration := func(name string, def time.Duration) (time.Duration, error) {
		v := getenv(name)
		if v == "" {
			return def, nil
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			return 0, fmt.Errorf("simulator: %s: %w", name, err)
		}
		return d, nil
	}
	envInt := func(name string, def int) (int, error) {
		v := getenv(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("simulator: %s: %w", name, err)
		}
		return n, nil
	}
	envFloat := func(name string, def float64) (float64, error) {
		v := getenv(name)
		if v == "" {
			return def, nil
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("simulator: %s: %w", name, err)
		}
		return f, nil
	}

	review, err := envDuration("WADESK_SIM_REVIEW_DELAY", cfg.TemplateReviewDelay)
	if err != nil {
		return Config{}, err
	}
	readAfter, err := envDuration("WADESK_SIM_READ_AFTER", cfg.ReadAfter)
	if err != nil {
		return Config{}, err
	}
	retry, err := envDuration("WADESK_SIM_RETRY_INITIAL", cfg.Webhook.RetryInitial)
	if err != nil {
		return Config{}, err
	}
	throughput, err := envInt("WADESK_SIM_THROUGHPUT", cfg.Throughput)
	if err != nil {
		return Config{}, err
	}
	dup, err := envFloat("WADESK_SIM_DUPLICATE_RATE", cfg.Webhook.DuplicateProbability)
	if err != nil {
		return Config{}, err
	}

	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", env("WADESK_SIM_ADDR", cfg.Addr), "listen address (env WADESK_SIM_ADDR)")
	public := fs.String("public-url", env("WADESK_SIM_PUBLIC_URL", ""), "base URL clients use, e.g. http://127.0.0.1:8790 (env WADESK_SIM_PUBLIC_URL)")
	token := fs.String("token", env("WADESK_SIM_TOKEN", cfg.AccessToken), "access token the Graph API accepts (env WADESK_SIM_TOKEN)")
	secret := fs.String("app-secret", env("WADESK_SIM_APP_SECRET", cfg.AppSecret), "app secret that signs webhooks (env WADESK_SIM_APP_SECRET)")
	business := fs.String("business-id", env("WADESK_SIM_BUSINESS_ID", cfg.Businesses[0].ID), "business portfolio ID (env WADESK_SIM_BUSINESS_ID)")
	fs.DurationVar(&cfg.TemplateReviewDelay, "review-delay", review, "template review delay (env WADESK_SIM_REVIEW_DELAY)")
	fs.DurationVar(&cfg.ReadAfter, "read-after", readAfter, "customer reads messages after this delay, 0 = only on the phone page (env WADESK_SIM_READ_AFTER)")
	fs.DurationVar(&cfg.Webhook.RetryInitial, "retry-initial", retry, "first webhook retry delay (env WADESK_SIM_RETRY_INITIAL)")
	fs.IntVar(&cfg.Throughput, "throughput", throughput, "messages per second per number (env WADESK_SIM_THROUGHPUT)")
	fs.Float64Var(&cfg.Webhook.DuplicateProbability, "duplicate-rate", dup, "probability of a duplicate webhook delivery (env WADESK_SIM_DUPLICATE_RATE)")
	if err := fs.Parse(args); err != nil {
		return Config{}, fmt.Errorf("simulator: flags: %w (flags: %s)", err, flagNames(fs))
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("simulator: unexpected arguments %q", fs.Args())
	}
	cfg.Addr = *addr
	cfg.PublicURL = strings.TrimRight(*public, "/")
	cfg.AccessToken = *token
	cfg.AppSecret = *secret
	if !isDigits(*business) {
		return Config{}, fmt.Errorf("simulator: business id %q must be numeric", *business)
	}
	cfg.Businesses[0].ID = *business
	if err := cfg.withDefaults().validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func flagNames(fs *flag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, "-"+f.Name) })
	return strings.Join(names, " ")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
