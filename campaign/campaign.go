// Package campaign sends one approved template to many customers of a
// number: who receives it (labels, filters or an uploaded CSV, minus
// opted-out, blocked and duplicate numbers), what each receives (the
// template's values taken from contact fields, attributes or CSV
// columns), what it will cost and whether the messaging limit allows it,
// and the feeding of recipients into the durable outbox, which paces them
// to the number's throughput and the per-customer pair rate.
//
// # Sending each customer at most once
//
// Recipients are stored when the audience is chosen. Once launched, a
// Runner moves them to the outbox a window at a time (about two seconds
// of the number's throughput), each with a conditional update from
// "pending" to "queued" in the same transaction that stores its message
// and outbox row: a recipient is queued once however often the Runner
// starts again after a crash, and the outbox itself never sends a message
// twice. Pausing takes back the messages the outbox has not started
// sending; resuming queues them again.
package campaign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

// Opt-in filters of an audience.
const (
	OptInAny      = ""
	OptInRequired = "opted_in"
)

// Audience is who a campaign is for.
type Audience struct {
	// LabelIDs: contacts with any of these labels (none: all contacts).
	LabelIDs []int64 `json:"label_ids,omitempty"`
	// OptIn is OptInAny or OptInRequired.
	OptIn string `json:"opt_in,omitempty"`
	// CSV: the audience is an uploaded file, not contacts.
	CSV bool `json:"csv,omitempty"`
	// Duplicates counts numbers the file gave more than once.
	Duplicates int `json:"duplicates,omitempty"`
	// Invalid counts the file's rows without a usable number.
	Invalid int `json:"invalid,omitempty"`
}

// Sources of a template value.
const (
	SourceName      = "name"      // the contact's name
	SourcePhone     = "phone"     // the number
	SourceAttribute = "attribute" // a custom attribute, Value its name
	SourceColumn    = "column"    // a CSV column, Value its name
	SourceText      = "text"      // the same text for everyone, Value
)

// Source says where one template value comes from.
type Source struct {
	Kind  string `json:"kind"`
	Value string `json:"value,omitempty"`
}

// Mapping gives each field of the template's send form (by name:
// "body_1", "header_1", "button_0") its source.
type Mapping map[string]Source

// Decode reads a stored campaign's audience and mapping.
func Decode(c store.Campaign) (Audience, Mapping, error) {
	var a Audience
	m := Mapping{}
	if err := json.Unmarshal([]byte(c.Audience), &a); err != nil {
		return a, m, fmt.Errorf("campaign %d: audience: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(c.Mapping), &m); err != nil {
		return a, m, fmt.Errorf("campaign %d: mapping: %w", c.ID, err)
	}
	return a, m, nil
}

// Encode is the stored form of an audience and a mapping.
func Encode(a Audience, m Mapping) (audience, mapping string) {
	ab, _ := json.Marshal(a)
	mb, _ := json.Marshal(m)
	return string(ab), string(mb)
}

// Form returns the send form of the campaign's template.
func Form(c store.Campaign) (templates.SendForm, error) {
	comps, err := templates.DecodeComponents(c.TemplateComponents)
	if err != nil {
		return templates.SendForm{}, fmt.Errorf("campaign %d: template: %w", c.ID, err)
	}
	return templates.NewSendForm(comps), nil
}

// IsMarketing reports whether a template category is marketing (opted-out
// customers are never sent those).
func IsMarketing(category string) bool { return strings.EqualFold(category, "MARKETING") }

// Value is what source gives for one recipient; ok is false when the
// recipient has no such value.
func Value(s Source, r store.Recipient) (string, bool) {
	switch s.Kind {
	case SourceName:
		return r.Name, strings.TrimSpace(r.Name) != ""
	case SourcePhone:
		return r.Phone, r.Phone != ""
	case SourceAttribute:
		v, ok := r.Attributes[s.Value]
		return v, ok && strings.TrimSpace(v) != ""
	case SourceColumn:
		var cols map[string]string
		json.Unmarshal([]byte(r.Columns), &cols)
		v, ok := cols[s.Value]
		return v, ok && strings.TrimSpace(v) != ""
	case SourceText:
		return s.Value, strings.TrimSpace(s.Value) != ""
	}
	return "", false
}

// MissingError says a recipient has no value for a template field.
type MissingError struct {
	Field string // the field's label
}

func (e *MissingError) Error() string { return "campaign: no value for " + e.Field }

// Message builds the template message for one recipient, and the template
// as the recipient will see it. A recipient without a value for a field
// gets *MissingError; a value WhatsApp would refuse, templates.Errors
// wrapped in *InvalidError.
func Message(c store.Campaign, form templates.SendForm, m Mapping, r store.Recipient) (providers.OutboundMessage, templates.Filled, error) {
	values := map[string]string{}
	for _, f := range form.Fields {
		src, ok := m[f.Name]
		if !ok {
			return providers.OutboundMessage{}, templates.Filled{}, &MissingError{Field: f.Label}
		}
		v, ok := Value(src, r)
		if !ok {
			return providers.OutboundMessage{}, templates.Filled{}, &MissingError{Field: f.Label}
		}
		values[f.Name] = v
	}
	msg, filled, errs := form.Fill(c.TemplateName, c.TemplateLanguage, c.TemplateCategory, values, templates.Values{})
	if len(errs) > 0 {
		return providers.OutboundMessage{}, templates.Filled{}, &InvalidError{Errs: errs}
	}
	return providers.OutboundMessage{To: r.WaID, Template: &msg}, filled, nil
}

// InvalidError carries the problems with a recipient's values.
type InvalidError struct{ Errs templates.Errors }

func (e *InvalidError) Error() string {
	keys := make([]string, 0, len(e.Errs))
	for k := range e.Errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, e.Errs[k])
	}
	return "campaign: " + strings.Join(parts, " ")
}

// CheckMapping returns, for each field of the form, the problem with its
// source ("" when fine): no source, an attribute or column without a name,
// a fixed text that is empty, a column the CSV does not have.
func CheckMapping(form templates.SendForm, m Mapping, a Audience, csvColumns []string) map[string]string {
	out := map[string]string{}
	for _, f := range form.Fields {
		s, ok := m[f.Name]
		switch {
		case !ok || s.Kind == "":
			out[f.Name] = "missing"
		case s.Kind == SourceText && strings.TrimSpace(s.Value) == "":
			out[f.Name] = "text_empty"
		case s.Kind == SourceAttribute && strings.TrimSpace(s.Value) == "":
			out[f.Name] = "attribute_empty"
		case s.Kind == SourceColumn && (!a.CSV || !contains(csvColumns, s.Value)):
			out[f.Name] = "column_unknown"
		case s.Kind != SourceName && s.Kind != SourcePhone && s.Kind != SourceText && s.Kind != SourceAttribute && s.Kind != SourceColumn:
			out[f.Name] = "missing"
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Countries turns counts by the first digits of numbers into counts by
// country (ISO 3166 code, "ZZ" when the calling code is unknown). The
// country comes from the calling code, so North American numbers all
// count as US (Meta prices them alike).
func Countries(prefixes map[string]int) map[string]int {
	out := map[string]int{}
	for p, n := range prefixes {
		out[countryOf(p)] += n
	}
	return out
}

func countryOf(digits string) string {
	for l := 1; l <= 3 && l <= len(digits); l++ {
		cc, err := strconv.Atoi(digits[:l])
		if err != nil {
			return "ZZ"
		}
		if r := phonenumbers.GetRegionCodeForCountryCode(cc); r != "" && r != "ZZ" {
			return r
		}
	}
	return "ZZ"
}

// Normalize turns a number as typed in a file ("+44 20 7946 0958",
// "0044…") into E.164 and WhatsApp's digits; ok is false when it is not a
// possible number (right length for its country; the provider refuses
// numbers nobody has). Numbers without a country code are read in
// defaultRegion.
func Normalize(raw, defaultRegion string) (e164, waID string, ok bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", "", false
	}
	if strings.HasPrefix(raw, "00") {
		raw = "+" + raw[2:]
	}
	if defaultRegion == "" && !strings.HasPrefix(raw, "+") {
		raw = "+" + raw
	}
	n, err := phonenumbers.Parse(raw, defaultRegion)
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return "", "", false
	}
	e164 = phonenumbers.Format(n, phonenumbers.E164)
	return e164, strings.TrimPrefix(e164, "+"), true
}

// ErrOverLimit refuses a launch larger than what the messaging limit
// leaves today, when the admin did not choose to split it over days.
var ErrOverLimit = errors.New("campaign: more recipients than the messaging limit leaves today")

// ErrNotReady refuses a launch whose values are not all mapped, or that
// has nobody to send to.
var ErrNotReady = errors.New("campaign: not ready to launch")

// Check is what an admin sees before launching.
type Check struct {
	Counts   store.AudienceCounts
	Estimate Estimate
	Limit    Limit
	// Fits: the limit leaves enough today for every recipient.
	Fits bool
	// Days is how many days a split campaign takes (1 when it fits).
	Days int
}

// Prepare works out the pre-launch check of a campaign.
func Prepare(ctx context.Context, db *store.DB, est Estimator, lim LimitChecker, c store.Campaign, now time.Time) (Check, error) {
	a, _, err := Decode(c)
	if err != nil {
		return Check{}, err
	}
	counts, err := db.CampaignAudienceCounts(ctx, c.ID)
	if err != nil {
		return Check{}, err
	}
	counts.Duplicates = a.Duplicates
	prefixes, err := db.RecipientPrefixes(ctx, c.ID)
	if err != nil {
		return Check{}, err
	}
	e, err := est.Estimate(ctx, c.ChannelID, c.TemplateCategory, Countries(prefixes))
	if err != nil {
		return Check{}, fmt.Errorf("campaign: estimate: %w", err)
	}
	l, err := lim.Check(ctx, c.ChannelID, now)
	if err != nil {
		return Check{}, fmt.Errorf("campaign: messaging limit: %w", err)
	}
	ch := Check{Counts: counts, Estimate: e, Limit: l, Fits: l.Unlimited || counts.Recipients <= l.Remaining, Days: 1}
	if !ch.Fits && l.PerDay > 0 {
		rest := counts.Recipients - l.Remaining
		ch.Days = 1 + (rest+l.PerDay-1)/l.PerDay
	}
	return ch, nil
}

// LaunchOptions say when and how to launch.
type LaunchOptions struct {
	// At is when to start; zero: now.
	At       time.Time
	Timezone string
	// Split sends over days when the limit does not leave enough today.
	Split bool
}

// Launch starts (or schedules) a draft after checking it again: every
// template value has a source, there is somebody to send to, and the
// messaging limit leaves enough today unless o.Split.
func Launch(ctx context.Context, db *store.DB, lim LimitChecker, c store.Campaign, o LaunchOptions, now time.Time) error {
	a, m, err := Decode(c)
	if err != nil {
		return err
	}
	form, err := Form(c)
	if err != nil {
		return err
	}
	var cols []string
	json.Unmarshal([]byte(c.CSVColumns), &cols)
	if form.Unsupported != "" || len(CheckMapping(form, m, a, cols)) > 0 {
		return ErrNotReady
	}
	counts, err := db.CampaignAudienceCounts(ctx, c.ID)
	if err != nil {
		return err
	}
	if counts.Recipients == 0 {
		return ErrNotReady
	}
	l, err := lim.Check(ctx, c.ChannelID, now)
	if err != nil {
		return fmt.Errorf("campaign: messaging limit: %w", err)
	}
	plan := store.LaunchPlan{At: o.At, Scheduled: !o.At.IsZero() && o.At.After(now), Timezone: o.Timezone}
	if plan.At.IsZero() || !plan.Scheduled {
		plan.At = now
	}
	if !l.Unlimited && counts.Recipients > l.Remaining {
		if !o.Split || l.PerDay <= 0 {
			return ErrOverLimit
		}
		plan.FirstDay, plan.PerDay = max(l.Remaining, 0), l.PerDay
	}
	return db.LaunchCampaign(ctx, c.ID, plan)
}

// Stored returns the message of a recipient in the forms the outbox
// keeps, or the reason to skip the recipient.
func stored(c store.Campaign, form templates.SendForm, m Mapping, r store.Recipient) (store.CampaignMessage, error) {
	out := store.CampaignMessage{RecipientID: r.ID}
	if r.SkipReason == store.SkipBlocked || (r.SkipReason == store.SkipOptedOut && IsMarketing(c.TemplateCategory)) {
		out.SkipReason = r.SkipReason
		return out, nil
	}
	msg, filled, err := Message(c, form, m, r)
	var me *MissingError
	var ie *InvalidError
	switch {
	case errors.As(err, &me):
		out.SkipReason = SkipMissingValue
		return out, nil
	case errors.As(err, &ie):
		out.SkipReason = SkipInvalidValue
		return out, nil
	case err != nil:
		return out, err
	}
	req, payload, err := outbox.Stored(msg, filled)
	if err != nil {
		out.SkipReason = SkipInvalidValue
		return out, nil
	}
	out.Type, out.Text, out.Payload, out.Request = string(msg.Kind()), filled.Body, string(payload), req
	return out, nil
}

// More reasons a recipient is skipped when their message is built.
const (
	SkipMissingValue = "missing_value"
	SkipInvalidValue = "invalid_value"
)
