package handlers

import (
	"context"
	"strings"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// quickReplyOptions are the quick replies the signed-in user may insert in
// conversation c, their {variables} filled in for it. A variable without
// a value here ({order_total} before any order) stays as written, for the
// agent to replace.
func (s *Server) quickReplyOptions(ctx context.Context, c store.Conversation) ([]views.QuickReplyOption, error) {
	qs, err := s.db.QuickRepliesFor(ctx, currentUser(ctx).ID)
	if err != nil || len(qs) == 0 {
		return nil, err
	}
	var fill *strings.Replacer
	for _, q := range qs {
		if strings.Contains(q.Body, "{") {
			vals, err := s.vars.Resolve(ctx, sendContext(ctx, c))
			if err != nil {
				return nil, err
			}
			var pairs []string
			for _, v := range vals.Available() {
				val, _ := vals.Expand(v.Token())
				pairs = append(pairs, v.Token(), val)
			}
			fill = strings.NewReplacer(pairs...)
			break
		}
	}
	out := make([]views.QuickReplyOption, 0, len(qs))
	for _, q := range qs {
		text := q.Body
		if fill != nil {
			text = fill.Replace(text)
		}
		out = append(out, views.QuickReplyOption{Shortcut: q.Shortcut, Text: text, Shared: q.Shared()})
	}
	return out, nil
}
