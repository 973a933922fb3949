package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wadesk/wadesk/attach"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/views"
)

// Limits of the attachment form: the largest file WhatsApp takes plus
// room for the other fields; parts beyond the memory limit go to a
// temporary file that is removed when the request ends.
const (
	maxAttachBody   = attach.MaxUpload + 1<<20
	attachMemory    = 8 << 20
	mediaUploadTime = 2 * time.Minute
	// attachReadTime is how long the browser may take to send the form:
	// the server's read timeout is sized for ordinary forms, and a 100 MB
	// document on a slow uplink takes minutes.
	attachReadTime = 15 * time.Minute
)

// inboxMediaSend sends a file as an image, audio, video or document
// message, with an optional caption, inside the customer service window.
// The file's type is read from its content and checked against what
// WhatsApp accepts and its size limit (package attach); it is then
// uploaded to the provider's media store and the message refers to it by
// the provider's media ID. Any refusal shows the form again with the
// caption kept and why, in plain words.
func (s *Server) inboxMediaSend(w http.ResponseWriter, r *http.Request) {
	c, ok := s.loadConversation(w, r)
	if !ok {
		return
	}
	form := views.AttachComposer{Errors: views.Errors{}}
	var replyTo string
	fileChosen := false
	show := func(status int) {
		if fileChosen {
			form.FileNote = "Choose the file again: the browser does not keep it when the form comes back."
		}
		s.renderThread(w, r, c.ID, status, composeState{open: views.ModeAttach, replyTo: replyTo, attach: &form})
	}
	if err := http.NewResponseController(w).SetReadDeadline(time.Now().Add(attachReadTime)); err != nil {
		s.log.Debug("attachment: cannot extend the read deadline", "err", err)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAttachBody)
	if err := r.ParseMultipartForm(attachMemory); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			form.Errors["file"] = fmt.Sprintf("This file is larger than %d MB, the most WhatsApp accepts for any file.", attach.MaxUpload>>20)
			show(http.StatusRequestEntityTooLarge)
		default:
			form.Problem = "The file did not arrive whole. Choose it again and send."
			show(http.StatusBadRequest)
		}
		return
	}
	defer r.MultipartForm.RemoveAll()
	ctx := r.Context()
	form.Caption = r.PostFormValue("caption")
	replyTo = r.PostFormValue("reply_to")
	caption := strings.TrimSpace(form.Caption)

	if why, err := s.freeFormRefusal(ctx, c); err != nil {
		s.serverError(w, r, err)
		return
	} else if why != "" {
		form.Problem = why
		show(http.StatusUnprocessableEntity)
		return
	}
	file, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		form.Errors["file"] = "Choose a file to send."
		show(http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer file.Close()
	fileChosen = true
	f, err := attach.Identify(file, hdr.Size, hdr.Filename)
	var p *attach.Problem
	if errors.As(err, &p) {
		form.Errors["file"] = p.Msg
		show(http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	switch {
	case caption != "" && !attach.CanCaption(f.Kind):
		form.Errors["caption"] = "WhatsApp shows no caption under audio. Send the text as a message of its own."
	case utf8.RuneCountInString(caption) > providers.MaxCaption:
		form.Errors["caption"] = fmt.Sprintf("The caption is %d characters long; WhatsApp allows at most %d.", utf8.RuneCountInString(caption), providers.MaxCaption)
	}
	if len(form.Errors) > 0 {
		show(http.StatusUnprocessableEntity)
		return
	}
	wamid, problem, err := s.replyContext(ctx, c, replyTo)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if problem != "" {
		form.Problem = problem
		show(http.StatusUnprocessableEntity)
		return
	}
	mediaID, problem, err := s.uploadMedia(ctx, c.ChannelID, f, file)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if problem != "" {
		form.Problem = problem
		show(http.StatusUnprocessableEntity)
		return
	}
	s.keepUpload(ctx, c.ChannelID, mediaID, f, file)
	media := &providers.Media{Kind: f.Kind, ID: mediaID, Caption: caption}
	if f.Kind == providers.KindDocument {
		media.Filename = f.Filename
	}
	problem, err = s.enqueue(ctx, c, providers.OutboundMessage{ReplyTo: wamid, Media: media})
	if s.fetcher != nil {
		s.fetcher.Wake() // the message now names the kept upload
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if problem != "" {
		form.Problem = problem
		show(http.StatusUnprocessableEntity)
		return
	}
	redirect(w, r, conversationPath(c.ID))
}

// keepUpload keeps an uploaded file in wadesk's own store under the
// provider's media ID, so that the message is kept without downloading it
// back. A failure is only logged: the media worker then fetches the file
// from the provider like any other.
func (s *Server) keepUpload(ctx context.Context, channelID int64, mediaID string, f attach.File, file multipart.File) {
	if s.blobs == nil {
		return
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		s.log.Warn("media: rewind the attachment to keep it", "err", err)
		return
	}
	sha, size, err := s.blobs.Put(ctx, file, attach.MaxUpload)
	if err == nil {
		err = s.db.RecordMediaUpload(ctx, channelID, mediaID, sha, size, f.MIMEType, time.Now())
	}
	if err != nil {
		s.log.Warn("media: keep the uploaded file", "channel_id", channelID, "media_id", mediaID, "err", err)
		return
	}
}

// uploadMedia puts the file in the channel's provider media store and
// returns its media ID, or the provider's refusal in plain words.
func (s *Server) uploadMedia(ctx context.Context, channelID int64, f attach.File, file multipart.File) (id, problem string, err error) {
	ch, err := s.db.ChannelByID(ctx, channelID)
	if err != nil {
		return "", "", err
	}
	client, err := s.channelClient(ctx, ch)
	if err != nil {
		return "", "", err
	}
	media, ok := client.(providers.MediaStore)
	if !ok {
		return "", "This number's provider does not take files from wadesk, so the file was not sent.", nil
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return "", "", fmt.Errorf("inbox: rewind the attachment: %w", err)
	}
	upCtx, cancel := context.WithTimeout(ctx, mediaUploadTime)
	defer cancel()
	id, err = media.UploadMedia(upCtx, ch.PhoneNumberID, providers.MediaUpload{Filename: f.Filename, MIMEType: f.MIMEType, Body: file})
	if err != nil {
		s.log.Warn("media upload refused", "channel_id", channelID, "mime_type", f.MIMEType, "size", f.Size, "err", err)
		return "", "WhatsApp did not take the file: " + plainError(ctx, err), nil
	}
	return id, "", nil
}
