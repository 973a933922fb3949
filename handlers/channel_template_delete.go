package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/templates"
)

// channelTemplateDelete deletes a template by name, in every language, at
// the provider and then here. Meta blocks the name for 30 days.
func (s *Server) channelTemplateDelete(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	t, _, ok := s.loadTemplate(w, r, ch)
	if !ok {
		return
	}
	if tc := s.templateChannel(ch); tc.Declared {
		// Declared by hand: nothing to delete at the provider.
		if _, err := s.db.RemoveTemplates(r.Context(), ch.ID, t.Name, ""); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.audit(r, auditTemplateDeleted, "template", t.ID, t.Name, changes{"channel": ch.Title, "declared": "yes"})
		s.flashSuccess(w, r, i18n.T(r.Context(), "providers.templates.undeclared", "Name", t.Name, "Provider", tc.Provider))
		redirect(w, r, "/channels/"+itoa(ch.ID)+"/templates")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), templateCallTimeout)
	defer cancel()
	client, err := s.channelClient(ctx, ch)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	gone := false
	if err := client.DeleteTemplate(ctx, ch.WABAID, t.Name, ""); err != nil {
		pe, ok := providers.AsError(err)
		if !ok || (pe.Kind != providers.ErrorKindNotFound && !strings.Contains(strings.ToLower(pe.Title), "not found")) {
			s.log.Warn("template delete refused", "channel_id", ch.ID, "name", t.Name, "err", err)
			s.flashError(w, r, "Meta did not delete "+t.Name+": "+templates.Explain(err))
			redirect(w, r, "/channels/"+itoa(ch.ID)+"/templates/"+itoa(t.ID))
			return
		}
		gone = true // already deleted at the provider
	}
	n, err := s.db.RemoveTemplates(r.Context(), ch.ID, t.Name, "")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditTemplateDeleted, "template", t.ID, t.Name, changes{"channel": ch.Title})
	s.log.Info("template deleted", "channel_id", ch.ID, "name", t.Name, "rows", n, "already_gone", gone, "by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, "Deleted the template "+t.Name+" in every language. Meta does not accept a new template named "+t.Name+" for 30 days.")
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/templates")
}
