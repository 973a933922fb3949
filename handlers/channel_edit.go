package handlers

import (
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/views"
)

// channelEdit shows a channel's settings form. Secrets are not in it.
func (s *Server) channelEdit(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	opts, err := s.departmentOptions(r, []int64{ch.DepartmentID})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.ChannelEditPage(s.page(w, r, "Edit "+ch.Title, views.NavChannels), views.ChannelEditForm{
		ID: ch.ID, Title: ch.Title, Departments: opts, AppID: ch.AppID, ForwardURL: ch.ForwardURL,
		AlertEmails: strings.Join(ch.AlertEmails, ", "),
	}))
}
