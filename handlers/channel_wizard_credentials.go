package handlers

import (
	"net/http"
	"strings"
	"time"

	"context"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/wizard"
)

// fetchTimeout bounds the Fetch numbers call, paging included.
const fetchTimeout = 45 * time.Second

// channelWizardCredentials saves step 2 and fetches the accounts and
// numbers the credentials reach. Secrets typed here are kept (encrypted)
// in the draft and never written back into the page; on any problem the
// step is shown again with everything else the admin typed.
func (s *Server) channelWizardCredentials(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	d, err := s.draftOf(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if stepIndex(d.Step) < stepIndex(wizard.StepCredentials) {
		redirect(w, r, "/channels/new")
		return
	}
	c := wizard.Credentials{
		Title:       strings.TrimSpace(r.PostFormValue("title")),
		AccessToken: strings.TrimSpace(r.PostFormValue("access_token")),
		BusinessID:  strings.TrimSpace(r.PostFormValue("business_id")),
		AppSecret:   strings.ToLower(strings.TrimSpace(r.PostFormValue("app_secret"))),
		AppID:       strings.TrimSpace(r.PostFormValue("app_id")),
	}
	// Empty secret fields keep what the draft already holds.
	if c.AccessToken == "" {
		c.AccessToken = d.AccessToken
	}
	if c.AppSecret == "" {
		c.AppSecret = d.AppSecret
	}
	d.Step, d.Title, d.BusinessID, d.AppID = wizard.StepCredentials, c.Title, c.BusinessID, c.AppID
	errs := c.Check()
	// Keep only secrets that passed validation, so a typo is not stored.
	if _, bad := errs["access_token"]; !bad {
		d.AccessToken = c.AccessToken
	}
	if _, bad := errs["app_secret"]; !bad {
		d.AppSecret = c.AppSecret
	}
	rerender := func(v views.WizardView) {
		s.renderWizard(w, r, http.StatusUnprocessableEntity, v)
	}
	if d, err = s.db.SaveChannelDraft(r.Context(), d); err != nil {
		s.serverError(w, r, err)
		return
	}
	v, err := s.wizardView(r, d)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(errs) > 0 {
		v.Errors = views.Errors(errs)
		rerender(v)
		return
	}

	client, err := s.connect(providers.ProviderID(d.Provider), d.AccessToken)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), fetchTimeout)
	defer cancel()
	accts, err := wizard.FetchNumbers(ctx, client, d.BusinessID)
	if err != nil {
		s.log.Warn("wizard: fetch numbers failed", "user_id", d.UserID, "business_id", d.BusinessID, "err", err)
		if !wizardProblem(&v, err) {
			s.serverError(w, r, err)
			return
		}
		// A token the provider refused is not kept for the next try: the
		// field asks for a new one instead of offering to reuse it.
		if v.Errors.Has("access_token") && d.AccessToken != "" {
			d.AccessToken = ""
			if _, err := s.db.SaveChannelDraft(r.Context(), d); err != nil {
				s.serverError(w, r, err)
				return
			}
			v.HasToken = false
		}
		rerender(v)
		return
	}
	if d.AccountsJSON, err = accts.Encode(); err != nil {
		s.serverError(w, r, err)
		return
	}
	total, usable := accts.NumberCount()
	d.Step, d.LastError = wizard.StepNumbers, ""
	if _, err := s.db.SaveChannelDraft(r.Context(), d); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("wizard: numbers fetched", "user_id", d.UserID, "accounts", len(accts), "numbers", total, "usable", usable)
	redirect(w, r, "/channels/new")
}
