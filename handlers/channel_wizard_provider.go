package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/wizard"
)

// channelWizardProvider saves step 1: the provider and department.
func (s *Server) channelWizardProvider(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	d, err := s.draftOf(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	choice := wizard.ProviderChoice{Provider: r.PostFormValue("provider")}
	if ids := formIDs(r, "department_id"); len(ids) == 1 {
		choice.DepartmentID = ids[0]
	}
	d.Provider, d.DepartmentID = choice.Provider, choice.DepartmentID
	if errs := choice.Check(s.providers); len(errs) > 0 {
		d.Step = wizard.StepProvider
		v, err := s.wizardView(r, d)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Errors = views.Errors(errs)
		s.renderWizard(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	// A (possibly different) provider needs its credentials checked again.
	d.Step = wizard.StepCredentials
	if _, err := s.db.SaveChannelDraft(r.Context(), d); errors.Is(err, store.ErrNotFound) {
		d.Step = wizard.StepProvider
		v, verr := s.wizardView(r, d)
		if verr != nil {
			s.serverError(w, r, verr)
			return
		}
		v.Errors["department_id"] = "That department was deleted meanwhile. Choose another."
		s.renderWizard(w, r, http.StatusUnprocessableEntity, v)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	redirect(w, r, "/channels/new")
}
