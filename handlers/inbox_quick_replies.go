package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// quickReplyOptions are the quick replies the signed-in user may insert in
// conversation c, their {variables} filled in for it. A variable without
// a value here ({order_total} before any order) stays as written, for the
// agent to replace. A reply's file and options are offered with it when
// the number's provider can send them (v says what it cannot); chosen is
// the quick_reply field of a refused send, shown again with its extras.
func (s *Server) quickReplyOptions(ctx context.Context, c store.Conversation, v views.ComposerView, chosen string) ([]views.QuickReplyOption, views.QuickReplyChosen, error) {
	var picked views.QuickReplyChosen
	qs, err := s.db.QuickRepliesFor(ctx, currentUser(ctx).ID)
	if err != nil || len(qs) == 0 {
		return nil, picked, err
	}
	var fill *strings.Replacer
	for _, q := range qs {
		if strings.Contains(q.Body, "{") {
			vals, err := s.vars.Resolve(ctx, sendContext(ctx, c))
			if err != nil {
				return nil, picked, err
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
		o := views.QuickReplyOption{Shortcut: q.Shortcut, Text: text, Shared: q.Shared()}
		if extras := quickReplyExtras(ctx, q); len(extras) > 0 {
			switch {
			case q.HasFile() && v.NoAttach:
				o.Extras = i18n.T(ctx, "agent.qr.picker_no_files")
			case len(q.Options) > 0 && v.NoInteractive:
				o.Extras = i18n.T(ctx, "agent.qr.picker_no_options")
			default:
				o.ID, o.Extras = q.ID, strings.Join(extras, " · ")
			}
		}
		if o.ID != 0 && strconv.FormatInt(o.ID, 10) == chosen {
			picked = views.QuickReplyChosen{ID: o.ID, Extras: o.Extras}
		}
		out = append(out, o)
	}
	return out, picked, nil
}
