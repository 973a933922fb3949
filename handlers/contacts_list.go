package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// contactsList shows the contacts the user may see (admins: all; agents:
// those of their conversations and those they added), searched by name
// or number and filtered by label and consent, a page at a time.
func (s *Server) contactsList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(ctx)
	f, ok := contactFilterOf(r.URL.Query())
	if !ok {
		s.notFound(w, r)
		return
	}
	f.Limit = 50
	if a := r.URL.Query().Get("after"); a != "" {
		c, err := store.ParseContactCursor(a)
		if err != nil {
			s.notFound(w, r)
			return
		}
		f.After = &c
	}
	rows, next, err := s.db.ListContacts(ctx, store.ViewerOf(*u), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	labels, err := s.db.ListLabels(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ids := make([]int64, len(rows))
	for i, c := range rows {
		ids[i] = c.ID
	}
	byContact, err := s.db.ContactLabels(ctx, ids...)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := views.ContactsListView{Search: f.Search, LabelID: f.LabelID, Consent: f.Consent, Admin: u.Role == store.RoleAdmin,
		Filtered: f.Search != "" || f.LabelID > 0 || f.Consent != "" || f.After != nil}
	for _, l := range labels {
		v.Labels = append(v.Labels, views.LabelChip{ID: l.ID, Name: l.Name, Colour: l.Colour})
	}
	for _, c := range rows {
		row := views.ContactRow{ID: c.ID, Name: c.Name, Phone: c.Phone, OptedOut: c.MarketingOptedOutAt != nil,
			OptedIn: c.OptedInAt != nil, Blocked: c.Blocked, Conversations: c.Conversations}
		for _, l := range byContact[c.ID] {
			row.Labels = append(row.Labels, views.LabelChip{ID: l.ID, Name: l.Name, Colour: l.Colour})
		}
		v.Rows = append(v.Rows, row)
	}
	if next != nil {
		q := r.URL.Query()
		q.Set("after", next.String())
		v.NextURL = "/contacts?" + q.Encode()
	}
	s.render(w, r, http.StatusOK, views.ContactsPage(s.page(w, r, i18n.T(ctx, "contacts.title"), views.NavContacts), v))
}

// contactFilterOf reads the list's filters from a query; false when one
// is not valid (a hand-edited address).
func contactFilterOf(q url.Values) (store.ContactFilter, bool) {
	f := store.ContactFilter{Search: strings.TrimSpace(q.Get("q")), Consent: q.Get("consent")}
	if len(f.Search) > 200 {
		f.Search = f.Search[:200]
	}
	if l := q.Get("label"); l != "" {
		id, err := strconv.ParseInt(l, 10, 64)
		if err != nil || id <= 0 {
			return f, false
		}
		f.LabelID = id
	}
	switch f.Consent {
	case store.ConsentAny, store.ConsentOptedIn, store.ConsentOptedOut, store.ConsentBlocked, store.ConsentNoRecord:
	default:
		return f, false
	}
	return f, true
}
