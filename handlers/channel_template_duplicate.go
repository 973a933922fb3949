package handlers

import (
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

var errTemplateEditUnsupported = errors.New("handlers: the provider adapter cannot edit templates")

// channelTemplateDuplicate opens the new-template form filled with a
// template's content, for another language (?language=) or a variant.
func (s *Server) channelTemplateDuplicate(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	t, tpl, ok := s.loadTemplate(w, r, ch)
	if !ok {
		return
	}
	d := templates.FromTemplate(tpl)
	d.Language = ""
	if lang := r.URL.Query().Get("language"); templates.KnownLanguage(lang) {
		d.Language = lang
	}
	if d.OTPType == "" {
		d.OTPType = templates.OTPCopyCode
	}
	f := s.templateForm(r.Context(), ch, "duplicate", d, views.Errors{}, 0)
	s.render(w, r, http.StatusOK, views.TemplateFormPage(s.page(w, r, i18n.T(r.Context(), "titles.duplicate", "Name", t.Name), views.NavChannels), f))
}
