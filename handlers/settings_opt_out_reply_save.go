package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// optOutReplySave saves the confirmation of every language at once (an
// empty one sends nothing in that language).
func (s *Server) optOutReplySave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	typed := map[string]string{}
	errs := views.Errors{}
	for _, l := range views.OptOutLanguages {
		body := strings.TrimSpace(r.PostFormValue("reply_" + l))
		typed[l] = body
		if utf8.RuneCountInString(body) > 1000 {
			errs["reply_"+l] = i18n.T(ctx, "contacts.optout.error_reply_long")
		}
	}
	if len(errs) > 0 {
		s.renderOptOut(w, r, http.StatusUnprocessableEntity, views.OptOutView{Language: "en", Errors: errs}, typed)
		return
	}
	before, err := s.db.OptOutReplies(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	c := changes{}
	for _, l := range views.OptOutLanguages {
		if before[l] == typed[l] {
			continue
		}
		if err := s.db.SetOptOutReply(ctx, l, typed[l]); err != nil {
			s.serverError(w, r, err)
			return
		}
		c.diff(l, before[l], typed[l])
	}
	s.audit(r, auditOptOutReplyChanged, "settings", 0, "", c)
	s.flashSuccess(w, r, i18n.T(ctx, "contacts.optout.flash_reply"))
	redirect(w, r, "/settings/opt-out")
}
