package handlers

import (
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/wadesk/wadesk/views"
)

// maxDraftRunes is the most a reply can hold (the reply box's maxlength,
// WhatsApp's limit for a text message).
const maxDraftRunes = 4096

// inboxComposerShow answers the composer of a conversation alone, as the
// customer service window has it now: an open page fetches it again when
// the window closes (the provider refused a message with 131047, or the
// countdown ran out) or opens again (the customer wrote). The page sends
// what was typed in the reply box (text), the message being quoted
// (reply_to), the quick reply whose file and options go with the text
// (quick_reply), the template being filled in (template and its values) and
// the mode whose panel is open (mode, when app.js runs): all of them come
// back as they were, except that a closed composer shows the text
// read-only, so that nothing typed is lost.
func (s *Server) inboxComposerShow(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	// A POST, not a GET: the typed text (up to 4096 characters) would make
	// a URL longer than proxies accept, and does not belong in their logs.
	if err := parseForm(w, r); err != nil {
		http.Error(w, "The composer could not be read.", http.StatusRequestEntityTooLarge)
		return
	}
	q := r.PostForm
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
	setWindow(&t, ws)
	st := composeState{replyTo: q.Get("reply_to"), quickReply: q.Get("quick_reply")}
	if id, err := strconv.ParseInt(q.Get("template"), 10, 64); err == nil && id > 0 {
		st.templateID, st.templateValues = id, templateValues(q)
	}
	switch mode, sent := q["mode"]; {
	case sent:
		st.open = composerMode(mode[0])
	case st.templateID != 0:
		// Without app.js: a template being filled in was in sight.
		st.open = views.ModeTemplate
	}
	if t.Composer, err = s.composerView(ctx, c, t.WindowOpen, st); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, views.ComposerAreaFragment(t))
}

// composerMode is the composer mode named m, or "" (no panel open) when m
// names none.
func composerMode(m string) string {
	switch m {
	case views.ModeTemplate, views.ModeInteractive, views.ModeAttach:
		return m
	}
	return ""
}
