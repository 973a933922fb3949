package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// channelsList lists the WhatsApp channels.
func (s *Server) channelsList(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.SectionPage(s.page(w, r, "Channels", views.NavChannels), views.SectionView{
		Heading: "Channels",
		Empty:   "A channel is a WhatsApp Business number connected through a provider such as Meta's Cloud API. This wadesk has none yet.",
		TestID:  "channels-empty",
	}))
}
