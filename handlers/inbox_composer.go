package handlers

import (
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/consent"
	"github.com/wadesk/wadesk/dailycap"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/pricing"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/views"
	"github.com/wadesk/wadesk/window"
)

// What the composer's send actions share: the conversation page shown
// again with what was typed and why it was refused, the customer service
// window as the provider last reported it, and the message a reply quotes.

// composeState is a composer to show again: the mode whose panel is open,
// what was typed in it and what is wrong with it.
type composeState struct {
	// draft and problem: a refused free-form text reply.
	draft, problem string
	open           string
	replyTo        string
	// The template being filled in and its values (by field name).
	templateID     int64
	templateValues map[string]string
	templateErrs   templates.Errors
	// templateProblem is about the template chosen as a whole.
	templateProblem string
	interactive     *views.InteractiveComposer
	attach          *views.AttachComposer
	// edit puts a refused form's input and errors into the thread (the
	// conversation's actions and notes).
	edit func(*views.ThreadView)
}

// renderThread renders the page of conversation id (one the user may see)
// with the composer in state st. Opening the page marks it read.
func (s *Server) renderThread(w http.ResponseWriter, r *http.Request, id int64, status int, st composeState) {
	ctx := r.Context()
	c, err := s.db.ConversationFor(ctx, store.ViewerOf(*currentUser(ctx)), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderThreadOf(w, r, c, status, st)
}

// renderThreadOf is renderThread for conversation c, just read for this
// request (with the access rule applied).
func (s *Server) renderThreadOf(w http.ResponseWriter, r *http.Request, c store.Conversation, status int, st composeState) {
	ctx := r.Context()
	if err := s.markRead(ctx, c); err != nil {
		s.serverError(w, r, err)
		return
	}
	v, err := s.inboxList(r, c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	t, err := s.threadView(ctx, c, time.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	t.Draft, t.Error = st.draft, st.problem
	list := parseInboxQuery(listValues(r))
	markSearch(&t, list.Search)
	if t.Manage, err = s.manageView(ctx, c, list.encode()); err != nil {
		s.serverError(w, r, err)
		return
	}
	if t.Labels, err = s.conversationLabels(ctx, c, list.encode()); err != nil {
		s.serverError(w, r, err)
		return
	}
	if st.edit != nil {
		st.edit(&t)
	}
	if t.Composer, err = s.composerView(ctx, c, t.WindowOpen, st); err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Thread = &t
	s.render(w, r, status, views.InboxPage(s.page(w, r, i18n.T(r.Context(), "titles.inbox_2", "Name", contactName(c)), views.NavInbox), v))
}

// composerView builds the composer of conversation c.
func (s *Server) composerView(ctx context.Context, c store.Conversation, windowOpen bool, st composeState) (views.ComposerView, error) {
	v := views.ComposerView{ConversationID: c.ID, WindowOpen: windowOpen, Open: st.open, ReplyTo: st.replyTo}
	v.Template.Problem = st.templateProblem
	lv, err := s.composerLimits(ctx, c.ChannelID, windowOpen)
	if err != nil {
		return v, err
	}
	v.Limits = lv
	if s.unofficialChannel(ctx, c.ChannelID) {
		v.WindowOpen, v.NoWindow = true, true
		v.Note = "This number uses an unofficial provider: there is no 24-hour window, so you can write at any time, and there are no message templates."
		if g, err := s.capGauge(ctx, c.ChannelID); err == nil && g.Near() {
			v.Note += " " + g.Words()
		}
	}
	if st.replyTo != "" {
		if id, err := strconv.ParseInt(st.replyTo, 10, 64); err == nil {
			if m, err := s.db.ConversationMessage(ctx, c.ID, id); err == nil {
				v.ReplyText = snippet(m)
			}
		}
		if v.ReplyText == "" {
			// It is not a message of this conversation: quote nothing.
			v.ReplyTo = ""
		}
	}
	tpls, err := s.db.ListTemplates(ctx, store.TemplateFilter{ChannelID: c.ChannelID, Status: templates.StatusApproved})
	if err != nil {
		return v, err
	}
	now := time.Now()
	// What each template category costs this customer now, read once.
	cats := make([]string, 0, len(tpls))
	for _, t := range tpls {
		cats = append(cats, pricing.NormalizeCategory(t.Category))
	}
	ests, err := s.costs.EstimateCategories(ctx, c.ID, cats, now)
	if err != nil {
		return v, err
	}
	for _, t := range tpls {
		v.Template.Choices = append(v.Template.Choices, views.TemplateChoice{ID: t.ID, Name: t.Name, Language: t.Language,
			LanguageName: templateLanguageName(ctx, t.Language), Category: strings.ToUpper(t.Category), Selected: t.ID == st.templateID,
			Cost: costLine(ctx, ests[pricing.NormalizeCategory(t.Category)])})
	}
	if windowOpen {
		if v.ReplyCost, err = s.replyCost(ctx, c, now); err != nil {
			return v, err
		}
	}
	if st.templateID != 0 {
		fill, err := s.templateFill(ctx, c, windowOpen, st.templateID, st.templateValues, st.templateErrs)
		switch {
		case errors.Is(err, store.ErrNotFound):
			v.Template.Problem = "That template is not an approved template of this number (any more). Choose another one."
		case err != nil:
			return v, err
		default:
			v.Template.Chosen = &fill
		}
	}
	if v.WindowOpen {
		if v.QuickReplies, err = s.quickReplyOptions(ctx, c); err != nil {
			return v, err
		}
	}
	if st.interactive != nil {
		v.Interactive = *st.interactive
	}
	if len(v.Interactive.Options) < 3 {
		v.Interactive.Options = append(v.Interactive.Options, make([]views.InteractiveOption, 3-len(v.Interactive.Options))...)
	}
	if st.attach != nil {
		v.Attach = *st.attach
	}
	// What the number's provider cannot send is not offered.
	ch, err := s.db.ChannelByID(ctx, c.ChannelID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return v, err
	}
	if prov, ok := s.providerOf(ch); ok && err == nil {
		caps := prov.Capabilities
		// Attach uploads the agent's file to the provider and sends it:
		// both are needed.
		v.NoAttach = !caps.Has(providers.CapSendMedia) || !caps.Has(providers.CapMedia)
		v.NoInteractive = !caps.Has(providers.CapSendInteractive)
		if !caps.Has(providers.CapSendTemplate) {
			v.NoTemplatesFrom = prov.Name
		}
	}
	return v, nil
}

// sendableTemplate returns template id when it is an approved template of
// the conversation's number; store.ErrNotFound otherwise.
func (s *Server) sendableTemplate(ctx context.Context, c store.Conversation, id int64) (store.Template, templates.SendForm, error) {
	t, err := s.db.TemplateByID(ctx, id)
	if err != nil {
		return store.Template{}, templates.SendForm{}, err
	}
	if t.ChannelID != c.ChannelID || !strings.EqualFold(t.Status, templates.StatusApproved) {
		return store.Template{}, templates.SendForm{}, store.ErrNotFound
	}
	comps, err := templates.DecodeComponents(t.ComponentsJSON)
	if err != nil {
		return store.Template{}, templates.SendForm{}, err
	}
	return t, templates.NewSendForm(comps), nil
}

// sendContext is what {variables} are filled from.
func sendContext(ctx context.Context, c store.Conversation) templates.SendContext {
	sc := templates.SendContext{ConversationID: c.ID, ContactName: c.ContactName, ContactPhone: c.ContactPhone}
	if u := currentUser(ctx); u != nil {
		sc.AgentName = u.Name
	}
	return sc
}

// templateFill is the form of a chosen template with the values typed so
// far; the preview shows them with {variables} filled in.
func (s *Server) templateFill(ctx context.Context, c store.Conversation, windowOpen bool, id int64, values map[string]string, errs templates.Errors) (views.TemplateFill, error) {
	t, form, err := s.sendableTemplate(ctx, c, id)
	if err != nil {
		return views.TemplateFill{}, err
	}
	vals, err := s.vars.Resolve(ctx, sendContext(ctx, c))
	if err != nil {
		return views.TemplateFill{}, err
	}
	f := views.TemplateFill{ConversationID: c.ID, ID: t.ID, Name: t.Name, LanguageName: templateLanguageName(ctx, t.Language),
		Category: strings.ToUpper(t.Category), Unsupported: form.Unsupported, Problem: errs[templates.FieldTemplate]}
	_, f.Charge = window.Charge(t.Category, windowOpen)
	if f.Cost, err = s.templateCost(ctx, c, t.Category, time.Now()); err != nil {
		return views.TemplateFill{}, err
	}
	f.ConfirmError = errs[fieldConfirmCost]
	for _, fd := range form.Fields {
		placeholder, hint := fd.Example, fd.Hint
		if fd.ContactName && c.ContactName != "" {
			// The template's example is someone else's name: suggest this
			// customer's, and the variable that fills it in for anyone.
			placeholder = c.ContactName
			if hint == "" {
				hint = "Their name on WhatsApp is " + c.ContactName + "; {contact_name} fills it in."
			}
		}
		if placeholder != "" {
			placeholder = "e.g. " + placeholder
		}
		f.Fields = append(f.Fields, views.TemplateValueField{Name: fd.Name, Label: fd.Label, Hint: hint, Value: values[fd.Name],
			Placeholder: placeholder, Error: errs[fd.Name], Dynamic: fd.Dynamic})
	}
	for _, v := range vals.Available() {
		val, _ := vals.Expand(v.Token())
		f.Variables = append(f.Variables, views.VariableHint{Token: v.Token(), Label: variableLabel(ctx, v), Value: val})
	}
	f.Preview = s.templatePreview(c, form, values, vals)
	return f, nil
}

// templatePreview shows the template as the customer will see it with the
// values typed so far, {variables} filled in where they can be.
func (s *Server) templatePreview(c store.Conversation, form templates.SendForm, values map[string]string, vals templates.Values) views.TemplatePreview {
	shown := map[string]string{}
	for _, fd := range form.Fields {
		v := values[fd.Name]
		if fd.Dynamic {
			if exp, problem := vals.Expand(v); problem == "" {
				v = exp
			}
		}
		shown[fd.Name] = v
	}
	p := form.Preview(shown)
	name := c.ChannelTitle
	v := views.TemplatePreview{BusinessName: name, HeaderFormat: p.HeaderFormat, Footer: p.Footer,
		Header: previewSegments(p.Header), Body: previewSegments(p.Body)}
	for _, b := range p.Buttons {
		v.Buttons = append(v.Buttons, views.PreviewButton{Type: b.Type, Text: b.Text})
	}
	return v
}

// templateValues takes the template's values out of a form: the fields
// named header, header_*, body_* and button_*.
func templateValues(form url.Values) map[string]string {
	out := map[string]string{}
	for k, vs := range form {
		if len(vs) == 0 {
			continue
		}
		if k == "header" || strings.HasPrefix(k, "header_") || strings.HasPrefix(k, "body_") || strings.HasPrefix(k, "button_") {
			out[k] = vs[0]
		}
	}
	return out
}

// windowState is the conversation's customer service window now, closed
// when the provider said so (error 131047) since the customer last wrote.
func (s *Server) windowState(ctx context.Context, c store.Conversation, now time.Time) (window.State, error) {
	w, err := s.db.WindowOf(ctx, c.ID)
	if err != nil {
		return window.State{}, err
	}
	return window.Stored(w.LastInboundAt, w.ClosedAt, now), nil
}

// freeFormRefusal says why a free-form message (text, media, interactive,
// reaction) cannot be sent in c now, or "" when it can.
func (s *Server) freeFormRefusal(ctx context.Context, c store.Conversation) (string, error) {
	ws, err := s.windowState(ctx, c, time.Now())
	if err != nil {
		return "", err
	}
	_, why := window.CanSendFreeForm(ws)
	return why, nil
}

// replyContext resolves the reply_to field to the WhatsApp ID of the
// message quoted. An empty field quotes nothing. A message that is not in
// this conversation, or that WhatsApp has no ID for, is a problem in plain
// words.
func (s *Server) replyContext(ctx context.Context, c store.Conversation, raw string) (wamid, problem string, err error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", "", nil
	}
	const notHere = "The message you are replying to is not in this conversation. Choose it again with its Reply button, or send without quoting."
	id, perr := strconv.ParseInt(raw, 10, 64)
	if perr != nil || id <= 0 {
		return "", notHere, nil
	}
	m, err := s.db.ConversationMessage(ctx, c.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return "", notHere, nil
	}
	if err != nil {
		return "", "", err
	}
	if m.WAMID == "" {
		return "", "The message you are replying to has not reached WhatsApp, so it cannot be quoted. Send without quoting, or quote another message.", nil
	}
	return m.WAMID, "", nil
}

// queueProblem turns an outbox refusal into plain words; "" for errors
// that are wadesk's own (a server error).
func queueProblem(ctx context.Context, err error) string {
	var wc *outbox.WindowClosedError
	var ve *providers.ValidationError
	var capped *dailycap.ReachedError
	var refused *consent.RefusedError
	switch {
	case errors.As(err, &wc):
		return wc.Reason
	case errors.As(err, &refused):
		return refused.Reason
	case errors.As(err, &capped):
		return capped.Error()
	case errors.As(err, &ve):
		return plainError(ctx, err)
	case errors.Is(err, store.ErrNotFound):
		return "This conversation's WhatsApp number is no longer connected, so the message was not sent."
	}
	return ""
}

// enqueue queues msg and reports a refusal in plain words (problem), or
// an error of wadesk's own.
func (s *Server) enqueue(ctx context.Context, c store.Conversation, msg providers.OutboundMessage, opts ...outbox.Option) (problem string, err error) {
	if s.outbox == nil {
		return "", errors.New("inbox: no outbox configured")
	}
	m, err := s.outbox.Enqueue(ctx, c.ID, msg, opts...)
	if err != nil {
		if p := limitProblem(ctx, err); p != "" {
			return p, nil
		}
		if p := queueProblem(ctx, err); p != "" {
			return p, nil
		}
		return "", err
	}
	if s.limits != nil {
		// The 80 % and 100 % alerts of the portfolio's messaging limit.
		go s.limits.AfterSend(context.WithoutCancel(ctx), c.ChannelID)
	}
	s.log.Info("message queued", "conversation_id", c.ID, "message_id", m.MessageID, "type", msg.Kind(),
		"reply_to", msg.ReplyTo != "", "user_id", currentUser(ctx).ID)
	return "", nil
}
