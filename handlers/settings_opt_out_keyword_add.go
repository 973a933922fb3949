package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/consent"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// optOutKeywordAdd adds a word that opts customers out of marketing.
func (s *Server) optOutKeywordAdd(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	kw, problem := consent.ValidKeyword(r.PostFormValue("keyword"))
	lang := r.PostFormValue("language")
	v := views.OptOutView{Keyword: kw, Language: lang, Errors: views.Errors{}}
	if problem != "" {
		v.Errors["keyword"] = i18n.T(ctx, problem)
	}
	if !views.ValidOptOutLanguage(lang) {
		v.Errors["language"] = i18n.T(ctx, "contacts.optout.error_language")
	}
	if len(v.Errors) == 0 {
		err := s.db.AddOptOutKeyword(ctx, kw, lang)
		switch {
		case errors.Is(err, store.ErrConflict):
			v.Errors["keyword"] = i18n.T(ctx, "contacts.optout.error_exists")
		case err != nil:
			s.serverError(w, r, err)
			return
		default:
			s.audit(r, auditOptOutKeywordAdded, "settings", 0, kw, changes{"language": lang})
			s.flashSuccess(w, r, i18n.T(ctx, "contacts.optout.flash_added", "Keyword", kw))
			redirect(w, r, "/settings/opt-out")
			return
		}
	}
	s.renderOptOut(w, r, http.StatusUnprocessableEntity, v, nil)
}
