package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// settingsOptOutShow shows the opt-out keywords and the confirmation each
// language's customers get.
func (s *Server) settingsOptOutShow(w http.ResponseWriter, r *http.Request) {
	s.renderOptOut(w, r, http.StatusOK, views.OptOutView{Language: "en"}, nil)
}

// renderOptOut renders the page around v; replies, when not nil, are the
// confirmations as typed (a refused save).
func (s *Server) renderOptOut(w http.ResponseWriter, r *http.Request, status int, v views.OptOutView, replies map[string]string) {
	ctx := r.Context()
	ks, err := s.db.OptOutKeywords(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, k := range ks {
		v.Keywords = append(v.Keywords, views.OptOutKeywordRow{ID: k.ID, Keyword: k.Keyword, Language: k.Language})
	}
	if replies == nil {
		if replies, err = s.db.OptOutReplies(ctx); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	for _, l := range views.OptOutLanguages {
		v.Replies = append(v.Replies, views.OptOutReplyRow{Language: l, Body: replies[l]})
	}
	s.render(w, r, status, views.OptOutPage(s.page(w, r, i18n.T(ctx, "contacts.optout.title"), views.NavSettings), v))
}
