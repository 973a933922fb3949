package handlers

import (
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// templatesList lists the message templates of every channel, with filters.
func (s *Server) templatesList(w http.ResponseWriter, r *http.Request) {
	chans, err := s.db.ListChannels(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := templateFilter(q)
	if id, err := strconv.ParseInt(q.Get("channel"), 10, 64); err == nil && id > 0 {
		f.ChannelID = id
	}
	v, err := s.templatesView(r, f, "/templates")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, c := range chans {
		v.Channels = append(v.Channels, views.TemplateChannelOption{ID: c.ID, Title: c.Title, Selected: c.ID == f.ChannelID})
	}
	if tableOnly(r) {
		s.render(w, r, http.StatusOK, views.TemplatesTable(v))
		return
	}
	s.render(w, r, http.StatusOK, views.TemplatesPage(s.page(w, r, i18n.T(r.Context(), "titles.templates_2"), views.NavTemplates), v))
}

// tableOnly reports whether the request is the table's own refresh.
func tableOnly(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "templates-table"
}

func templateFilter(q url.Values) store.TemplateFilter {
	f := store.TemplateFilter{Status: q.Get("status"), Category: q.Get("category"), Language: q.Get("language")}
	if f.Category != "" && !known(templates.Categories, f.Category) {
		f.Category = ""
	}
	return f
}

func known(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// templatesView lists the templates matching f. page is the list's own
// address, which the table refreshes itself from.
func (s *Server) templatesView(r *http.Request, f store.TemplateFilter, page string) (views.TemplatesView, error) {
	ctx := r.Context()
	rows, err := s.db.ListTemplates(ctx, f)
	if err != nil {
		return views.TemplatesView{}, err
	}
	// Filter choices come from the templates there are, whatever the filter.
	all, err := s.db.ListTemplates(ctx, store.TemplateFilter{ChannelID: f.ChannelID})
	if err != nil {
		return views.TemplatesView{}, err
	}
	v := views.TemplatesView{
		Filter:   views.TemplatesFilter{ChannelID: f.ChannelID, Status: f.Status, Category: f.Category, Language: f.Language},
		Filtered: f.Status != "" || f.Category != "" || f.Language != "" || (page == "/templates" && f.ChannelID != 0),
		Statuses: append([]string(nil), templates.Statuses...), Categories: templates.Categories,
	}
	langs := map[string]bool{}
	for _, t := range all {
		if !known(v.Statuses, t.Status) && t.Status != "" {
			v.Statuses = append(v.Statuses, t.Status)
		}
		langs[t.Language] = true
	}
	if f.Language != "" {
		langs[f.Language] = true
	}
	for code := range langs {
		v.Languages = append(v.Languages, views.LanguageOption{Code: code, Name: templateLanguageName(r.Context(), code), Selected: code == f.Language})
	}
	sort.Slice(v.Languages, func(i, j int) bool { return v.Languages[i].Name < v.Languages[j].Name })
	paused := map[int64]map[int64]time.Time{}
	for _, t := range rows {
		row := templateRow(r.Context(), t)
		if t.Status == "PAUSED" {
			if paused[t.ChannelID] == nil {
				if paused[t.ChannelID], err = s.db.TemplatePausedUntil(ctx, t.ChannelID); err != nil {
					return views.TemplatesView{}, err
				}
			}
			if until, ok := paused[t.ChannelID][t.ID]; ok {
				row.PausedUntil = &until
			}
		}
		v.Rows = append(v.Rows, row)
		if t.Status == templates.StatusPending {
			v.Polling = true
		}
	}
	v.TableURL = page
	if enc := r.URL.Query().Encode(); enc != "" {
		v.TableURL += "?" + enc
	}
	return v, nil
}

func templateRow(ctx context.Context, t store.Template) views.TemplateRow {
	return views.TemplateRow{
		ID: t.ID, ChannelID: t.ChannelID, ChannelTitle: t.ChannelTitle, Name: t.Name, Language: t.Language,
		LanguageName: templateLanguageName(ctx, t.Language), Category: t.Category, Status: t.Status,
		StatusLabel: views.TemplateStatusLabel(ctx, t.Status), Reason: templates.ReasonText(t.RejectedReason),
		Quality: t.Quality, UpdatedAt: t.UpdatedAt,
	}
}

// templateSyncState reads when the channel's templates were last synced and
// why the last sync failed, if it did.
func (s *Server) templateSyncState(r *http.Request, channelID int64, v *views.TemplatesView) error {
	st, err := s.db.TemplateSyncOf(r.Context(), channelID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.OKAt != nil {
		v.LastSync = *st.OKAt
	}
	v.SyncError = st.Error
	return nil
}
