package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/attach"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/interactive"
	"github.com/wadesk/wadesk/media"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// sendQuickReply sends the reply box's text with the file and options of
// the quick reply the agent inserted (the form's quick_reply field):
//
//   - options: the text and its options as reply buttons (up to three) or
//     a list (four to ten), as the interactive composer sends them;
//   - a file: the file first, with the text as its caption when it fits
//     under one (no options, a photo, video or document, 1024 characters
//     at most), otherwise the text after it as a message of its own.
//
// The text is the agent's, as edited after inserting. Whatever the
// number's provider cannot send is refused in words before anything goes
// out. wamid is the message to quote; the first message sent quotes it.
func (s *Server) sendQuickReply(ctx context.Context, c store.Conversation, q store.QuickReply, text, wamid string) (problem string, err error) {
	if !q.HasFile() && len(q.Options) == 0 {
		return s.enqueue(ctx, c, providers.OutboundMessage{ReplyTo: wamid, Text: &providers.Text{Body: text}})
	}
	ch, err := s.db.ChannelByID(ctx, c.ChannelID)
	if err != nil {
		return "", err
	}
	if prov, ok := s.providerOf(ch); ok {
		caps := prov.Capabilities
		if q.HasFile() && (!caps.Has(providers.CapSendMedia) || !caps.Has(providers.CapMedia)) {
			return i18n.T(ctx, "agent.qr.error_send_no_files", "Shortcut", q.Shortcut, "Provider", prov.Name), nil
		}
		if len(q.Options) > 0 && !caps.Has(providers.CapSendInteractive) {
			return i18n.T(ctx, "agent.qr.error_send_no_options", "Shortcut", q.Shortcut, "Provider", prov.Name), nil
		}
	}
	var choices *providers.Interactive
	if len(q.Options) > 0 {
		m := interactive.Message{Body: text, ListButton: q.ListButton}
		for _, o := range q.Options {
			m.Options = append(m.Options, interactive.Option{Title: o})
		}
		built, err := interactive.Build(m)
		if es, ok := interactive.AsErrors(err); ok {
			msgs := make([]string, 0, len(es))
			for _, e := range es {
				msgs = append(msgs, e.Message)
			}
			return i18n.T(ctx, "agent.qr.error_send_options", "Shortcut", q.Shortcut, "Problem", strings.Join(msgs, " ")), nil
		}
		if err != nil {
			return "", err
		}
		choices = &built
	}
	textSent := false
	if q.HasFile() {
		if s.blobs == nil {
			return i18n.T(ctx, "agent.qr.error_send_file_gone", "Shortcut", q.Shortcut), nil
		}
		blob, err := s.blobs.Open(ctx, q.File.SHA256)
		if errors.Is(err, media.ErrNoBlob) {
			return i18n.T(ctx, "agent.qr.error_send_file_gone", "Shortcut", q.Shortcut), nil
		}
		if err != nil {
			return "", err
		}
		defer blob.Close()
		f := attach.File{Kind: providers.MessageKind(q.File.Kind), MIMEType: q.File.Type, Size: q.File.Size, Filename: q.File.Name}
		mediaID, problem, err := s.uploadMedia(ctx, c.ChannelID, f, blob)
		if err != nil || problem != "" {
			return problem, err
		}
		// The blob is already kept: the message names it without a download.
		if err := s.db.RecordMediaUpload(ctx, c.ChannelID, mediaID, q.File.SHA256, q.File.Size, q.File.Type, time.Now()); err != nil {
			s.log.Warn("quick reply: record the uploaded file", "channel_id", c.ChannelID, "media_id", mediaID, "err", err)
		}
		md := &providers.Media{Kind: f.Kind, ID: mediaID}
		if f.Kind == providers.KindDocument {
			md.Filename = f.Filename
		}
		if quickReplyCaptionFits(q, text) {
			md.Caption, textSent = text, true
		}
		problem, err = s.enqueue(ctx, c, providers.OutboundMessage{ReplyTo: wamid, Media: md})
		if s.fetcher != nil {
			s.fetcher.Wake()
		}
		if err != nil || problem != "" {
			return problem, err
		}
		wamid = "" // quoted once
	}
	switch {
	case choices != nil:
		return s.enqueue(ctx, c, providers.OutboundMessage{ReplyTo: wamid, Interactive: choices})
	case !textSent:
		return s.enqueue(ctx, c, providers.OutboundMessage{ReplyTo: wamid, Text: &providers.Text{Body: text}})
	}
	return "", nil
}

// chosenQuickReply reads the form's quick_reply field: the quick reply
// (shared, or the user's own) whose file and options go with the text.
// ok is false when the field is empty; problem says in words that the
// reply is gone.
func (s *Server) chosenQuickReply(ctx context.Context, field string) (q store.QuickReply, ok bool, problem string, err error) {
	if field == "" {
		return q, false, "", nil
	}
	id, perr := strconv.ParseInt(field, 10, 64)
	if perr == nil {
		q, err = s.db.QuickReplyByID(ctx, id)
	}
	if perr != nil || errors.Is(err, store.ErrNotFound) || (err == nil && !q.Shared() && q.OwnerID != currentUser(ctx).ID) {
		return store.QuickReply{}, false, i18n.T(ctx, "agent.qr.error_send_gone"), nil
	}
	if err != nil {
		return store.QuickReply{}, false, "", err
	}
	return q, true, "", nil
}
