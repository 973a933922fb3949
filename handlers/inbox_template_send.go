package handlers

import (
	"errors"
	"time"

	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"strconv"

	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
)

// fieldConfirmCost is the checkbox confirming a marketing template's price.
const fieldConfirmCost = "confirm_cost"

// inboxTemplateSend sends an approved template of the conversation's
// number, inside the customer service window or not. Every value is
// checked before anything is queued (a value missing, too long, with a
// line break, a {variable} without a value here, or the template's
// parameter count not matching what was given): the form is shown again
// with the values and what is wrong, so WhatsApp never answers 132000.
// The message is stored with the filled-in text, which the inbox shows.
func (s *Server) inboxTemplateSend(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PostFormValue("template"), 10, 64)
	values := templateValues(r.PostForm)
	replyTo := r.PostFormValue("reply_to")
	refuse := func(errs templates.Errors) {
		s.renderThread(w, r, c.ID, http.StatusUnprocessableEntity, composeState{open: views.ModeTemplate, replyTo: replyTo,
			templateID: id, templateValues: values, templateErrs: errs})
	}
	t, form, err := s.sendableTemplate(ctx, c, id)
	if errors.Is(err, store.ErrNotFound) {
		s.renderThread(w, r, c.ID, http.StatusUnprocessableEntity, composeState{open: views.ModeTemplate, replyTo: replyTo,
			templateProblem: "Choose one of this number's approved templates to send."})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	wamid, problem, err := s.replyContext(ctx, c, replyTo)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if problem != "" {
		refuse(templates.Errors{templates.FieldTemplate: problem})
		return
	}
	vals, err := s.vars.Resolve(ctx, sendContext(ctx, c))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	msg, filled, errs := form.Fill(t.Name, t.Language, t.Category, values, vals)
	if len(errs) > 0 {
		refuse(errs)
		return
	}
	msg.ID = t.ProviderTemplateID
	// A billed marketing template is sent only once the agent confirmed
	// its price (the form's checkbox; browsers without it land here).
	cost, err := s.templateCost(ctx, c, t.Category, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if cost.Marketing && r.PostFormValue(fieldConfirmCost) != "yes" {
		refuse(templates.Errors{fieldConfirmCost: i18n.T(ctx, "pricing.confirm.missing", "Price", cost.Price)})
		return
	}
	problem, err = s.enqueue(ctx, c, providers.OutboundMessage{ReplyTo: wamid, Template: &msg},
		outbox.ShowText(filled.Body), outbox.ShowRendered(filled))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if problem != "" {
		refuse(templates.Errors{templates.FieldTemplate: problem})
		return
	}
	redirect(w, r, conversationPath(c.ID))
}
