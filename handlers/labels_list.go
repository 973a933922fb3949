package handlers

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// labelsList shows Settings → Labels.
func (s *Server) labelsList(w http.ResponseWriter, r *http.Request) {
	s.renderLabels(w, r, http.StatusOK, views.LabelsView{New: views.LabelRow{Colour: "grey"}})
}

// renderLabels renders the page around v, filling in the labels.
func (s *Server) renderLabels(w http.ResponseWriter, r *http.Request, status int, v views.LabelsView) {
	ls, err := s.db.ListLabels(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, l := range ls {
		v.Labels = append(v.Labels, views.LabelRow{ID: l.ID, Name: l.Name, Colour: l.Colour, Description: l.Description,
			Conversations: l.Conversations, Contacts: l.Contacts})
	}
	s.render(w, r, status, views.LabelsPage(s.page(w, r, i18n.T(r.Context(), "agent.labels.title"), views.NavSettings), v))
}

// labelFromForm reads a label's form and checks it; errs is keyed by
// field (name, colour).
func labelFromForm(ctx context.Context, r *http.Request) (views.LabelRow, views.Errors) {
	l := views.LabelRow{Name: strings.TrimSpace(r.PostFormValue("name")), Colour: r.PostFormValue("colour"),
		Description: strings.TrimSpace(r.PostFormValue("description"))}
	errs := views.Errors{}
	switch {
	case l.Name == "":
		errs["name"] = i18n.T(ctx, "agent.labels.error_name_missing")
	case utf8.RuneCountInString(l.Name) > views.MaxLabelName:
		errs["name"] = i18n.T(ctx, "agent.labels.error_name_long", "Max", views.MaxLabelName)
	}
	if !views.IsLabelColour(l.Colour) {
		errs["colour"] = i18n.T(ctx, "agent.labels.error_colour")
	}
	if utf8.RuneCountInString(l.Description) > 200 {
		l.Description = string([]rune(l.Description)[:200])
	}
	return l, errs
}

// labelChips turns the store's labels into chips.
func labelChips(ls []store.Label) []views.LabelChip {
	out := make([]views.LabelChip, 0, len(ls))
	for _, l := range ls {
		out = append(out, views.LabelChip{ID: l.ID, Name: l.Name, Colour: l.Colour})
	}
	return out
}
