package handlers

import (
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// privacyResults is how many contacts one search lists.
const privacyResults = 20

// settingsPrivacyShow finds contacts by number or name, each with its
// export link and erase form.
func (s *Server) settingsPrivacyShow(w http.ResponseWriter, r *http.Request) {
	s.renderPrivacy(w, r, http.StatusOK, strings.TrimSpace(r.URL.Query().Get("q")), nil)
}

// renderPrivacy shows the page for query; refused, when set, is a contact
// whose erase form is shown again with what was typed and why it failed.
func (s *Server) renderPrivacy(w http.ResponseWriter, r *http.Request, status int, query string, refused *views.PrivacyContact) {
	v := views.PrivacyView{Query: query, RetainDays: s.retainDays}
	var found []store.Contact
	var err error
	if query != "" {
		v.Searched = true
		if found, err = s.db.FindContacts(r.Context(), query, privacyResults); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if s.blobs != nil {
		u, err := s.db.MediaUsage(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		_, bytes, err := s.blobs.Usage(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Media = &views.MediaUse{Kept: u.Kept, Pending: u.Pending, Gone: u.Gone, Failed: u.Failed, Disk: humanSize(bytes)}
	}
	if refused != nil {
		// The contact being erased is shown even if the query no longer finds it.
		seen := false
		for _, c := range found {
			seen = seen || c.ID == refused.ID
		}
		if !seen {
			c, err := s.db.ContactByID(r.Context(), refused.ID)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			found = append([]store.Contact{c}, found...)
		}
	}
	for _, c := range found {
		pc := views.PrivacyContact{ID: c.ID, Name: c.Name, Phone: c.Phone, FirstSeen: c.CreatedAt.UTC().Format("2 Jan 2006"),
			Conversations: c.Conversations, Messages: c.Messages}
		if pc.Name == "" {
			pc.Name = "No name"
		}
		if refused != nil && refused.ID == c.ID {
			pc.Confirm, pc.Error = refused.Confirm, refused.Error
		}
		v.Contacts = append(v.Contacts, pc)
	}
	s.render(w, r, status, views.PrivacyPage(s.page(w, r, i18n.T(r.Context(), "titles.privacy"), views.NavSettings), v))
}
