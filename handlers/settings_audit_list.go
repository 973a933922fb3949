package handlers

import (
	"context"
	"fmt"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// auditPageSize is how many entries one page of the audit log shows.
const auditPageSize = 50

// auditFamilies are the What filter's choices: families of actions.
var auditFamilies = []views.Option{
	{Value: "", Label: "audit_log.family.everything"},
	{Value: "channel.", Label: "audit_log.family.channels"},
	{Value: "template.", Label: "audit_log.family.templates"},
	{Value: "user.", Label: "audit_log.family.users_and_roles"},
	{Value: "department.", Label: "audit_log.family.departments"},
	{Value: "settings.", Label: "audit_log.family.settings"},
	{Value: "contact.", Label: "audit_log.family.customer_data_privacy"},
}

// auditLabels say what an action did.
var auditLabels = map[string]string{
	auditChannelCreated:       "audit_log.action.channel_connected",
	auditChannelUpdated:       "audit_log.action.channel_edited",
	auditChannelDeleted:       "audit_log.action.channel_deleted",
	auditChannelDefault:       "audit_log.action.default_channel_set",
	auditChannelVisibility:    "audit_log.action.channel_shown_or_hidden_in",
	auditChannelSecrets:       "audit_log.action.channel_credentials_replaced",
	auditVerifyTokenRotated:   "audit_log.action.webhook_verify_token_replaced",
	auditForwardSecretCreated: "audit_log.action.forward_secret_replaced",
	auditStoreSettings:        "audit_log.action.store_settings_changed",
	auditProfileChanged:       "audit_log.action.business_profile_changed",
	auditProfilePicture:       "audit_log.action.business_profile_picture_changed",
	auditPartnerAdded:         "audit_log.action.payment_partner_added",
	auditPartnerRemoved:       "audit_log.action.payment_partner_removed",
	auditPartnerDefault:       "audit_log.action.default_payment_partner_set",
	auditTemplateSubmitted:    "audit_log.action.template_submitted",
	auditTemplateResubmitted:  "audit_log.action.template_changed_and_resubmitted",
	auditTemplateDeleted:      "audit_log.action.template_deleted",
	auditUserCreated:          "audit_log.action.user_added",
	auditUserUpdated:          "audit_log.action.user_edited",
	auditUserDisabled:         "audit_log.action.user_disabled",
	auditUserEnabled:          "audit_log.action.user_enabled",
	auditUserPasswordReset:    "audit_log.action.password_reset",
	auditDepartmentCreated:    "audit_log.action.department_created",
	auditDepartmentRenamed:    "audit_log.action.department_renamed",
	auditDepartmentDeleted:    "audit_log.action.department_deleted",
	auditEmailSettings:        "audit_log.action.email_settings_changed",
	auditContactExported:      "audit_log.action.customer_data_exported",
	auditContactErased:        "audit_log.action.customer_erased",
	auditUserTwoFactorReset:   "audit_log.action.two_step_sign_in_reset",
	auditUserSignedOut:        "audit_log.action.user_signed_out_everywhere",
	auditSecuritySettings:     "audit_log.action.security_settings_changed",
	auditLabelCreated:         "audit_log.action.label_created",
	auditLabelChanged:         "audit_log.action.label_changed",
	auditLabelDeleted:         "audit_log.action.label_deleted",
}

// settingsAuditList shows the audit trail, newest first, filtered by kind
// of action, user and dates.
func (s *Server) settingsAuditList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f store.AuditFilter
	v := views.AuditView{KeepDays: s.auditKeepDays, From: q.Get("from"), To: q.Get("to")}
	var problems []string
	for _, o := range auditFamilies {
		o.Label = i18n.T(r.Context(), o.Label)
		o.Selected = o.Value == q.Get("what")
		if o.Selected {
			f.Action = o.Value
		}
		v.Families = append(v.Families, o)
	}
	if who := q.Get("who"); who != "" {
		if id, err := strconv.ParseInt(who, 10, 64); err == nil && id > 0 {
			f.ActorID = id
		}
	}
	if v.From != "" {
		t, err := time.Parse(time.DateOnly, v.From)
		if err != nil {
			problems = append(problems, i18n.T(r.Context(), "audit_log.from_not_a_date"))
			v.From = ""
		} else {
			f.Since = t
		}
	}
	if v.To != "" {
		t, err := time.Parse(time.DateOnly, v.To)
		if err != nil {
			problems = append(problems, i18n.T(r.Context(), "audit_log.to_not_a_date"))
			v.To = ""
		} else {
			f.Until = t.AddDate(0, 0, 1) // the whole day
		}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		problems = append(problems, i18n.T(r.Context(), "audit_log.from_after_to"))
	}
	v.Problem = strings.Join(problems, " ")
	v.Filtered = f.Action != "" || f.ActorID != 0 || v.From != "" || v.To != ""
	if b, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && b > 0 {
		f.Before = b
	}
	f.Limit = auditPageSize + 1

	ctx := r.Context()
	actors, err := s.db.AuditActors(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Actors = append(v.Actors, views.Option{Value: "", Label: i18n.T(ctx, "audit_log.anyone"), Selected: f.ActorID == 0})
	for _, a := range actors {
		v.Actors = append(v.Actors, views.Option{Value: itoa(a.ActorID), Label: a.Actor, Selected: a.ActorID == f.ActorID})
	}
	entries, err := s.db.AuditEntries(ctx, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		next := url.Values{}
		for _, k := range []string{"what", "who", "from", "to"} {
			if val := q.Get(k); val != "" {
				next.Set(k, val)
			}
		}
		next.Set("before", itoa(entries[len(entries)-1].ID))
		v.More = "/settings/audit?" + next.Encode()
	}
	for _, e := range entries {
		v.Entries = append(v.Entries, auditRow(ctx, e))
	}
	s.render(w, r, http.StatusOK, views.AuditPage(s.page(w, r, i18n.T(r.Context(), "titles.audit_log"), views.NavSettings), v))
}

// auditRow puts an entry in words.
func auditRow(ctx context.Context, e store.AuditEntry) views.AuditRow {
	row := views.AuditRow{ID: e.ID, At: e.At, Actor: e.Actor, Source: e.Source, Action: e.Action}
	if id, ok := auditLabels[e.Action]; ok {
		row.Action = i18n.T(ctx, id)
	}
	if row.Actor == "" {
		row.Actor = i18n.T(ctx, "audit_log.unknown_actor")
	}
	row.Target = e.TargetName
	if e.TargetType != "" && e.TargetType != "settings" {
		row.Target = e.TargetType + " " + e.TargetName
	}
	keys := make([]string, 0, len(e.Changes))
	for k := range e.Changes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field := strings.ReplaceAll(k, "_", " ")
		switch c := e.Changes[k].(type) {
		case map[string]any:
			row.Changes = append(row.Changes, fmt.Sprintf("%s: %s → %s", field, auditValue(c["from"]), auditValue(c["to"])))
		case string:
			if c == "replaced" {
				row.Changes = append(row.Changes, field+" replaced")
			} else {
				row.Changes = append(row.Changes, field+": "+c)
			}
		default:
			row.Changes = append(row.Changes, field+": "+auditValue(c))
		}
	}
	return row
}

func auditValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "none"
	case string:
		if x == "" {
			return "empty"
		}
		return strconv.Quote(x)
	case []any:
		if len(x) == 0 {
			return "none"
		}
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = auditValue(p)
		}
		return strings.Join(parts, ", ")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	}
	return fmt.Sprint(v)
}
