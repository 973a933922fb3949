package handlers

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// contactExport downloads everything stored about a contact as a ZIP:
// contact.json (the contact, conversations, messages with the provider's
// JSON, internal notes, orders) and media/ with the files of their
// messages that the provider still has.
func (s *Server) contactExport(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	data, err := s.db.ExportContactData(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{
		"filename": fmt.Sprintf("wadesk-contact-%d-%s.zip", id, time.Now().UTC().Format("20060102"))}))
	h.Set("Cache-Control", "no-store")
	zw := zip.NewWriter(w)
	files := 0
	for ci := range data.Conversations {
		v := &data.Conversations[ci]
		var media providers.MediaStore
		var connectErr error
		for mi := range v.Messages {
			m := &v.Messages[mi]
			ref, ok := mediaRefOf(store.Message{Direction: m.Direction, Type: m.Type, Payload: string(m.Payload)})
			if !ok {
				continue
			}
			if name, kept, err := s.exportKept(ctx, zw, m.ID); kept {
				if err != nil {
					m.MediaFile = "not included: " + err.Error()
					continue
				}
				m.MediaFile = name
				files++
				continue
			}
			if media == nil && connectErr == nil {
				if s.media == nil {
					connectErr = errors.New("this server cannot download files from WhatsApp")
				} else {
					media, connectErr = s.media(ctx, v.ChannelID)
				}
			}
			if connectErr != nil {
				m.MediaFile = "not included: " + plainError(ctx, connectErr)
				continue
			}
			name, err := s.exportMedia(r, zw, media, ref, m.ID)
			if err != nil {
				m.MediaFile = "not included: " + err.Error()
				continue
			}
			m.MediaFile = name
			files++
		}
	}
	doc, err := json.MarshalIndent(struct {
		ExportedAt time.Time `json:"exported_at"`
		store.ContactData
	}{time.Now().UTC(), data}, "", "  ")
	if err == nil {
		var f interface{ Write([]byte) (int, error) }
		if f, err = zw.Create("contact.json"); err == nil {
			_, err = f.Write(doc)
		}
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		// The download has started; the browser sees a broken file.
		s.log.Error("contact export", "contact_id", id, "err", err)
		return
	}
	s.audit(r, auditContactExported, "contact", id, fmt.Sprintf("#%d", id), changes{"files": files})
	s.log.Info("contact exported", "contact_id", id, "files", files, "by", currentUser(ctx).ID)
}

// exportKept writes a message's file from wadesk's own store into the
// archive; kept is false when wadesk does not have it.
func (s *Server) exportKept(ctx context.Context, zw *zip.Writer, messageID int64) (name string, kept bool, err error) {
	if s.blobs == nil {
		return "", false, nil
	}
	kf, err := s.db.MediaFileOf(ctx, messageID)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", true, err
	}
	switch kf.State {
	case store.MediaGone:
		return "", true, errors.New("the provider no longer has this file")
	case store.MediaKept:
	default:
		return "", false, nil
	}
	f, err := s.blobs.Open(ctx, kf.SHA256)
	if err != nil {
		return "", true, fmt.Errorf("the kept file cannot be read: %w", err)
	}
	defer f.Close()
	name = fmt.Sprintf("media/%d%s", messageID, extensionOf(kf.ContentType))
	zf, err := zw.Create(name)
	if err == nil {
		_, err = io.Copy(zf, f)
	}
	if err != nil {
		return "", true, fmt.Errorf("the kept file could not be written: %w", err)
	}
	return name, true, nil
}

// exportMedia writes one message's file into the archive as
// media/<message id>.<ext> and returns that name.
func (s *Server) exportMedia(r *http.Request, zw *zip.Writer, media providers.MediaStore, ref mediaRef, messageID int64) (string, error) {
	ctx := r.Context()
	info, err := media.GetMediaURL(ctx, ref.ID)
	if err != nil {
		if pe, ok := providers.AsError(err); ok && pe.Kind == providers.ErrorKindNotFound {
			return "", errors.New("WhatsApp no longer has this file")
		}
		return "", errors.New(plainError(ctx, err))
	}
	limit := mediaLimits[ref.Kind]
	if limit == 0 {
		limit = mediaLimits[string(providers.KindDocument)]
	}
	if info.FileSize > limit {
		return "", errors.New(tooLargeText(ref.Kind, info.FileSize, limit))
	}
	mediaType := ref.MIMEType
	if info.MIMEType != "" {
		mediaType = info.MIMEType
	}
	ext := ""
	if exts, _ := mime.ExtensionsByType(mediaType); len(exts) > 0 {
		ext = exts[0]
	}
	name := fmt.Sprintf("media/%d%s", messageID, ext)
	f, err := zw.Create(name)
	if err != nil {
		return "", err
	}
	if _, err := media.DownloadMedia(ctx, info.URL, &limitedWriter{w: f, left: limit}); err != nil {
		return "", errors.New("the download failed: " + plainError(ctx, err))
	}
	return name, nil
}

// limitedWriter refuses to write more than left bytes.
type limitedWriter struct {
	w    io.Writer
	left int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, errMediaTooLarge
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	return n, err
}
