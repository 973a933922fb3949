package handlers

import (
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/wizard"
)

// channelWizardShow shows the wizard where this admin left it. A reload
// lands on the same step; ?step= goes back to an earlier one.
func (s *Server) channelWizardShow(w http.ResponseWriter, r *http.Request) {
	d, err := s.draftOf(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if back := r.URL.Query().Get("step"); back != "" && stepIndex(back) >= 0 && stepIndex(back) < stepIndex(d.Step) {
		d.Step = back
	}
	v, err := s.wizardView(r, d)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderWizard(w, r, http.StatusOK, v)
}

// draftOf returns the admin's draft, or a fresh one at the first step.
func (s *Server) draftOf(r *http.Request) (store.ChannelDraft, error) {
	u := currentUser(r.Context())
	d, err := s.db.ChannelDraftOf(r.Context(), u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return store.ChannelDraft{UserID: u.ID, Step: wizard.StepProvider, Provider: string(providers.MetaCloud)}, nil
	}
	return d, err
}

func stepIndex(step string) int {
	for i, s := range wizard.Steps {
		if s.ID == step {
			return i
		}
	}
	return -1
}

// wizardView builds the page for the draft's current step.
func (s *Server) wizardView(r *http.Request, d store.ChannelDraft) (views.WizardView, error) {
	v := views.WizardView{Step: d.Step, Title: d.Title, Errors: views.Errors{}}
	if prov, ok := s.providers.Lookup(providers.ProviderID(d.Provider)); ok {
		prov = localProvider(r.Context(), prov)
		v.SetupHelp, v.TestConnection = prov.SetupHelp, prov.Setup == providers.SetupTestConnection
		v.ConnectLabel = prov.ConnectLabel
		if v.ConnectLabel == "" && v.TestConnection {
			v.ConnectLabel = i18n.T(r.Context(), "words.wizard.test_connection")
		} else if v.ConnectLabel == "" {
			v.ConnectLabel = i18n.T(r.Context(), "words.wizard.fetch_numbers")
		}
		v.Fields = wizardFields(prov, d.Credentials())
	}
	cur := stepIndex(d.Step)
	for i, st := range wizard.Steps {
		ws := views.WizardStep{Label: i18n.T(r.Context(), "words.wizard.step."+st.ID), Done: i < cur, Current: i == cur}
		if i < cur {
			ws.Href = "/channels/new?step=" + st.ID
		}
		v.Steps = append(v.Steps, ws)
	}
	for _, p := range s.providers.Catalog() {
		p = localDescription(r.Context(), p)
		v.Providers = append(v.Providers, views.ProviderCard{
			ID: string(p.ID), Name: p.Name, Official: p.Official, MonthlyFee: p.MonthlyFee,
			MessagingPricing: p.MessagingPricing, MessagingLimit: p.MessagingLimit, Summary: p.Summary,
			Available: p.Available, Availability: p.Availability, Checked: string(p.ID) == d.Provider,
		})
		if string(p.ID) == d.Provider {
			v.ProviderName = p.Name
		}
	}
	var err error
	if v.Departments, err = s.departmentOptions(r, []int64{d.DepartmentID}); err != nil {
		return v, err
	}
	if d.Step == wizard.StepNumbers {
		accts, err := wizard.DecodeAccounts(d.AccountsJSON)
		if err != nil {
			return v, err
		}
		v.Accounts = wizardAccounts(r.Context(), accts, d.PhoneNumberID)
	}
	return v, nil
}

func wizardAccounts(ctx context.Context, accts wizard.Accounts, chosen string) []views.WizardAccount {
	out := make([]views.WizardAccount, 0, len(accts))
	for _, a := range accts {
		va := views.WizardAccount{ID: a.ID, Name: a.Name, Ownership: string(a.Ownership)}
		for _, n := range a.PhoneNumbers {
			ok, note := n.Usable()
			va.Numbers = append(va.Numbers, views.WizardNumber{
				ID: n.ID, WABAID: a.ID, Display: numberLabel(n), VerifiedName: n.VerifiedName,
				Quality: n.QualityRating, Tier: tierLabel(ctx, n.MessagingLimitTier), Status: n.Status,
				CodeVerification: n.CodeVerificationStatus, Usable: ok, Note: note, Checked: ok && n.ID == chosen,
			})
		}
		out = append(out, va)
	}
	return out
}

// tierLabel is the short form of a messaging limit tier.
func tierLabel(ctx context.Context, tier string) string {
	switch tier {
	case "TIER_50":
		return i18n.T(ctx, "states.tier.per_day", "Count", 50)
	case "TIER_250":
		return i18n.T(ctx, "states.tier.per_day", "Count", 250)
	case "TIER_1K", "TIER_2K":
		return i18n.T(ctx, "states.tier.per_day", "Count", 2000)
	case "TIER_10K":
		return i18n.T(ctx, "states.tier.per_day", "Count", 10000)
	case "TIER_100K":
		return i18n.T(ctx, "states.tier.per_day", "Count", 100000)
	case "TIER_UNLIMITED":
		return i18n.T(ctx, "states.tier.unlimited")
	case "", "TIER_NOT_SET":
		return ""
	}
	return tier
}

func (s *Server) renderWizard(w http.ResponseWriter, r *http.Request, status int, v views.WizardView) {
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, views.WizardPage(s.page(w, r, i18n.T(r.Context(), "titles.add_a_channel"), views.NavChannels), v))
}

// wizardProblem puts a wizard problem on its field, or above the step.
func wizardProblem(v *views.WizardView, err error) bool {
	var p *wizard.Problem
	if !errors.As(err, &p) {
		return false
	}
	if p.Field != "" {
		v.Errors[p.Field] = p.Message
		if p.Code != 0 {
			v.Errors[p.Field] += " (error code " + itoa(int64(p.Code)) + ")"
		}
		return true
	}
	v.Problem, v.ProblemCode = p.Message, p.Code
	return true
}

// numberLabel is how a number is named where its display number is not
// known (360dialog's key tells only the number's ID).
func numberLabel(n providers.PhoneNumber) string {
	if n.DisplayPhoneNumber != "" {
		return n.DisplayPhoneNumber
	}
	return "Phone number ID " + n.ID
}

// wizardFields are the provider's credential inputs, with what the draft
// holds: values of plain fields, "saved" for secrets.
func wizardFields(p providers.Provider, c providers.Credentials) []views.WizardField {
	out := make([]views.WizardField, 0, len(p.Fields))
	for _, f := range p.Fields {
		val := draftValue(c, f.Name)
		wf := views.WizardField{Name: f.Name, Label: f.Label, Help: f.Help, Kind: string(f.Kind), Secret: f.Secret,
			Required: f.Required, SavedTestID: strings.ReplaceAll(f.Name, "_", "-") + "-saved"}
		if f.Name == providers.FieldToken {
			wf.SavedTestID = "token-saved"
		}
		if f.Secret {
			wf.Saved = val != ""
		} else {
			wf.Value = val
			if wf.Value == "" {
				wf.Value = f.Default
			}
		}
		for _, o := range f.Options {
			wf.Options = append(wf.Options, views.WizardOption{Value: o.Value, Label: o.Label, Checked: o.Value == wf.Value})
		}
		out = append(out, wf)
	}
	return out
}
