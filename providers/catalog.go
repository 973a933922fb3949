package providers

// ProviderID identifies a WhatsApp Business API provider.
type ProviderID string

// Provider IDs known to wadesk.
const (
	MetaCloud       ProviderID = "meta_cloud"
	Dialog360       ProviderID = "360dialog"
	Twilio          ProviderID = "twilio"
	MessageBird     ProviderID = "messagebird"
	Vonage          ProviderID = "vonage"
	Maytapi         ProviderID = "maytapi"
	CloudCompatible ProviderID = "cloud_compatible"
)

// Description is what the channel wizard shows on a provider's comparison card.
// All text is plain words for a small-business admin.
type Description struct {
	ID   ProviderID
	Name string
	// Official is true for providers that use Meta's WhatsApp Business
	// Platform; false for services that drive an ordinary WhatsApp account.
	Official         bool
	MonthlyFee       string
	MessagingPricing string
	MessagingLimit   string
	Summary          string
	// DailyCap is the provider's fixed cap of outgoing messages a day per
	// number (0: none; Meta's limits are counted differently).
	DailyCap int
	// Available is true when the program registered an adapter for the
	// provider (Registry.Catalog); the bare catalog marks none available.
	Available bool
	// Availability is the card's status line ("Available" or "Not available yet").
	Availability string
	// Capabilities is what the adapter can do; empty when not Available.
	Capabilities Capabilities
}

// Shared wording for providers that pass Meta's prices and limits through.
const (
	metaPricing = "Meta's per-message prices (since 1 July 2025): marketing and authentication " +
		"templates are charged per delivered message, utility templates only outside the " +
		"24-hour customer service window, and replies inside the window are free."
	metaLimit = "Set by Meta per business: 250, 2,000, 10,000 or 100,000 customers reached " +
		"outside the 24-hour window per rolling 24 hours, or unlimited. Replies to customers " +
		"who write first do not count."
	notAvailable = "Not available yet"
)

// CloudAPICapabilities is everything the Meta Cloud API adapter supports.
func CloudAPICapabilities() Capabilities {
	return NewCapabilities(AllCapabilities()...)
}

// Catalog returns every provider the channel wizard shows, Meta's Cloud
// API first, none marked available: Registry.Catalog marks the ones the
// program has an adapter for. Each call returns a fresh slice.
func Catalog() []Description {
	return []Description{
		{
			ID:               MetaCloud,
			Name:             "WhatsApp Cloud API (Meta)",
			Official:         true,
			MonthlyFee:       "No monthly fee",
			MessagingPricing: metaPricing + " Meta bills you directly.",
			MessagingLimit:   metaLimit,
			Summary: "Meta's own official API, hosted by Meta. You connect your Meta app with a " +
				"system-user access token and your Business Manager ID; no middleman.",
			Availability: notAvailable,
		},
		{
			ID:               Dialog360,
			Name:             "360dialog",
			Official:         true,
			MonthlyFee:       "Monthly fee per number, set by 360dialog",
			MessagingPricing: metaPricing + " Billed through 360dialog.",
			MessagingLimit:   metaLimit,
			Summary: "An official Meta partner. It runs the Cloud API for you and gives you an " +
				"API key instead of a Meta token; messages and webhooks use Meta's format.",
			Availability: notAvailable,
		},
		{
			ID:               Twilio,
			Name:             "Twilio",
			Official:         true,
			MonthlyFee:       "Set by Twilio",
			MessagingPricing: "Meta's per-message prices plus Twilio's own per-message fee.",
			MessagingLimit:   metaLimit,
			Summary: "An official Meta partner. WhatsApp messages go through Twilio's " +
				"messaging API and are billed by Twilio.",
			Availability: notAvailable,
		},
		{
			ID:               MessageBird,
			Name:             "MessageBird (Bird)",
			Official:         true,
			MonthlyFee:       "Set by MessageBird",
			MessagingPricing: "Meta's per-message prices plus MessageBird's own fees.",
			MessagingLimit:   metaLimit,
			Summary: "An official Meta partner. WhatsApp messages go through MessageBird's " +
				"Conversations API.",
			Availability: notAvailable,
		},
		{
			ID:               Vonage,
			Name:             "Vonage",
			Official:         true,
			MonthlyFee:       "Set by Vonage",
			MessagingPricing: "Meta's per-message prices plus Vonage's own per-message fee.",
			MessagingLimit:   metaLimit,
			Summary: "An official Meta partner. WhatsApp messages go through the Vonage " +
				"Messages API.",
			Availability: notAvailable,
		},
		{
			ID:               Maytapi,
			Name:             "Maytapi",
			Official:         false,
			MonthlyFee:       "Fixed monthly fee (listed at $30 a month)",
			MessagingPricing: "No per-message charge.",
			MessagingLimit:   "Fixed cap of about 6,000 outgoing messages a day; incoming messages are unlimited.",
			DailyCap:         6000,
			Summary: "Not an official API: it drives an ordinary WhatsApp account on a phone. " +
				"There are no templates and no 24-hour window, but WhatsApp may ban numbers " +
				"used this way.",
			Availability: notAvailable,
		},
		{
			ID:               CloudCompatible,
			Name:             "Other Cloud API–compatible provider",
			Official:         true,
			MonthlyFee:       "Set by the provider",
			MessagingPricing: metaPricing + " Your provider may add its own fee.",
			MessagingLimit:   metaLimit,
			Summary: "A Meta partner that accepts Meta's Cloud API message format at its own " +
				"address, with its own key.",
			Availability: notAvailable,
		},
	}
}

// Describe returns the catalog entry for id.
func Describe(id ProviderID) (Description, bool) {
	for _, d := range Catalog() {
		if d.ID == id {
			return d, true
		}
	}
	return Description{}, false
}
