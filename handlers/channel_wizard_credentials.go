package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/wizard"
)

// fetchTimeout bounds the Fetch numbers call, paging included.
const fetchTimeout = 45 * time.Second

// channelWizardCredentials saves step 2 — the provider's credential
// fields — and fetches the accounts and numbers the credentials reach (or,
// for a provider whose key belongs to one number, tests the connection and
// reads that number). Secrets typed here are kept (encrypted) in the draft
// and never written back into the page; on any problem the step is shown
// again with everything else the admin typed.
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
	prov, ok := s.providers.Lookup(providers.ProviderID(d.Provider))
	if !ok {
		redirect(w, r, "/channels/new?step="+wizard.StepProvider)
		return
	}
	c := wizard.Credentials{Title: r.PostFormValue("title"), Values: map[string]string{}}
	for _, f := range prov.Fields {
		v := f.Normalize(r.PostFormValue(f.Name))
		if f.Name == providers.FieldAppSecret && prov.ID == providers.MetaCloud {
			v = strings.ToLower(v) // Meta shows App Secrets in lower case
		}
		// Empty secret fields keep what the draft already holds.
		if v == "" && f.Secret {
			v = draftValue(d.Credentials(), f.Name)
		}
		c.Values[f.Name] = v
	}
	d.Step, d.Title = wizard.StepCredentials, strings.TrimSpace(c.Title)
	errs := c.CheckFor(prov)
	// Keep only secrets that passed validation, so a typo is not stored.
	settings := map[string]string{}
	d.BusinessID, d.AppID = "", ""
	for _, f := range prov.Fields {
		v := c.Values[f.Name]
		if _, bad := errs[f.Name]; f.Secret && bad {
			continue
		}
		switch f.Name {
		case providers.FieldToken:
			d.AccessToken = v
		case providers.FieldAppSecret:
			d.AppSecret = v
		case providers.FieldBusinessID:
			d.BusinessID = v
		case providers.FieldAppID:
			d.AppID = v
		default:
			if v != "" {
				settings[f.Name] = v
			}
		}
	}
	d.Settings = settings
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

	client, err := s.providers.Connect(d.Credentials())
	if err != nil {
		if !wizardProblem(&v, &wizard.Problem{Message: "These credentials cannot be used: " + plainError(r.Context(), err), Err: err}) {
			s.serverError(w, r, err)
			return
		}
		rerender(v)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), fetchTimeout)
	defer cancel()
	accts, err := wizard.FetchNumbers(ctx, prov, client, d.BusinessID)
	if err != nil {
		s.log.Warn("wizard: fetch numbers failed", "user_id", d.UserID, "provider", d.Provider, "business_id", d.BusinessID, "err", err)
		if !wizardProblem(&v, err) {
			s.serverError(w, r, err)
			return
		}
		// A token the provider refused is not kept for the next try: the
		// field asks for a new one instead of offering to reuse it.
		if v.Errors.Has(providers.FieldToken) && d.AccessToken != "" {
			d.AccessToken = ""
			if _, err := s.db.SaveChannelDraft(r.Context(), d); err != nil {
				s.serverError(w, r, err)
				return
			}
			for i := range v.Fields {
				if v.Fields[i].Name == providers.FieldToken {
					v.Fields[i].Saved = false
				}
			}
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
	if prov.Setup == providers.SetupTestConnection && total == 1 {
		d.PhoneNumberID = accts[0].PhoneNumbers[0].ID
	}
	if _, err := s.db.SaveChannelDraft(r.Context(), d); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("wizard: numbers fetched", "user_id", d.UserID, "provider", d.Provider, "accounts", len(accts), "numbers", total, "usable", usable)
	redirect(w, r, "/channels/new")
}

// draftValue is the draft's value of a credential field.
func draftValue(c providers.Credentials, name string) string {
	switch name {
	case providers.FieldToken:
		return c.Token
	case providers.FieldAppSecret:
		return c.AppSecret
	case providers.FieldBusinessID:
		return c.BusinessID
	case providers.FieldAppID:
		return c.AppID
	}
	return c.Settings[name]
}
