package handlers

import (
	"context"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// quickRepliesList shows the quick replies the user may insert, with the
// form to add one. Agents keep their own; admins also keep the shared ones.
func (s *Server) quickRepliesList(w http.ResponseWriter, r *http.Request) {
	s.renderQuickReplies(w, r, http.StatusOK, views.QuickRepliesView{})
}

func (s *Server) renderQuickReplies(w http.ResponseWriter, r *http.Request, status int, v views.QuickRepliesView) {
	ctx := r.Context()
	u := currentUser(ctx)
	v.IsAdmin = u.Role == store.RoleAdmin
	qs, err := s.db.QuickRepliesFor(ctx, u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, q := range qs {
		row := quickReplyRow(q, v.IsAdmin)
		if q.Shared() {
			v.Shared = append(v.Shared, row)
		} else {
			v.Own = append(v.Own, row)
		}
	}
	v.Variables = s.quickReplyVariables(ctx)
	s.render(w, r, status, views.QuickRepliesPage(s.page(w, r, i18n.T(ctx, "agent.qr.title"), views.NavInbox), v))
}

func quickReplyRow(q store.QuickReply, admin bool) views.QuickReplyRow {
	return views.QuickReplyRow{ID: q.ID, Shortcut: q.Shortcut, Body: q.Body, Shared: q.Shared(), Editable: !q.Shared() || admin}
}

// quickReplyVariables are the {variables} a quick reply may hold.
func (s *Server) quickReplyVariables(ctx context.Context) []views.VariableHint {
	var out []views.VariableHint
	for _, v := range s.vars.List() {
		out = append(out, views.VariableHint{Token: v.Token(), Label: variableLabel(ctx, v)})
	}
	return out
}

// quickReplyFromForm reads and checks a quick reply's form (fields
// shortcut and body). A shortcut is one word: letters, digits, "-" and
// "_"; a leading "/" is dropped.
func quickReplyFromForm(ctx context.Context, r *http.Request) (views.QuickReplyRow, views.Errors) {
	q := views.QuickReplyRow{Shortcut: strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("shortcut")), "/"),
		Body: strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n")), Shared: r.PostFormValue("shared") == "1"}
	errs := views.Errors{}
	switch {
	case q.Shortcut == "":
		errs["shortcut"] = i18n.T(ctx, "agent.qr.error_shortcut_missing")
	case utf8.RuneCountInString(q.Shortcut) > views.MaxShortcutRunes:
		errs["shortcut"] = i18n.T(ctx, "agent.qr.error_shortcut_long", "Max", views.MaxShortcutRunes)
	case strings.IndexFunc(q.Shortcut, func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '-' && c != '_'
	}) >= 0:
		errs["shortcut"] = i18n.T(ctx, "agent.qr.error_shortcut_chars")
	}
	switch {
	case q.Body == "":
		errs["body"] = i18n.T(ctx, "agent.qr.error_body_missing")
	case utf8.RuneCountInString(q.Body) > views.MaxQuickReplyRunes:
		errs["body"] = i18n.T(ctx, "agent.qr.error_body_long", "Max", views.MaxQuickReplyRunes)
	}
	return q, errs
}
