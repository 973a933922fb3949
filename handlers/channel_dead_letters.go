package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/views"
)

// deadLetterPreview is how much of a raw body the page shows.
const deadLetterPreview = 4 << 10

// channelDeadLetters lists the channel's signed webhooks that could not be
// read, with their reason and the start of the body.
func (s *Server) channelDeadLetters(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	evs, err := s.db.DeadWebhookEvents(r.Context(), ch.ID, 100)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := views.DeadLettersView{ChannelID: ch.ID, ChannelTitle: ch.Title}
	for _, ev := range evs {
		body := ev.Body
		row := views.DeadLetterRow{ID: ev.ID, ReceivedAt: ev.ReceivedAt, Reason: ev.Error, Size: len(body)}
		if len(body) > deadLetterPreview {
			body, row.Truncated = body[:deadLetterPreview], true
		}
		// Shown as text (templ escapes it); bytes that are not UTF-8 become U+FFFD.
		row.Body = strings.ToValidUTF8(string(body), string(utf8.RuneError))
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, http.StatusOK, views.DeadLettersPage(s.page(w, r, i18n.T(r.Context(), "titles.unreadable_webhooks"), views.NavChannels), v))
}
