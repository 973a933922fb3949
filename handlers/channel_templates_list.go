package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
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
	v.Channel = s.templateChannel(ch)
	if tableOnly(r) {
		s.render(w, r, http.StatusOK, views.TemplatesTable(v))
		return
	}
	if v.Channel.Declared {
		s.render(w, r, http.StatusOK, views.TemplatesPage(s.page(w, r, "Templates · "+ch.Title, views.NavChannels), v))
		return
	}
	if err := s.templateSyncState(r, ch.ID, &v); err != nil {
		s.serverError(w, r, err)
		return
	}
	health, err := s.db.TemplateHealthHistory(r.Context(), ch.WABAID, 20)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, e := range health {
		v.Health = append(v.Health, views.TemplateHealthRow{At: e.At, Template: e.Name + " (" + e.Language + ")", Kind: e.Kind,
			Old: e.Old, New: e.New, Reason: e.Reason, Until: e.Until})
	}
	s.render(w, r, http.StatusOK, views.TemplatesPage(s.page(w, r, i18n.T(r.Context(), "titles.templates", "Name", ch.Title), views.NavChannels), v))
}

// templateChannel is the channel as its templates pages show it: whose
// templates they are, and whether they are declared by hand because the
// provider cannot list them.
func (s *Server) templateChannel(ch store.Channel) *views.TemplateChannel {
	c := &views.TemplateChannel{ID: ch.ID, Title: ch.Title, Number: ch.DisplayPhoneNumber, Provider: "Meta"}
	if prov, ok := s.providerOf(ch); ok {
		c.Declared = !prov.Capabilities.Has(providers.CapTemplates) && prov.Capabilities.Has(providers.CapDeclareTemplates)
		if prov.ID != providers.MetaCloud && prov.ID != providers.CloudCompatible {
			c.Provider = prov.Name
		}
	}
	return c
}
