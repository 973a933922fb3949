package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/attach"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/interactive"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// quickReplyInput is a quick reply's form as read and checked: the row to
// show again, the reply to save, and the problems found.
type quickReplyInput struct {
	row   views.QuickReplyRow
	reply store.QuickReply
	errs  views.Errors
	// newFile: a file chosen in the form was kept for the reply.
	newFile bool
}

// refused makes the form shown again after the store refused the reply
// (a shortcut taken): a new file was not saved with it, so it is asked for
// again and the reply's current file (if any) is shown instead.
func (in *quickReplyInput) refused(ctx context.Context, current store.QuickReply) {
	if !in.newFile {
		return
	}
	in.row.File, in.row.FileNote = "", i18n.T(ctx, "agent.qr.file_again")
	if current.HasFile() {
		in.row.File = quickReplyFileWords(current.File)
	}
}

// readQuickReplyForm reads and checks a quick reply's form: shortcut,
// body, options (one a line), list_button, and a file (multipart field
// file; remove_file drops the current one). current is the reply being
// changed (zero for a new one): its file stays unless replaced or
// removed. A new file is kept in the media store only when everything
// else is right, so a refused form leaves nothing behind.
func (s *Server) readQuickReplyForm(w http.ResponseWriter, r *http.Request, current store.QuickReply) (quickReplyInput, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxAttachBody)
	ctx := r.Context()
	var in quickReplyInput
	err := r.ParseMultipartForm(attachMemory)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, http.ErrNotMultipart):
		err = r.ParseForm()
	case errors.As(err, &tooBig):
		// The fields are lost with the body: say so on an empty form.
		in.row = views.QuickReplyRow{ID: current.ID, Shortcut: current.Shortcut, Body: current.Body}
		in.errs = views.Errors{"file": i18n.T(ctx, "agent.qr.error_file_big", "Max", attach.MaxUpload>>20)}
		return in, nil
	}
	if err != nil {
		return in, fmt.Errorf("quick reply form: %w", err)
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	in.row, in.errs = quickReplyFromForm(ctx, r)
	in.row.Options = strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("options"), "\r\n", "\n"))
	in.row.ListButton = strings.TrimSpace(r.PostFormValue("list_button"))
	in.row.RemoveFile = r.PostFormValue("remove_file") == "1"
	in.reply = store.QuickReply{Shortcut: in.row.Shortcut, Body: in.row.Body, ListButton: in.row.ListButton}
	for _, o := range strings.Split(in.row.Options, "\n") {
		if o = strings.TrimSpace(o); o != "" {
			in.reply.Options = append(in.reply.Options, o)
		}
	}
	if !in.row.RemoveFile {
		in.reply.File = current.File
	}
	checkQuickReplyOptions(ctx, in.reply, in.errs)

	// The file last: it is kept only when the rest is right.
	file, hdr, ferr := r.FormFile("file")
	switch {
	case errors.Is(ferr, http.ErrMissingFile):
	case ferr != nil:
		return in, fmt.Errorf("quick reply file: %w", ferr)
	default:
		defer file.Close()
		f, err := attach.Identify(file, hdr.Size, hdr.Filename)
		var p *attach.Problem
		switch {
		case errors.As(err, &p):
			in.errs["file"] = p.Msg
		case err != nil:
			return in, err
		case s.blobs == nil:
			in.errs["file"] = i18n.T(ctx, "agent.qr.error_file_no_store")
		case len(in.errs) > 0:
			in.row.FileNote = i18n.T(ctx, "agent.qr.file_again")
		default:
			if _, err := file.Seek(0, 0); err != nil {
				return in, fmt.Errorf("quick reply file: rewind: %w", err)
			}
			sha, size, err := s.blobs.Put(ctx, file, attach.MaxUpload)
			if err != nil {
				return in, fmt.Errorf("quick reply file: keep: %w", err)
			}
			in.reply.File = store.QuickReplyFile{SHA256: sha, Name: f.Filename, Type: f.MIMEType, Kind: string(f.Kind), Size: size}
			in.newFile = true
		}
	}
	if in.reply.HasFile() {
		in.row.File = quickReplyFileWords(in.reply.File)
	}
	if in.row.RemoveFile && current.HasFile() && !in.reply.HasFile() {
		// Shown again (refused form): the current file, still ticked off.
		in.row.File = quickReplyFileWords(current.File)
	}
	return in, nil
}

// checkQuickReplyOptions checks a reply's options with its text as the
// reply box will send them (interactive.Build: up to three as buttons,
// four to ten as a list, the text at most WhatsApp's length for them). A
// text too long for a file's caption needs no check: it goes out after
// the file as a message of its own.
func checkQuickReplyOptions(ctx context.Context, q store.QuickReply, errs views.Errors) {
	if len(q.Options) == 0 {
		if q.ListButton != "" && !errs.Has("list_button") {
			errs["list_button"] = i18n.T(ctx, "agent.qr.error_button_without_options")
		}
		return
	}
	if len(q.Options) > interactive.MaxOptions {
		errs["options"] = i18n.T(ctx, "agent.qr.error_options_many", "Max", interactive.MaxOptions, "Given", len(q.Options))
		return
	}
	if errs.Has("body") {
		return // the text's own problem first
	}
	m := interactive.Message{Body: q.Body, ListButton: q.ListButton}
	for _, o := range q.Options {
		m.Options = append(m.Options, interactive.Option{Title: o})
	}
	_, err := interactive.Build(m)
	es, ok := interactive.AsErrors(err)
	if !ok {
		return
	}
	var optionMsgs []string
	for _, e := range es {
		switch {
		case e.Field == interactive.FieldBody:
			errs["body"] = e.Message
		case e.Field == interactive.FieldButton:
			errs["list_button"] = e.Message
		case strings.HasPrefix(e.Field, interactive.FieldOptions):
			optionMsgs = append(optionMsgs, e.Message)
		}
	}
	if len(optionMsgs) > 0 {
		errs["options"] = strings.Join(optionMsgs, " ")
	}
}

// quickReplyFileWords names a reply's file with its size.
func quickReplyFileWords(f store.QuickReplyFile) string {
	return f.Name + ", " + humanSize(f.Size)
}

// quickReplyExtras sums up in words what goes with a reply's text.
func quickReplyExtras(ctx context.Context, q store.QuickReply) []string {
	var out []string
	if q.HasFile() {
		out = append(out, i18n.T(ctx, "agent.qr.extra_file", "File", quickReplyFileWords(q.File)))
	}
	switch n := len(q.Options); {
	case n == 0:
	case n <= 3:
		out = append(out, i18n.T(ctx, "agent.qr.extra_buttons", "Options", strings.Join(q.Options, " · ")))
	default:
		out = append(out, i18n.T(ctx, "agent.qr.extra_list", "Options", strings.Join(q.Options, " · ")))
	}
	return out
}

// quickReplyCaptionFits says whether a reply's text can go under its file
// as the caption (no options; a kind that shows one; short enough).
func quickReplyCaptionFits(q store.QuickReply, text string) bool {
	return len(q.Options) == 0 && attach.CanCaption(providers.MessageKind(q.File.Kind)) && utf8.RuneCountInString(text) <= providers.MaxCaption
}
