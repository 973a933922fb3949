package handlers

import (
	"errors"
	"net/http"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// contactShow shows a contact: number, names, consent, labels, custom
// attributes and the conversations the user may see.
func (s *Server) contactShow(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadContact(w, r)
	if !ok {
		return
	}
	s.renderContact(w, r, http.StatusOK, c, views.ContactView{NameValue: c.Name})
}

// loadContact reads the contact of the path's {id} that the user may see;
// anything else is a 404 (an agent learns nothing of contacts they may
// not see).
func (s *Server) loadContact(w http.ResponseWriter, r *http.Request) (store.ContactDetail, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return store.ContactDetail{}, false
	}
	c, err := s.db.ContactDetailFor(r.Context(), store.ViewerOf(*currentUser(r.Context())), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return store.ContactDetail{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return store.ContactDetail{}, false
	}
	return c, true
}

// renderContact renders the contact page around v (the forms' state).
func (s *Server) renderContact(w http.ResponseWriter, r *http.Request, status int, c store.ContactDetail, v views.ContactView) {
	ctx := r.Context()
	viewer := store.ViewerOf(*currentUser(ctx))
	v.ID, v.Name, v.Phone, v.HasNumber, v.BSUID, v.Username, v.CreatedAt = c.ID, c.Name, c.Phone, c.HasNumber(), c.BSUID, c.Username, c.CreatedAt
	v.OptedInAt, v.OptInSource, v.OptedOutAt, v.OptOutSource, v.Blocked = c.OptedInAt, c.OptInSource, c.MarketingOptedOutAt, c.OptOutSource, c.Blocked
	if v.LabelColour == "" {
		v.LabelColour = views.LabelColours[0]
	}
	labels, err := s.db.ContactLabels(ctx, c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	all, err := s.db.ListLabels(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	has := map[int64]bool{}
	for _, l := range labels[c.ID] {
		has[l.ID] = true
		v.Labels = append(v.Labels, views.LabelChip{ID: l.ID, Name: l.Name, Colour: l.Colour})
	}
	for _, l := range all {
		if !has[l.ID] {
			v.OtherLabels = append(v.OtherLabels, views.LabelChip{ID: l.ID, Name: l.Name, Colour: l.Colour})
		}
	}
	attrs, err := s.db.ContactAttributes(ctx, c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, a := range attrs {
		v.Attributes = append(v.Attributes, views.ContactAttr{Name: a.Name, Value: a.Value})
	}
	convs, err := s.db.ConversationsOfContact(ctx, viewer, c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, cv := range convs {
		v.Conversations = append(v.Conversations, views.ContactConversationRow{ID: cv.ID, Channel: cv.ChannelTitle, Status: cv.Status, LastMessageAt: cv.LastMessageAt})
	}
	chans, err := s.db.SendingChannels(ctx, viewer)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.CanStart = len(chans) > 0
	title := c.Name
	if title == "" {
		title = c.Phone
	}
	s.render(w, r, status, views.ContactPage(s.page(w, r, title+" · "+i18n.T(ctx, "contacts.title"), views.NavContacts), v))
}

func contactPath(id int64) string { return "/contacts/" + itoa(id) }
