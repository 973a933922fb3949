package handlers

import "errors"

// Audit actions of the contacts pages (see audit.go for the others).
const (
	auditContactCreated       = "contact.created"
	auditContactUpdated       = "contact.updated"
	auditContactConsent       = "contact.consent_changed"
	auditContactLabelled      = "contact.label_added"
	auditContactUnlabelled    = "contact.label_removed"
	auditContactAttribute     = "contact.attribute_changed"
	auditContactsImported     = "contacts.imported"
	auditContactsExported     = "contacts.exported"
	auditOptOutKeywordAdded   = "settings.opt_out_keyword_added"
	auditOptOutKeywordRemoved = "settings.opt_out_keyword_removed"
	auditOptOutReplyChanged   = "settings.opt_out_reply_changed"
	auditConversationStarted  = "conversation.started"
	auditAPIKeyCreated        = "api_key.created"
	auditAPIKeyRevoked        = "api_key.revoked"
)

var errUnknownAction = errors.New("unknown action")
