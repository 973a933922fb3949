package handlers

import (
	"context"

	"github.com/wadesk/wadesk/i18n"
)

// Audit actions of the JSON API (package api records them as "api." and
// the route's method and pattern).
const (
	auditAPIMessageSend  = "api.post /api/v1/messages"
	auditAPIMessageShow  = "api.get /api/v1/messages/{id}"
	auditAPIContactsList = "api.get /api/v1/contacts"
	auditAPIContactPut   = "api.put /api/v1/contacts/{phone}"
)

// auditActionMessages name, by catalog id, what the campaign, contact and
// API actions did (the older actions are in auditLabels).
var auditActionMessages = map[string]string{
	auditCampaignLaunched:     "auditactions.campaign_launched",
	auditCampaignPaused:       "auditactions.campaign_paused",
	auditCampaignResumed:      "auditactions.campaign_resumed",
	auditCampaignCancelled:    "auditactions.campaign_cancelled",
	auditAPIKeyCreated:        "auditactions.api_key_created",
	auditAPIKeyRevoked:        "auditactions.api_key_revoked",
	auditAPIMessageSend:       "auditactions.api_message_sent",
	auditAPIMessageShow:       "auditactions.api_message_read",
	auditAPIContactsList:      "auditactions.api_contacts_listed",
	auditAPIContactPut:        "auditactions.api_contact_saved",
	auditContactCreated:       "auditactions.contact_created",
	auditContactUpdated:       "auditactions.contact_updated",
	auditContactConsent:       "auditactions.contact_consent",
	auditContactLabelled:      "auditactions.contact_labelled",
	auditContactUnlabelled:    "auditactions.contact_unlabelled",
	auditContactAttribute:     "auditactions.contact_attribute",
	auditContactsImported:     "auditactions.contacts_imported",
	auditContactsExported:     "auditactions.contacts_exported",
	auditOptOutKeywordAdded:   "auditactions.opt_out_keyword_added",
	auditOptOutKeywordRemoved: "auditactions.opt_out_keyword_removed",
	auditOptOutReplyChanged:   "auditactions.opt_out_reply_changed",
	auditConversationStarted:  "auditactions.conversation_started",
}

// auditFamilyMessages are the What filter's choices for those actions:
// the family (an action prefix ending in a dot) and its catalog id.
var auditFamilyMessages = []struct{ prefix, id string }{
	{"campaign.", "auditactions.family.campaigns"},
	{"contacts.", "auditactions.family.contacts"},
	{"conversation.", "auditactions.family.conversations"},
	{"api_key.", "auditactions.family.api_keys"},
	{"api.", "auditactions.family.api_calls"},
}

// auditActionLabel says in words what an action did: from the catalog,
// else the older labels, else the action's code.
func auditActionLabel(ctx context.Context, action string) string {
	if id, ok := auditActionMessages[action]; ok {
		return i18n.T(ctx, id)
	}
	if id, ok := auditLabels[action]; ok {
		return i18n.T(ctx, id)
	}
	return action
}
