package views

import (
	"context"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/wadesk/wadesk/i18n"
)

// NavCampaigns is the campaigns section.
const NavCampaigns = "campaigns"

// CampaignRow is one campaign in the list.
type CampaignRow struct {
	ID         int64
	Name       string
	Channel    string
	Template   string
	State      string
	Recipients int
	CreatedAt  time.Time
}

// CampaignsView is the campaigns list.
type CampaignsView struct {
	Rows []CampaignRow
}

// CampaignTemplate is an approved template to send.
type CampaignTemplate struct {
	ID       int64
	Label    string
	Selected bool
}

// ChannelTemplates groups a channel's approved templates.
type ChannelTemplates struct {
	Channel   string
	Templates []CampaignTemplate
}

// CampaignNewView is the form that starts a campaign.
type CampaignNewView struct {
	Name   string
	Groups []ChannelTemplates
	Errors Errors
}

// LabelChoice is a label to pick an audience with.
type LabelChoice struct {
	ID      int64
	Name    string
	Colour  string
	Checked bool
}

// MappingField is one template value and where it comes from.
type MappingField struct {
	Name    string
	Label   string
	Example string
	Kind    string
	Value   string
}

// PreviewRow is one recipient's message.
type PreviewRow struct {
	Phone        string
	Name         string
	HeaderFormat string
	Header       string
	Body         string
	Footer       string
	Buttons      []string
	// Problem is an i18n id; Field its detail.
	Problem string
	Field   string
}

// EstimateRow is one line of the cost estimate.
type EstimateRow struct {
	Country    string
	Category   string
	Recipients int
	Unit       float64
	Cost       float64
	Priced     bool
}

// RecipientRow is one recipient and where their message is.
type RecipientRow struct {
	Phone          string
	Name           string
	Status         string // pending, sending, sent, delivered, read, failed, skipped, cancelled
	Reason         string // failure reason (provider's words) or skip reason's i18n id
	ConversationID int64
	NotBefore      time.Time
	// Cost is the message's price in words ("" before it is queued);
	// CostEstimated: from the rate card, the provider has not reported it.
	Cost          string
	CostEstimated bool
}

// CampaignCostLine is what a campaign's messages cost in one currency.
type CampaignCostLine struct {
	Amount    string
	Billable  int
	Estimated int // priced from the rate card, not reported yet
}

// CampaignReportView counts the outcome of a launched campaign.
type CampaignReportView struct {
	Recipients, Pending, Skipped, Cancelled int
	Sending, Sent, Delivered, Read, Failed  int
	Replied, OptedOutAfter                  int
}

// Reached is how many messages reached WhatsApp (sent or better).
func (r CampaignReportView) Reached() int { return r.Sent + r.Delivered + r.Read }

// CampaignView is one campaign's page.
type CampaignView struct {
	ID               int64
	Name             string
	State            string
	Channel          string
	TemplateName     string
	TemplateLanguage string
	Category         string

	// Audience.
	Labels     []LabelChoice
	OptIn      string
	CSV        bool
	CSVColumns []string
	Invalid    int
	Duplicates int
	Recipients int
	OptedOut   int
	Blocked    int

	// Template values.
	Fields      []MappingField
	Unsupported string
	Previews    []PreviewRow

	// Before launch.
	Estimate        []EstimateRow
	EstimateTotal   float64
	Currency        string
	EstimateExample bool
	Unpriced        int
	LimitUnlimited  bool
	LimitPerDay     int
	LimitUsed       int
	LimitRemaining  int
	Fits            bool
	Days            int
	Ready           bool

	// Launch form.
	When       string // "now" or "later"
	ScheduleAt string // datetime-local value
	Zones      []ZoneChoice
	Split      bool
	Errors     Errors

	// After launch.
	ScheduledAt *time.Time
	Split2      bool
	Report      CampaignReportView
	Filter      string
	Rows        []RecipientRow
	More        bool
	Costs       []CampaignCostLine
	// HeldLimit (the limit's size) or HeldReason (the account's block, in
	// words) say why a sending campaign waits; HeldUntil when a place of
	// the limit frees.
	HeldLimit  int
	HeldUntil  time.Time
	HeldReason string
}

// Draft reports whether the campaign can still be changed.
func (v CampaignView) Draft() bool { return v.State == "draft" }

// Live reports whether the page should keep its list up to date: while
// the campaign sends or waits for its time, and afterwards while messages
// still wait for their delivered or read ticks.
func (v CampaignView) Live() bool {
	return v.State == "sending" || v.State == "scheduled" || v.Report.Sending+v.Report.Sent > 0
}

// refreshEvery is how often a live page reloads its progress: often while
// sending, less often while only ticks are still to come.
func (v CampaignView) refreshEvery() string {
	if v.State == "sending" || v.State == "scheduled" {
		return "every 2s"
	}
	return "every 5s"
}

func percent(n, of int) string {
	if of <= 0 {
		return "0%"
	}
	return itoa(n*100/of) + "%"
}

func lowerStatus(s string) string { return strings.ToLower(s) }

// countryName names a country (ISO 3166 code) in the reader's language;
// "ZZ" is an unknown one.
func countryName(ctx context.Context, code string) string {
	if code == "" || code == "ZZ" {
		return i18n.T(ctx, "campaigns.check.country_unknown")
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.Regions(language.Make(i18n.Lang(ctx))).Name(r); n != "" {
		return n
	}
	return code
}
