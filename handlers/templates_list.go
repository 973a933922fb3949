package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// templatesList lists message templates across channels.
func (s *Server) templatesList(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.SectionPage(s.page(w, r, "Templates", views.NavTemplates), views.SectionView{
		Heading: "Message templates",
		Empty:   "Templates belong to a WhatsApp Business Account, so they appear here once a channel is connected.",
		TestID:  "templates-empty",
	}))
}
