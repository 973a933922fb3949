package handlers

import (
	"context"
	"strings"
	"testing"
)

// Every campaign, contact and API action has words on the audit page.
func TestAuditActionsOfCampaignsContactsAndAPIHaveLabels(t *testing.T) {
	ctx := context.Background()
	actions := []string{auditCampaignLaunched, auditCampaignPaused, auditCampaignResumed, auditCampaignCancelled,
		auditAPIKeyCreated, auditAPIKeyRevoked, auditAPIMessageSend, auditAPIMessageShow, auditAPIContactsList, auditAPIContactPut,
		auditContactCreated, auditContactUpdated, auditContactConsent, auditContactLabelled, auditContactUnlabelled,
		auditContactAttribute, auditContactsImported, auditContactsExported, auditOptOutKeywordAdded,
		auditOptOutKeywordRemoved, auditOptOutReplyChanged, auditConversationStarted}
	seen := map[string]string{}
	for _, a := range actions {
		l := auditActionLabel(ctx, a)
		if l == a || l == "" || strings.HasPrefix(l, "auditactions.") {
			t.Errorf("%s has no words: %q", a, l)
		}
		if other, dup := seen[l]; dup {
			t.Errorf("%s and %s both read %q", a, other, l)
		}
		seen[l] = a
	}
	if got := auditActionLabel(ctx, auditLabelCreated); got != "Label created" {
		t.Errorf("older action: %q", got)
	}
}
