package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// channelTemplateCreate checks a new template against Meta's rules and,
// when it passes, submits it for approval and records it as pending. Any
// problem shows the form again with everything that was typed.
func (s *Server) channelTemplateCreate(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	d := draftFromForm(r.PostForm)
	mode := "new"
	if r.PostFormValue("mode") == "duplicate" {
		mode = "duplicate"
	}
	show := func(status int, f views.TemplateForm) {
		s.render(w, r, status, views.TemplateFormPage(s.page(w, r, i18n.T(r.Context(), "titles.new_template"), views.NavChannels), f))
	}
	if r.PostFormValue("action") == "add_button" {
		show(http.StatusOK, s.templateForm(r.Context(), ch, mode, d, views.Errors{}, 1))
		return
	}
	if errs := d.Check(); len(errs) > 0 {
		show(http.StatusUnprocessableEntity, s.templateForm(r.Context(), ch, mode, d, views.Errors(errs), 0))
		return
	}

	tpl := d.Template()
	if s.templateChannel(ch).Declared {
		s.declareTemplate(w, r, ch, tpl)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), templateCallTimeout)
	defer cancel()
	client, err := s.channelClient(ctx, ch)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ref, err := client.CreateTemplate(ctx, ch.WABAID, tpl)
	if err != nil {
		s.log.Warn("template submission refused", "channel_id", ch.ID, "name", d.Name, "language", d.Language, "err", err)
		f := s.templateForm(r.Context(), ch, mode, d, views.Errors{}, 0)
		templateProblem(&f, err)
		show(http.StatusUnprocessableEntity, f)
		return
	}
	rec, err := templateRecord(tpl, ref.ID, ref.Status, ref.Category)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	saved, err := s.db.SaveTemplate(r.Context(), ch.ID, rec)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditTemplateSubmitted, "template", saved.ID, saved.Name,
		changes{"channel": ch.Title, "language": saved.Language, "category": saved.Category})
	s.log.Info("template submitted", "channel_id", ch.ID, "template_id", saved.ProviderTemplateID, "name", saved.Name,
		"language", saved.Language, "status", saved.Status, "by", currentUser(r.Context()).ID)
	msg := "Submitted " + saved.Name + " (" + templates.LanguageName(saved.Language) + ") to Meta for approval. "
	if saved.Status == templates.StatusPending {
		msg += "It shows as pending review until Meta decides; most reviews take a few minutes."
	} else {
		msg += "Meta answered: " + views.TemplateStatusLabel(r.Context(), saved.Status) + "."
	}
	s.flashSuccess(w, r, msg)
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/templates")
}

// declareTemplate records a template of a provider that cannot list or
// create templates (MessageBird's Conversations API) as the admin declares
// it: approved at the provider under this name, language and text. It is
// offered in the composer at once; WhatsApp refuses it if the declaration
// is wrong, and the message says so.
func (s *Server) declareTemplate(w http.ResponseWriter, r *http.Request, ch store.Channel, tpl providers.Template) {
	rec, err := templateRecord(tpl, declaredTemplateID(tpl.Name, tpl.Language), templates.StatusApproved, tpl.Category)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	saved, err := s.db.SaveTemplate(r.Context(), ch.ID, rec)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditTemplateSubmitted, "template", saved.ID, saved.Name,
		changes{"channel": ch.Title, "language": saved.Language, "category": saved.Category, "declared": "yes"})
	s.log.Info("template declared", "channel_id", ch.ID, "name", saved.Name, "language", saved.Language,
		"by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, i18n.T(r.Context(), "providers.templates.declared", "Name", saved.Name,
		"Language", templates.LanguageName(saved.Language), "Provider", s.templateChannel(ch).Provider))
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/templates")
}

// declaredTemplateID is the ID a declared template is stored under (the
// provider has none).
func declaredTemplateID(name, language string) string {
	return "declared:" + name + ":" + language
}
