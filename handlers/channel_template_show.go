package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// templateEditor is what an adapter offers when its provider lets a
// template be edited and submitted again.
type templateEditor interface {
	EditTemplate(ctx context.Context, templateID string, t providers.Template) error
}

// channelTemplateShow shows one template: its status (and why it was
// rejected), a preview, and the edit, duplicate and delete actions.
func (s *Server) channelTemplateShow(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	t, tpl, ok := s.loadTemplate(w, r, ch)
	if !ok {
		return
	}
	v := views.TemplateDetail{
		ID: t.ID, ChannelID: ch.ID, ChannelTitle: ch.Title, Name: t.Name, Language: t.Language,
		LanguageName: templateLanguageName(r.Context(), t.Language), Category: t.Category, PreviousCategory: t.PreviousCategory,
		Status: t.Status, StatusLabel: views.TemplateStatusLabel(r.Context(), t.Status), Reason: templates.ReasonText(t.RejectedReason),
		Quality: t.Quality, ProviderID: t.ProviderTemplateID, UpdatedAt: t.UpdatedAt,
		Params:  describeParams(templates.CountParams(tpl.Components)),
		Preview: s.previewView(ch, templates.FromTemplate(tpl)),
		CanEdit: templates.Editable(t.Status) && s.canEditTemplates(r.Context(), ch),
	}
	if t.SyncedAt != nil {
		v.SyncedAt = *t.SyncedAt
	}
	langs, err := s.templateLanguages(r.Context(), ch.ID, t.Name)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Languages = templateLanguages(r.Context(), "", func(code string) bool { return langs[code] })
	s.render(w, r, http.StatusOK, views.TemplatePage(s.page(w, r, t.Name, views.NavChannels), v))
}

// loadTemplate reads the {tid} template of the channel, answering 404
// itself when there is none.
func (s *Server) loadTemplate(w http.ResponseWriter, r *http.Request, ch store.Channel) (store.Template, providers.Template, bool) {
	id, ok := pathID(r, "tid")
	if !ok {
		s.notFound(w, r)
		return store.Template{}, providers.Template{}, false
	}
	t, err := s.db.TemplateByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.ChannelID != ch.ID) {
		s.notFound(w, r)
		return store.Template{}, providers.Template{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return store.Template{}, providers.Template{}, false
	}
	tpl, err := templates.Stored(t)
	if err != nil {
		s.serverError(w, r, err)
		return store.Template{}, providers.Template{}, false
	}
	return t, tpl, true
}

// templateLanguages lists the languages the channel has a template called name in.
func (s *Server) templateLanguages(ctx context.Context, channelID int64, name string) (map[string]bool, error) {
	ts, err := s.db.ListTemplates(ctx, store.TemplateFilter{ChannelID: channelID})
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, t := range ts {
		if t.Name == name {
			out[t.Language] = true
		}
	}
	return out, nil
}

// canEditTemplates reports whether the channel's provider adapter can edit
// templates.
func (s *Server) canEditTemplates(ctx context.Context, ch store.Channel) bool {
	client, err := s.channelClient(ctx, ch)
	if err != nil {
		return false
	}
	_, ok := client.(templateEditor)
	return ok && client.Capabilities().Has(providers.CapEditTemplates)
}

// describeParams says which values a template takes when it is sent.
func describeParams(p templates.Params) string {
	var parts []string
	if p.Header > 0 {
		what := "1 header value"
		switch p.HeaderFormat {
		case templates.HeaderImage, templates.HeaderVideo, templates.HeaderDocument:
			what = "the header " + strings.ToLower(p.HeaderFormat)
		case templates.HeaderLocation:
			what = "the header location"
		}
		parts = append(parts, what)
	}
	if p.Body > 0 {
		parts = append(parts, count(p.Body, "text value"))
	}
	for _, b := range p.Buttons {
		if b.Count > 0 {
			parts = append(parts, count(b.Count, "value")+" for button "+strconv.Itoa(b.Index+1))
		}
	}
	if len(parts) == 0 {
		return "None: the template is sent as it is."
	}
	return strings.Join(parts, ", ") + "."
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
