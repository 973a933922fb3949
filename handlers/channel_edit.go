package handlers

import (
	"context"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// channelEdit shows a channel's settings form. Secrets are not in it.
func (s *Server) channelEdit(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	opts, err := s.departmentOptions(r, []int64{ch.DepartmentID})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := views.ChannelEditForm{
		ID: ch.ID, Title: ch.Title, Departments: opts, AppID: ch.AppID, ForwardURL: ch.ForwardURL,
		AlertEmails: strings.Join(ch.AlertEmails, ", "),
	}
	s.credentialLabels(r.Context(), ch, &f)
	s.render(w, r, http.StatusOK, views.ChannelEditPage(s.page(w, r, i18n.T(r.Context(), "titles.edit", "Name", ch.Title), views.NavChannels), f))
}

// credentialLabels names the replaceable credentials of the channel's
// provider on the edit form, and leaves out those it does not have.
func (s *Server) credentialLabels(ctx context.Context, ch store.Channel, f *views.ChannelEditForm) {
	f.TokenLabel = i18n.T(ctx, "words.access_token")
	prov, _ := s.providerOf(ch)
	prov = localProvider(ctx, prov)
	optional := i18n.T(ctx, "words.optional_suffix")
	for _, fl := range prov.Fields {
		label := strings.TrimSpace(strings.TrimSuffix(fl.Label, optional))
		switch fl.Name {
		case providers.FieldToken:
			f.TokenLabel = label
		case providers.FieldAppSecret:
			f.SecretLabel = label
		case providers.FieldAppID:
			f.HasAppID = true
		}
	}
}
