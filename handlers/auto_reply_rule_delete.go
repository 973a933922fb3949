package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
)

// autoReplyRuleDelete removes a rule.
func (s *Server) autoReplyRuleDelete(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	rid, ok := pathID(r, "rid")
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.db.DeleteAutoReplyRule(r.Context(), ch.ID, rid)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flashSuccess(w, r, i18n.T(r.Context(), "agent.rules.deleted"))
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/auto-replies#rules")
}
