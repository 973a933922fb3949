package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strconv"
	"strings"
)

// maxDailyCap bounds the daily cap an admin may set.
const maxDailyCap = 1000000

// channelDailyCapUpdate sets the channel's cap of outgoing messages a day
// (0: the provider's default). Bad input is said on the channel page.
func (s *Server) channelDailyCapUpdate(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	raw := strings.TrimSpace(r.PostFormValue("daily_cap"))
	n, err := strconv.Atoi(strings.ReplaceAll(raw, ",", ""))
	if err != nil || n < 0 || n > maxDailyCap {
		s.flashError(w, r, i18n.T(r.Context(), "flash.channel_daily_cap_update.the_daily_cap_was_not"))
		redirect(w, r, "/channels/"+itoa(ch.ID))
		return
	}
	old, err := s.db.ChannelDailyCap(r.Context(), ch.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.db.SetChannelDailyCap(r.Context(), ch.ID, n); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, auditChannelDailyCap, "channel", ch.ID, ch.Title, changes{}.diff("daily_cap", old, n))
	if n == 0 {
		s.flashSuccess(w, r, "The daily cap of "+ch.Title+" is now the provider's.")
	} else {
		s.flashSuccess(w, r, "The daily cap of "+ch.Title+" is now "+strconv.Itoa(n)+" messages a day.")
	}
	redirect(w, r, "/channels/"+itoa(ch.ID))
}
