package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/wadesk/wadesk/consent"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// contactStartSend sends a contact an approved template from a number the
// user may use, opening the conversation (or reopening the one that
// exists), and takes the user to it in the inbox. Every value is checked
// and the consent rule asked before the conversation is opened, so a
// refusal leaves no empty conversation behind.
func (s *Server) contactStartSend(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadContact(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	channelID, _ := strconv.ParseInt(r.PostFormValue("channel"), 10, 64)
	templateID, _ := strconv.ParseInt(r.PostFormValue("template"), 10, 64)
	values := templateValues(r.PostForm)
	refuse := func(errs templates.Errors) {
		v, err := s.startView(ctx, c, channelID, templateID, values, errs)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if v.Template == nil && v.Problem == "" {
			v.Problem = i18n.T(ctx, "contacts.start.choose_again")
		}
		s.render(w, r, http.StatusUnprocessableEntity, views.StartPage(s.page(w, r, i18n.T(ctx, "contacts.start.title"), views.NavContacts), v))
	}
	if !c.HasNumber() {
		refuse(templates.Errors{templates.FieldTemplate: i18n.T(ctx, "contacts.start.no_number")})
		return
	}
	v, err := s.startView(ctx, c, channelID, templateID, values, nil)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if v.ChannelID != channelID || v.TemplateID != templateID || templateID == 0 {
		refuse(nil)
		return
	}
	probe := store.Conversation{ChannelID: channelID, ContactName: c.Name, ContactPhone: c.Phone}
	t, form, err := s.sendableTemplate(ctx, probe, templateID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	vals, err := s.vars.Resolve(ctx, sendContext(ctx, probe))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	msg, filled, errs := form.Fill(t.Name, t.Language, t.Category, values, vals)
	if len(errs) > 0 {
		refuse(errs)
		return
	}
	state := consent.State{OptedInAt: c.OptedInAt, MarketingOptedOutAt: c.MarketingOptedOutAt, OptOutSource: c.OptOutSource, Blocked: c.Blocked}
	var refused *consent.RefusedError
	if err := consent.Check(ctx, state, t.Category); errors.As(err, &refused) {
		refuse(templates.Errors{templates.FieldTemplate: refused.Reason})
		return
	}
	convID, err := s.db.OpenConversation(ctx, channelID, c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	problem, err := s.enqueue(ctx, store.Conversation{ID: convID, ChannelID: channelID}, providers.OutboundMessage{Template: &msg},
		outbox.ShowText(filled.Body), outbox.ShowRendered(filled))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if problem != "" {
		refuse(templates.Errors{templates.FieldTemplate: problem})
		return
	}
	s.audit(r, auditConversationStarted, "contact", c.ID, c.Phone, changes{"conversation_id": convID, "template": t.Name})
	s.log.Info("conversation started", "contact_id", c.ID, "conversation_id", convID, "channel_id", channelID, "at", time.Now().UTC())
	redirect(w, r, conversationPath(convID))
}
