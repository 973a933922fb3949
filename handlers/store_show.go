package handlers

import (
	"net/http"

	"github.com/wadesk/wadesk/views"
)

// storeShow shows the store settings.
func (s *Server) storeShow(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.SectionPage(s.page(w, r, "Store", views.NavStore), views.SectionView{
		Heading: "Store",
		Empty:   "Catalog, product messages and payment links are set per WhatsApp number, so they appear here once a channel is connected.",
		TestID:  "store-empty",
	}))
}
