package handlers

import (
	"net/http"
	"reflect"

	"github.com/wadesk/wadesk/store"
)

// Audit actions: what the audit trail records. The part before the dot
// is the family the Settings → Audit log page filters by.
const (
	auditChannelCreated       = "channel.created"
	auditChannelUpdated       = "channel.updated"
	auditChannelDeleted       = "channel.deleted"
	auditChannelDefault       = "channel.default_set"
	auditChannelVisibility    = "channel.visibility_changed"
	auditChannelDailyCap      = "channel.daily_cap_changed"
	auditChannelSecrets       = "channel.secrets_replaced"
	auditVerifyTokenRotated   = "channel.verify_token_replaced"
	auditForwardSecretCreated = "channel.forward_secret_replaced"
	auditStoreSettings        = "channel.store_settings_changed"
	auditProfileChanged       = "channel.profile_changed"
	auditProfilePicture       = "channel.profile_picture_changed"
	auditPartnerAdded         = "channel.payment_partner_added"
	auditPartnerRemoved       = "channel.payment_partner_removed"
	auditPartnerDefault       = "channel.payment_partner_default_set"
	auditTemplateSubmitted    = "template.submitted"
	auditTemplateResubmitted  = "template.resubmitted"
	auditTemplateDeleted      = "template.deleted"
	auditUserCreated          = "user.created"
	auditUserUpdated          = "user.updated"
	auditUserDisabled         = "user.disabled"
	auditUserEnabled          = "user.enabled"
	auditUserPasswordReset    = "user.password_reset"
	auditDepartmentCreated    = "department.created"
	auditDepartmentRenamed    = "department.renamed"
	auditDepartmentDeleted    = "department.deleted"
	auditEmailSettings        = "settings.email_changed"
	auditContactExported      = "contact.exported"
	auditContactErased        = "contact.erased"
	auditUserTwoFactorReset   = "user.two_factor_reset"
	auditUserSignedOut        = "user.signed_out_everywhere"
	auditSecuritySettings     = "settings.security_changed"
	auditLabelCreated         = "label.created"
	auditLabelChanged         = "label.changed"
	auditLabelDeleted         = "label.deleted"
)

// changes collects what an action changed, for the audit trail.
type changes map[string]any

// diff notes a field whose value changed.
func (c changes) diff(field string, from, to any) changes {
	if !reflect.DeepEqual(from, to) {
		c[field] = map[string]any{"from": from, "to": to}
	}
	return c
}

// secret notes that a secret was replaced, never its value.
func (c changes) secret(field string, replaced bool) changes {
	if replaced {
		c[field] = "replaced"
	}
	return c
}

// audit records an admin action by the signed-in user. A failure to
// record is logged loudly but does not undo the action, which has already
// happened.
func (s *Server) audit(r *http.Request, action, targetType string, targetID int64, targetName string, c changes) {
	e := store.AuditEntry{Action: action, TargetType: targetType, TargetID: targetID, TargetName: targetName,
		Source: clientIP(r), Changes: c}
	if u := currentUser(r.Context()); u != nil {
		e.ActorID, e.Actor = u.ID, u.Email
	}
	if _, err := s.db.RecordAudit(r.Context(), e); err != nil {
		s.log.Error("audit entry not recorded", "action", action, "target_type", targetType, "target_id", targetID, "err", err)
	}
}

// nonNil makes an empty list compare equal to a missing one.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
