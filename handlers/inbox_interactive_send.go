package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/wadesk/wadesk/interactive"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/views"
)

// maxFormOptions bounds how many option rows a form may post; more than
// WhatsApp's ten are read (and refused with field errors), not ignored.
const maxFormOptions = 50

// inboxInteractiveSend sends the options an agent offers as an interactive
// message: up to three as reply buttons, four to ten as a list
// (interactive.Build). Every limit is checked here, with the form shown
// again with all its input and an error next to each field at fault. The
// "Add option" button posts here too and only adds an empty row.
func (s *Server) inboxInteractiveSend(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	form := interactiveForm(r.PostForm)
	replyTo := r.PostFormValue("reply_to")
	show := func(status int) {
		s.renderThread(w, r, c.ID, status, composeState{open: views.ModeInteractive, replyTo: replyTo, interactive: &form})
	}
	if r.PostFormValue("action") == "add_option" {
		if len(form.Options) < views.MaxInteractiveOptions {
			form.Options = append(form.Options, views.InteractiveOption{})
		}
		show(http.StatusOK)
		return
	}
	if why, err := s.freeFormRefusal(ctx, c); err != nil {
		s.serverError(w, r, err)
		return
	} else if why != "" {
		form.Problem = why
		show(http.StatusUnprocessableEntity)
		return
	}
	msg := interactive.Message{Header: form.Header, Body: form.Body, Footer: form.Footer, ListButton: form.Button}
	for _, o := range trimBlankOptions(form.Options) {
		msg.Options = append(msg.Options, interactive.Option{Title: o.Title, Description: o.Description})
	}
	built, err := interactive.Build(msg)
	if errs, ok := interactive.AsErrors(err); ok {
		form.Errors = views.Errors(errs.Map())
		show(http.StatusUnprocessableEntity)
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
	if problem == "" {
		problem, err = s.enqueue(ctx, c, providers.OutboundMessage{ReplyTo: wamid, Interactive: &built})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if problem != "" {
		form.Problem = problem
		show(http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, conversationPath(c.ID))
}

// interactiveForm reads the interactive composer's fields. Option rows
// are named options[0].title, options[0].description, … and read up to
// the first index the form does not have.
func interactiveForm(f url.Values) views.InteractiveComposer {
	v := views.InteractiveComposer{Header: f.Get("header"), Body: f.Get("body"), Footer: f.Get("footer"), Button: f.Get("button")}
	for i := range maxFormOptions {
		title, hasTitle := f[interactive.OptionField(i, interactive.OptionTitle)]
		desc, hasDesc := f[interactive.OptionField(i, interactive.OptionDescription)]
		if !hasTitle && !hasDesc {
			break
		}
		o := views.InteractiveOption{}
		if len(title) > 0 {
			o.Title = title[0]
		}
		if len(desc) > 0 {
			o.Description = desc[0]
		}
		v.Options = append(v.Options, o)
	}
	return v
}

// trimBlankOptions drops empty rows at the end: the form shows spare rows.
// An empty row between filled ones stays, and is refused by name.
func trimBlankOptions(opts []views.InteractiveOption) []views.InteractiveOption {
	n := len(opts)
	for n > 0 && strings.TrimSpace(opts[n-1].Title) == "" && strings.TrimSpace(opts[n-1].Description) == "" {
		n--
	}
	return opts[:n]
}
