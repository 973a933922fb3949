package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/store"
)

// autoReplyRuleToggle switches a rule on or off.
func (s *Server) autoReplyRuleToggle(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	rid, ok := pathID(r, "rid")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	rules, err := s.db.AutoReplyRules(ctx, ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, rl := range rules {
		if rl.ID == rid {
			err := s.db.SetAutoReplyRuleEnabled(ctx, ch.ID, rid, !rl.Enabled)
			if errors.Is(err, store.ErrNotFound) {
				break
			}
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			redirect(w, r, "/channels/"+itoa(ch.ID)+"/auto-replies#rules")
			return
		}
	}
	s.notFound(w, r)
}
