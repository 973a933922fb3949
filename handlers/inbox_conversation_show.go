package handlers

import (
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/views"
)

// inboxConversationShow opens a conversation: the list beside its thread,
// the reply box while the customer service window is open, and the
// composer's other modes. ?template=ID opens the template picker with that
// template chosen (the picker's answer without JavaScript). Opening it
// marks it read.
func (s *Server) inboxConversationShow(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	st := composeState{}
	if id, err := strconv.ParseInt(r.URL.Query().Get("template"), 10, 64); err == nil && id > 0 {
		st.open, st.templateID = views.ModeTemplate, id
	}
	s.renderThreadOf(w, r, c, http.StatusOK, st)
}

// renderConversation renders the conversation page; draft and problem are
// a refused text reply and why.
func (s *Server) renderConversation(w http.ResponseWriter, r *http.Request, id int64, status int, draft, problem string) {
	s.renderConversationWith(w, r, id, status, func(t *views.ThreadView) { t.Draft, t.Error = draft, problem })
}

// renderConversationWith renders the conversation page after edit has put
// a refused form's input and errors into the thread.
func (s *Server) renderConversationWith(w http.ResponseWriter, r *http.Request, id int64, status int, edit func(*views.ThreadView)) {
	s.renderThread(w, r, id, status, composeState{edit: edit})
}
