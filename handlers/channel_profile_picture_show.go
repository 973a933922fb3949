package handlers

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
)

// channelProfilePictureShow serves the channel's current profile picture.
// The provider's address is on another host, which the pages'
// Content-Security-Policy does not allow, so wadesk fetches it. Only
// JPEG, PNG and WebP bytes are passed on, whatever the other host says.
func (s *Server) channelProfilePictureShow(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	api, err := s.profileClient(r.Context(), ch)
	if err != nil || api.pictures == nil {
		if err != nil && !errors.Is(err, errNoProfile) {
			s.log.Warn("business profile picture: no provider", "channel_id", ch.ID, "err", err)
		}
		http.NotFound(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), profileCallTimeout)
	defer cancel()
	bp, err := api.GetBusinessProfile(ctx, ch.PhoneNumberID)
	if err != nil {
		s.log.Warn("business profile picture: read profile", "channel_id", ch.ID, "err", err)
		http.Error(w, "The provider did not answer.", http.StatusBadGateway)
		return
	}
	if bp.ProfilePictureURL == "" {
		http.NotFound(w, r)
		return
	}
	var buf bytes.Buffer
	if _, err := api.pictures.DownloadProfilePicture(ctx, bp.ProfilePictureURL, &buf); err != nil {
		s.log.Warn("business profile picture: download", "channel_id", ch.ID, "err", err)
		http.Error(w, "The picture could not be fetched from the provider.", http.StatusBadGateway)
		return
	}
	ctype := http.DetectContentType(buf.Bytes())
	switch ctype {
	case "image/jpeg", "image/png", "image/webp":
	default:
		s.log.Warn("business profile picture: not an image", "channel_id", ch.ID, "sniffed", ctype)
		http.Error(w, "The provider's picture is not an image.", http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	// The address carries a version of the provider's URL, so a short
	// private cache is safe.
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Write(buf.Bytes())
}
