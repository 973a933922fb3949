package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// channelTemplatesList is a channel's Manage templates page: its templates
// with filters, Sync and New template. While a template is pending, the
// table refreshes itself from here (the HX-Target "templates-table" asks
// for the table alone).
func (s *Server) channelTemplatesList(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	f := templateFilter(r.URL.Query())
	f.ChannelID = ch.ID
	v, err := s.templatesView(r, f, "/channels/"+itoa(ch.ID)+"/templates")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Channel = &views.TemplateChannel{ID: ch.ID, Title: ch.Title, Number: ch.DisplayPhoneNumber}
	if tableOnly(r) {
		s.render(w, r, http.StatusOK, views.TemplatesTable(v))
		return
	}
	if err := s.templateSyncState(r, ch.ID, &v); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.TemplatesPage(s.page(w, r, i18n.T(r.Context(), "titles.templates", "Name", ch.Title), views.NavChannels), v))
}
