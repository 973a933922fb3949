package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// channelTemplateEdit shows a rejected (or paused) template in the form,
// to change and submit again. Name and language stay as they are.
func (s *Server) channelTemplateEdit(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	t, tpl, ok := s.loadTemplate(w, r, ch)
	if !ok {
		return
	}
	if !s.templateEditable(w, r, ch, t) {
		return
	}
	d := templates.FromTemplate(tpl)
	if d.OTPType == "" {
		d.OTPType = templates.OTPCopyCode
	}
	f := s.templateEditForm(r.Context(), ch, t, d, views.Errors{}, 0)
	s.render(w, r, http.StatusOK, views.TemplateFormPage(s.page(w, r, i18n.T(r.Context(), "titles.edit", "Name", t.Name), views.NavChannels), f))
}

// templateEditable sends the admin back to the template, with the reason,
// when it cannot be edited.
func (s *Server) templateEditable(w http.ResponseWriter, r *http.Request, ch store.Channel, t store.Template) bool {
	back := "/channels/" + itoa(ch.ID) + "/templates/" + itoa(t.ID)
	switch {
	case !templates.Editable(t.Status):
		s.flashError(w, r, i18n.T(r.Context(), "flash.template.not_editable", "Name", t.Name, "Status", views.TemplateStatusLabel(r.Context(), t.Status)))
	case !s.canEditTemplates(r.Context(), ch):
		s.flashError(w, r, i18n.T(r.Context(), "flash.provider.no_template_edit", "Provider", providerName(r.Context(), ch.Provider)))
	default:
		return true
	}
	redirect(w, r, back)
	return false
}

func (s *Server) templateEditForm(ctx context.Context, ch store.Channel, t store.Template, d templates.Draft, errs views.Errors, extra int) views.TemplateForm {
	d.Name, d.Language = t.Name, t.Language
	f := s.templateForm(ctx, ch, "edit", d, errs, extra)
	f.TemplateID = t.ID
	f.Action = "/channels/" + itoa(ch.ID) + "/templates/" + itoa(t.ID)
	if t.Status == templates.StatusRejected {
		f.RejectedReason = templates.ReasonText(t.RejectedReason)
		if f.RejectedReason == "" {
			f.RejectedReason = "Meta gave no reason."
		}
	}
	return f
}
