package templates

import (
	"strings"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// Template statuses as Meta reports them. Others (LIMIT_EXCEEDED,
// ARCHIVED, …) are stored and shown as they come.
const (
	StatusApproved = "APPROVED"
	StatusPending  = "PENDING"
	StatusRejected = "REJECTED"
	StatusPaused   = "PAUSED"
	StatusDisabled = "DISABLED"
	StatusInAppeal = "IN_APPEAL"
)

// Statuses are the statuses offered in the list's filter.
var Statuses = []string{StatusApproved, StatusPending, StatusRejected, StatusPaused, StatusDisabled, StatusInAppeal}

// Categories are the template categories.
var Categories = []string{CategoryMarketing, CategoryUtility, CategoryAuthentication}

// Editable reports whether Meta lets a template in this status be edited
// and submitted again (a rejected one, or one paused for low quality).
func Editable(status string) bool {
	switch strings.ToUpper(status) {
	case StatusRejected, StatusPaused:
		return true
	}
	return false
}

// StatusFromEvent turns the event of a template status webhook into the
// status the template now has: a reinstated template is approved again;
// other events name the status itself.
func StatusFromEvent(event string) string {
	e := strings.ToUpper(strings.TrimSpace(event))
	if e == "REINSTATED" {
		return StatusApproved
	}
	return e
}

// cleanReason drops Meta's "NONE" placeholder for "no reason".
func cleanReason(r string) string {
	r = strings.TrimSpace(r)
	if strings.EqualFold(r, "NONE") {
		return ""
	}
	return r
}

// StatusChange turns a template status webhook into the change the store
// applies (see store.DB.ApplyTemplateStatus).
func StatusChange(u providers.TemplateStatusUpdate) store.TemplateStatusChange {
	reason := cleanReason(u.Reason)
	if reason == "" {
		reason = strings.TrimSpace(u.Title)
	}
	return store.TemplateStatusChange{
		TemplateID: u.TemplateID, Name: u.TemplateName, Language: u.Language,
		Status: StatusFromEvent(u.Event), Reason: reason,
	}
}

// Record turns a template as the provider lists it into what the store keeps.
func Record(t providers.Template) (store.TemplateRecord, error) {
	comps, err := EncodeComponents(t.Components)
	if err != nil {
		return store.TemplateRecord{}, err
	}
	return store.TemplateRecord{
		ProviderTemplateID: t.ID, Name: t.Name, Language: t.Language,
		Category: t.Category, PreviousCategory: t.PreviousCategory,
		Status: t.Status, RejectedReason: cleanReason(t.RejectedReason), Quality: t.Quality,
		ComponentsJSON: comps,
	}, nil
}

// Stored reads a stored template back into the provider's terms.
func Stored(t store.Template) (providers.Template, error) {
	comps, err := DecodeComponents(t.ComponentsJSON)
	if err != nil {
		return providers.Template{}, err
	}
	return providers.Template{
		ID: t.ProviderTemplateID, Name: t.Name, Language: t.Language, Category: t.Category,
		PreviousCategory: t.PreviousCategory, Status: t.Status, RejectedReason: t.RejectedReason,
		Quality: t.Quality, Components: comps,
	}, nil
}

// reasonTexts explains Meta's rejection and pause reasons.
var reasonTexts = map[string]string{
	"INVALID_FORMAT":       "the format is not valid: check the variables, their examples and the formatting",
	"SCAM":                 "Meta considers the content a possible scam",
	"ABUSIVE_CONTENT":      "Meta considers the content abusive",
	"INCORRECT_CATEGORY":   "the category does not match the content",
	"TAG_CONTENT_MISMATCH": "the content does not match the category or the language",
	"PROMOTIONAL":          "the content is promotional, which only marketing templates may be",
}

// ReasonText shows a rejection or pause reason: Meta's code followed by
// plain words when wadesk knows it, otherwise as Meta sent it.
func ReasonText(reason string) string {
	reason = cleanReason(reason)
	if t, ok := reasonTexts[strings.ToUpper(reason)]; ok {
		return reason + ": " + t + "."
	}
	return reason
}
