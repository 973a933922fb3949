package handlers

import (
	"net/http"
	"time"

	"github.com/wadesk/wadesk/media"
	"github.com/wadesk/wadesk/store"
)

// inboxMediaThumb serves the thumbnail of a kept image, which the thread
// shows instead of the whole photo (the link around it opens the photo).
// An image without a thumbnail (not made yet, or one that could not be
// decoded within the limits) is redirected to the image itself, so that
// the browser does not cache the whole photo under the thumbnail's
// address.
func (s *Server) inboxMediaThumb(w http.ResponseWriter, r *http.Request) {
	res, ok := s.resolveMedia(w, r)
	if !ok {
		return
	}
	if res.problem != nil {
		s.mediaError(w, r, res.conv.ID, *res.problem)
		return
	}
	var f media.Blob
	var err error
	if res.kept != nil && res.kept.ThumbState == store.ThumbMade && res.kept.ThumbSHA256 != "" {
		f, err = s.blobs.Open(r.Context(), res.kept.ThumbSHA256)
	}
	if f == nil || err != nil {
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, mediaURL(res.conv.ID, res.msg.ID), http.StatusFound)
		return
	}
	defer f.Close()
	contentType := res.kept.ContentType
	if res.kept.ThumbSHA256 != res.kept.SHA256 {
		// Thumbnails are JPEG, or PNG when the photo has transparency.
		contentType = "image/jpeg"
		var head [8]byte
		if _, err := f.Read(head[:]); err == nil && string(head[1:4]) == "PNG" {
			contentType = "image/png"
		}
		if _, err := f.Seek(0, 0); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	ct, inline := servedType(res.ref.Kind, contentType)
	setMediaHeaders(w.Header(), res.ref, res.msg.ID, ct, inline)
	h := w.Header()
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("ETag", `"`+res.kept.ThumbSHA256+`"`)
	http.ServeContent(w, r, "", time.Time{}, f)
}
