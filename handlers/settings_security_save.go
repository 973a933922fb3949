package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// settingsSecuritySave stores who must use two-step sign-in.
func (s *Server) settingsSecuritySave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	policy := r.PostFormValue("two_factor")
	notice := r.PostFormValue("new_browser_notice") == "on"
	switch policy {
	case store.TwoFactorOptional, store.TwoFactorAdmins, store.TwoFactorEveryone:
	default:
		v, err := s.securitySettings(r)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Policy, v.NewBrowserNotice = policy, notice
		v.Errors = views.Errors{"two_factor": "Choose who must use two-step sign-in."}
		s.render(w, r, http.StatusUnprocessableEntity, views.SecuritySettingsPage(s.page(w, r, i18n.T(r.Context(), "titles.security_settings"), views.NavSettings), v))
		return
	}
	before, err := s.securitySettings(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.db.SetTwoFactorPolicy(r.Context(), policy); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.db.SetNewBrowserNotice(r.Context(), notice); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("security settings changed", "two_factor_policy", policy, "new_browser_notice", notice, "by", currentUser(r.Context()).ID)
	s.audit(r, auditSecuritySettings, "settings", 0, "Security",
		changes{}.diff("two_factor_policy", before.Policy, policy).diff("new_browser_notice", before.NewBrowserNotice, notice))
	msg := "Saved. Two-step sign-in is optional."
	switch policy {
	case store.TwoFactorAdmins:
		msg = "Saved. Admins without two-step sign-in will set it up at their next sign-in."
	case store.TwoFactorEveryone:
		msg = "Saved. Everyone without two-step sign-in will set it up at their next sign-in."
	}
	s.flashSuccess(w, r, msg)
	redirect(w, r, "/settings/security")
}
