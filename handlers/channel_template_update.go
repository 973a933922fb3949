package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// channelTemplateUpdate submits the changes to a rejected or paused
// template for approval again and records it as pending.
func (s *Server) channelTemplateUpdate(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	t, _, ok := s.loadTemplate(w, r, ch)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	if !s.templateEditable(w, r, ch, t) {
		return
	}
	d := draftFromForm(r.PostForm)
	d.Name, d.Language = t.Name, t.Language
	show := func(status int, f views.TemplateForm) {
		s.render(w, r, status, views.TemplateFormPage(s.page(w, r, i18n.T(r.Context(), "titles.edit", "Name", t.Name), views.NavChannels), f))
	}
	if r.PostFormValue("action") == "add_button" {
		show(http.StatusOK, s.templateEditForm(r.Context(), ch, t, d, views.Errors{}, 1))
		return
	}
	if errs := d.Check(); len(errs) > 0 {
		show(http.StatusUnprocessableEntity, s.templateEditForm(r.Context(), ch, t, d, views.Errors(errs), 0))
		return
	}
	tpl := d.Template()
	ctx, cancel := context.WithTimeout(r.Context(), templateCallTimeout)
	defer cancel()
	client, err := s.channelClient(ctx, ch)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	editor, ok := client.(templateEditor)
	if !ok {
		s.serverError(w, r, errTemplateEditUnsupported)
		return
	}
	if err := editor.EditTemplate(ctx, t.ProviderTemplateID, tpl); err != nil {
		s.log.Warn("template edit refused", "channel_id", ch.ID, "template_id", t.ProviderTemplateID, "name", t.Name, "err", err)
		f := s.templateEditForm(r.Context(), ch, t, d, views.Errors{}, 0)
		templateProblem(&f, err)
		show(http.StatusUnprocessableEntity, f)
		return
	}
	rec, err := templateRecord(tpl, t.ProviderTemplateID, "", "")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rec.Quality, rec.PreviousCategory = t.Quality, t.PreviousCategory
	if _, err := s.db.SaveTemplate(r.Context(), ch.ID, rec); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditTemplateResubmitted, "template", t.ID, t.Name, changes{"channel": ch.Title, "language": t.Language})
	s.log.Info("template resubmitted", "channel_id", ch.ID, "template_id", t.ProviderTemplateID, "name", t.Name,
		"language", t.Language, "by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, "Submitted the changes to "+t.Name+" for approval. It shows as pending review until Meta decides.")
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/templates/"+itoa(t.ID))
}
