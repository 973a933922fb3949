package handlers

import (
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/window"
)

// maxDraftRunes is the most a reply can hold (the reply box's maxlength,
// WhatsApp's limit for a text message).
const maxDraftRunes = 4096

// inboxComposerShow answers the composer of a conversation alone, as the
// customer service window has it now: an open page fetches it again when
// the window closes (the provider refused a message with 131047, or the
// countdown ran out). The page sends what was typed in the reply box
// (text) and the message being quoted (reply_to): an open composer keeps
// them, a closed one shows the text read-only so that nothing typed is
// lost.
func (s *Server) inboxComposerShow(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	draft := q.Get("text")
	if !utf8.ValidString(draft) {
		draft = ""
	}
	if utf8.RuneCountInString(draft) > maxDraftRunes {
		draft = string([]rune(draft)[:maxDraftRunes])
	}
	now := time.Now()
	ws, err := s.windowState(ctx, c, now)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	t := views.ThreadView{ID: c.ID, Draft: draft}
	t.WindowOpen, t.ClosedReason = window.CanSendFreeForm(ws)
	if t.Composer, err = s.composerView(ctx, c, t.WindowOpen, composeState{replyTo: q.Get("reply_to")}); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.ComposerAreaFragment(t))
}
