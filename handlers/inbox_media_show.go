package handlers

import (
	"errors"
	"fmt"
	"github.com/wadesk/wadesk/i18n"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// mediaLimits are the largest files WhatsApp carries, per kind; wadesk
// downloads nothing larger.
var mediaLimits = map[string]int64{
	string(providers.KindImage):    5 << 20,
	string(providers.KindAudio):    16 << 20,
	string(providers.KindVideo):    16 << 20,
	string(providers.KindDocument): 100 << 20,
	string(providers.KindSticker):  500 << 10,
}

// mediaRef is the media file of a message.
type mediaRef struct {
	Kind     string
	ID       string // the provider's media ID
	MIMEType string
	Filename string
}

// mediaRefOf finds the provider media ID of a message's file: a file the
// customer sent, or one the business uploaded and sent by ID.
func mediaRefOf(m store.Message) (mediaRef, bool) {
	d := decodeMessage(m)
	switch {
	case d.in != nil && d.in.Media != nil && d.in.Media.ID != "":
		md := d.in.Media
		return mediaRef{Kind: string(md.Kind), ID: md.ID, MIMEType: md.MIMEType, Filename: md.Filename}, true
	case d.out != nil && d.out.Media != nil && d.out.Media.ID != "":
		md := d.out.Media
		return mediaRef{Kind: string(md.Kind), ID: md.ID, Filename: md.Filename}, true
	}
	return mediaRef{}, false
}

// mediaProblem is a media file wadesk cannot serve, in plain words.
type mediaProblem struct {
	status  int
	message string
}

// resolvedMedia is a message's file as the provider describes it.
type resolvedMedia struct {
	conv  store.Conversation
	msg   store.Message
	ref   mediaRef
	store providers.MediaStore
	info  providers.MediaInfo
	// kept, when set, is the file in wadesk's own store: it is served
	// from there without asking the provider.
	kept *store.MediaFile
	// problem, when set, says why the file cannot be served.
	problem *mediaProblem
}

// resolveMedia finds the {mid} message's file in the {id} conversation
// (which the viewer may see) and asks the provider where to download it.
// It answers 404 itself (ok false) when there is no such message or file;
// other problems come back in the result.
func (s *Server) resolveMedia(w http.ResponseWriter, r *http.Request) (res resolvedMedia, ok bool) {
	if res.conv, ok = s.loadConversation(w, r); !ok {
		return res, false
	}
	mid, ok := pathID(r, "mid")
	if !ok {
		s.notFound(w, r)
		return res, false
	}
	ctx := r.Context()
	var err error
	res.msg, err = s.db.ConversationMessage(ctx, res.conv.ID, mid)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return res, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return res, false
	}
	if res.ref, ok = mediaRefOf(res.msg); !ok {
		s.notFound(w, r)
		return res, false
	}
	fail := func(status int, message string) (resolvedMedia, bool) {
		res.problem = &mediaProblem{status, message}
		return res, true
	}
	if s.blobs != nil {
		kf, err := s.db.MediaFileOf(ctx, res.msg.ID)
		switch {
		case err == nil && kf.State == store.MediaKept && s.blobs.Has(ctx, kf.SHA256):
			res.kept = &kf
			res.info = providers.MediaInfo{FileSize: kf.Size, MIMEType: kf.ContentType}
			return res, true
		case err == nil && kf.State == store.MediaGone:
			// Never asked for again: providers lock out media for a while
			// after repeated errors.
			return fail(http.StatusNotFound, goneText)
		case err != nil && !errors.Is(err, store.ErrNotFound):
			s.serverError(w, r, err)
			return res, false
		}
	}
	if s.media == nil {
		return fail(http.StatusServiceUnavailable, "This server cannot download files from WhatsApp.")
	}
	if res.store, err = s.media(ctx, res.conv.ChannelID); err != nil {
		s.log.Error("media: connect channel", "channel_id", res.conv.ChannelID, "message_id", res.msg.ID, "err", err)
		return fail(http.StatusBadGateway, "wadesk could not connect to this conversation's WhatsApp number to fetch the file. Check the channel's settings.")
	}
	if res.info, err = res.store.GetMediaURL(ctx, res.ref.ID); err != nil {
		s.log.Warn("media: look up file", "message_id", res.msg.ID, "media_id", res.ref.ID, "err", err)
		if pe, ok := providers.AsError(err); ok && pe.Kind == providers.ErrorKindNotFound {
			return fail(http.StatusNotFound, goneText)
		}
		return fail(http.StatusBadGateway, "WhatsApp did not hand over this file. "+plainError(ctx, err))
	}
	if size := res.info.FileSize; size > 0 && size != res.msg.MediaSize {
		if err := s.db.SetMessageMediaSize(ctx, res.msg.ID, size); err != nil {
			s.log.Error("media: record size", "message_id", res.msg.ID, "err", err)
		}
	}
	if limit := mediaLimits[res.ref.Kind]; limit > 0 && res.info.FileSize > limit {
		return fail(http.StatusRequestEntityTooLarge, tooLargeText(res.ref.Kind, res.info.FileSize, limit))
	}
	return res, true
}

// goneText says that a file expired at the provider before wadesk kept it.
const goneText = "The provider no longer has this file. Files are kept there for a limited time; ask the customer to send it again."

func tooLargeText(kind string, size, limit int64) string {
	return fmt.Sprintf("This %s is %s, but WhatsApp allows at most %s for %s, so wadesk does not download it.",
		kindNoun(kind), humanSize(size), humanLimit(limit), aKind(kind))
}

func kindNoun(kind string) string {
	switch kind {
	case "":
		return "file"
	case "audio":
		return "audio file"
	}
	return kind
}

// aKind is the kind with its article: "an image", "a video".
func aKind(kind string) string {
	n := kindNoun(kind)
	if strings.ContainsRune("aeiou", rune(n[0])) {
		return "an " + n
	}
	return "a " + n
}

// humanLimit writes a limit the way WhatsApp documents it (binary units).
func humanLimit(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n>>10, 10) + " KB"
}

// inboxMediaShow streams a message's file from the provider to the
// browser, for a signed-in user who may see the conversation. Images,
// stickers, audio and video are shown inline; documents and anything of
// an unexpected type are downloaded. Nothing the file holds can run in
// wadesk's origin: it is served sandboxed and never content-sniffed.
func (s *Server) inboxMediaShow(w http.ResponseWriter, r *http.Request) {
	res, ok := s.resolveMedia(w, r)
	if !ok {
		return
	}
	c, m, ref, info := res.conv, res.msg, res.ref, res.info
	if res.problem != nil {
		s.mediaError(w, r, c.ID, *res.problem)
		return
	}
	if res.kept != nil {
		s.serveKept(w, r, res)
		return
	}
	limit := mediaLimits[ref.Kind]
	if limit == 0 {
		limit = mediaLimits[string(providers.KindDocument)]
	}
	if info.FileSize > 0 {
		limit = info.FileSize
	}
	mediaType := ref.MIMEType
	if info.MIMEType != "" {
		mediaType = info.MIMEType
	}
	contentType, inline := servedType(ref.Kind, mediaType)

	h := w.Header()
	cw := &cappedWriter{w: w, limit: limit, start: func() {
		setMediaHeaders(h, ref, m.ID, contentType, inline)
		h.Set("Cache-Control", "private, max-age=86400")
		if info.FileSize > 0 {
			h.Set("Content-Length", strconv.FormatInt(info.FileSize, 10))
		}
		w.WriteHeader(http.StatusOK)
	}}
	_, err := res.store.DownloadMedia(r.Context(), info.URL, cw)
	if err == nil && !cw.started {
		cw.begin() // an empty file
	}
	if err == nil {
		return
	}
	if !cw.started {
		s.log.Warn("media: download", "message_id", m.ID, "media_id", ref.ID, "err", err)
		switch {
		case cw.exceeded && info.FileSize > 0:
			s.mediaError(w, r, c.ID, mediaProblem{http.StatusBadGateway,
				"WhatsApp sent more data than the size of this file, so wadesk stopped the download. Try again later."})
		case cw.exceeded:
			s.mediaError(w, r, c.ID, mediaProblem{http.StatusRequestEntityTooLarge, fmt.Sprintf(
				"This %s is larger than %s, the most WhatsApp allows for %s, so wadesk does not download it.",
				kindNoun(ref.Kind), humanLimit(limit), aKind(ref.Kind))})
		case r.Context().Err() != nil:
		default:
			s.mediaError(w, r, c.ID, mediaProblem{http.StatusBadGateway, "WhatsApp did not hand over this file. " + plainError(r.Context(), err)})
		}
		return
	}
	// Part of the file is on its way: cut the response off so that the
	// browser does not keep a truncated file as if it were whole.
	if r.Context().Err() == nil {
		s.log.Warn("media: download stopped midway", "message_id", m.ID, "media_id", ref.ID, "bytes", cw.n,
			"too_large", cw.exceeded, "err", err)
	}
	panic(http.ErrAbortHandler)
}

// serveKept serves a message's file from wadesk's own store: with its
// type read from the content on arrival, never sniffed, range requests
// for seeking, and cached for long since a blob named by its SHA-256
// never changes.
func (s *Server) serveKept(w http.ResponseWriter, r *http.Request, res resolvedMedia) {
	f, err := s.blobs.Open(r.Context(), res.kept.SHA256)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("media: open kept file of message %d: %w", res.msg.ID, err))
		return
	}
	defer f.Close()
	contentType, inline := servedType(res.ref.Kind, res.kept.ContentType)
	setMediaHeaders(w.Header(), res.ref, res.msg.ID, contentType, inline)
	h := w.Header()
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("ETag", `"`+res.kept.SHA256+`"`)
	http.ServeContent(w, r, "", time.Time{}, f)
}

// setMediaHeaders sets the headers every served file has.
func setMediaHeaders(h http.Header, ref mediaRef, messageID int64, contentType string, inline bool) {
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	disposition := "attachment"
	if inline {
		disposition = "inline"
	}
	if cd := mime.FormatMediaType(disposition, map[string]string{"filename": safeFilename(ref, messageID, contentType)}); cd != "" {
		h.Set("Content-Disposition", cd)
	} else {
		h.Set("Content-Disposition", disposition)
	}
}

func (s *Server) mediaError(w http.ResponseWriter, r *http.Request, conversationID int64, p mediaProblem) {
	title := i18n.T(r.Context(), "errors.media.cannot_show")
	if p.status == http.StatusRequestEntityTooLarge {
		title = i18n.T(r.Context(), "errors.media.too_large")
	}
	s.renderError(w, r, views.ErrorInfo{Status: p.status, Title: title, Message: p.message,
		Back: conversationPath(conversationID), BackLabel: i18n.T(r.Context(), "errors.back_to_conversation")})
}

// servedType is the Content-Type a file is served with and whether it
// may be shown inline: only images, audio and video of the message's own
// kind are (never SVG, which can carry script).
func servedType(kind, mediaType string) (string, bool) {
	mt, params, err := mime.ParseMediaType(mediaType)
	if err != nil || !strings.Contains(mt, "/") {
		return "application/octet-stream", false
	}
	ct := mime.FormatMediaType(mt, params)
	if ct == "" {
		ct = mt
	}
	family, _, _ := strings.Cut(mt, "/")
	switch {
	case kind == "document":
		return ct, false
	case mt == "image/svg+xml":
		return "application/octet-stream", false
	case (kind == "image" || kind == "sticker") && family == "image",
		kind == "audio" && family == "audio",
		kind == "video" && family == "video":
		return ct, true
	}
	// A photo, sound or video that says it is something else: only
	// downloaded, as bytes.
	return "application/octet-stream", false
}

// extensions are the usual file name extensions of WhatsApp's media types.
var extensions = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp",
	"audio/aac": ".aac", "audio/amr": ".amr", "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/ogg": ".ogg",
	"video/mp4": ".mp4", "video/3gpp": ".3gp",
	"application/pdf": ".pdf", "text/plain": ".txt", "application/octet-stream": "",
}

func extensionOf(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	if ext, ok := extensions[mt]; ok {
		return ext
	}
	if exts, _ := mime.ExtensionsByType(mt); len(exts) > 0 {
		return exts[0]
	}
	return ""
}

// safeFilename is the name a file is saved under: the document's own name
// without any path, control or quoting characters, else one made up from
// the kind and the type.
func safeFilename(ref mediaRef, messageID int64, contentType string) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), r == '"', r == '\\', r == '/', r == ':', r == '*', r == '?', r == '<', r == '>', r == '|':
			return '_'
		}
		return r
	}, path.Base(strings.ReplaceAll(ref.Filename, "\\", "/")))
	name = strings.Trim(strings.TrimSpace(name), ".")
	if r := []rune(name); len(r) > 150 {
		ext := path.Ext(name)
		if len([]rune(ext)) > 20 {
			ext = ""
		}
		name = string(r[:150-len([]rune(ext))]) + ext
	}
	if name != "" && name != "_" {
		return name
	}
	prefix := ref.Kind
	if prefix == "" {
		prefix = "file"
	}
	return prefix + "-" + strconv.FormatInt(messageID, 10) + extensionOf(contentType)
}

// cappedWriter passes a download on to the response, writing the headers
// on the first byte and refusing more than limit bytes.
type cappedWriter struct {
	w        http.ResponseWriter
	limit    int64
	start    func()
	started  bool
	n        int64
	exceeded bool
}

var errMediaTooLarge = errors.New("media: file larger than allowed")

func (c *cappedWriter) begin() {
	if !c.started {
		c.started = true
		c.start()
	}
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	if c.n+int64(len(p)) > c.limit {
		c.exceeded = true
		return 0, errMediaTooLarge
	}
	c.begin()
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
