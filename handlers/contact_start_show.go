package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// contactStartShow is the form that sends a contact a template from one
// of the numbers the user may use: the number first, then its approved
// templates, then the chosen template's values (each step a plain GET, so
// it works without scripts and a reload keeps the choices).
func (s *Server) contactStartShow(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadContact(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	channelID, _ := strconv.ParseInt(q.Get("channel"), 10, 64)
	templateID, _ := strconv.ParseInt(q.Get("template"), 10, 64)
	v, err := s.startView(r.Context(), c, channelID, templateID, nil, nil)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.StartPage(s.page(w, r, i18n.T(r.Context(), "contacts.start.title"), views.NavContacts), v))
}

// startView builds the start form: channelID 0 picks the first number;
// a template that is not one of the number's approved ones is dropped.
func (s *Server) startView(ctx context.Context, c store.ContactDetail, channelID, templateID int64, values map[string]string, errs templates.Errors) (views.StartView, error) {
	v := views.StartView{ContactID: c.ID, ContactName: c.Name, ContactPhone: c.Phone, Errors: views.Errors{}}
	chans, err := s.db.SendingChannels(ctx, store.ViewerOf(*currentUser(ctx)))
	if err != nil {
		return v, err
	}
	for _, ch := range chans {
		v.Channels = append(v.Channels, views.Choice{ID: ch.ID, Name: ch.Name})
		if ch.ID == channelID {
			v.ChannelID = ch.ID
		}
	}
	if v.ChannelID == 0 && len(chans) > 0 {
		v.ChannelID = chans[0].ID
	}
	if v.ChannelID == 0 {
		return v, nil
	}
	ts, err := s.db.ListTemplates(ctx, store.TemplateFilter{ChannelID: v.ChannelID})
	if err != nil {
		return v, err
	}
	for _, t := range ts {
		if !strings.EqualFold(t.Status, templates.StatusApproved) {
			continue
		}
		v.Templates = append(v.Templates, views.Choice{ID: t.ID, Name: t.Name + " (" + templateLanguageName(ctx, t.Language) + ")"})
		if t.ID == templateID {
			v.TemplateID = t.ID
		}
	}
	if v.TemplateID == 0 {
		return v, nil
	}
	t, form, err := s.sendableTemplate(ctx, store.Conversation{ChannelID: v.ChannelID}, v.TemplateID)
	if err != nil {
		return v, err
	}
	st := &views.StartTemplate{Name: t.Name, Language: templateLanguageName(ctx, t.Language), Category: strings.ToUpper(t.Category)}
	var body strings.Builder
	for _, seg := range form.Preview(values).Body {
		body.WriteString(seg.Text)
	}
	st.Body = body.String()
	if form.Unsupported != "" {
		v.Problem = form.Unsupported
	}
	for _, fd := range form.Fields {
		placeholder := fd.Example
		if placeholder != "" {
			placeholder = i18n.T(ctx, "contacts.start.example", "Example", placeholder)
		}
		st.Fields = append(st.Fields, views.StartField{Name: fd.Name, Label: fd.Label, Hint: fd.Hint, Value: values[fd.Name],
			Placeholder: placeholder, Error: errs[fd.Name]})
		if errs[fd.Name] != "" {
			v.Errors[fd.Name] = errs[fd.Name]
		}
	}
	if p := errs[templates.FieldTemplate]; p != "" {
		v.Problem = p
	}
	v.Template = st
	return v, nil
}
